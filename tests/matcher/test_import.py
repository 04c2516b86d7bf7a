"""import_catalog with the real encoder into a fresh SQLite store: all-or-nothing, incremental
re-embedding, recorded runs, schema versioning."""
from __future__ import annotations

import sqlite3
import threading

import numpy as np
import pytest

from catalog.csv_import import CsvFormatError
from catalog.sqlite_store import SqliteStore
from catalog.store import SCHEMA_VERSION, ActivityFilter, SchemaError
from catalog.stores import open_store
from matcher.encoder import Encoder
from matcher.index.from_csv import import_catalog
from tests.helpers import CENTRE, write_catalog


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(tmp_path / "catalog.db")
    yield s
    s.close()


def vectors(store) -> dict[str, np.ndarray]:
    return {a.id: a.embedding for a, _ in store.within_radius(*CENTRE, 50)}


def rows_in_db(store) -> dict[str, str]:
    return {r["id"]: r["row"] for r in store.db.execute("SELECT id, row FROM activities")}


def test_first_import_adds_and_embeds_everything(store, encoder, tmp_path, rows6):
    result = import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder)
    assert result.problems == [] and result.rows == 6
    run = result.run
    assert (run.added, run.updated, run.unchanged, run.skipped, run.embedded) == (6, 0, 0, 0, 6)
    assert run.model == encoder.name
    assert store.count() == 6
    stored = vectors(store)
    assert set(stored) == {r["id"] for r in rows6}
    for activity_id, vec in stored.items():
        assert vec.shape == (384,) and vec.dtype == np.float32
        assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4
    # the stored vector is the encoder's passage vector of the activity's text
    a = store.get(rows6[0]["id"])
    expected = encoder.passages([a.text_for_embedding()])[0]
    assert float(np.dot(expected, stored[a.id])) > 0.999


def test_a_bad_row_writes_nothing_to_an_empty_store(store, encoder, tmp_path, rows6):
    rows6[4]["kind"] = "semi"
    result = import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder)
    assert result.run is None
    assert [(p.line, p.column) for p in result.problems] == [(6, "kind")]
    assert store.count() == 0
    assert store.import_runs() == []


def test_a_bad_row_leaves_an_existing_catalog_untouched(store, encoder, tmp_path, rows6):
    path = write_catalog(tmp_path / "c.csv", rows6)
    import_catalog(store, path, encoder)
    before_rows, before_vecs = rows_in_db(store), vectors(store)

    changed = [dict(r) for r in rows6]
    changed[0]["capacity"] = "full"                       # a good change ...
    changed[1]["description"] = "Een heel andere tekst."  # ... and another ...
    changed.append({**rows6[5], "id": "new1"})            # ... a new row ...
    changed[2]["lat"] = "4.0"                             # ... but one bad row spoils the file
    result = import_catalog(store, write_catalog(tmp_path / "c2.csv", changed), encoder)
    assert result.run is None and [p.line for p in result.problems] == [4]
    assert rows_in_db(store) == before_rows
    after_vecs = vectors(store)
    assert set(after_vecs) == set(before_vecs)
    assert all(np.array_equal(after_vecs[k], before_vecs[k]) for k in before_vecs)
    assert len(store.import_runs()) == 1


def test_a_format_error_raises_and_writes_nothing(store, encoder, tmp_path, rows6):
    path = tmp_path / "bad.csv"
    path.write_bytes("id,title\nx,Café\n".encode("cp1252"))
    with pytest.raises(CsvFormatError):
        import_catalog(store, path, encoder)
    assert store.count() == 0


def test_skip_bad_imports_only_the_good_rows(store, encoder, tmp_path, rows6):
    rows6[1]["kind"] = "semi"
    rows6[3]["id"] = rows6[0]["id"]   # duplicate id: the second one is skipped
    result = import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder, skip_bad=True)
    assert sorted((p.line, p.column) for p in result.problems) == [(3, "kind"), (5, "id")]
    run = result.run
    assert (run.added, run.skipped, run.embedded) == (4, 2, 4)
    assert store.count() == 4
    assert store.get(rows6[1]["id"]) is None
    assert store.get(rows6[0]["id"]).title == rows6[0]["title"]  # the first of the duplicates
    assert store.import_runs()[0].skipped == 2


def test_reimport_of_the_same_file_changes_nothing(store, encoder, tmp_path, rows6):
    path = write_catalog(tmp_path / "c.csv", rows6)
    import_catalog(store, path, encoder)
    before_rows, before_vecs = rows_in_db(store), vectors(store)
    run = import_catalog(store, path, encoder).run
    assert (run.added, run.updated, run.unchanged, run.embedded) == (0, 0, 6, 0)
    assert store.count() == 6
    assert rows_in_db(store) == before_rows
    assert all(np.array_equal(vectors(store)[k], v) for k, v in before_vecs.items())
    # one row per activity in the geo index too: a radius query sees no duplicates
    ids = [a.id for a, _ in store.within_radius(*CENTRE, 50)]
    assert len(ids) == len(set(ids)) == 6


def test_changed_description_re_embeds_exactly_that_one(store, encoder, tmp_path, rows6):
    import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder)
    before = vectors(store)
    rows6[2]["description"] = "Samen schilderen met waterverf in het buurthuis, voor beginners."
    run = import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder).run
    assert (run.added, run.updated, run.unchanged, run.embedded) == (0, 1, 5, 1)
    after = vectors(store)
    changed_id = rows6[2]["id"]
    assert not np.array_equal(after[changed_id], before[changed_id])
    assert all(np.array_equal(after[k], before[k]) for k in before if k != changed_id)
    assert store.get(changed_id).description.startswith("Samen schilderen")


def test_changed_capacity_updates_without_re_embedding(store, encoder, tmp_path, rows6):
    import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder)
    before = vectors(store)
    target = rows6[0]["id"]
    rows6[0]["capacity"] = "full" if rows6[0]["capacity"] != "full" else "open"
    rows6[0]["cost_eur_month"] = "7.5"
    run = import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder).run
    assert (run.added, run.updated, run.unchanged, run.embedded) == (0, 1, 5, 0)
    got = store.get(target)
    assert got.capacity == rows6[0]["capacity"] and got.cost_eur_month == 7.5
    assert np.array_equal(vectors(store)[target], before[target])   # the vector was kept
    assert store.list(ActivityFilter(capacity=rows6[0]["capacity"]))[1] >= 1


def test_moved_activity_is_found_at_its_new_place_only(store, encoder, tmp_path, rows6):
    import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder)
    target = rows6[0]["id"]
    before = vectors(store)[target]
    rows6[0]["lat"], rows6[0]["lon"] = "53.2", "6.56"   # to Groningen
    run = import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder).run
    assert (run.updated, run.embedded) == (1, 0)
    assert target not in {a.id for a, _ in store.within_radius(*CENTRE, 20)}
    near_groningen = store.within_radius(53.2, 6.56, 1)
    assert [a.id for a, _ in near_groningen] == [target]
    activity, distance = near_groningen[0]
    assert distance < 0.01
    assert np.array_equal(activity.embedding, before)


def test_new_rows_are_added_and_embedded_alone(store, encoder, tmp_path, rows6):
    import_catalog(store, write_catalog(tmp_path / "c.csv", rows6[:4]), encoder)
    run = import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder).run
    assert (run.added, run.updated, run.unchanged, run.embedded) == (2, 0, 4, 2)
    assert store.count() == 6


def test_another_encoder_name_re_embeds_everything(store, encoder, tmp_path, rows6):
    path = write_catalog(tmp_path / "c.csv", rows6)
    import_catalog(store, path, encoder)
    before = vectors(store)
    other = Encoder(passage_prefix="passage: doc: ")
    assert other.name != encoder.name
    other._model = encoder.model   # the same real model, already loaded: spare a second load
    run = import_catalog(store, path, other).run
    assert (run.added, run.updated, run.unchanged, run.embedded) == (0, 6, 0, 6)
    assert run.model == other.name
    assert {s.model for s in store.embedding_states().values()} == {other.name}
    after = vectors(store)
    assert all(not np.array_equal(after[k], before[k]) for k in before)
    # and back under the first name: everything again, then nothing
    assert import_catalog(store, path, encoder).run.embedded == 6
    assert import_catalog(store, path, encoder).run.embedded == 0


def test_encoder_name_covers_model_and_prefixes():
    a = Encoder()
    assert a.name == "multilingual-e5-small|query: |passage: "
    assert Encoder(query_prefix="q: ").name != a.name
    assert Encoder(passage_prefix="").name != a.name


def test_import_runs_are_recorded_newest_first(store, encoder, tmp_path, rows6):
    path = write_catalog(tmp_path / "c.csv", rows6)
    import_catalog(store, path, encoder)
    rows6[0]["capacity"] = "waitlist"
    import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder)
    runs = store.import_runs()
    assert len(runs) == 2
    newest, first = runs
    assert (first.added, first.embedded) == (6, 6)
    assert (newest.added, newest.updated, newest.unchanged, newest.embedded) == (0, 1, 5, 0)
    assert all(r.source == str(path) and r.model == encoder.name for r in runs)
    assert all(r.finished_at is not None and r.finished_at >= r.started_at for r in runs)
    assert len(store.import_runs(limit=1)) == 1


def test_schema_version_is_set(tmp_path):
    path = tmp_path / "v.db"
    store = SqliteStore(path)
    assert store.schema_version() == SCHEMA_VERSION
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    again = SqliteStore(path)            # opening again migrates nothing and keeps the version
    assert again.migrate() == SCHEMA_VERSION
    again.close()


def test_newer_schema_raises_schema_error(tmp_path):
    path = tmp_path / "future.db"
    SqliteStore(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(SchemaError) as info:
        SqliteStore(path)
    assert f"schema version {SCHEMA_VERSION + 1}" in str(info.value)
    assert "upgrade" in str(info.value)


def test_open_store_urls(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'u.db'}")
    assert isinstance(store, SqliteStore) and store.count() == 0
    store.close()
    with pytest.raises(ValueError, match="unsupported database URL"):
        open_store("mysql://localhost/socialmap")


def test_store_is_usable_from_other_threads(tmp_path, encoder, rows6):
    # The API serves requests from a thread pool: every thread must see the same catalog.
    store = SqliteStore(tmp_path / "t.db")
    import_catalog(store, write_catalog(tmp_path / "c.csv", rows6), encoder)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(store.count()))
    thread.start()
    thread.join()
    assert seen == [6]


def test_in_memory_store_is_refused_with_a_clear_message():
    # Each thread opens its own connection, so ":memory:" would be a different empty database
    # per thread: the store says so instead of failing later with "no such table".
    with pytest.raises(ValueError, match="needs a file"):
        SqliteStore(":memory:")


def test_a_merged_away_listing_does_not_come_back_with_the_next_import(store, encoder, tmp_path, rows6):
    path = write_catalog(tmp_path / "c.csv", rows6)
    import_catalog(store, path, encoder)
    keep, drop = rows6[0]["id"], rows6[1]["id"]
    store.merge(keep, drop, "admin")
    again = import_catalog(store, path, encoder)          # the organisation's file still lists it
    assert store.get(drop) is None and store.count() == 5
    assert again.run.skipped == 1 and again.run.unchanged == 5
    assert again.notes == [f"'{drop}' was merged into '{keep}' and is left out; remove it from the file"]

"""Edits, audit trail, merges and accounts: the same tests against SQLite and PostGIS."""
from __future__ import annotations

import dataclasses
import sqlite3
import threading

import numpy as np
import pytest

from catalog.records import ApiKey, Conflict, NotFound, User, VersionConflict
from catalog.sqlite_store import MIGRATIONS as SQLITE_MIGRATIONS
from catalog.store import SCHEMA_VERSION
from catalog.stores import open_store
from tests.factories import STORE_CENTRE as CENTRE, activities, run


@pytest.fixture
def store(empty_store):
    empty_store.save_import(activities(20), run())
    return empty_store


def edited(store, activity_id: str, **changes):
    current = store.get(activity_id)
    return dataclasses.replace(current, embedding=None, **changes)


def test_update_needs_the_current_version(store):
    assert store.get("t0001").version == 1
    v2 = store.update_activity(edited(store, "t0001", title="Nieuwe titel"), 1, "ann", None)
    assert v2 == 2 and store.get("t0001").title == "Nieuwe titel"
    with pytest.raises(VersionConflict) as stale:
        store.update_activity(edited(store, "t0001", title="Van Bob"), 1, "bob", None)
    assert stale.value.current == 2
    assert store.get("t0001").title == "Nieuwe titel"          # nothing overwritten


def test_an_unchanged_listing_keeps_its_version_and_writes_no_audit(store):
    assert store.update_activity(edited(store, "t0002"), 1, "ann", None) == 1
    assert [e.action for e in store.audit.history("t0002")] == ["import"]


def test_imports_are_in_the_trail_with_what_they_changed(store):
    first = store.audit.history("t0014")
    assert [(e.actor, e.action, e.version, e.changes) for e in first] == [("import:test.csv", "import", 1, {})]
    changed = dataclasses.replace(store.get("t0014"), capacity="full", embedding=None)
    same = dataclasses.replace(store.get("t0015"), embedding=np.ones(4, np.float32))   # a new vector only
    store.save_import([changed, same], run("m2"))
    newest = store.audit.history("t0014")[0]
    assert (newest.action, newest.version) == ("import", 2) and list(newest.changes) == ["capacity"]
    assert len(store.audit.history("t0015")) == 1


def test_update_keeps_the_vector_unless_given_a_new_one(store):
    before = next(a for a, _ in store.within_radius(*CENTRE, 50) if a.id == "t0003").embedding.copy()
    store.update_activity(edited(store, "t0003", contact="nieuw@example.org"), None, "ann", None)
    after = next(a for a, _ in store.within_radius(*CENTRE, 50) if a.id == "t0003")
    assert after.contact == "nieuw@example.org" and np.array_equal(after.embedding, before)
    fresh = dataclasses.replace(store.get("t0003"), title="Andere tekst", embedding=np.ones(4, np.float32))
    store.update_activity(fresh, None, "ann", "m2")
    assert np.array_equal(next(a for a, _ in store.within_radius(*CENTRE, 50) if a.id == "t0003").embedding,
                          np.ones(4, np.float32))
    assert store.embedding_states()["t0003"].model == "m2"


def test_the_audit_trail_says_who_changed_what_and_when(store):
    store.update_activity(edited(store, "t0004", title="Eerst"), 1, "ann", None)
    store.update_activity(edited(store, "t0004", capacity="full"), 2, "key:registratie", None)
    newest, older, imported = store.audit.history("t0004")
    assert imported.action == "import"
    assert (newest.actor, newest.action, newest.version) == ("key:registratie", "update", 3)
    assert list(newest.changes) == ["capacity"] and newest.changes["capacity"][1] == "full"
    assert older.changes["title"] == ["Activiteit 4", "Eerst"] and older.actor == "ann"
    assert older.at <= newest.at and newest.at.endswith("+00:00")
    organisation = store.get("t0004").organisation
    assert [e.activity_id for e in store.audit.trail(organisation.upper())][:2] == ["t0004", "t0004"]


def test_create_refuses_an_existing_id(store):
    new = dataclasses.replace(store.get("t0005"), id="n0001", embedding=np.ones(4, np.float32))
    assert store.create_activity(new, "ann", "m1") == 1
    assert [e.action for e in store.audit.history("n0001")] == ["create"]
    with pytest.raises(Conflict):
        store.create_activity(new, "ann", "m1")
    assert any(a.id == "n0001" for a, _ in store.within_radius(new.lat, new.lon, 0.1))


def test_a_paused_listing_is_kept_but_found_by_no_radius_search(store):
    a = store.get("t0006")
    assert store.set_paused("t0006", True, 1, "ann") == 2
    assert store.get("t0006").paused and store.count() == 20
    assert all(x.id != "t0006" for x, _ in store.within_radius(a.lat, a.lon, 50))
    assert store.set_paused("t0006", True, None, "ann") == 2          # already paused: no change
    store.update_activity(edited(store, "t0006", title="Tijdens de pauze"), 2, "ann", None)
    assert all(x.id != "t0006" for x, _ in store.within_radius(a.lat, a.lon, 50))  # an edit does not resume
    store.save_import([dataclasses.replace(store.get("t0006"), title="Uit het bestand", embedding=None)], run())
    assert all(x.id != "t0006" for x, _ in store.within_radius(a.lat, a.lon, 50))  # nor does an import
    store.set_paused("t0006", False, None, "ann")
    assert any(x.id == "t0006" for x, _ in store.within_radius(a.lat, a.lon, 50))
    assert [e.action for e in store.audit.history("t0006")] == ["resume", "import", "update", "pause", "import"]


def test_delete_removes_the_listing_and_keeps_its_last_contents_in_the_trail(store):
    title = store.get("t0007").title
    with pytest.raises(VersionConflict):
        store.delete_activity("t0007", 5, "ann")
    store.delete_activity("t0007", 1, "ann")
    assert store.get("t0007") is None and store.count() == 19
    assert all(a.id != "t0007" for a, _ in store.within_radius(*CENTRE, 50))
    entry = store.audit.history("t0007")[0]
    assert entry.action == "delete" and entry.version is None and entry.changes["title"] == [title, None]
    with pytest.raises(NotFound):
        store.delete_activity("t0007", None, "ann")


def test_merge_keeps_one_and_its_history_includes_the_other(store):
    store.update_activity(edited(store, "t0009", title="Oude geschiedenis"), None, "ann", None)
    store.merge("t0008", "t0009", "admin")
    assert store.get("t0009") is None and store.get("t0008") is not None
    assert store.merged_into("t0009") == "t0008"
    assert frozenset({"t0008", "t0009"}) in store.decided_pairs()
    assert {(e.activity_id, e.action) for e in store.audit.history("t0008")} == {
        ("t0008", "merge"), ("t0009", "merge"), ("t0009", "update"), ("t0008", "import"), ("t0009", "import")}
    store.merge("t0010", "t0008", "admin")          # a chain: t0010 now carries both histories
    assert {e.activity_id for e in store.audit.history("t0010")} == {"t0008", "t0009", "t0010"}
    with pytest.raises(Conflict):                    # a merged-away id is not reused by accident
        store.create_activity(dataclasses.replace(store.get("t0011"), id="t0009",
                                                  embedding=np.ones(4, np.float32)), "ann", "m1")
    with pytest.raises(NotFound):
        store.merge("t0010", "t0009", "admin")
    with pytest.raises(Conflict):
        store.merge("t0010", "t0010", "admin")


def test_dismissed_pairs_are_remembered_in_either_order(store):
    store.dismiss_pair("t0012", "t0002", "admin")
    store.dismiss_pair("t0002", "t0012", "admin")   # twice is fine
    assert store.decided_pairs() == {frozenset({"t0002", "t0012"})}


def test_accounts_sessions_and_api_keys(store):
    store.accounts.add_user(User("ann", "hash-a", "editor", "Bibliotheek"))
    with pytest.raises(Conflict):
        store.accounts.add_user(User("ann", "hash-b", "coach"))
    assert store.accounts.user("ann").organisation == "Bibliotheek" and store.accounts.user("nobody") is None
    store.accounts.add_session("tok", "ann", "2999-01-01T00:00:00+00:00")
    store.accounts.add_session("old", "ann", "2000-01-01T00:00:00+00:00")
    assert store.accounts.session_user("tok").username == "ann"
    assert store.accounts.session_user("old") is None                 # expired
    store.accounts.end_session("tok")
    assert store.accounts.session_user("tok") is None
    store.accounts.add_session("tok2", "ann", "2999-01-01T00:00:00+00:00")
    assert store.accounts.delete_user("ann") and store.accounts.session_user("tok2") is None
    store.accounts.add_api_key(ApiKey("registratie", "khash", "editor", "Bibliotheek"))
    with pytest.raises(Conflict):
        store.accounts.add_api_key(ApiKey("registratie", "other", "coach"))
    assert store.accounts.api_key("khash").name == "registratie"
    assert store.accounts.revoke_api_key("registratie") and not store.accounts.revoke_api_key("registratie")
    assert store.accounts.api_key("khash") is None and store.accounts.api_keys()[0].revoked


def test_concurrent_editors_one_wins_the_other_gets_a_conflict(store):
    outcomes, barrier = [], threading.Barrier(4)

    def editor(name: str):
        change = edited(store, "t0013", title=f"Titel van {name}")
        barrier.wait()
        try:
            store.update_activity(change, 1, name, None)
            outcomes.append(("won", name))
        except VersionConflict:
            outcomes.append(("conflict", name))

    threads = [threading.Thread(target=editor, args=(f"editor{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [name for result, name in outcomes if result == "won"]
    assert len(winners) == 1 and len(outcomes) == 4
    assert store.get("t0013").title == f"Titel van {winners[0]}" and store.get("t0013").version == 2
    assert len(store.audit.history("t0013")) == 2   # the import, and the one edit that won


def test_a_version_1_sqlite_database_migrates_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(SQLITE_MIGRATIONS[1] + "; PRAGMA user_version = 1;")
    conn.close()
    old = open_store(f"sqlite:///{path}")   # opening migrates
    assert old.schema_version() == SCHEMA_VERSION
    old.save_import(activities(3), run())
    old.set_paused("t0001", True, None, "ann")
    assert old.get("t0001").paused and not old.get("t0002").paused
    old.close()


def test_intake_records_are_stored_once_and_get_their_outcome(store):
    from catalog.records import IntakeRecord
    record = IntakeRecord("i-1", "2026-10", "3701", "Centrum", "75+", "vrouw", ["nl", "tr"], ["dansen", "overig"],
                          True, ["dansen", "overig"])
    other = IntakeRecord("i-2", "2026-11", "3702", "Noord", "18-26", "man", [], ["wandelen"], False, [])
    assert store.intakes.add([record, other]) == 2
    assert store.intakes.add([record]) == 0                  # a re-imported file adds nothing twice
    store.intakes.set_outcome("i-1", "tailored_offer", None, "2026-11")
    first, second = store.intakes.all()
    assert first == IntakeRecord(**{**vars(record), "outcome": "tailored_offer", "outcome_month": "2026-11"})
    assert second == other
    with pytest.raises(NotFound):
        store.intakes.set_outcome("i-9", "nothing", None, "2026-11")


def test_the_postcode_table_lists_its_places(store):
    from catalog.store import Postcode
    store.save_postcodes([Postcode("3701 AA", 52.1, 5.2, "Centrum", "Zeist"), Postcode("3702 AB", 52.0, 5.3)])
    assert store.postcodes() == [("3701 AA", 52.1, 5.2, "Centrum"), ("3702 AB", 52.0, 5.3, None)]


def test_both_stores_have_the_same_schema_versions_by_construction():
    from catalog.migrations import DIALECTS, TEXTS, migrations
    assert sorted(TEXTS) == list(range(1, SCHEMA_VERSION + 1))
    assert DIALECTS["sqlite"].keys() == DIALECTS["postgis"].keys()   # every difference named for both
    for dialect in DIALECTS:
        rendered = migrations(dialect)
        assert sorted(rendered) == sorted(TEXTS) and not any("{" in text for text in rendered.values())

"""A re-import never silently undoes an editor's work (catalog/kept_edits.py): the edited field is
kept and reported, unless asked to overwrite; a listing never moves to another organisation unless
asked. On both stores."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from api import cli, cli_support
from catalog.kept_edits import reconcile
from catalog.records import Conflict
from catalog.store import ImportRun
from catalog.stores import open_store
from matcher.index.from_csv import import_catalog
from tests.conftest import empty_store_url
from tests.helpers import write_catalog

OTHER = "Buurthuis De Clomp"


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request, tmp_path):
    return empty_store_url(request.param, request, tmp_path)


@pytest.fixture
def imported(store_url, tmp_path, rows6, encoder):
    """The six rows imported from a file; the store and the file."""
    path = write_catalog(tmp_path / "catalog.csv", rows6)
    store = open_store(store_url)
    assert import_catalog(store, path, encoder).run.added == 6
    yield store, path
    store.close()


def edit(store, activity_id, actor="editor1", **changes):
    current = store.get(activity_id)
    return store.update_activity(dataclasses.replace(current, **changes), current.version, actor, None)


def test_a_reimport_keeps_an_edited_field_and_reports_it(imported, encoder, rows6):
    store, path = imported
    first = rows6[0]["id"]
    edit(store, first, contact="06-12345678")
    result = import_catalog(store, path, encoder)
    assert store.get(first).contact == "06-12345678"
    assert [(c.activity_id, c.field, c.kept, c.file_value) for c in result.conflicts] == [
        (first, "contact", "06-12345678", rows6[0]["contact"])]
    assert result.run.unchanged == 6
    assert [e.action for e in store.audit.history(first)][:1] == ["update"]   # nothing was written over it
    again = import_catalog(store, path, encoder)
    assert len(again.conflicts) == 1   # still reported: the file still disagrees with the edit


def test_overwrite_edits_takes_the_files_value(imported, encoder, rows6):
    store, path = imported
    first = rows6[0]["id"]
    edit(store, first, contact="06-12345678")
    result = import_catalog(store, path, encoder, overwrite_edits=True)
    assert store.get(first).contact == rows6[0]["contact"] and len(result.conflicts) == 1
    assert import_catalog(store, path, encoder).conflicts == []   # after that import, no edit is pending


def test_a_field_the_file_changes_where_the_editor_did_not_is_taken(imported, encoder, rows6, tmp_path):
    store, path = imported
    first = rows6[0]["id"]
    edit(store, first, contact="06-12345678")
    rows = [dict(r) for r in rows6]
    rows[0]["address"] = "Nieuwe Weg 9"
    result = import_catalog(store, write_catalog(tmp_path / "newer.csv", rows), encoder)
    now = store.get(first)
    assert (now.contact, now.address) == ("06-12345678", "Nieuwe Weg 9")
    assert [c.field for c in result.conflicts] == ["contact"]


def test_a_kept_description_keeps_its_own_vector(imported, encoder, rows6):
    store, path = imported
    first = rows6[0]["id"]
    edit(store, first, description="Elke dinsdag wandelen we samen door het bos, in een rustig tempo.")
    import_catalog(store, path, encoder)
    kept = store.get(first)
    assert kept.description.startswith("Elke dinsdag wandelen we samen door het bos")
    expected = encoder.passages([kept.text_for_embedding()])[0]
    vector = next(a for a in store.activities() if a.id == first).embedding
    assert float(vector @ expected) > 0.999   # the vector is of the kept text, not the file's


def test_a_confirmation_in_the_page_is_not_undone_by_an_older_file(imported, encoder, rows6):
    store, path = imported
    first = rows6[0]["id"]
    edit(store, first, last_verified=dt.date.today())
    result = import_catalog(store, path, encoder)
    assert store.get(first).last_verified == dt.date.today() and result.conflicts == []


def test_a_listing_never_moves_to_another_organisation_unless_asked(imported, encoder, rows6, tmp_path):
    store, path = imported
    first = rows6[0]["id"]
    # Deleted by its owner, then created again (same id) by another organisation's editor.
    current = store.get(first)
    store.delete_activity(first, current.version, "editor1")
    store.create_activity(dataclasses.replace(current, organisation=OTHER), "other-editor", encoder.name)
    result = import_catalog(store, path, encoder)
    assert store.get(first).organisation == OTHER
    assert any(f"'{first}' belongs to {OTHER}" in n and "--move-organisations" in n for n in result.notes)
    assert result.run.skipped == 1
    moved = import_catalog(store, path, encoder, move_organisations=True, overwrite_edits=True)
    assert store.get(first).organisation == rows6[0]["organisation"] and moved.notes == []


def test_an_edit_while_the_file_is_read_stops_the_import(imported, encoder, rows6):
    store, path = imported
    first = rows6[0]["id"]
    settled = reconcile(store, store.activities())
    edit(store, first, contact="06-99999999")    # between the decisions and the write
    before = [store.get(r["id"]) for r in rows6]
    with pytest.raises(Conflict, match="changed while the file was being imported"):
        store.save_import(settled.activities, ImportRun(source="x", model=encoder.name), settled.versions)
    assert [store.get(r["id"]) for r in rows6] == before


def test_the_cli_reports_kept_edits_and_takes_the_flags(store_url, tmp_path, rows6, encoder, monkeypatch, capsys):
    monkeypatch.setattr(cli_support, "encoder", lambda settings: encoder)
    path = write_catalog(tmp_path / "catalog.csv", rows6)
    assert cli.main(["--db", store_url, "import", str(path), "--quiet"]) == 0
    store = open_store(store_url)
    edit(store, rows6[0]["id"], contact="06-12345678")
    store.close()
    capsys.readouterr()
    assert cli.main(["--db", store_url, "import", str(path), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert f"'{rows6[0]['id']}': contact was changed in the catalog after the last import; kept '06-12345678'" in err
    assert "--overwrite-edits" in err
    assert cli.main(["--db", store_url, "import", str(path), "--quiet", "--overwrite-edits"]) == 0
    store = open_store(store_url)
    assert store.get(rows6[0]["id"]).contact == rows6[0]["contact"]
    store.close()

"""`socialmap hsds-export` and `socialmap hsds-import` (api/hsds_cli.py) and import_hsds, in-process
with a temporary SQLite store; the session encoder stands in for the one the commands would load."""
from __future__ import annotations

import argparse
import csv
import json

import pytest

from api import cli_support, hsds_cli
from catalog.config import Settings
from catalog.hsds.export import export_datapackage
from catalog.hsds.tabular import DatapackageError
from catalog.postcode_import import read_postcode_csv
from catalog.sqlite_store import SqliteStore
from catalog.store import ImportRun
from catalog.validation import validate_row
from matcher.index.from_hsds import import_hsds
from tests import hsds_checks
from tests.helpers import DEMO_POSTCODES, ROOT

EXAMPLE = ROOT / "tests" / "fixtures" / "hsds_example"


@pytest.fixture(autouse=True)
def session_encoder(monkeypatch, encoder):
    monkeypatch.setattr(cli_support, "encoder", lambda settings: encoder)


def run(argv: list[str]) -> int:
    """The commands as api/cli.py registers them: the global --db, then the sub-command."""
    parser = argparse.ArgumentParser(prog="socialmap")
    parser.add_argument("--db")
    hsds_cli.add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    args.settings = Settings.from_environment()   # as api/cli.py reads them, once
    return args.func(args)


def store_with(tmp_path, name: str, activities=(), postcodes: bool = True) -> SqliteStore:
    store = SqliteStore(tmp_path / name)
    if activities:
        store.save_import(list(activities), ImportRun(source="test", model="none"))
    if postcodes:
        store.save_postcodes(read_postcode_csv(DEMO_POSTCODES)[0])
    return store


def test_export_then_import_through_the_commands(tmp_path, rows6, capsys):
    activities = [validate_row(r) for r in rows6]
    store_with(tmp_path, "source.db", activities).close()
    out = tmp_path / "hsds"
    assert run(["--db", f"sqlite:///{tmp_path / 'source.db'}", "hsds-export", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"exported 6 activities as HSDS 3.1 datapackage to {out / 'datapackage.json'}\n"
    assert hsds_checks.datapackage_errors(out) == []
    assert {r["city"] for r in csv.DictReader(open(out / "addresses.csv", encoding="utf-8"))} == {"Zeist"}

    target = f"sqlite:///{tmp_path / 'target.db'}"
    assert run(["--db", target, "hsds-import", str(out), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == (f"{out}: 6 service(s), 6 became activities, 0 not imported; 6 added, 0 updated, "
                            "0 unchanged, 6 embedded; catalog holds 6\n")
    assert captured.err == ""
    store = SqliteStore(tmp_path / "target.db")
    assert [store.get(a.id) for a in activities] == activities
    store.close()
    assert run(["--db", target, "hsds-import", str(out), "--quiet"]) == 0
    assert "0 added, 0 updated, 6 unchanged, 0 embedded; catalog holds 6" in capsys.readouterr().out


def test_export_as_json(tmp_path, rows6, capsys):
    store_with(tmp_path, "source.db", [validate_row(r) for r in rows6]).close()
    out = tmp_path / "services.json"
    assert run(["--db", f"sqlite:///{tmp_path / 'source.db'}", "hsds-export", "--format", "json", "--out", str(out)]) == 0
    services = json.loads(out.read_text(encoding="utf-8"))
    assert [s["name"] for s in services] == [r["title"] for r in rows6]
    assert all(hsds_checks.json_errors(s, hsds_checks.service_schema()) == [] for s in services)


def test_the_example_is_reported_and_nothing_written_unless_skip_bad(tmp_path, capsys):
    target = f"sqlite:///{tmp_path / 'target.db'}"
    assert run(["--db", target, "hsds-import", str(EXAMPLE), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert ("service ac148810-d857-441c-9679-408f346de14b 'Community Counselling': not imported: "
            "categories (from attributes with taxonomy terms): is empty") in captured.err
    assert captured.err.endswith("nothing imported: 1 service(s) could not be imported; fix them, "
                                 "or pass --skip-bad to import the others\n")
    assert SqliteStore(tmp_path / "target.db").count() == 0
    assert run(["--db", target, "hsds-import", str(EXAMPLE), "--skip-bad", "--quiet"]) == 0
    assert capsys.readouterr().out.endswith("1 service(s), 0 became activities, 1 not imported; 0 added, "
                                            "0 updated, 0 unchanged, 0 embedded; catalog holds 0\n")


def test_a_folder_that_is_no_datapackage_is_a_clear_error(tmp_path):
    # api/cli.py prints a ValueError as one line, 'socialmap: ...', and exits with 2.
    with pytest.raises(DatapackageError, match="no datapackage.json; an HSDS tabular datapackage is a folder"):
        run(["--db", f"sqlite:///{tmp_path / 'target.db'}", "hsds-import", str(tmp_path)])


def test_import_hsds_places_services_without_coordinates_by_postcode(tmp_path, rows6, encoder):
    activities = [validate_row(r) for r in rows6]
    out = tmp_path / "hsds"
    export_datapackage(activities, out)
    with open(out / "locations.csv", encoding="utf-8", newline="") as f:
        locations = list(csv.DictReader(f))
    with open(out / "locations.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(locations[0]))
        writer.writeheader()
        writer.writerows({**row, "latitude": "", "longitude": ""} for row in locations)
    store = store_with(tmp_path, "target.db")
    result = import_hsds(store, out, encoder)
    assert (result.run.added, result.run.skipped, result.report.skipped) == (6, 0, [])
    for activity in activities:
        centre = store.postcode(activity.postcode)
        assert (store.get(activity.id).lat, store.get(activity.id).lon) == (centre.lat, centre.lon)
    assert "no coordinates: those of postcode 3701 DT from the postcode table used" in "\n".join(result.report.lines())

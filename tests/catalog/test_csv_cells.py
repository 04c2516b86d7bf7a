"""No CSV the project writes runs a spreadsheet formula (CSV injection): the API downloads, the CLI
files, the intake records and the HSDS tabular export all go through catalog/csv_cells.py."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient

from analysis.intakes import read_intakes_csv, write_intakes_csv
from api import cli
from tests.factories import make_app
from catalog.csv_cells import cell, unescape
from catalog.hsds.export import export_datapackage
from catalog.sqlite_store import SqliteStore
from catalog.store import ImportRun, Postcode
from catalog.validation import validate_row
from matcher.index.from_hsds import import_hsds
from tests.conftest import add_user, login
from tests.factories import intake

FORMULAS = ["=2+5", "=HYPERLINK(\"http://example.org\",\"klik\")", "@SUM(A1:A9)", "+31 30 123 4567", "-2+3",
            "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_is_quoted_and_read_back(text):
    assert cell(text) == "'" + text and unescape(cell(text)) == text


def test_numbers_dates_and_plain_text_stay_as_they_are():
    assert [cell(v) for v in (-3.5, 4.0, -2, True, None, dt.date(2026, 1, 5), "Wandelen", "'quoted")] == \
        ["-3.5", "4.0", "-2", "true", "", "2026-01-05", "Wandelen", "'quoted"]
    assert unescape("'quoted") == "'quoted"


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def assert_no_formula(text: str) -> None:
    bad = [c for c in cells(text) if c.startswith(("=", "+", "@", "\t", "\r")) or
           (c.startswith("-") and not _number(c))]
    assert not bad, bad


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def stale_formula_listing(rows6) -> list:
    activities = [validate_row(r) for r in rows6]
    old = dt.date(2020, 1, 1)
    return [dataclasses.replace(a, title=FORMULAS[i % len(FORMULAS)], contact="=HYPERLINK(\"x\")",
                                organisation="@Welzijn" if i == 0 else a.organisation, last_verified=old)
            for i, a in enumerate(activities)]


def test_cli_stale_csv_quotes_formulas(tmp_path, rows6, capsys):
    store = SqliteStore(tmp_path / "s.db")
    store.save_import(stale_formula_listing(rows6), ImportRun(source="test", model="none"))
    store.close()
    out = tmp_path / "stale.csv"
    assert cli.main(["--db", f"sqlite:///{tmp_path / 's.db'}", "stale", "--csv", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "'=2+5" in text and "'=HYPERLINK" in text and "'@Welzijn" in text
    assert_no_formula(text)


def test_api_csv_downloads_quote_formulas(editable_store, encoder, rows6):
    editable_store.save_import(editable_store.activities() + stale_formula_listing(rows6)[:1],
                               ImportRun(source="test", model=encoder.name))
    # A wijk name from an imported postcode table, and intake records in it.
    editable_store.save_postcodes([Postcode("3701 ZZ", 52.09, 5.23, "=HYPERLINK(\"x\")")])
    editable_store.intakes.add([intake("=HYPERLINK(\"x\")", ["dansen"], True)])
    for name, role in (("analyst1", "analyst"), ("admin1", "admin")):
        add_user(editable_store, name, role)
    with TestClient(make_app(editable_store, encoder), raise_server_exceptions=False) as c:
        admin = login(c, "admin1")
        analyst = login(c, "analyst1")
        for path, who in (("/stale.csv", admin), ("/gaps.csv?all=true", analyst), ("/coverage.csv", analyst)):
            r = c.get(path, headers=who)
            assert r.status_code == 200, (path, r.text)
            assert "'=HYPERLINK" in r.text or path == "/gaps.csv?all=true", (path, r.text[:500])
            assert_no_formula(r.text)


def test_intake_records_keep_a_formula_like_wijk_through_their_csv(tmp_path):
    records = [intake("=1+1", ["dansen"], True)]
    write_intakes_csv(records, tmp_path / "i.csv")
    assert_no_formula((tmp_path / "i.csv").read_text(encoding="utf-8"))
    assert read_intakes_csv(tmp_path / "i.csv") == records


def test_hsds_export_quotes_formulas_and_import_reads_them_back(tmp_path, rows6, encoder):
    activities = stale_formula_listing(rows6)
    out = tmp_path / "hsds"
    export_datapackage(activities, out)
    for table in out.glob("*.csv"):
        assert_no_formula(table.read_text(encoding="utf-8"))
    store = SqliteStore(tmp_path / "target.db")
    import_hsds(store, out, encoder)
    assert [store.get(a.id).title for a in activities] == [a.title.strip() for a in activities]  # import trims
    store.close()

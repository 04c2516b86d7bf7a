"""The `socialmap` command, in-process (the session encoder stands in for the one cli would load)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from api import cli, cli_support
from catalog.sqlite_store import SqliteStore
from tests.helpers import ROOT, write_catalog


@pytest.fixture(autouse=True)
def session_encoder(monkeypatch, encoder):
    monkeypatch.setattr(cli_support, "encoder", lambda settings: encoder)


def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def count(tmp_path) -> int:
    store = SqliteStore(tmp_path / "cli.db")
    try:
        return store.count()
    finally:
        store.close()


def test_import_of_a_bad_file_reports_every_line_and_writes_nothing(tmp_path, rows6, capsys):
    rows6[1]["kind"] = "semi"
    rows6[4]["lat"] = "5.2"
    path = write_catalog(tmp_path / "bad.csv", rows6)
    code = cli.main(["--db", db_url(tmp_path), "import", str(path), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"{path}: line 3, column 'kind': 'semi' is not allowed" in err
    assert f"{path}: line 6, column 'lat': 5.2 lies outside the Netherlands" in err
    assert "nothing imported: 2 problem(s)" in err and "--skip-bad" in err
    assert "Traceback" not in err
    assert out == ""
    assert count(tmp_path) == 0


def test_import_skip_bad_and_reimport(tmp_path, rows6, capsys):
    rows6[1]["kind"] = "semi"
    path = write_catalog(tmp_path / "c.csv", rows6)
    assert cli.main(["--db", db_url(tmp_path), "import", str(path), "--skip-bad", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "5 added" in out and "1 rows left out" in out and "5 embedded" in out and "holds 5" in out
    assert "line 3, column 'kind'" in err
    assert cli.main(["--db", db_url(tmp_path), "import", str(path), "--skip-bad", "--quiet"]) == 0
    out, _ = capsys.readouterr()
    assert "0 added" in out and "5 unchanged" in out and "0 embedded" in out
    assert count(tmp_path) == 5


def test_import_of_a_non_utf8_file_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,title\nx,Caf\xe9\n".encode("latin-1"))
    assert cli.main(["--db", db_url(tmp_path), "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("socialmap: ") and "UTF-8" in err and "Traceback" not in err


def test_import_of_a_missing_file(tmp_path, capsys):
    assert cli.main(["--db", db_url(tmp_path), "import", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_import_postcodes(tmp_path, capsys):
    path = tmp_path / "pc.csv"
    path.write_text("postcode,lat,lon\n3701 AA,52.09,5.23\n3701AB,52.1,5.24\n", encoding="utf-8")
    assert cli.main(["--db", db_url(tmp_path), "import-postcodes", str(path)]) == 0
    assert "imported 2 postcodes" in capsys.readouterr().out
    path.write_text("postcode,lat,lon\n3701 AA,52.09,5.23\nxx,52.1,5.24\n", encoding="utf-8")
    assert cli.main(["--db", db_url(tmp_path), "import-postcodes", str(path)]) == 1
    assert "line 3, column 'postcode'" in capsys.readouterr().err


CASES = [
    {"id": "c01", "narrative": "Meneer wandelde vroeger veel en wil weer naar buiten.",
     "interests": "wandelen, natuur", "age": 74, "gender": "male", "languages": ["nl"], "culture": None,
     "postcode": "3701 DT", "lat": 52.0885, "lon": 5.2326, "max_distance_km": 2.5,
     "availability": ["ma", "di", "do"], "budget_eur_month": 10, "needs_wheelchair_access": False},
    {"id": "c02", "narrative": "Mevrouw spreekt Turks en kookt graag.", "interests": "koken, naaien",
     "age": 48, "gender": "female", "languages": ["tr"], "culture": "Turks", "postcode": None,
     "lat": 52.085, "lon": 5.225, "max_distance_km": 3, "availability": [], "budget_eur_month": None,
     "needs_wheelchair_access": False},
    {"id": "c03", "narrative": "Wil zweefvliegen leren.", "interests": "zweefvliegen", "age": 30,
     "gender": None, "languages": ["nl", "en"], "culture": None, "postcode": None, "lat": 52.16,
     "lon": 5.30, "max_distance_km": 0.5, "availability": ["za"], "budget_eur_month": 0,
     "needs_wheelchair_access": True},
]


def write_cases(path, cases, extra_lines=()):
    path.write_text("".join(json.dumps(c) + "\n" for c in cases) + "".join(extra_lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory, demo_rows):
    return write_catalog(tmp_path_factory.mktemp("batch") / "catalog.csv", demo_rows[:60])


@pytest.fixture(scope="module")
def batch_db(tmp_path_factory, small_catalog, encoder):
    """A store that already holds the small catalog: match-batch --db re-imports it unchanged,
    without embedding it again."""
    from matcher.index.from_csv import import_catalog
    path = tmp_path_factory.mktemp("batchdb") / "batch.db"
    store = SqliteStore(path)
    assert import_catalog(store, small_catalog, encoder).run.embedded == 60
    store.close()
    return f"sqlite:///{path}"


def test_match_batch_writes_one_line_per_case(tmp_path, small_catalog, demo_rows, capsys):
    cases = write_cases(tmp_path / "cases.jsonl", CASES)
    out_path = tmp_path / "results.jsonl"
    code = cli.main(["match-batch", "--catalog", str(small_catalog), "--cases", str(cases),
                     "--out", str(out_path), "--quiet"])
    assert code == 0
    assert "wrote 3 results" in capsys.readouterr().out
    lines = out_path.read_text(encoding="utf-8").splitlines()
    results = [json.loads(line) for line in lines]
    assert [r["id"] for r in results] == ["c01", "c02", "c03"]
    known = {r["id"] for r in demo_rows[:60]}
    for r in results:
        assert set(r) == {"id", "ranking", "tailored_needed"}
        assert isinstance(r["ranking"], list) and len(r["ranking"]) <= 20
        assert len(set(r["ranking"])) == len(r["ranking"]) and set(r["ranking"]) <= known
        assert isinstance(r["tailored_needed"], bool)
    assert len(results[0]["ranking"]) == 20         # plenty within 2.5 km of the centre
    assert results[2]["ranking"] == [] and results[2]["tailored_needed"] is True
    assert results[0]["tailored_needed"] is False
    assert count(tmp_path) == 0  # no --db: a temporary store, nothing left behind here


def test_match_batch_limit(tmp_path, small_catalog, batch_db):
    cases = write_cases(tmp_path / "cases.jsonl", CASES[:1])
    out_path = tmp_path / "results.jsonl"
    assert cli.main(["--db", batch_db, "match-batch", "--catalog", str(small_catalog), "--cases", str(cases),
                     "--out", str(out_path), "--limit", "5", "--quiet"]) == 0
    assert len(json.loads(out_path.read_text())["ranking"]) == 5
    with pytest.raises(SystemExit) as info:
        cli.main(["match-batch", "--catalog", "x", "--cases", "y", "--out", "z", "--limit", "21"])
    assert info.value.code == 2


def test_match_batch_case_with_a_bad_profile_is_reported_and_kept(tmp_path, small_catalog, batch_db, capsys):
    bad = dict(CASES[0], id="c09", availability=["someday"])
    cases = write_cases(tmp_path / "cases.jsonl", [CASES[0], bad])
    out_path = tmp_path / "results.jsonl"
    assert cli.main(["--db", batch_db, "match-batch", "--catalog", str(small_catalog), "--cases", str(cases),
                     "--out", str(out_path), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "line 2 (case c09)" in err and "availability" in err
    assert "1 cases could not be matched" in out
    results = [json.loads(x) for x in out_path.read_text().splitlines()]
    assert results[1] == {"id": "c09", "ranking": [], "tailored_needed": True}


def test_match_batch_non_json_line_is_a_clear_error_in_process(tmp_path, small_catalog):
    cases = write_cases(tmp_path / "cases.jsonl", CASES[:2], ["{this is not json\n"])
    out_path = tmp_path / "results.jsonl"
    with pytest.raises(SystemExit) as info:
        cli.main(["match-batch", "--catalog", str(small_catalog), "--cases", str(cases), "--out", str(out_path)])
    assert info.value.code not in (0, None)
    assert "line 3" in str(info.value.code) and "not JSON" in str(info.value.code)
    assert not out_path.exists()


def test_match_batch_non_json_line_exits_non_zero_without_traceback(tmp_path, small_catalog):
    # A real process: the exit code and stderr as a shell sees them (the cases are read before
    # any model is loaded, so this is quick).
    cases = write_cases(tmp_path / "cases.jsonl", CASES[:1], ["[1, 2, 3]\n"])
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", "match-batch", "--catalog", str(small_catalog),
         "--cases", str(cases), "--out", str(tmp_path / "out.jsonl")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "line 2" in proc.stderr and "expected a JSON object" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_match_batch_with_a_bad_catalog(tmp_path, demo_rows, capsys):
    rows = [dict(r) for r in demo_rows[:5]]
    rows[2]["capacity"] = "vol"
    catalog = write_catalog(tmp_path / "catalog.csv", rows)
    cases = write_cases(tmp_path / "cases.jsonl", CASES[:1])
    assert cli.main(["match-batch", "--catalog", str(catalog), "--cases", str(cases),
                     "--out", str(tmp_path / "o.jsonl"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "line 4, column 'capacity'" in err and "--skip-bad" in err


def test_migrate(tmp_path, capsys):
    assert cli.main(["--db", db_url(tmp_path), "migrate"]) == 0
    from catalog.store import SCHEMA_VERSION
    assert f"schema version {SCHEMA_VERSION}" in capsys.readouterr().out


def test_demo_loads_catalog_postcodes_intakes_and_accounts_and_runs_again(tmp_path, encoder, monkeypatch, capsys):
    """The README's main job runs `socialmap demo --accounts` on every start: it must work twice."""
    monkeypatch.setattr(cli_support, "encoder", lambda settings: encoder)
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    assert cli.main(["--db", db, "demo", "--accounts", "--quiet"]) == 0
    first = capsys.readouterr().out
    assert "imported" in first and "demo accounts" in first and "intake records" in first
    assert cli.main(["--db", db, "demo", "--accounts", "--quiet"]) == 0
    assert "0 added" in capsys.readouterr().out

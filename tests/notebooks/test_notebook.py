"""The notebooks run top to bottom on the demo data, and show the very figures the API and its CSV
serve (notebooks/gap_analysis.ipynb: the municipality's gap analysis)."""
from __future__ import annotations

import csv
import io
import json

import nbformat
import pytest
from fastapi.testclient import TestClient
from nbclient import NotebookClient

from tests.conftest import add_user, copy_store, login
from tests.helpers import ROOT

NOTEBOOKS = ROOT / "notebooks"
GAP_NOTEBOOK = NOTEBOOKS / "gap_analysis.ipynb"


@pytest.fixture(scope="module")
def gap_store(demo_store, tmp_path_factory):
    """The demo catalog and postcodes with the demo's anonymous intake records, and an analyst."""
    from analysis.intakes import read_intakes_csv
    from api.settings import DEMO_INTAKES

    store = copy_store(demo_store, tmp_path_factory.mktemp("notebook") / "gaps.db")
    assert store.intakes.add(read_intakes_csv(DEMO_INTAKES)) > 0
    add_user(store, "analist", "analyst")
    yield store
    store.close()


@pytest.fixture(scope="module")
def executed(gap_store, tmp_path_factory):
    """The gap notebook executed on gap_store (kernel: the venv's own python3, from ipykernel), and
    the figures it wrote."""
    figures = tmp_path_factory.mktemp("figures") / "figures.json"
    nb = nbformat.read(GAP_NOTEBOOK, as_version=4)
    intakes_before = gap_store.intakes.all()
    with pytest.MonkeyPatch.context() as env:   # the kernel process inherits this environment
        env.setenv("SOCIALMAP_DB", f"sqlite:///{gap_store.path}")
        env.setenv("SOCIALMAP_NOTEBOOK_FIGURES", str(figures))
        env.setenv("JUPYTER_PREFER_ENV_PATH", "1")   # the venv's kernelspec before any user-level one
        env.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    assert gap_store.intakes.all() == intakes_before, "the notebook must only read"
    return nb, json.loads(figures.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def analyst(gap_store, encoder):
    from tests.factories import make_app
    with TestClient(make_app(gap_store, encoder)) as client:
        yield client, login(client, "analist")


def test_every_notebook_is_tested_and_saved_without_outputs():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == [GAP_NOTEBOOK.name], \
        "a new notebook needs a test that executes it"
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.outputs == [] and c.execution_count is None for c in code), f"{path.name}: clear the outputs"


def test_gap_notebook_runs_and_draws_every_chart(executed):
    nb, _ = executed
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    charts = [c for c in nb.cells if "chart" in c.metadata.get("tags", [])]
    assert len(charts) >= 4   # indicator per wijk, per month, coverage heatmap, map
    for cell in charts:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source[:80]


def test_gap_notebook_shows_the_reports(executed, gap_store):
    from analysis.report import coverage_report, gap_report, indicator_report
    from catalog.config import Settings
    _, figures = executed
    settings = Settings.from_environment()
    expected = {"indicator": indicator_report(gap_store, settings), "gaps": gap_report(gap_store, settings),
                "coverage": coverage_report(gap_store, settings)}
    assert figures == json.loads(json.dumps(expected))
    # Nothing to chart would pass the test above and still show nothing: the demo must have figures.
    assert isinstance(figures["indicator"]["overall"]["intakes"], int)
    assert any(r["share"] is not None for r in figures["indicator"]["per_wijk"])
    assert any(r["share"] is not None for r in figures["indicator"]["per_month"])
    assert any(r["tailored"] != 0 for r in figures["gaps"])
    assert any(r["share"] > 0 for r in figures["coverage"])


def test_gap_notebook_agrees_with_the_api_and_its_csv(executed, analyst):
    _, figures = executed
    client, headers = analyst
    assert client.get("/indicator", headers=headers).json() == figures["indicator"]
    assert client.get("/coverage", headers=headers).json()["items"] == figures["coverage"]

    gaps = client.get("/gaps", headers=headers, params={"limit": 5000}).json()
    assert gaps["total"] == len(figures["gaps"]) <= 5000
    assert gaps["items"] == figures["gaps"]

    response = client.get("/gaps.csv", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(figures["gaps"])

    def cell(value) -> str:   # how a JSON value reads in the CSV: "< 5" stays, None is empty
        return "" if value is None else str(value)
    for row, item in zip(rows, figures["gaps"]):
        assert [row[c] for c in ("wijk", "wish", "dimension", "group", "sentence")] == \
            [item[c] for c in ("wijk", "wish", "dimension", "group", "sentence")]
        assert [row["demand"], row["tailored"], row["tailored_share"]] == \
            [cell(item["demand"]), cell(item["tailored"]), cell(item["tailored_share"])]
        assert [row["supply_open"], row["nearest_open_km"]] == \
            [cell(item["supply"]["open"]), cell(item["supply"]["nearest_open_km"])]

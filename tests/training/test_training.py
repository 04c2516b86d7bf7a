"""The judged-set tooling: the metrics agree with the benchmark's own scorer, and smoke runs of the
training command and of the matching benchmark (benchmarks/matching_eval.py) on a tiny judged set
(tests/fixtures/judged_mini: 30 demo listings, 4 cases judged by hand)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.helpers import ROOT
from training.corpus import JudgedSet, training_sets
from training.scoring import score

MINI = ROOT / "tests" / "fixtures" / "judged_mini"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"


def two_municipalities(tmp_path):
    for name in ("noord", "zuid"):
        shutil.copytree(MINI, tmp_path / name)
    return tmp_path


def test_the_metrics_are_those_of_the_benchmarks_scorer(tmp_path):
    if not SCORER.exists():
        pytest.fail(f"{SCORER} is missing: the shared benchmark belongs next to the project")
    s = JudgedSet("mini", MINI)
    results = {"m1": {"ranking": ["z031", "z001", "z016", "z039"], "tailored_needed": False},
               "m2": {"ranking": ["z001", "z014", "z016"], "tailored_needed": True},
               "m3": {"ranking": ["z019"], "tailored_needed": False},
               "m4": {"ranking": ["z001"], "tailored_needed": True}}
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps({"id": k, **v}) + "\n" for k, v in results.items()))
    out = subprocess.run([sys.executable, str(SCORER), "--catalog", str(s.catalog_path), "--cases",
                          str(MINI / "cases.jsonl"), "--labels", str(MINI / "labels.jsonl"), "--results", str(path),
                          "--json"], capture_output=True, text=True, check=True).stdout
    theirs = json.loads(out)
    ours = score(s.catalog_rows(), s.cases(), s.labels(), results)
    for key in ("ndcg@10", "recall@10", "mrr", "violations@5", "tailored_precision", "tailored_recall", "tailored_f1"):
        assert ours[key] == pytest.approx(theirs[key], abs=1e-4), key


def test_a_folder_of_sets_is_read_as_municipalities(tmp_path):
    sets = training_sets(two_municipalities(tmp_path))
    assert [s.name for s in sets] == ["noord", "zuid"] and not any(s.held_out for s in sets)
    assert len(sets[0].cases()) == 4 and sets[0].labels()["m4"]["tailored_needed"] is True


def test_training_runs_and_reports_leave_one_out(tmp_path):
    folder = two_municipalities(tmp_path / "sets")
    out = tmp_path / "weights.json"
    run = subprocess.run([sys.executable, "-m", "training.train", "--sets", str(folder), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "left out noord" in run.stdout and "left out zuid" in run.stdout
    data = json.loads(out.read_text())
    assert set(data["trained_on"]) == {"noord", "zuid"} and set(data["leave_one_out"]) == {"noord", "zuid"}
    from matcher.signals import HAND_WEIGHTS, Model
    model = Model.from_file(out)
    assert set(model.weights) == set(HAND_WEIGHTS)
    assert data["query_adapter"] == "query_adapter.json" and model.adapter is not None   # written beside it
    assert model.adapter.U.shape == (384, 16) and model.adapter.V.shape == (16, 384)


def test_the_matching_benchmark_runs(tmp_path):
    folder = two_municipalities(tmp_path / "sets")
    shutil.rmtree(folder / "zuid")
    run = subprocess.run([sys.executable, "benchmarks/matching_eval.py", "--sets", str(folder), "--no-dev",
                          "--timing-size", "300", "--timing-profiles", "5", "--out-md", str(tmp_path / "t.md")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    table = (tmp_path / "t.md").read_text()
    for row in ("| tfidf |", "| e5 |", "| before (", "| new |", "| without taxonomy |",
                "| without learned weights |", "| without stemmer |", "| without query adapter |", "| new, leave-one-municipality-out |"):
        assert row in table, row
    assert "knowledge layer p50" in table

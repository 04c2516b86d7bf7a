"""Every judged set of the training corpus is whole and consistent: its catalog imports without a
problem, its intakes are valid profiles, its grades name real activities that break no hard
constraint, its verdicts follow from its grades, and ranking by its own grades scores perfectly."""
from __future__ import annotations

import json

import pytest

from catalog.csv_import import read_catalog_csv
from matcher.profile import ClientProfile
from training.corpus import training_sets
from training.scoring import breaks_hard_constraint, score

SETS = training_sets()


def test_the_corpus_has_enough_sets_and_some_are_blind():
    assert len(SETS) >= 4
    blind = [s for s in SETS if "blind" in (s.folder / "NOTES.md").read_text(encoding="utf-8").lower()]
    assert len(blind) >= 4


@pytest.mark.parametrize("judged", SETS, ids=lambda s: s.name)
def test_a_judged_set_is_whole_and_consistent(judged):
    report = read_catalog_csv(judged.catalog_path)
    assert report.problems == [], [str(p) for p in report.problems[:3]]
    catalog, cases, labels = judged.catalog_rows(), judged.cases(), judged.labels()
    assert len(catalog) >= 200 and len(cases) >= 50 and set(labels) == set(cases)
    for cid, case in cases.items():
        ClientProfile.model_validate(case)
        grades = labels[cid]["grades"]
        assert set(grades) <= set(catalog), cid
        assert all(g in (1, 2, 3) for g in grades.values()), cid
        assert not any(breaks_hard_constraint(catalog[a], case) for a in grades), cid
        assert labels[cid]["tailored_needed"] == (not any(g >= 2 for g in grades.values())), cid
    oracle = {cid: {"ranking": sorted(l["grades"], key=lambda a: -l["grades"][a]),
                    "tailored_needed": l["tailored_needed"]} for cid, l in labels.items()}
    result = score(catalog, cases, labels, oracle)
    assert result["ndcg@10"] == 1.0 and result["violations@5"] == 0.0 and result["tailored_f1"] == 1.0
    tailored = sum(l["tailored_needed"] for l in labels.values()) / len(labels)
    assert 0.15 <= tailored <= 0.40   # a blind set's share is what its judging gives (training/BLIND.md)


@pytest.mark.parametrize("judged", SETS, ids=lambda s: s.name)
def test_a_judged_set_has_a_second_judging_of_fifteen_cases(judged):
    path = judged.folder / "second_judge.jsonl"
    second = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(second) >= 15 and {s["id"] for s in second} <= set(judged.cases())

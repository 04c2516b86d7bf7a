"""How far two judges agree: each set's blind second judging (second_judge.jsonl, 15 cases graded
by another author who never saw labels.jsonl) against its labels.

    .venv/bin/python -m training.agreement [--sets DIR]

Per set: the quadratic weighted kappa of the grades over every feasible (activity, case) pair of the
judged cases (an ungraded pair is grade 0), the nDCG@10 of ranking by the second judge's grades
scored against the labels (the level a matcher can hope for), and how often both judges agree on
whether a tailored offer is needed.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from training.corpus import SETS, JudgedSet, training_sets
from training.scoring import breaks_hard_constraint, ndcg_at_10

SECOND = "second_judge.jsonl"


def agreement(s: JudgedSet) -> dict | None:
    path = s.folder / SECOND
    if not path.exists():
        return None
    second = {r["id"]: r for r in (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                                   if line.strip())}
    labels, cases, catalog = s.labels(), s.cases(), s.catalog_rows()
    first_grades, second_grades, ndcgs, same_verdict = [], [], [], 0
    for cid, theirs in second.items():
        case, ours = cases[cid], labels[cid]
        for aid, row in catalog.items():
            if breaks_hard_constraint(row, case):
                continue
            first_grades.append(int(ours["grades"].get(aid, 0)))
            second_grades.append(int(theirs["grades"].get(aid, 0)))
        ranking = sorted(theirs["grades"], key=lambda a: (-theirs["grades"][a], a))
        if ours["grades"]:
            ndcgs.append(ndcg_at_10(ranking, ours["grades"]))
        same_verdict += bool(theirs["tailored_needed"]) == bool(ours["tailored_needed"])
    return {"cases": len(second), "pairs": len(first_grades),
            "weighted_kappa": round(float(cohen_kappa_score(first_grades, second_grades, weights="quadratic")), 3),
            "second_judge_ndcg@10": round(sum(ndcgs) / len(ndcgs), 3) if ndcgs else None,
            "tailored_agreement": round(same_verdict / len(second), 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=str(SETS))
    args = parser.parse_args(argv)
    print("| set | cases | feasible pairs | weighted kappa | second judge nDCG@10 | same tailored verdict |")
    print("|---|---|---|---|---|---|")
    for s in training_sets(Path(args.sets)):
        a = agreement(s)
        if a is None:
            print(f"| {s.name} | no second judging | | | | |")
            continue
        print(f"| {s.name} | {a['cases']} | {a['pairs']} | {a['weighted_kappa']} | {a['second_judge_ndcg@10']} | "
              f"{a['tailored_agreement']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

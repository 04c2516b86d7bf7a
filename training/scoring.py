"""The judged-set metrics, exactly as ../shared/eval/score.py computes them (a test checks that both
agree), for sets that live in this repository and for in-process evaluation."""
from __future__ import annotations

import math

from catalog.geo import haversine_km


def breaks_hard_constraint(activity: dict, case: dict) -> bool:
    if haversine_km(case["lat"], case["lon"], float(activity["lat"]), float(activity["lon"])) > case["max_distance_km"]:
        return True
    age = case.get("age")
    if age is not None:
        if activity["min_age"] and age < int(activity["min_age"]):
            return True
        if activity["max_age"] and age > int(activity["max_age"]):
            return True
    if activity["gender"] in ("female", "male") and case.get("gender") in ("female", "male") \
            and activity["gender"] != case["gender"]:
        return True
    if case.get("needs_wheelchair_access") and activity["wheelchair"] != "yes":
        return True
    return activity["capacity"] == "full"


def _dcg(gains) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_10(ranking: list[str], grades: dict[str, int]) -> float:
    gains = [2 ** grades.get(a, 0) - 1 for a in ranking[:10]]
    ideal = sorted((2 ** g - 1 for g in grades.values()), reverse=True)[:10]
    return _dcg(gains) / _dcg(ideal) if _dcg(ideal) > 0 else 0.0


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def score(catalog: dict[str, dict], cases: dict[str, dict], labels: dict[str, dict],
          results: dict[str, dict]) -> dict:
    """`catalog`: CSV rows by id; `cases`, `labels`, `results`: JSON lines by id."""
    ndcgs, recalls, rrs, top5, violations = [], [], [], 0, 0
    tp = fp = fn = 0
    for cid, label in labels.items():
        result = results.get(cid, {"ranking": [], "tailored_needed": False})
        ranking = list(dict.fromkeys(result.get("ranking", [])))[:20]
        grades = label["grades"]
        if grades:
            ndcgs.append(ndcg_at_10(ranking, grades))
        good = {a for a, g in grades.items() if g >= 2}
        if good:
            recalls.append(len(good & set(ranking[:10])) / len(good))
            rank = next((i + 1 for i, a in enumerate(ranking) if a in good), None)
            rrs.append(1 / rank if rank else 0.0)
        for a in ranking[:5]:
            top5 += 1
            violations += a not in catalog or breaks_hard_constraint(catalog[a], cases[cid])
        flagged, expected = bool(result.get("tailored_needed")), bool(label["tailored_needed"])
        tp += flagged and expected
        fp += flagged and not expected
        fn += expected and not flagged
    mean = lambda xs: round(sum(xs) / len(xs), 4) if xs else None  # noqa: E731
    precision, recall, f = f1(tp, fp, fn)
    return {"cases": len(labels), "missing_results": sum(1 for c in labels if c not in results),
            "ndcg@10": mean(ndcgs), "recall@10": mean(recalls), "mrr": mean(rrs),
            "violations@5": round(violations / top5, 4) if top5 else None,
            "tailored_precision": round(precision, 4), "tailored_recall": round(recall, 4),
            "tailored_f1": round(f, 4)}

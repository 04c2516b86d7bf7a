"""Learn how the matcher combines its signals, from the judged sets in training/sets/.

    .venv/bin/python -m training.train            # writes matcher/weights.json, prints leave-one-out figures
    .venv/bin/python -m training.train --check    # the same, but writes nothing

Four things are learned, all from the corpus (the dev set is never read here):
0. the query adapter (training/query_adapter.py), which corrects the intake's e5 vectors before the
   meaning signal compares them with listings; learned once per municipality left out, so that every
   set's signals below come from an adapter that never saw that set;
1. the ranking weights: a linear pairwise model (logistic regression on the signal differences of
   two activities of one intake that the judge graded differently, weighted by their gain gap);
2. the fit: a pointwise logistic classifier over the same signals, "a coach grades it 2 or 3"
   (and, kept for reference, a logistic curve from score to the same);
3. the verdict's threshold (the chance of a fit a wish needs, see matcher/tailored.py): the one that
   gives the best tailored-offer F1 over the corpus.
Leave-one-municipality-out figures show how it does on a municipality it was not trained on.
Fixed seed: the same corpus gives the same file.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from matcher import signals
from matcher.encoder import Encoder
from matcher.engine import Matcher
from matcher.profile import ClientProfile
from matcher.query_adapter import ADAPTER_FILE, QueryAdapter
from training.corpus import SETS, JudgedSet, training_sets
from training.query_adapter import Example, learn_adapter
from training.scoring import f1, ndcg_at_10, score

NAMES = list(signals.HAND_WEIGHTS)
NEGATIVES_PER_POSITIVE = 40   # ungraded activities paired with each graded one (sampled)
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
FIT_C = 1.0   # the fit classifier's regularisation (20 signals, thousands of pairs: mild)
THRESHOLDS = np.round(np.arange(0.05, 0.996, 0.005), 3)
TODAY = dt.date(2026, 12, 1)   # freshness is judged against one fixed day, so a rerun gives the same file


@dataclass
class CaseData:
    set_name: str
    case_id: str
    X: np.ndarray            # one row of signals per feasible activity
    ids: list[str]
    grades: np.ndarray
    judged_grades: dict[str, int]
    example: Example | None = None   # what the query adapter learns from


def vector(sig: dict[str, float]) -> list[float]:
    return [sig[n] for n in NAMES]


def collect(s: JudgedSet, matcher: Matcher) -> list[CaseData]:
    labels = s.labels()
    out = []
    for cid, case in s.cases().items():
        profile = ClientProfile.model_validate(case)
        candidates = matcher.all_candidates(profile, today=TODAY)
        grades = labels[cid]["grades"]
        ids = [c.activity.id for c in candidates]
        X = np.array([vector(c.signals) for c in candidates]) if candidates else np.zeros((0, len(NAMES)))
        g = np.array([grades.get(i, 0) for i in ids])
        texts = [profile.interests, profile.narrative]
        vectors = [matcher.encoder.query(t) if t else None for t in texts]   # uncorrected
        example = Example(*vectors, np.array([c.activity.embedding for c in candidates]).reshape(len(ids), -1),
                          g, matcher.reference) if matcher.reference is not None else None
        out.append(CaseData(s.name, cid, X, ids, g, grades, example))
    return out


def pairs(cases: list[CaseData], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = random.Random(seed)
    diffs, ys, ws = [], [], []
    for c in cases:
        for i in np.flatnonzero(c.grades > 0):
            lower = np.flatnonzero(c.grades < c.grades[i]).tolist()
            zeros = [j for j in lower if c.grades[j] == 0]
            kept = [j for j in lower if c.grades[j] > 0] + rng.sample(zeros, min(len(zeros), NEGATIVES_PER_POSITIVE))
            for j in kept:
                d = c.X[i] - c.X[j]
                w = (2 ** c.grades[i] - 2 ** c.grades[j]) / (len(kept) ** 0.5)
                flip = rng.random() < 0.5   # both orientations, so no intercept is needed
                diffs.append(-d if flip else d)
                ys.append(0 if flip else 1)
                ws.append(w)
    return np.array(diffs), np.array(ys), np.array(ws)


def fit_weights(cases: list[CaseData], C: float, seed: int) -> np.ndarray:
    X, y, w = pairs(cases, seed)
    model = LogisticRegression(C=C, fit_intercept=False, max_iter=5000)
    model.fit(X, y, sample_weight=w)
    # A ranking does not change with the weights' scale; keep the hand weights' one (sum of |w|),
    # so that score-unit settings such as the variety penalty (diversity.py) keep their meaning.
    coef = model.coef_[0]
    return coef * (sum(abs(v) for v in signals.HAND_WEIGHTS.values()) / max(float(np.abs(coef).sum()), 1e-9))


def fit_classifier(cases: list[CaseData], C: float) -> tuple[np.ndarray, float]:
    """P(a coach grades it 2 or 3) from the signals, over every feasible pair: the verdict's fit."""
    X = np.vstack([c.X for c in cases if len(c.ids)])
    y = np.concatenate([c.grades >= 2 for c in cases if len(c.ids)])
    model = LogisticRegression(C=C, max_iter=5000).fit(X, y)
    return model.coef_[0], float(model.intercept_[0])


def fit_calibration(cases: list[CaseData], weights: np.ndarray) -> tuple[float, float]:
    scores = np.concatenate([c.X @ weights for c in cases if len(c.ids)])
    fits = np.concatenate([c.grades >= 2 for c in cases if len(c.ids)])
    model = LogisticRegression(C=100.0, max_iter=1000).fit(scores.reshape(-1, 1), fits)
    return float(model.coef_[0][0]), float(model.intercept_[0])


def ranking_ndcg(cases: list[CaseData], weights: np.ndarray) -> float:
    """nDCG@10 of ranking each case's feasible activities by score: the quick inner check."""
    values = []
    for c in cases:
        if not c.judged_grades:
            continue
        order = np.argsort(-(c.X @ weights), kind="stable") if len(c.ids) else []
        values.append(ndcg_at_10([c.ids[i] for i in order], c.judged_grades))
    return float(np.mean(values))


def choose_c(cases: list[CaseData], seed: int) -> float:
    """The regularisation that ranks best on municipalities left out in turn."""
    names = sorted({c.set_name for c in cases})
    best = None
    for C in C_GRID:
        folds = [ranking_ndcg([c for c in cases if c.set_name == n],
                              fit_weights([c for c in cases if c.set_name != n], C, seed)) for n in names]
        mean = float(np.mean(folds))
        if best is None or mean > best[1] + 1e-4:
            best = (C, mean)
    return best[0]


def as_model(weights: np.ndarray, calibration: tuple[float, float], threshold: float,
             classifier: tuple[np.ndarray, float], adapter: QueryAdapter | None = None) -> signals.Model:
    return signals.Model(dict(zip(NAMES, weights.tolist())), calibration[0], calibration[1], threshold, "training",
                         dict(zip(NAMES, classifier[0].tolist())), classifier[1], adapter)


def verdict_scores(matcher: Matcher, s: JudgedSet) -> dict[str, float]:
    """Per case, the best chance over its wishes that a suggestion of the wish's kind fits (-1 when
    nothing is understood): the verdict says "fits" when it reaches the threshold."""
    out = {}
    for cid, case in s.cases().items():
        result = matcher.match(ClientProfile.model_validate(case), limit=10, today=TODAY, fit_threshold=0.0)
        out[cid] = max((w.chance for w in result.tailored.wishes if w.status != "not_understood"), default=-1.0)
    return out


def choose_threshold(scores: list[tuple[float, bool]]) -> float:
    best = (0.5, -1.0)
    for t in THRESHOLDS:
        tp = sum(1 for v, needed in scores if v < t and needed)
        fp = sum(1 for v, needed in scores if v < t and not needed)
        fn = sum(1 for v, needed in scores if v >= t and needed)
        value = f1(tp, fp, fn)[2]
        if value > best[1] + 1e-9:
            best = (float(t), value)
    return best[0]


def evaluate(matcher: Matcher, s: JudgedSet) -> dict:
    results = {}
    for cid, case in s.cases().items():
        r = matcher.match(ClientProfile.model_validate(case), limit=20, today=TODAY)
        results[cid] = {"ranking": [x.activity.id for x in r.suggestions], "tailored_needed": r.tailored.needed}
    return score(s.catalog_rows(), s.cases(), s.labels(), results)


def learn(cases: list[CaseData], sets: list[JudgedSet], matchers: dict[str, Matcher], seed: int,
          C: float, adapters: dict[str, QueryAdapter]) -> signals.Model:
    """The model without its adapter; each set's verdicts are read with the adapter that never saw it."""
    weights = fit_weights(cases, C, seed)
    calibration = fit_calibration(cases, weights)
    classifier = fit_classifier(cases, FIT_C)
    scores = []
    for s in sets:
        signals.use(as_model(weights, calibration, 0.5, classifier, adapters[s.name]))
        labels = s.labels()
        scores += [(v, labels[cid]["tailored_needed"]) for cid, v in verdict_scores(matchers[s.name], s).items()]
    return as_model(weights, calibration, choose_threshold(scores), classifier)


def learn_adapters(raw: list[CaseData], names: list[str], encoder_name: str,
                   seed: int) -> tuple[dict[str, QueryAdapter], QueryAdapter]:
    """One adapter per municipality, learned without it, and the final one, learned on all."""
    examples = {n: [c.example for c in raw if c.set_name == n and c.example is not None] for n in names}
    held = {n: learn_adapter([e for m in names if m != n for e in examples[m]], encoder_name, seed) for n in names}
    return held, learn_adapter([e for n in names for e in examples[n]], encoder_name, seed)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(signals.WEIGHTS_FILE))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="learn and report, write nothing")
    parser.add_argument("--sets", default=str(SETS), help="folder of judged sets (default training/sets)")
    args = parser.parse_args(argv)
    sets = training_sets(Path(args.sets))
    if len(sets) < 2:
        raise SystemExit("training needs at least two judged sets in training/sets/")
    encoder = Encoder()
    matchers = {s.name: Matcher(s.store(encoder), encoder) for s in sets}
    signals.use(signals.Model(dict(signals.HAND_WEIGHTS)))  # signals do not depend on weights; bounds do
    raw = [c for s in sets for c in collect(s, matchers[s.name])]
    adapters, final_adapter = learn_adapters(raw, [s.name for s in sets], encoder.name, args.seed)
    cases = []
    for s in sets:   # each set's signals with the adapter that never saw it
        signals.use(signals.Model(dict(signals.HAND_WEIGHTS), adapter=adapters[s.name]))
        cases += collect(s, matchers[s.name])
    print(f"query adapters learned (rank {final_adapter.U.shape[1]}), one per municipality left out")
    print(f"{len(sets)} sets, {len(cases)} cases, {sum(len(c.ids) for c in cases)} feasible pairs, "
          f"{sum(int((c.grades > 0).sum()) for c in cases)} graded")
    C = choose_c(cases, args.seed)
    print(f"regularisation C = {C}")
    loo = {}
    for held in sets:
        rest = [s for s in sets if s.name != held.name]
        model = learn([c for c in cases if c.set_name != held.name], rest, matchers, args.seed, C, adapters)
        signals.use(dataclasses.replace(model, adapter=adapters[held.name]))
        loo[held.name] = evaluate(matchers[held.name], held)
        m = loo[held.name]
        print(f"  left out {held.name:16} nDCG@10 {m['ndcg@10']:.3f}  recall@10 {m['recall@10']:.3f}  "
              f"tailored F1 {m['tailored_f1']:.3f}  violations@5 {m['violations@5']}  (threshold {model.threshold})")
    final = learn(cases, sets, matchers, args.seed, C, adapters)
    mean = {k: round(float(np.mean([m[k] for m in loo.values()])), 4) for k in ("ndcg@10", "recall@10", "tailored_f1")}
    print(f"leave-one-municipality-out mean: {mean}")
    print("weights: " + ", ".join(f"{n} {w:+.3f}" for n, w in final.weights.items()))
    print(f"calibration slope {final.slope:.3f} intercept {final.intercept:.3f}; verdict threshold {final.threshold}")
    if not args.check:
        data = {"about": "Learned by `python -m training.train` from training/sets/ (never from the dev set).",
                "trained_on": {s.name: len(s.cases()) for s in sets}, "seed": args.seed, "C": C,
                "weights": {n: round(w, 5) for n, w in final.weights.items()},
                "calibration": {"slope": round(final.slope, 5), "intercept": round(final.intercept, 5)},
                "fit": {"weights": {n: round(w, 5) for n, w in final.fit_weights.items()},
                        "intercept": round(final.fit_intercept, 5)},
                "verdict": {"threshold": final.threshold},
                "query_adapter": ADAPTER_FILE.name,
                "leave_one_out": loo}
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
        final_adapter.write(Path(args.out).with_name(ADAPTER_FILE.name),
                            {"about": "Learned by `python -m training.train` with the weights beside it "
                                      "(see matcher/query_adapter.py).", "seed": args.seed})
        print(f"wrote {args.out} and {ADAPTER_FILE.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

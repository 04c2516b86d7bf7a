"""Quality and speed of the duplicate-listing finder (catalog/duplicates.py); prints figures.

    .venv/bin/python benchmarks/duplicates_eval.py [--sizes 10000,100000] [--no-quality] [--no-speed]

Quality: precision, recall and F1 of find_duplicates() at its default MIN_SCORE on
- the demo catalog (catalog/demo/zeist_activities.csv) against its planted pairs
  (tests/fixtures/demo_near_duplicates.json), and
- the judged dev catalog (tests/fixtures/eval_dev_catalog.csv, a copy of
  ../shared/eval/dev/catalog.csv) against the pairs found by hand
  (tests/fixtures/dev_near_duplicates.json),
with every listing embedded by the real model (matcher.encoder.Encoder), as at import. False
positives and misses are listed with their scores.

Speed: wall time of find_duplicates() on synthetic national catalogs
(benchmarks/synthetic_catalog.py, seed 1: 85% around 42 towns, denser in cities). Their texts
repeat (194 distinct, copied from the demo catalog); each distinct text gets its real e5 vector,
so the cosine filter passes as many pairs as it would for those texts. Nearby copies of one text
are reported as duplicates, which makes this a heavy case for the text comparison (memoised per
pair of texts) and for the output.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import numpy as np  # noqa: E402

import synthetic_catalog  # noqa: E402
from catalog import duplicates  # noqa: E402
from catalog.csv_import import read_catalog_csv  # noqa: E402
from catalog.validation import validate_row  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SETS = {  # name: (catalog, judged pairs)
    "demo": (ROOT / "catalog" / "demo" / "zeist_activities.csv", FIXTURES / "demo_near_duplicates.json"),
    "dev": (FIXTURES / "eval_dev_catalog.csv", FIXTURES / "dev_near_duplicates.json"),
}


def judged_pairs(path: Path) -> set[frozenset[str]]:
    return {frozenset((p["a"], p["b"])) for p in json.loads(path.read_text(encoding="utf-8"))["pairs"]}


def embed(activities, encoder) -> None:
    """Vectors as the import makes them: passage text, each distinct text once."""
    texts = list(dict.fromkeys(a.text_for_embedding() for a in activities))
    vectors = dict(zip(texts, encoder.passages(texts)))
    for a in activities:
        a.embedding = vectors[a.text_for_embedding()]


def quality(encoder) -> None:
    print(f"## Quality (MIN_SCORE {duplicates.MIN_SCORE})\n")
    print("| catalog | listings | judged pairs | found | true positives | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|---|")
    notes = []
    for name, (catalog, judged) in SETS.items():
        report = read_catalog_csv(catalog)
        assert not report.problems, report.problems[:3]
        embed(report.activities, encoder)
        truth = judged_pairs(judged)
        found = duplicates.find_duplicates(report.activities)
        hits = [c for c in found if c.pair in truth]
        p = len(hits) / len(found) if found else 0.0
        r = len(hits) / len(truth)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"| {name} | {len(report.activities)} | {len(truth)} | {len(found)} | {len(hits)} "
              f"| {p:.2f} | {r:.2f} | {f1:.2f} |")
        every = {c.pair: c for c in duplicates.find_duplicates(report.activities, min_score=0.0)}
        if hits:
            c = min(hits, key=lambda c: c.score)
            notes.append(f"{name}: weakest judged pair found {c.a}/{c.b} {c.score:.3f}: {'; '.join(c.reasons)}")
        for c in found:
            if c.pair not in truth:
                notes.append(f"{name}: false positive {c.a}/{c.b} {c.score:.3f}: {'; '.join(c.reasons)}")
        for pair in truth - {c.pair for c in found}:
            c = every.get(pair)
            why = f"{c.score:.3f}: {'; '.join(c.reasons)}" if c else "(not scored: too far apart or cosine too low)"
            notes.append(f"{name}: missed {'/'.join(sorted(pair))} {why}")
        below = [c for c in every.values() if c.pair not in truth and c.score < duplicates.MIN_SCORE]
        if below:
            c = max(below, key=lambda c: c.score)
            notes.append(f"{name}: best pair below MIN_SCORE {c.a}/{c.b} {c.score:.3f}: {'; '.join(c.reasons)}")
    print()
    for note in notes:
        print(f"- {note}")
    print()


def speed(sizes: list[int], encoder) -> None:
    print("## Speed (synthetic catalogs, seed 1)\n")
    print("| listings | pairs within 1.5 km and cosine >= MIN_COSINE | candidates | find_duplicates s |")
    print("|---|---|---|---|")
    for n in sizes:
        rows, _postcodes, _cases = synthetic_catalog.generate(n, seed=1, n_cases=0)
        activities = [validate_row(row) for row in rows]
        embed(activities, encoder)
        lat = np.array([a.lat for a in activities])
        lon = np.array([a.lon for a in activities])
        vectors = np.stack([a.embedding for a in activities])
        compared = len(duplicates._near_pairs(lat, lon, vectors)[0])
        start = time.perf_counter()
        found = duplicates.find_duplicates(activities)
        seconds = time.perf_counter() - start
        print(f"| {n:,} | {compared:,} | {len(found):,} | {seconds:.1f} |")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="synthetic catalog sizes, comma separated")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args(argv)
    from matcher.encoder import Encoder
    encoder = Encoder()
    if not args.no_quality:
        quality(encoder)
    if not args.no_speed:
        speed([int(s) for s in args.sizes.split(",") if s], encoder)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The matching benchmark: every judged set present, every way of ranking, one table; and the cost
of the knowledge layer, timed in-process.

    .venv/bin/python benchmarks/matching_eval.py [--sets DIR] [--no-dev] [--cases N]
                                                  [--timing-size 10000] [--skip-before] [--out-md FILE]

Sets: the held-out dev set (../shared/eval/dev, when present) and the training corpus
(training/sets/). Rows, each scored by the judged-set metrics (training/scoring.py, the same as
../shared/eval/score.py):

- tfidf: TF-IDF of the intake against title + description, hard constraints applied
  (benchmarks/tfidf_baseline.py); it never flags a tailored offer;
- e5: plain multilingual-e5 cosine of the whole intake against each listing, hard constraints applied;
- before: the matcher as it was before the knowledge layer (commit BEFORE, run from a `git archive`
  of it with this venv and model; rows its validation did not know yet, such as the ISO 639-3
  code `ber`, it leaves out);
- new: the matcher as it is; on the training sets this is in-sample (the weights were learned on
  them), so the row under it gives what training printed when that municipality was left out
  (the `leave_one_out` of matcher/weights.json);
- ablations, each a fresh process with SOCIALMAP_ABLATE: without the taxonomy (no knowledge
  signals), without the learned weights (hand weights), without the stemmer, without the query adapter.

Timing: a synthetic catalog of --timing-size activities (benchmarks/synthetic_catalog.py) with
random unit vectors in place of passage embeddings (encoding 10,000 listings would take minutes and
changes nothing in what is timed); the real encoder encodes every query. Each match is timed, and
within it the knowledge layer's own parts: the intake analysis, the knowledge signals and the
per-wish verdict (wrapped timers around those three functions of matcher.engine). The verdict's
search beyond the client's reach, which the matcher did before this layer too (now per wish), runs
only when nothing fits; it is timed apart, over the matches that needed it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from training.corpus import SETS, JudgedSet, dev_set, training_sets  # noqa: E402
from training.scoring import score  # noqa: E402

BEFORE = "12e4111"   # the last commit before the knowledge layer
PYTHON = sys.executable
ABLATIONS = {"without taxonomy": "taxonomy", "without learned weights": "weights", "without stemmer": "stemmer",
             "without query adapter": "adapter"}
METRICS = (("ndcg@10", "nDCG@10"), ("recall@10", "recall@10"), ("tailored_f1", "tailored F1"),
           ("violations@5", "viol@5"))


def subset(s: JudgedSet, n: int | None, work: Path) -> JudgedSet:
    """The set with only its first n cases (for a quick run), in a folder of its own."""
    if not n:
        return s
    folder = work / f"subset-{s.name}"
    folder.mkdir(exist_ok=True)
    (folder / "catalog.csv").write_bytes(s.catalog_path.read_bytes())
    for name in ("cases.jsonl", "labels.jsonl"):
        lines = [line for line in (s.folder / name).read_text(encoding="utf-8").splitlines() if line.strip()]
        (folder / name).write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
    return JudgedSet(s.name, folder, s.held_out)


def read_results(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        return {r["id"]: r for r in (json.loads(line) for line in f if line.strip())}


def scored(s: JudgedSet, results: dict[str, dict]) -> dict:
    return score(s.catalog_rows(), s.cases(), s.labels(), results)


def run_match_batch(s: JudgedSet, out: Path, cwd: Path, extra_env: dict[str, str],
                    store_file: Path | None = None) -> dict[str, dict]:
    """`socialmap match-batch` of the code in `cwd`, in a fresh process, on a copy of `store_file`
    (the set's store with its vectors: the import then re-embeds nothing) or a fresh store."""
    env = {**os.environ, "PYTHONPATH": str(cwd), "SOCIALMAP_MODEL": str(ROOT / ".models" / "multilingual-e5-small"),
           **extra_env}
    with tempfile.TemporaryDirectory() as db:
        if store_file is not None:
            shutil.copyfile(store_file, f"{db}/m.db")
        subprocess.run([PYTHON, "-m", "api.cli", "--db", f"sqlite:///{db}/m.db", "match-batch",
                        "--catalog", str(s.catalog_path), "--cases", str(s.folder / "cases.jsonl"),
                        "--out", str(out), "--quiet", "--limit", "20", *(["--skip-bad"] if store_file is None else [])],
                       cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return read_results(out)


def run_tfidf(s: JudgedSet, out: Path) -> dict[str, dict]:
    subprocess.run([PYTHON, str(ROOT / "benchmarks" / "tfidf_baseline.py"), "--catalog", str(s.catalog_path),
                    "--cases", str(s.folder / "cases.jsonl"), "--out", str(out), "--hard-filters"],
                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    return read_results(out)


def run_e5(s: JudgedSet, encoder) -> dict[str, dict]:
    """Plain e5: the whole intake as one query, cosine against every feasible listing."""
    from catalog.geo import haversine_km
    from matcher.constraints import broken_constraints
    from matcher.profile import ClientProfile
    store = s.store(encoder)
    activities = store.activities()
    s.store_file = store.path
    matrix = np.vstack([a.embedding for a in activities])
    results = {}
    for cid, case in s.cases().items():
        profile = ClientProfile.model_validate(case)
        text = f"{case.get('interests') or ''}. {case.get('narrative') or ''}"
        cosines = matrix @ encoder.queries([text])[0]
        order = [i for i in np.argsort(-cosines, kind="stable")
                 if not broken_constraints(activities[i], profile,
                                           haversine_km(profile.lat, profile.lon, activities[i].lat, activities[i].lon))]
        results[cid] = {"ranking": [activities[i].id for i in order[:20]], "tailored_needed": False}
    store.close()
    return results


def before_tree(work: Path) -> Path | None:
    """The code of commit BEFORE, unpacked (None when this checkout does not have it)."""
    folder = work / "before"
    folder.mkdir()
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE], check=True, capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def leave_one_out() -> dict[str, dict]:
    path = ROOT / "matcher" / "weights.json"
    return json.loads(path.read_text())["leave_one_out"] if path.exists() else {}


def table(rows: list[tuple[str, dict[str, dict | None]]], sets: list[str]) -> str:
    head = "| ranking | " + " | ".join(f"{s} {label}" for s in sets for _, label in METRICS[:3]) + \
           " | max viol@5 |"
    lines = [head, "|" + "---|" * (2 + 3 * len(sets))]
    for name, by_set in rows:
        cells, violations = [], []
        for s in sets:
            m = by_set.get(s)
            cells += [f"{m[k]:.3f}" if m and m.get(k) is not None else "-" for k, _ in METRICS[:3]]
            if m and m.get("violations@5") is not None:
                violations.append(m["violations@5"])
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {max(violations) if violations else '-'} |")
    return "\n".join(lines)


def timing(size: int, n_profiles: int) -> dict:
    """Per match at `size` activities, in this process: the whole match and the knowledge layer."""
    from benchmarks.synthetic_catalog import generate, write_catalog
    from catalog.sqlite_store import SqliteStore
    from matcher import engine
    from matcher.encoder import Encoder
    from matcher.index.from_csv import import_catalog
    from matcher.profile import ClientProfile

    class RandomPassages:   # stands in for the encoder at import only: see the module docstring
        name = "random-unit-vectors"

        def passages(self, texts, progress=False):
            rng = np.random.default_rng(0)
            v = rng.normal(size=(len(texts), 384)).astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    rows, _, cases = generate(size, seed=3, n_cases=n_profiles + 5)   # 5 to warm up with, never timed
    spent = {"layer": 0.0, "further": 0.0}

    def timed(fn, part):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - start
        return wrapper

    with tempfile.TemporaryDirectory() as work:
        write_catalog(rows, Path(work) / "c.csv")
        store = SqliteStore(f"{work}/t.db")
        start = time.perf_counter()
        import_catalog(store, Path(work) / "c.csv", RandomPassages())
        import_s = time.perf_counter() - start
        matcher = engine.Matcher(store, Encoder())
        matcher.warm()   # as the service does at start
        originals = {name: getattr(engine, name) for name in ("analyse", "knowledge_signals", "tailored_verdict")}
        further = engine.Matcher._nearest_fitting_beyond_reach
        for name, fn in originals.items():
            setattr(engine, name, timed(fn, "layer"))
        engine.Matcher._nearest_fitting_beyond_reach = timed(further, "further")
        try:
            profiles = [ClientProfile.model_validate({k: v for k, v in c.items() if k != "id"}) for c in cases]
            for p in profiles[:5]:
                matcher.match(p, limit=10)   # warm-up: model load, first queries per area
            whole, layer, looked = [], [], []
            for p in profiles[5:]:
                spent.update(layer=0.0, further=0.0)
                start = time.perf_counter()
                matcher.match(p, limit=10)
                whole.append((time.perf_counter() - start) * 1000)
                # the verdict's look further (nested in it) is counted apart: see the module docstring
                layer.append((spent["layer"] - spent["further"]) * 1000)
                if spent["further"]:
                    looked.append(spent["further"] * 1000)
        finally:
            for name, fn in originals.items():
                setattr(engine, name, fn)
            engine.Matcher._nearest_fitting_beyond_reach = further
            store.close()
    p95 = lambda xs: float(np.percentile(xs, 95)) if xs else 0.0  # noqa: E731
    return {"activities": size, "matches": len(whole), "import_s": round(import_s, 1),
            "match_p50_ms": round(statistics.median(whole), 1), "match_p95_ms": round(p95(whole), 1),
            "layer_p50_ms": round(statistics.median(layer), 2), "layer_p95_ms": round(p95(layer), 2),
            "further_matches": len(looked), "further_p50_ms": round(statistics.median(looked), 1) if looked else 0.0,
            "further_p95_ms": round(p95(looked), 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=str(SETS), help="folder of judged training sets")
    parser.add_argument("--no-dev", action="store_true", help="leave the dev set out")
    parser.add_argument("--cases", type=int, default=None, help="only the first N cases of each set (quick run)")
    parser.add_argument("--timing-size", type=int, default=10_000)
    parser.add_argument("--timing-profiles", type=int, default=200)
    parser.add_argument("--skip-before", action="store_true", help="do not run the matcher of commit BEFORE")
    parser.add_argument("--out-md", default=None, help="also write the table to this file")
    args = parser.parse_args(argv)

    found = ([] if args.no_dev or dev_set() is None else [dev_set()]) + training_sets(Path(args.sets))
    if not found:
        raise SystemExit("no judged sets: neither ../shared/eval/dev nor any set in " + args.sets)
    from matcher.encoder import Encoder
    encoder = Encoder()
    rows: dict[str, dict[str, dict | None]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sets = [subset(s, args.cases, work) for s in found]
        before = None if args.skip_before else before_tree(work)
        for s in sets:
            print(f"scoring {s.name} ({len(s.cases())} cases)", file=sys.stderr)
            out = work / f"{s.name}.jsonl"
            rows.setdefault("tfidf", {})[s.name] = scored(s, run_tfidf(s, out))
            rows.setdefault("e5", {})[s.name] = scored(s, run_e5(s, encoder))
            if before is not None:
                rows.setdefault(f"before ({BEFORE})", {})[s.name] = scored(s, run_match_batch(s, out, before, {}))
            rows.setdefault("new", {})[s.name] = scored(s, run_match_batch(s, out, ROOT, {}, s.store_file))
            for name, part in ABLATIONS.items():
                rows.setdefault(name, {})[s.name] = scored(
                    s, run_match_batch(s, out, ROOT, {"SOCIALMAP_ABLATE": part}, s.store_file))
        loo = leave_one_out()
        rows["new, leave-one-municipality-out"] = {s.name: (rows["new"][s.name] if s.held_out else loo.get(s.name))
                                                    for s in sets}
    names = [s.name for s in sets]
    text = table(list(rows.items()), names)
    note = ("dev is never trained on; on the training sets `new` is in-sample, the leave-one-out row is "
            "what matters (from matcher/weights.json, written by `python -m training.train`)")
    print(text)
    print(f"\n{note}")
    held = [loo[n] for n in names if n in loo]
    if held:
        mean = {k: round(float(np.mean([m[k] for m in held])), 3) for k, _ in METRICS[:3]}
        print(f"leave-one-out mean over {len(held)} sets: {mean}")
    t = timing(args.timing_size, args.timing_profiles)
    timing_line = (f"timing at {t['activities']} activities, {t['matches']} matches in-process: match p50 "
                   f"{t['match_p50_ms']} ms, p95 {t['match_p95_ms']} ms; knowledge layer p50 {t['layer_p50_ms']} ms, "
                   f"p95 {t['layer_p95_ms']} ms (goal: at most 5 ms p95); looking further for the "
                   f"{t['further_matches']} matches where nothing fitted: p50 {t['further_p50_ms']} ms, "
                   f"p95 {t['further_p95_ms']} ms")
    print(timing_line)
    if args.out_md:
        Path(args.out_md).write_text(f"{text}\n\n{note}\n\n{timing_line}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

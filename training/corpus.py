"""The judged sets: the training corpus in training/sets/ and, when present, the held-out dev set.

Each set is imported into a SQLite store of its own under .cache/judged/ (vectors are computed once
and kept while the catalog and the model stay the same), and matched by the real matcher.
"""
from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = ROOT / "training" / "sets"
DEV = ROOT.parent / "shared" / "eval" / "dev"
CACHE = ROOT / ".cache" / "judged"


@dataclass
class JudgedSet:
    name: str
    folder: Path
    held_out: bool = False    # the dev set: scored, never trained on

    @property
    def catalog_path(self) -> Path:
        return self.folder / "catalog.csv"

    def cases(self) -> dict[str, dict]:
        return _jsonl(self.folder / "cases.jsonl")

    def labels(self) -> dict[str, dict]:
        """The judgments: read only to learn and to score, never while ranking."""
        return _jsonl(self.folder / "labels.jsonl")

    def catalog_rows(self) -> dict[str, dict]:
        with open(self.catalog_path, encoding="utf-8", newline="") as f:
            return {row["id"]: row for row in csv.DictReader(f)}

    def store(self, encoder):
        """The set's catalog in a store of its own, vectors computed once."""
        from catalog.stores import open_store
        from matcher.index.from_csv import import_catalog
        from matcher.index.retype import retype
        digest = hashlib.sha256(self.catalog_path.read_bytes()).hexdigest()[:12]
        CACHE.mkdir(parents=True, exist_ok=True)
        store = open_store(f"sqlite:///{CACHE / f'{self.name}-{digest}.db'}")
        result = import_catalog(store, self.catalog_path, encoder)
        if result.run is None:
            raise SystemExit(f"{self.catalog_path}: bad rows: {result.problems[:3]}")
        retype(store)   # as the service does at start: a kept store may be typed under older knowledge
        return store


def _jsonl(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        return {row["id"]: row for row in (json.loads(line) for line in f if line.strip())}


def training_sets(folder: Path = SETS) -> list[JudgedSet]:
    return [JudgedSet(p.name, p) for p in sorted(folder.iterdir())
            if (p / "labels.jsonl").exists() and (p / "catalog.csv").exists()] if folder.exists() else []


def dev_set() -> JudgedSet | None:
    return JudgedSet("dev", DEV, held_out=True) if (DEV / "labels.jsonl").exists() else None

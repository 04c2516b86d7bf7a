"""Make the demo's anonymous intake records (catalog/demo/zeist_intakes.csv).

The fictional intakes of catalog/demo/zeist_intake_profiles.jsonl (from demo_intake_profiles.py)
are matched against the demo catalog by the real matcher, and only what a coach's recorded match
keeps is written: areas, bands, categories, tailored or not. Outcomes are simulated (fixed seed).
Run: .venv/bin/python scripts/make_demo_intakes.py
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.intakes import anonymous_record, recorded_wishes, write_intakes_csv  # noqa: E402
from api import settings  # noqa: E402
from catalog.postcode_import import read_postcode_csv  # noqa: E402
from catalog.sqlite_store import SqliteStore  # noqa: E402
from matcher.encoder import Encoder  # noqa: E402
from matcher.engine import Matcher  # noqa: E402
from matcher.index.from_csv import import_catalog  # noqa: E402
from matcher.profile import ClientProfile  # noqa: E402

PROFILES = ROOT / "catalog" / "demo" / "zeist_intake_profiles.jsonl"
TODAY = dt.date(2026, 11, 30)   # fixed, so the file does not change with the day it is made
NAMESPACE = uuid.UUID("6f1c2a52-9d1b-4c1e-8d0a-5a0c1e7d2b11")


def simulated_outcome(rng: random.Random, tailored: bool, first_suggestion: str | None, month: str):
    """Most clients with a fitting offer start; with a tailored need, about half get one made."""
    roll = rng.random()
    if not tailored and first_suggestion and roll < 0.55:
        return "started", first_suggestion, month
    if tailored and roll < 0.45:
        return "tailored_offer", None, month
    if roll < 0.8:
        return "nothing", None, month
    return None, None, None   # not reported (yet)


def main() -> int:
    settings.limit_blas_threads()
    rng = random.Random(20261130)
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "demo.db")
        encoder = Encoder()
        import_catalog(store, settings.DEMO_CATALOG, encoder)
        store.save_postcodes(read_postcode_csv(settings.DEMO_POSTCODES)[0])
        matcher = Matcher(store, encoder)
        lines = PROFILES.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            entry = json.loads(line)
            profile = ClientProfile.model_validate(entry["profile"])
            result = matcher.match(profile, limit=10, today=TODAY)
            wishes, unmet = recorded_wishes(result.tailored)
            record = anonymous_record(store, profile, result.lat, result.lon, wishes, unmet, entry["month"])
            first = result.suggestions[0].activity.id if result.suggestions else None
            outcome, activity, outcome_month = simulated_outcome(rng, record.tailored_needed, first, entry["month"])
            records.append(dataclasses.replace(record, id=str(uuid.uuid5(NAMESPACE, str(number))), outcome=outcome,
                                               outcome_activity=activity, outcome_month=outcome_month))
        store.close()
    write_intakes_csv(records, settings.DEMO_INTAKES)
    tailored = sum(r.tailored_needed for r in records)
    print(f"wrote {len(records)} anonymous intake records to {settings.DEMO_INTAKES}: "
          f"{tailored} ({tailored / len(records):.0%}) needed a tailored offer")
    return 0


if __name__ == "__main__":
    sys.exit(main())

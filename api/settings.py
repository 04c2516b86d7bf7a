"""Settings from the environment, one place for the service and every CLI command."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_CATALOG = ROOT / "catalog" / "demo" / "zeist_activities.csv"
DEMO_POSTCODES = ROOT / "catalog" / "demo" / "zeist_postcodes.csv"
DEMO_INTAKES = ROOT / "catalog" / "demo" / "zeist_intakes.csv"  # anonymous records, from scripts/make_demo_intakes.py


def database_url() -> str:
    """SOCIALMAP_DB: sqlite:///path/to/file.db (the default, embedded store)."""
    return os.environ.get("SOCIALMAP_DB") or f"sqlite:///{ROOT / 'data' / 'socialmap.db'}"


def limit_blas_threads() -> None:
    """numpy's BLAS on one thread: its spinning threads fought torch's for the two cores, and made
    encoding in the service up to three times slower (benchmarks/run_benchmarks.py)."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(1, user_api="blas")

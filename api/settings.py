"""The paths of the demo data and the service's process setup (the settings themselves: catalog/config.py)."""
from __future__ import annotations

from catalog import config

ROOT = config.ROOT
DEMO_CATALOG = ROOT / "catalog" / "demo" / "zeist_activities.csv"
DEMO_POSTCODES = ROOT / "catalog" / "demo" / "zeist_postcodes.csv"
DEMO_INTAKES = ROOT / "catalog" / "demo" / "zeist_intakes.csv"  # anonymous records, from scripts/make_demo_intakes.py




def limit_blas_threads() -> None:
    """numpy's BLAS on one thread: its spinning threads fought torch's for the two cores, and made
    encoding in the service up to three times slower (benchmarks/run_benchmarks.py)."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(1, user_api="blas")

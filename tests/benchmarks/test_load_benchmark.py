"""A tiny run of the load benchmark (benchmarks/run_benchmarks.py), so that it cannot rot again: it
logs in as a coach, serves 200 activities on both stores and must print figures, not errors."""
from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def test_the_load_benchmark_prints_figures(tmp_path):
    out = tmp_path / "load.md"
    run = subprocess.run([sys.executable, "benchmarks/run_benchmarks.py", "--sizes", "200", "--stores", "sqlite,postgis",
                          "--requests-1", "4", "--requests-8", "8", "--warmup", "2", "--phase-seconds", "120",
                          "--profile", "never", "--out-md", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    table = out.read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith(("| sqlite", "| postgis"))]
    assert len(rows) == 2, table
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        one_client, eight_clients = cells[5], cells[6]
        # p50 / p95 / p99 in ms: three numbers each, where a rotted run printed "error"
        assert all(part.strip().replace(",", "").isdigit() for part in one_client.split("/")), row
        assert all(part.strip().replace(",", "").isdigit() for part in eight_clients.split("/")), row
    assert "failed requests" not in table, table

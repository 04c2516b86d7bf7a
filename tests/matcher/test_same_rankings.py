"""The benchmark command gives the same rankings on both stores for the same catalog and cases."""
from __future__ import annotations

import json
import random

from api import cli, cli_support
from tests import pg
from tests.helpers import DEMO_CATALOG, random_profile


def test_match_batch_is_identical_on_sqlite_and_postgis(tmp_path, encoder, monkeypatch):
    monkeypatch.setattr(cli_support, "encoder", lambda settings: encoder)
    rng = random.Random(5)
    cases = tmp_path / "cases.jsonl"
    with cases.open("w", encoding="utf-8") as f:
        for i in range(25):
            f.write(json.dumps({"id": f"c{i}", **random_profile(rng).model_dump()}) + "\n")
    url = pg.create_database()
    try:
        outputs = {}
        for name, db in (("sqlite", f"sqlite:///{tmp_path / 'batch.db'}"), ("postgis", url)):
            out = tmp_path / f"{name}.jsonl"
            assert cli.main(["--db", db, "match-batch", "--catalog", str(DEMO_CATALOG),
                             "--cases", str(cases), "--out", str(out), "--quiet"]) == 0
            outputs[name] = [json.loads(line) for line in out.read_text().splitlines()]
    finally:
        pg.drop_database(url)
    assert len(outputs["sqlite"]) == 25
    assert sum(len(r["ranking"]) for r in outputs["sqlite"]) > 100  # real rankings, not empty ones
    assert outputs["sqlite"] == outputs["postgis"]

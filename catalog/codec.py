"""How both stores write a listing and read it back: one codec for rows and vectors.

A listing is kept as its exchange record (Activity.record) in JSON, its vector as float32 bytes.
Reading one back does not validate it again: it was valid when written, and a rule added since must
not make a stored listing unreadable (the rule applies when the listing is next edited or imported).
"""
from __future__ import annotations

import datetime as dt
import json
import sys

import numpy as np

from catalog.model import Activity
from catalog.validation import parse_schedule, split_list


def row_json(a: Activity) -> str:
    return json.dumps(a.record(), ensure_ascii=False, sort_keys=True)


def vector_bytes(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def vector(data: bytes | None) -> np.ndarray | None:
    return None if data is None else np.frombuffer(data, dtype=np.float32)


def vectors(blobs: list[bytes]) -> np.ndarray:
    """Stored vectors as one matrix (empty: 0 x 0)."""
    return np.vstack([vector(b) for b in blobs]) if blobs else np.zeros((0, 0), dtype=np.float32)


def _whole(text: str) -> int | None:
    return int(text) if text else None


def decode(row: str, paused: bool = False, version: int = 0, embedding: bytes | None = None) -> Activity:
    """The Activity a stored row holds. Values that repeat across a catalog are kept once
    (sys.intern), as the import does: a national catalog holds 100,000 in memory."""
    r = json.loads(row)
    intern = sys.intern
    activity = Activity(
        id=r["id"], title=r["title"], description=r["description"], organisation=intern(r["organisation"]),
        kind=intern(r["kind"]), categories=[intern(c) for c in split_list(r["categories"])],
        min_age=_whole(r["min_age"]), max_age=_whole(r["max_age"]), gender=intern(r["gender"]),
        languages=[intern(x) for x in split_list(r["languages"])], culture=intern(r["culture"]) or None,
        address=r["address"], postcode=intern(r["postcode"]), neighbourhood=intern(r["neighbourhood"]),
        lat=float(r["lat"]), lon=float(r["lon"]), schedule=parse_schedule(r["schedule"]),
        cost_eur_month=float(r["cost_eur_month"]), wheelchair=intern(r["wheelchair"]),
        capacity=intern(r["capacity"]), last_verified=dt.date.fromisoformat(r["last_verified"]),
        contact=r["contact"]).restore_types(r)
    activity.paused, activity.version = bool(paused), version
    activity.embedding = vector(embedding)
    return activity

"""The store contract: everything the catalog keeps, whatever database keeps it.

One module per implementation (sqlite_store.py is the embedded default); `catalog.stores.open_store(url)`
picks one.
"""
from __future__ import annotations

import abc
import datetime as dt
import functools
from dataclasses import dataclass, field

import numpy as np

from catalog.accounts import Accounts
from catalog.activity_cache import ActivityCache
from catalog.audit import AuditLog
from catalog.codec import decode, vectors
from catalog.geo import points_within
from catalog.intakes import Intakes
from catalog.model import Activity
from catalog.records import SqlRecords

SCHEMA_VERSION = 5


@dataclass
class StoredEmbedding:
    """What an activity's stored vector was computed from, to know when to recompute it."""
    text_hash: str
    model: str


@dataclass
class ImportRun:
    source: str
    model: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    embedded: int = 0
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    finished_at: dt.datetime | None = None


@dataclass
class ActivityFilter:
    """Filters of GET /activities; every field is optional."""
    text: str | None = None
    category: str | None = None
    neighbourhood: str | None = None
    organisation: str | None = None
    kind: str | None = None
    capacity: str | None = None
    postcode: str | None = None


@dataclass
class Postcode:
    postcode: str
    lat: float
    lon: float
    neighbourhood: str | None = None
    municipality: str | None = None


class SchemaError(RuntimeError):
    """The database's schema is not the one this code expects."""


class Store(SqlRecords):
    """One catalog, and the connection owner of its facets (accounts, audit, intakes). Writes of one
    call happen in one transaction: all or nothing.

    What is the same on both databases is written here once (and, for accounts, the audit trail,
    duplicate decisions and single-listing edits, in catalog/records.py); each store supplies its
    SQL pieces: where the points near a place are (`_points_near`), how to fetch decoded listings
    (`_fetch`), transactions (`_read`, `_write`) and the import. Paused listings are kept, shown
    with `paused`, and left out of `within_radius` (so out of matching)."""
    cache: ActivityCache

    # The store's other parts, on its connections: store.accounts.user(name), store.audit.history(id),
    # store.intakes.add(records). The listings are the store's own surface.
    @functools.cached_property
    def accounts(self) -> Accounts:
        return Accounts(self)

    @functools.cached_property
    def audit(self) -> AuditLog:
        return AuditLog(self)

    @functools.cached_property
    def intakes(self) -> Intakes:
        return Intakes(self)

    @abc.abstractmethod
    def _points_near(self, lat: float, lon: float, radius_km: float) -> list[tuple[str, int, float, float]]:
        """(id, version, lat, lon) of the listings not paused around a place: at least all within
        radius_km (the exact cut is made here, the same for both stores)."""

    @abc.abstractmethod
    def _fetch(self, ids: list[str]) -> dict[str, tuple[int, Activity]]:
        """Listings with their vectors, decoded (catalog/codec.py): id -> (version, activity)."""

    def within_radius(self, lat: float, lon: float, radius_km: float) -> list[tuple[Activity, float]]:
        """Activities within radius_km, with embeddings, as (activity, distance_km), nearest first."""
        rows = self._points_near(lat, lon, radius_km)
        inside = points_within(lat, lon, radius_km, [r[2] for r in rows], [r[3] for r in rows])
        near = [(rows[i][0], rows[i][1], d) for i, d in inside]
        activities = self.cache.resolve(((i, v) for i, v, _ in near), self._fetch)
        return sorted(((activities[i], d) for i, _, d in near), key=lambda pair: (pair[1], pair[0].id))

    def activities(self) -> list[Activity]:
        """Every listing, with its vector, through the in-process cache (the duplicate finder)."""
        with self._read() as sql:
            keys = [(k[0], k[1]) for k in sql.all("SELECT id, version FROM activities ORDER BY id")]
        found = self.cache.resolve(keys, self._fetch)
        return [found[k[0]] for k in keys if k[0] in found]  # a row deleted meanwhile is gone

    def preload(self) -> int:
        """Decode every activity into the in-process cache, so that no query pays for it later;
        return how many. The service calls it at start-up, in the background."""
        return len(self.activities())

    def get(self, activity_id: str) -> Activity | None:
        with self._read() as sql:
            row = sql.one("SELECT row, paused, version FROM activities WHERE id = %s", (activity_id,))
        return decode(*row) if row else None

    def count(self) -> int:
        with self._read() as sql:
            return sql.one("SELECT count(*) FROM activities")[0]

    def embedding_sample(self, limit: int) -> np.ndarray:
        """Up to `limit` stored vectors, a fixed spread over the catalog, as one float32 matrix."""
        with self._read() as sql:
            rows = sql.all("SELECT embedding FROM activities WHERE embedding IS NOT NULL"
                           " ORDER BY text_hash, id LIMIT %s", (limit,))
        return vectors([r[0] for r in rows])

    def embedding_states(self) -> dict[str, StoredEmbedding]:
        with self._read() as sql:
            rows = sql.all("SELECT id, text_hash, model FROM activities WHERE embedding IS NOT NULL")
        return {r[0]: StoredEmbedding(r[1], r[2]) for r in rows}

    def save_postcodes(self, postcodes: list[Postcode]) -> int:
        with self._write() as sql:
            sql.many("INSERT INTO postcodes VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (postcode) DO UPDATE SET"
                     " lat = excluded.lat, lon = excluded.lon, neighbourhood = excluded.neighbourhood,"
                     " municipality = excluded.municipality",
                     [(p.postcode, p.postcode[:4], p.lat, p.lon, p.neighbourhood, p.municipality) for p in postcodes])
        return len(postcodes)

    def postcode(self, postcode: str) -> Postcode | None:
        """The exact postcode, else the centre of its 4-digit area, else None."""
        with self._read() as sql:
            row = sql.one("SELECT postcode, lat, lon, neighbourhood, municipality FROM postcodes WHERE postcode = %s",
                          (postcode,))
            if row:
                return Postcode(*row)
            row = sql.one("SELECT avg(lat), avg(lon), count(*), max(municipality) FROM postcodes WHERE pc4 = %s",
                          (postcode[:4],))
        return Postcode(postcode[:4], row[0], row[1], None, row[3]) if row[2] else None

    @abc.abstractmethod
    def schema_version(self) -> int: ...

    @abc.abstractmethod
    def migrate(self) -> int:
        """Apply pending migrations; return the schema version now in force."""

    @abc.abstractmethod
    def corrected_types(self) -> dict[str, tuple[list[str], list[str]]]:
        """The listings whose editor set their types: id -> (types, target groups)."""

    @abc.abstractmethod
    def save_import(self, activities: list[Activity], run: ImportRun,
                    expected_versions: dict[str, int] | None = None) -> ImportRun:
        """Insert or update the activities (by id) and record the run, in one transaction.
        Activities whose `embedding` is None keep the stored vector. With `expected_versions`, a
        listing changed since (an edit while the file was read) makes it a Conflict, writing nothing."""

    @abc.abstractmethod
    def list(self, filters: ActivityFilter, offset: int = 0, limit: int = 50) -> tuple[list[Activity], int]:
        """A page of activities (without embeddings) and the total that match."""

    @abc.abstractmethod
    def import_runs(self, limit: int = 20) -> list[ImportRun]: ...

    @abc.abstractmethod
    def close(self) -> None: ...


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds `text` literally (escape character: backslash)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or opened."""


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}" if ":" in credentials else url
    return url

"""The store contract: everything the catalog keeps, whatever database keeps it.

One module per implementation (sqlite_store.py is the embedded default); `catalog.stores.open_store(url)`
picks one.
"""
from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from catalog.model import Activity
from catalog.records import SqlRecords

SCHEMA_VERSION = 4


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


class Store(SqlRecords, abc.ABC):
    """One catalog. Writes of one call happen in one transaction: all or nothing.

    Accounts, the audit trail, duplicate decisions and single-listing edits are the same SQL on
    both databases: see catalog/records.py. Paused listings are kept, shown with `paused`, and left
    out of `within_radius` (so out of matching)."""

    @abc.abstractmethod
    def schema_version(self) -> int: ...

    @abc.abstractmethod
    def migrate(self) -> int:
        """Apply pending migrations; return the schema version now in force."""

    @abc.abstractmethod
    def embedding_states(self) -> dict[str, StoredEmbedding]: ...

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
    def get(self, activity_id: str) -> Activity | None: ...

    @abc.abstractmethod
    def list(self, filters: ActivityFilter, offset: int = 0, limit: int = 50) -> tuple[list[Activity], int]:
        """A page of activities (without embeddings) and the total that match."""

    @abc.abstractmethod
    def within_radius(self, lat: float, lon: float, radius_km: float) -> list[tuple[Activity, float]]:
        """Activities within radius_km, with embeddings, as (activity, distance_km), nearest first."""

    @abc.abstractmethod
    def embedding_sample(self, limit: int) -> np.ndarray:
        """Up to `limit` stored vectors, a fixed spread over the catalog, as one float32 matrix."""

    @abc.abstractmethod
    def activities(self) -> list[Activity]:
        """Every listing, with its vector, through the in-process cache (the duplicate finder)."""

    @abc.abstractmethod
    def preload(self) -> int:
        """Decode every activity into the in-process cache, so that no query pays for it later;
        return how many. The service calls it at start-up, in the background."""

    @abc.abstractmethod
    def count(self) -> int: ...

    @abc.abstractmethod
    def import_runs(self, limit: int = 20) -> list[ImportRun]: ...

    @abc.abstractmethod
    def save_postcodes(self, postcodes: list[Postcode]) -> int: ...

    @abc.abstractmethod
    def postcode(self, postcode: str) -> Postcode | None:
        """The exact postcode, else the centre of its 4-digit area, else None."""

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

"""The catalog seen as an HSDS directory, for the HSDS API: find an activity by its HSDS id and list
the organisations.

HSDS ids are uuid5 hashes of our ids and names, so answering them needs every activity once: an
index built from store.activities() (the decoded catalog the service keeps in memory). It is
rebuilt when the number of activities or the last import run changed, and at most a minute after a
single-listing edit (which leaves no import run).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from catalog.hsds.mapping import organization_id, service_at_location_id, service_id
from catalog.store import Store

MAX_AGE_S = 60.0


@dataclass
class Organisation:
    id: str
    name: str
    categories: set[str] = field(default_factory=set)


@dataclass
class _Index:
    stamp: tuple
    built: float
    services: dict[str, str] = field(default_factory=dict)   # HSDS service id -> activity id
    placed: dict[str, str] = field(default_factory=dict)     # HSDS service_at_location id -> activity id
    organisations: dict[str, Organisation] = field(default_factory=dict)  # HSDS organization id -> it


class Directory:
    """The index of one store, rebuilt when stale; safe to share between request threads."""

    def __init__(self):
        self._index: _Index | None = None
        self._lock = threading.Lock()

    def service(self, store: Store, hsds_id: str) -> str | None:
        return self._current(store).services.get(hsds_id)

    def service_at_location(self, store: Store, hsds_id: str) -> str | None:
        return self._current(store).placed.get(hsds_id)

    def organisation(self, store: Store, hsds_id: str) -> Organisation | None:
        return self._current(store).organisations.get(hsds_id)

    def organisations(self, store: Store) -> list[Organisation]:
        return sorted(self._current(store).organisations.values(), key=lambda o: (o.name.casefold(), o.id))

    def _current(self, store: Store) -> _Index:
        runs = store.import_runs(limit=1)
        stamp = (id(store), store.count(), runs[0].started_at if runs else None)
        with self._lock:
            index = self._index
            if index is None or index.stamp != stamp or time.monotonic() - index.built > MAX_AGE_S:
                index = self._index = _build(store, stamp)
            return index


def _build(store: Store, stamp: tuple) -> _Index:
    index = _Index(stamp, time.monotonic())
    for activity in store.activities():
        index.services[service_id(activity.id)] = activity.id
        index.placed[service_at_location_id(activity.id)] = activity.id
        oid = organization_id(activity.organisation)
        organisation = index.organisations.setdefault(oid, Organisation(oid, activity.organisation))
        organisation.categories.update(activity.categories)
    return index

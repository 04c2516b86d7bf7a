"""An in-process cache of decoded activities, keyed by id and row version.

Radius search asks the database only for (id, version, lat, lon); rows whose version is already
cached are not fetched or decoded again. Cached activities are shared: treat them as read-only.
"""
from __future__ import annotations

import threading
from typing import Callable, Iterable

from catalog.model import Activity


class ActivityCache:
    def __init__(self):
        self._items: dict[str, tuple[int, Activity]] = {}
        self._lock = threading.Lock()

    def resolve(self, keys: Iterable[tuple[str, int]],
                fetch: Callable[[list[str]], dict[str, tuple[int, Activity]]]) -> dict[str, Activity]:
        """Activities for (id, version) pairs; `fetch` decodes the ids that are missing or stale."""
        keys = list(keys)
        found, missing = {}, []
        for activity_id, version in keys:
            hit = self._items.get(activity_id)
            if hit is not None and hit[0] == version:
                found[activity_id] = hit[1]
            else:
                missing.append(activity_id)
        if missing:
            fetched = fetch(missing)
            with self._lock:
                self._items.update(fetched)
            found.update({i: va[1] for i, va in fetched.items()})
        return found

"""Coverage from the catalog alone (value on the first day, before any intake is recorded): per wijk
and category, the share of the wijk's postcodes within walking distance of an open listing."""
from __future__ import annotations

import numpy as np

from analysis.areas import Wijk, distances_km
from catalog.model import CATEGORIES, CATEGORY_LABELS, Activity


def coverage(wijken: dict[str, Wijk], activities: list[Activity], within_km: float) -> list[dict]:
    open_ = [a for a in activities if a.capacity == "open" and not a.paused]
    rows = []
    for wijk in wijken.values():
        if open_:
            d = distances_km(wijk.lat, wijk.lon, np.array([a.lat for a in open_]), np.array([a.lon for a in open_]))
        for category in CATEGORIES:
            columns = [i for i, a in enumerate(open_) if category in a.categories]
            covered = int((d[:, columns] <= within_km).any(axis=1).sum()) if columns else 0
            rows.append({"wijk": wijk.name, "category": category, "label": CATEGORY_LABELS[category],
                         "postcodes": len(wijk.postcodes), "covered": covered,
                         "share": round(covered / len(wijk.postcodes), 3)})
    return rows

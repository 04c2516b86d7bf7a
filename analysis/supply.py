"""Supply: the listings within walking distance of a wijk, and whom they admit."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.areas import Wijk, distances_km
from analysis.intakes import AGE_BANDS, UNKNOWN
from catalog.model import Activity

AGE_RANGES = {band: (low, upper) for (upper, band), low in zip(AGE_BANDS, (0, 18, 27, 45, 65, 75))}
DIMENSIONS = ("alle", "leeftijd", "taal", "gender")


@dataclass
class Near:
    """Every listing's distance to a wijk: to the nearest of its postcodes."""
    activities: list[Activity]
    distance_km: np.ndarray


def near(wijk: Wijk, activities: list[Activity]) -> Near:
    if not activities:
        return Near([], np.zeros(0))
    lat = np.array([a.lat for a in activities])
    lon = np.array([a.lon for a in activities])
    return Near(activities, distances_km(wijk.lat, wijk.lon, lat, lon).min(axis=0))


def admits(a: Activity, dimension: str, value: str) -> bool:
    """Whether the listing is open to this group (age range, gender, a language they speak)."""
    if dimension == "alle" or value == UNKNOWN:
        return True
    if dimension == "leeftijd":
        low, high = AGE_RANGES[value]
        return (a.min_age is None or a.min_age <= high) and (a.max_age is None or a.max_age >= low)
    if dimension == "gender":
        return a.gender == "any" or (a.gender, value) in (("female", "vrouw"), ("male", "man"))
    return value in a.languages   # taal: 'nl', or the client's own language


def offer(near_wijk: Near, category: str, dimension: str, value: str, within_km: float) -> dict:
    """Counts by capacity within walking distance, and the nearest open one at any distance."""
    counts = {"open": 0, "waitlist": 0, "full": 0}
    nearest_open = None
    for a, d in zip(near_wijk.activities, near_wijk.distance_km):
        if a.paused or category not in a.categories or not admits(a, dimension, value):
            continue
        if d <= within_km:
            counts[a.capacity] += 1
        if a.capacity == "open" and (nearest_open is None or d < nearest_open):
            nearest_open = float(d)
    return {**counts, "nearest_open_km": None if nearest_open is None else round(nearest_open, 1)}

"""The wijken: their places (the postcodes of the postcode table that name the wijk) and an area
for maps, derived as grid cells around those places (no boundary files needed)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from catalog.geo import haversine_km

CELL_KM = 0.25        # grid cell size of the derived wijk areas
CELL_REACH_KM = 0.4   # a cell belongs to the wijk of its nearest postcode within this distance


@dataclass
class Wijk:
    name: str
    postcodes: list[str]
    lat: np.ndarray
    lon: np.ndarray


def wijken(postcode_rows) -> dict[str, Wijk]:
    """From (postcode, lat, lon, neighbourhood) rows: the wijken with their 6-character postcodes."""
    grouped: dict[str, list] = {}
    for postcode, lat, lon, wijk in postcode_rows:
        if wijk and len(postcode) > 4:
            grouped.setdefault(wijk, []).append((postcode, lat, lon))
    return {name: Wijk(name, [p for p, _, _ in rows], np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
            for name, rows in sorted(grouped.items())}


def distances_km(lat: np.ndarray, lon: np.ndarray, to_lat: np.ndarray, to_lon: np.ndarray) -> np.ndarray:
    """Haversine distances, every point of the first set (rows) to every point of the second."""
    la1, lo1, la2, lo2 = (np.radians(x) for x in (lat[:, None], lon[:, None], to_lat[None, :], to_lon[None, :]))
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def wijk_cells(areas: dict[str, Wijk]) -> dict[str, list[list[list[float]]]]:
    """Each wijk as square cells (GeoJSON polygon rings, lon/lat) around its postcodes."""
    if not areas:
        return {}
    names = [name for name, w in areas.items() for _ in w.postcodes]
    lat = np.concatenate([w.lat for w in areas.values()])
    lon = np.concatenate([w.lon for w in areas.values()])
    dlat = CELL_KM / 111.2
    dlon = CELL_KM / (111.2 * math.cos(math.radians(float(lat.mean()))))
    margin = CELL_REACH_KM / 111.2
    lats = np.arange(lat.min() - margin, lat.max() + margin, dlat)
    lons = np.arange(lon.min() - 2 * margin, lon.max() + 2 * margin, dlon)
    centre_lat, centre_lon = (g.ravel() for g in np.meshgrid(lats + dlat / 2, lons + dlon / 2, indexing="ij"))
    d = distances_km(centre_lat, centre_lon, lat, lon)
    nearest = d.argmin(axis=1)
    cells: dict[str, list] = {name: [] for name in areas}
    for k in np.flatnonzero(d[np.arange(len(nearest)), nearest] <= CELL_REACH_KM):
        south, west = centre_lat[k] - dlat / 2, centre_lon[k] - dlon / 2
        ring = [[round(x, 6), round(y, 6)] for x, y in ((west, south), (west + dlon, south), (west + dlon, south + dlat),
                                                          (west, south + dlat), (west, south))]
        cells[names[nearest[k]]].append([ring])
    return cells


def wijk_of(lat: float, lon: float, postcode_rows) -> tuple[str, str] | None:
    """(pc4, wijk) of the nearest postcode that names a wijk: for a client given by coordinates."""
    best = min(((haversine_km(lat, lon, la, lo), pc, w) for pc, la, lo, w in postcode_rows if w), default=None)
    return (best[1][:4], best[2]) if best else None

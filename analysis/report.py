"""The municipality's reports from one store, computed once for the API, the CSV and the notebook
alike, so that all three show the same figures."""
from __future__ import annotations

from analysis.areas import wijk_cells, wijken
from analysis.coverage import coverage
from analysis.gaps import gaps, is_gap
from analysis.indicator import indicator
from catalog.config import Settings
from catalog.store import Store

# The CSV forms of the reports (GET /gaps.csv, /coverage.csv and `socialmap gaps --csv`).
GAP_CSV_COLUMNS = ("wijk", "wish", "label", "dimension", "group", "demand", "tailored", "tailored_share",
                   "supply_open", "supply_waitlist", "supply_full", "nearest_open_km", "sentence")
COVERAGE_CSV_COLUMNS = ("wijk", "category", "label", "postcodes", "covered", "share")


def gap_csv_row(r: dict) -> list:
    s = r["supply"] or {"open": "", "waitlist": "", "full": "", "nearest_open_km": None}
    return [r["wijk"], r["wish"], r["label"], r["dimension"], r["group"], r["demand"], r["tailored"],
            "" if r["tailored_share"] is None else r["tailored_share"], s["open"], s["waitlist"], s["full"],
            "" if s["nearest_open_km"] is None else s["nearest_open_km"], r["sentence"]]


def gap_report(store: Store, settings: Settings) -> list[dict]:
    return gaps(wijken(store.postcodes()), store.activities(), store.intakes.all(), settings.walking_km, settings.min_count)


def coverage_report(store: Store, settings: Settings) -> list[dict]:
    return coverage(wijken(store.postcodes()), store.activities(), settings.walking_km)


def indicator_report(store: Store, settings: Settings) -> dict:
    return indicator(store.intakes.all(), settings.min_count)


def wijken_geojson(store: Store, settings: Settings) -> dict:
    """One feature per wijk (its derived cells), with its indicator, coverage and biggest gap."""
    areas, activities, intakes = wijken(store.postcodes()), store.activities(), store.intakes.all()  # read once
    within, threshold = settings.walking_km, settings.min_count
    cells = wijk_cells(areas)
    per_wijk = {row["wijk"]: row for row in indicator(intakes, threshold)["per_wijk"]}
    covered: dict[str, list[float]] = {}
    for row in coverage(areas, activities, within):
        covered.setdefault(row["wijk"], []).append(row["share"])
    first_gap = {}
    for row in gaps(areas, activities, intakes, within, threshold):
        first_gap.setdefault(row["wijk"], row)
    features = []
    for name, area in areas.items():
        indicator_row = per_wijk.get(name, {})
        gap = first_gap.get(name)
        features.append({"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": cells[name]},
                         "properties": {"wijk": name, "postcodes": len(area.postcodes),
                                        "intakes": indicator_row.get("intakes", 0),
                                        "fitting_share": indicator_row.get("share"),
                                        "verdict": indicator_row.get("verdict"),
                                        "mean_coverage": round(sum(covered[name]) / len(covered[name]), 3),
                                        "biggest_gap": gap["sentence"] if gap and is_gap(gap) else None}})
    return {"type": "FeatureCollection", "features": features}

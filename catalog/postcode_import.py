"""Read an offline postcode table (CSV: postcode,lat,lon[,neighbourhood,municipality])."""
from __future__ import annotations

from pathlib import Path

from catalog.csv_import import CsvFormatError, read_text, records
from catalog.store import Postcode
from catalog.validation import NL_LAT, NL_LON, Problem, normalise_postcode


def read_postcode_csv(path: str | Path) -> tuple[list[Postcode], list[Problem]]:
    header, rows = records(read_text(path))
    missing = [c for c in ("postcode", "lat", "lon") if c not in header]
    if missing:
        raise CsvFormatError(f"{path}: the header lacks {', '.join(missing)}; "
                             "expected postcode,lat,lon[,neighbourhood,municipality]")
    postcodes, problems = [], []
    for line, row, _ in rows:
        try:
            code = normalise_postcode(row.get("postcode") or "")
        except ValueError as e:
            problems.append(Problem(line, "postcode", str(e), "postcode_invalid", {"value": row.get("postcode") or ""}))
            continue
        try:
            lat, lon = float(row.get("lat")), float(row.get("lon"))
        except (TypeError, ValueError):
            problems.append(Problem(line, "lat/lon", "not decimal numbers (WGS84 degrees)", "number_invalid"))
            continue
        if not (NL_LAT[0] <= lat <= NL_LAT[1] and NL_LON[0] <= lon <= NL_LON[1]):
            problems.append(Problem(line, "lat/lon", f"{lat}, {lon} lies outside the Netherlands", "outside_netherlands"))
            continue
        postcodes.append(Postcode(code, lat, lon, (row.get("neighbourhood") or "").strip() or None,
                                  (row.get("municipality") or "").strip() or None))
    return postcodes, problems

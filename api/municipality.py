"""The municipality's view over HTTP: gaps, coverage, the 80/20 indicator and the wijk map, as JSON,
CSV and GeoJSON; and the coach's one call that reports how an intake ended."""
from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from fastapi import APIRouter, Query, Response

from analysis.gaps import is_gap
from analysis.intakes import WISHES
from analysis.report import (
    COVERAGE_CSV_COLUMNS, GAP_CSV_COLUMNS, coverage_report, gap_csv_row, gap_report, indicator_report,
    wijken_geojson,
)
from analysis.supply import DIMENSIONS
from api.deps import Analyst, Coach, SettingsDep, StoreDep
from api.listings import ERRORS
from api.schemas import OutcomeIn
from catalog.csv_cells import csv_text
from catalog.model import CATEGORIES
from catalog.errors import InvalidInput
from catalog.config import Settings
from catalog.store import Store

router = APIRouter(tags=["municipality"])


def _gaps(store: Store, settings: Settings, wijk, wish, dimension, only_gaps: bool) -> list[dict]:
    rows = gap_report(store, settings)
    return [r for r in rows if (wijk is None or r["wijk"].casefold() == wijk.casefold())
            and (wish is None or r["wish"] == wish) and (dimension is None or r["dimension"] == dimension)
            and (not only_gaps or is_gap(r))]


def _csv(header: tuple, rows: list[list], filename: str) -> Response:
    return Response(csv_text(header, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


Wijk = Query(None, max_length=100, description="one wijk")
Wish = Query(None, description="one wish: a category slug, or 'overig'")
Dimension = Query(None, description="alle, leeftijd (age band), taal (language) or gender")


@router.get("/gaps", responses=ERRORS(401, 403, 422))
def gaps(store: StoreDep, settings: SettingsDep, caller: Analyst, wijk: str | None = Wijk,
         wish: Literal[WISHES] | None = Wish,  # type: ignore[valid-type]
         dimension: Literal[DIMENSIONS] | None = Dimension,  # type: ignore[valid-type]
         only_gaps: bool = Query(False, description="only rows where at least SOCIALMAP_MIN_COUNT intakes needed a tailored offer"),
         limit: int = Query(50, ge=1, le=5000)):
    """Per wijk x wish x group: demand (recorded wishes), the share that needed a tailored offer and
    the supply within walking distance (SOCIALMAP_WALKING_KM); biggest gaps first, each with a
    sentence. Counts under SOCIALMAP_MIN_COUNT show as "< 5"."""
    rows = _gaps(store, settings, wijk, wish, dimension, only_gaps)
    return {"walking_km": settings.walking_km, "min_count": settings.min_count, "total": len(rows), "items": rows[:limit]}


@router.get("/gaps.csv", response_class=Response, responses={
    200: {"content": {"text/csv": {}}, "description": "the same rows as GET /gaps, all of them"},
    **ERRORS(401, 403, 422)})
def gaps_csv(store: StoreDep, settings: SettingsDep, caller: Analyst, wijk: str | None = Wijk,
             wish: Literal[WISHES] | None = Wish,  # type: ignore[valid-type]
             dimension: Literal[DIMENSIONS] | None = Dimension,  # type: ignore[valid-type]
             only_gaps: bool = Query(False)):
    rows = _gaps(store, settings, wijk, wish, dimension, only_gaps)
    return _csv(GAP_CSV_COLUMNS, [gap_csv_row(r) for r in rows], "gaps.csv")


@router.get("/coverage", responses=ERRORS(401, 403, 422))
def coverage(store: StoreDep, settings: SettingsDep, caller: Analyst, wijk: str | None = Wijk,
             category: Literal[CATEGORIES] | None = None,  # type: ignore[valid-type]
             ):
    """From the catalog alone: per wijk and category, the share of the wijk's postcodes within walking
    distance of an open activity."""
    rows = [r for r in coverage_report(store, settings)
            if (wijk is None or r["wijk"].casefold() == wijk.casefold()) and (category is None or r["category"] == category)]
    return {"walking_km": settings.walking_km, "items": rows}


@router.get("/coverage.csv", response_class=Response, responses={
    200: {"content": {"text/csv": {}}, "description": "coverage per wijk and category"},
    **ERRORS(401, 403)})
def coverage_csv(store: StoreDep, settings: SettingsDep, caller: Analyst):
    rows = coverage_report(store, settings)
    return _csv(COVERAGE_CSV_COLUMNS, [[r[c] for c in COVERAGE_CSV_COLUMNS] for r in rows],
                "coverage.csv")


@router.get("/indicator", responses=ERRORS(401, 403))
def indicator(store: StoreDep, settings: SettingsDep, caller: Analyst):
    """The 80/20 indicator: the share of intakes with a fitting activity nearby, against the 80% norm,
    overall, per wijk, per month and per wijk and month."""
    return indicator_report(store, settings)


@router.get("/wijken.geojson", response_class=Response, responses={
    200: {"content": {"application/geo+json": {}}, "description": "one feature per wijk, for maps"},
    **ERRORS(401, 403)})
def wijken(store: StoreDep, settings: SettingsDep, caller: Analyst):
    """The wijken as areas (cells derived around their postcodes) with their indicator, coverage and
    biggest gap."""
    return Response(json.dumps(wijken_geojson(store, settings), ensure_ascii=False),
                    media_type="application/geo+json")


@router.post("/intakes/{intake_id}/outcome", status_code=204, response_class=Response,
             responses=ERRORS(401, 403, 404, 422))
def outcome(intake_id: str, body: OutcomeIn, store: StoreDep, caller: Coach):
    """How a recorded intake ended: started with an activity, a tailored offer was made, or nothing."""
    if (body.outcome == "started") != (body.activity_id is not None):
        raise InvalidInput.of_field("activity_id", "activity_with_started", "give it with outcome 'started' (the "
                                    "activity the client started with), and only then")
    if body.activity_id is not None and store.get(body.activity_id) is None:
        raise InvalidInput.of_field("activity_id", "activity_unknown", f"no activity with id '{body.activity_id}'",
                                    id=body.activity_id)
    store.intakes.set_outcome(intake_id, body.outcome, body.activity_id, dt.date.today().strftime("%Y-%m"))
    return Response(status_code=204)

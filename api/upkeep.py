"""Upkeep of the social map: stale listings per organisation, duplicate candidates, the audit trail."""
from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth import Caller
from api.deps import Admin, SettingsDep, Staff, StoreDep
from api.listings import ERRORS, listing_answer
from api.schemas import (
    ActivityOut, AuditOut, DuplicateOut, ListingBrief, MergeIn, PairIn, StaleOut, StalePage,
)
from catalog.csv_cells import csv_text
from catalog.duplicates import find_duplicates
from catalog.config import Settings
from catalog.freshness import stale_listings
from catalog.errors import Forbidden, InvalidInput, NotFound
from catalog.model import Activity
from catalog.store import Store
STALE_CSV_COLUMNS = ("organisation", "contact", "id", "title", "last_verified", "days_unverified", "paused")

router = APIRouter(tags=["upkeep"])


def _organisation_scope(caller: Caller, organisation: str | None) -> str | None:
    """Editors see their own organisation only; admins and analysts any one, or all."""
    if caller.role != "editor":
        return organisation
    if organisation and organisation.casefold() != (caller.organisation or "").casefold():
        raise Forbidden(f"you may see the listings of {caller.organisation} only", "not_own_organisation",
                        organisation=organisation)
    return caller.organisation


def _stale(store: Store, settings: Settings, caller: Caller, organisation: str | None) -> list[StaleOut]:
    scope = _organisation_scope(caller, organisation)
    return [StaleOut(id=a.id, title=a.title, organisation=a.organisation, contact=a.contact,
                     last_verified=a.last_verified, days_unverified=days, paused=a.paused)
            for a, days in stale_listings(store.activities(), settings.stale_after_days, scope)]


@router.get("/stale", response_model=StalePage, responses=ERRORS(401, 403))
def stale(store: StoreDep, settings: SettingsDep, caller: Staff, organisation: str | None = Query(None, max_length=200)):
    """Listings not confirmed for longer than the freshness setting, per organisation, oldest first.
    Confirm one with POST /activities/{id}/confirm."""
    items = _stale(store, settings, caller, organisation)
    return StalePage(stale_after_days=settings.stale_after_days, total=len(items), items=items)


@router.get("/stale.csv", response_class=Response, responses={
    200: {"content": {"text/csv": {}}, "description": "one row per stale listing, for the reminder mail"},
    **ERRORS(401, 403)})
def stale_csv(store: StoreDep, settings: SettingsDep, caller: Staff,
              organisation: str | None = Query(None, max_length=200)):
    """The stale listings as CSV, grouped by organisation with its contact: the reminder mail's input."""
    rows = ([getattr(s, c) for c in STALE_CSV_COLUMNS] for s in _stale(store, settings, caller, organisation))
    return Response(csv_text(STALE_CSV_COLUMNS, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="stale-listings.csv"'})


def _brief(a: Activity) -> ListingBrief:
    return ListingBrief(id=a.id, title=a.title, organisation=a.organisation, address=a.address,
                        schedule=[str(s) for s in a.schedule])


@router.get("/duplicates", response_model=list[DuplicateOut], responses=ERRORS(401, 403))
def duplicates(store: StoreDep, caller: Staff, organisation: str | None = Query(None, max_length=200),
               limit: int = Query(50, ge=1, le=500)):
    """Pairs of listings that look like one activity listed twice, most likely first, with the
    reasons. Editors see the pairs that involve their own listings. Pairs an admin dismissed or
    merged do not come back."""
    scope = _organisation_scope(caller, organisation)
    listings = {a.id: a for a in store.activities()}
    pairs = find_duplicates(list(listings.values()), store.decided_pairs())
    if scope:
        pairs = [p for p in pairs if scope.casefold() in
                 (listings[p.a].organisation.casefold(), listings[p.b].organisation.casefold())]
    return [DuplicateOut(a=_brief(listings[p.a]), b=_brief(listings[p.b]), score=round(p.score, 3), reasons=p.reasons)
            for p in pairs[:limit]]


@router.post("/duplicates/dismiss", status_code=204, response_class=Response,
             responses=ERRORS(401, 403, 404, 422))
def dismiss(body: PairIn, store: StoreDep, caller: Admin):
    """Not a duplicate: the pair is not shown again."""
    if body.a == body.b:
        raise InvalidInput.of_field("b", "same_listing", "a and b must be two different listings")
    for activity_id in (body.a, body.b):
        if store.get(activity_id) is None:
            raise NotFound(f"no activity with id '{activity_id}'", "activity_unknown", id=activity_id)
    store.dismiss_pair(body.a, body.b, caller.name)
    return Response(status_code=204)


@router.post("/duplicates/merge", response_model=ActivityOut, responses=ERRORS(401, 403, 404, 409, 422))
def merge(body: MergeIn, store: StoreDep, settings: SettingsDep, caller: Admin):
    """One activity listed twice: keep `keep`, remove `drop`. The history of both stays with `keep`,
    and GET /activities/{drop} says where it went."""
    if body.keep == body.drop:
        raise InvalidInput.of_field("drop", "same_listing", "keep and drop must be two different listings")
    store.merge(body.keep, body.drop, caller.name)
    return listing_answer(store.get(body.keep), settings)


@router.get("/audit", response_model=list[AuditOut], responses=ERRORS(401, 403))
def audit(store: StoreDep, caller: Staff, organisation: str | None = Query(None, max_length=200),
          limit: int = Query(100, ge=1, le=1000)):
    """The latest changes to listings: who changed what and when. Editors see their organisation's."""
    scope = _organisation_scope(caller, organisation)
    return [AuditOut(**vars(e)) for e in store.audit.trail(scope, limit)]

"""The read-only Open Referral HSDS 3.1 API under /hsds: the catalog as services, service_at_locations,
organizations, taxonomies and taxonomy_terms, paged as the Page schema of HSDS's openapi.json says.
Public (no login). It only translates: the records come from catalog/hsds."""
from __future__ import annotations

import math
import uuid
import functools
from typing import Literal

from fastapi import APIRouter, Query, Request

from api.deps import DirectoryDep, StoreDep
from catalog.errors import InvalidInput, NotFound
from catalog.hsds.directory import Directory
from catalog.hsds.export import (
    Package, location_object, plain, records, service_at_location_list_item, service_at_location_object,
    service_list_item, service_object, term_object,
)
from catalog.hsds.mapping import CATEGORY_TAXONOMY, organization_description, taxonomy_records, term_id
from catalog.model import CATEGORIES, Activity
from catalog.store import ActivityFilter, Store
from catalog.validation import normalise_postcode


HSDS_VERSION = "3.1"
PUBLIC = {"x-roles": ["anyone"]}
MAX_PROXIMITY_M = 100_000
CATEGORY_TERMS = {term_id(CATEGORY_TAXONOMY, slug): slug for slug in CATEGORIES}

Page = Query(1, ge=1, le=1_000_000, description="Page number of paginated result (from 1).")
PerPage = Query(50, ge=1, le=200, description="Number of results requested in a single page.")
Search = Query(None, max_length=200, description="Full text search.")
Format = Query("json", description="Only json: ndjson streaming is not offered.")


class _NoMatch(Exception):
    """A filter names something that exists nowhere here: the answer is an empty page."""


def page_of(contents: list, total: int, page: int, per_page: int) -> dict:
    pages = math.ceil(total / per_page)
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}


router = APIRouter(prefix="/hsds", tags=["HSDS 3.1 (Open Referral)"])


@functools.cache
def our_taxonomies() -> Package:
    return Package(taxonomy_records())


def package(store: Store, activities: list[Activity]) -> Package:
    return Package(records(activities, store.postcode))


def service_filter(store: Store, directory: Directory, search, taxonomy_term_id, taxonomy_id, organization_id) -> ActivityFilter:
    """The store filter for HSDS's filters; raises _NoMatch when one names nothing of ours."""
    category = name = None
    if taxonomy_term_id is not None:
        category = CATEGORY_TERMS.get(str(taxonomy_term_id))
        if category is None:
            if str(taxonomy_term_id) in our_taxonomies().by_id["taxonomy_term"]:
                raise InvalidInput.of_field("taxonomy_term_id", "term_not_filterable",
                                            f"filter by a term of the taxonomy {CATEGORY_TAXONOMY}; filtering by "
                                            "terms of our other taxonomies is not offered", value=str(taxonomy_term_id))
            raise _NoMatch
    if taxonomy_id is not None and str(taxonomy_id) not in our_taxonomies().by_id["taxonomy"]:
        raise _NoMatch  # a taxonomy of ours: not narrowed (every service has categories and properties)
    if organization_id is not None:
        organisation = directory.organisation(store, str(organization_id))
        if organisation is None:
            raise _NoMatch
        name = organisation.name
    return ActivityFilter(text=search, category=category, organisation=name)


@router.get("/", openapi_extra=PUBLIC)
def info(request: Request):
    """This API and its relation to HSDS."""
    about = {"version": HSDS_VERSION}
    if request.app.openapi_url:
        about["openapi_url"] = str(request.base_url).rstrip("/") + request.app.openapi_url
    return about


@router.get("/services", openapi_extra=PUBLIC)
def services(store: StoreDep, directory: DirectoryDep, search: str | None = Search, taxonomy_term_id: uuid.UUID | None = None,
             taxonomy_id: uuid.UUID | None = None, organization_id: uuid.UUID | None = None,
             full: bool = False, format: Literal["json"] = Format, page: int = Page, per_page: int = PerPage):
    """Services (one per activity): their one-to-one fields, or fully nested with `full`."""
    try:
        filters = service_filter(store, directory, search, taxonomy_term_id, taxonomy_id, organization_id)
    except _NoMatch:
        return page_of([], 0, page, per_page)
    activities, total = store.list(filters, (page - 1) * per_page, per_page)
    p = package(store, activities)
    return page_of([service_object(p, s) if full else service_list_item(p, s) for s in p.records["service"]],
                   total, page, per_page)


@router.get("/services/{id}", openapi_extra=PUBLIC)
def service(id: str, store: StoreDep, directory: DirectoryDep):
    """One service, fully nested."""
    activity = _found(store, directory.service(store, id), f"no service with id '{id}'")
    p = package(store, [activity])
    return service_object(p, p.records["service"][0])


@router.get("/service_at_locations", openapi_extra=PUBLIC)
def service_at_locations(store: StoreDep, directory: DirectoryDep, search: str | None = Search, taxonomy_term_id: uuid.UUID | None = None,
                         taxonomy_id: uuid.UUID | None = None, organization_id: uuid.UUID | None = None,
                         postcode: str | None = Query(None, max_length=10, description=(
                             "A Dutch postcode: the services at it, or with proximity around its centre.")),
                         proximity: float | None = Query(None, gt=0, le=MAX_PROXIMITY_M, description=(
                             "Metres from the centre of the postcode (needs postcode).")),
                         full: bool = False, format: Literal["json"] = Format,
                         page: int = Page, per_page: int = PerPage):
    """Each activity at its location; nearest first with postcode and proximity."""
    try:
        filters = service_filter(store, directory, search, taxonomy_term_id, taxonomy_id, organization_id)
    except _NoMatch:
        return page_of([], 0, page, per_page)
    if proximity is not None and not postcode:
        raise InvalidInput.of_field("proximity", "postcode_needed", "give a postcode too; the distance is measured "
                                    "from its centre")
    if postcode:
        try:
            filters.postcode = normalise_postcode(postcode)
        except InvalidInput as e:
            raise e.at("postcode") from None
    if proximity is None:
        if filters.postcode and len(filters.postcode) == 4:
            raise InvalidInput.of_field("postcode", "postcode_incomplete", "give a full postcode (1234 AB), or add "
                                        "proximity to search around the centre of the area", value=filters.postcode)
        activities, total = store.list(filters, (page - 1) * per_page, per_page)
    else:
        point = store.postcode(filters.postcode)
        if point is None:
            raise InvalidInput.of_field("postcode", "postcode_unknown", f"{filters.postcode} is not in the postcode table",
                                        value=filters.postcode)
        near = [a for a, _ in store.within_radius(point.lat, point.lon, proximity / 1000) if _matches(a, filters)]
        total, activities = len(near), near[(page - 1) * per_page:page * per_page]
    p = package(store, activities)
    return page_of([_placed(p, sal) if full else service_at_location_list_item(p, sal)
                    for sal in p.records["service_at_location"]], total, page, per_page)


@router.get("/service_at_locations/{id}", openapi_extra=PUBLIC)
def service_at_location(id: str, store: StoreDep, directory: DirectoryDep):
    """One service at its location, fully nested with its service."""
    activity = _found(store, directory.service_at_location(store, id), f"no service_at_location with id '{id}'")
    p = package(store, [activity])
    return _placed(p, p.records["service_at_location"][0])


@router.get("/organizations", openapi_extra=PUBLIC)
def organizations(store: StoreDep, directory: DirectoryDep, search: str | None = Search, taxonomy_term_id: uuid.UUID | None = None,
                  taxonomy_id: uuid.UUID | None = None, format: Literal["json"] = Format,
                  page: int = Page, per_page: int = PerPage):
    """The organisations that offer activities (computed from the whole catalog, see catalog/hsds/directory.py)."""
    try:
        filters = service_filter(store, directory, search=None, taxonomy_term_id=taxonomy_term_id,
                                 taxonomy_id=taxonomy_id, organization_id=None)
    except _NoMatch:
        return page_of([], 0, page, per_page)
    found = [o for o in directory.organisations(store)
             if (not search or search.casefold() in o.name.casefold())
             and (not filters.category or filters.category in o.categories)]
    shown = found[(page - 1) * per_page:page * per_page]
    return page_of([{"id": o.id, "name": o.name, "description": organization_description(o.name)} for o in shown],
                   len(found), page, per_page)


@router.get("/organizations/{id}", openapi_extra=PUBLIC)
def organization(id: str, store: StoreDep, directory: DirectoryDep, full_service: bool = False):
    """One organisation with its locations and services (fully nested with full_service)."""
    found = directory.organisation(store, id)
    if found is None:
        raise NotFound(f"no organization with id '{id}'", "organization_unknown", id=id)
    activities = [a for a in store.activities() if a.organisation == found.name]
    if not activities:  # its last activity went since the index was built
        raise NotFound(f"no organization with id '{id}'", "organization_unknown", id=id)
    p = package(store, activities)
    return {**plain(p.by_id["organization"][found.id]),
            "locations": [location_object(p, row["id"]) for row in p.records["location"]],
            "services": [service_object(p, s) if full_service else service_list_item(p, s)
                         for s in p.records["service"]]}


@router.get("/taxonomies", openapi_extra=PUBLIC)
def taxonomies(search: str | None = Search, format: Literal["json"] = Format,
               page: int = Page, per_page: int = PerPage):
    """Our taxonomies: the categories, the properties HSDS has no field for, activity types and target groups."""
    found = [plain(t) for t in our_taxonomies().records["taxonomy"] if _mentions(t, search, ("name", "description"))]
    return page_of(found[(page - 1) * per_page:page * per_page], len(found), page, per_page)


@router.get("/taxonomies/{id}", openapi_extra=PUBLIC)
def taxonomy_by_id(id: str):
    if id not in our_taxonomies().by_id["taxonomy"]:
        raise NotFound(f"no taxonomy with id '{id}'", "taxonomy_unknown", id=id)
    return plain(our_taxonomies().by_id["taxonomy"][id])


@router.get("/taxonomy_terms", openapi_extra=PUBLIC)
def taxonomy_terms(search: str | None = Search, taxonomy_id: uuid.UUID | None = None,
                   top_only: bool = False, parent_id: uuid.UUID | None = None,
                   format: Literal["json"] = Format, page: int = Page, per_page: int = PerPage):
    """The terms of our taxonomies (flat: none has a parent, so top_only changes nothing)."""
    found = [term_object(our_taxonomies(), t["id"]) for t in our_taxonomies().records["taxonomy_term"]
             if _mentions(t, search, ("code", "name", "description")) and parent_id is None
             and (taxonomy_id is None or t["taxonomy_id"] == str(taxonomy_id))]
    return page_of(found[(page - 1) * per_page:page * per_page], len(found), page, per_page)


@router.get("/taxonomy_terms/{id}", openapi_extra=PUBLIC)
def taxonomy_term(id: str):
    if id not in our_taxonomies().by_id["taxonomy_term"]:
        raise NotFound(f"no taxonomy_term with id '{id}'", "taxonomy_term_unknown", id=id)
    return term_object(our_taxonomies(), id)


def _found(store: Store, activity_id: str | None, missing: str) -> Activity:
    activity = store.get(activity_id) if activity_id else None
    if activity is None:
        raise NotFound(missing, "record_unknown")
    return activity


def _placed(p: Package, sal: dict) -> dict:
    """A fully nested service_at_location: its service as well, without its locations again."""
    service = service_object(p, p.by_id["service"][sal["service_id"]])
    del service["service_at_locations"]
    return {**service_at_location_object(p, sal), "service": service}


def _matches(activity: Activity, filters: ActivityFilter) -> bool:
    """ActivityFilter as store.list applies it, for the activities within a radius."""
    text = (filters.text or "").casefold()
    return ((not text or text in activity.title.casefold() or text in activity.description.casefold())
            and (not filters.category or filters.category in activity.categories)
            and (not filters.organisation or filters.organisation.casefold() == activity.organisation.casefold()))


def _mentions(record: dict, search: str | None, columns: tuple[str, ...]) -> bool:
    return not search or any(search.casefold() in (record.get(c) or "").casefold() for c in columns)

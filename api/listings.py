"""Listings over HTTP: read them (anyone), and let organisations keep their own current.

An organisation editor may create, change, pause, resume, confirm and delete only listings of
its own organisation; every other attempt gets 403. Changes need the version that was read
(If-Match, from the ETag), so a second editor gets 412 instead of silently overwriting.
"""
from __future__ import annotations

import re
from typing import Literal

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse

from api.auth import Caller
from api.deps import Editor, MatcherDep, SettingsDep, Staff, StoreDep
from api.errors import ErrorDocs
from api.schemas import ActivityCreate, ActivityFields, ActivityOut, ActivityPage, AuditOut
from catalog.errors import Detail, Forbidden, InvalidInput, NotFound, VersionRequired
from catalog.model import CAPACITY, CATEGORIES, KINDS, Activity
from catalog.config import Settings
from catalog.store import ActivityFilter, Store
from catalog.validation import normalise_postcode
from matcher.index.editing import change_listing, confirm_listing, create_listing

IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')
ERRORS = ErrorDocs({
    401: "Not logged in, or the token expired", 403: "Not your organisation's listing, or not your role",
    404: "No such activity", 409: "The id exists already", 412: "Somebody changed the listing since you read it",
    422: "The input is wrong; the message says what to fix", 428: "Send If-Match with the version you read"})

router = APIRouter(tags=["listings"])


def listing_answer(activity: Activity, settings: Settings, status: int = 200) -> JSONResponse:
    """One listing, with its version as the ETag."""
    body = ActivityOut.of(activity, settings.stale_after_days).model_dump(mode="json")
    return JSONResponse(body, status_code=status, headers={"ETag": f'"{activity.version}"'})


def _version(if_match: str | None, required: bool) -> int | None:
    if if_match is None or if_match.strip() == "*":
        if required:
            raise VersionRequired("send the header If-Match with the version you read "
                                  "(the ETag of GET /activities/{id}, e.g. If-Match: \"3\")")
        return None
    match = IF_MATCH.match(if_match)
    if not match:
        raise InvalidInput(f"If-Match must be a version number such as \"3\", not '{if_match[:40]}'",
                           details=[Detail("If-Match", "version_invalid", "must be a version number such as \"3\"",
                                           {"value": if_match[:40]})])
    return int(match.group(1))


def existing(store: Store, activity_id: str) -> Activity:
    """The listing, or a 404 that says where a merged one went."""
    found = store.get(activity_id)
    if found is None:
        merged = store.merged_into(activity_id)
        if merged:
            raise NotFound(f"activity '{activity_id}' was merged into '{merged}'", "activity_merged",
                           id=activity_id, merged_into=merged)
        raise NotFound(f"no activity with id '{activity_id}'", "activity_unknown", id=activity_id)
    return found


def _owned(store: Store, activity_id: str, caller: Caller) -> Activity:
    current = existing(store, activity_id)
    if not caller.may_edit(current.organisation):
        raise Forbidden(f"'{activity_id}' belongs to {current.organisation}; you may change only "
                        f"listings of {caller.organisation or 'no organisation'}", "not_own_listing",
                        id=activity_id, organisation=current.organisation)
    return current


@router.get("/activities", response_model=ActivityPage, responses=ERRORS(422))
def activities(
    store: StoreDep,
    settings: SettingsDep,
    q: str | None = Query(None, max_length=200, description="text in title or description"),
    category: Literal[CATEGORIES] | None = None,  # type: ignore[valid-type]
    neighbourhood: str | None = Query(None, max_length=100),
    organisation: str | None = Query(None, max_length=200),
    kind: Literal[KINDS] | None = None,  # type: ignore[valid-type]
    capacity: Literal[CAPACITY] | None = None,  # type: ignore[valid-type]
    postcode: str | None = Query(None, max_length=10),
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(50, ge=1, le=200),
):
    """The catalog, filtered and paged."""
    if postcode:
        try:
            postcode = normalise_postcode(postcode)
        except InvalidInput as e:
            raise e.at("postcode") from None
    items, total = store.list(
        ActivityFilter(q, category, neighbourhood, organisation, kind, capacity, postcode), offset, limit)
    after = settings.stale_after_days
    return ActivityPage(total=total, offset=offset, limit=limit, items=[ActivityOut.of(a, after) for a in items])


@router.get("/activities/{activity_id}", response_model=ActivityOut, responses=ERRORS(404))
def activity(activity_id: str, store: StoreDep, settings: SettingsDep):
    """One listing; its ETag is the version to send back in If-Match when changing it."""
    return listing_answer(existing(store, activity_id), settings)


@router.post("/activities", status_code=201, response_model=ActivityOut, responses=ERRORS(401, 403, 409, 422))
def create(body: ActivityCreate, store: StoreDep, matcher: MatcherDep, settings: SettingsDep, caller: Editor):
    """Add a listing of your organisation. last_verified defaults to today."""
    fields = body.model_dump(exclude_unset=True)
    if caller.role == "editor":
        fields.setdefault("organisation", caller.organisation)
    if not caller.may_edit(fields.get("organisation") or ""):
        raise Forbidden(f"you may add listings of {caller.organisation} only, not of {fields.get('organisation')}",
                        "not_own_organisation", organisation=fields.get("organisation") or "")
    created = create_listing(store, matcher.encoder, fields, caller.name)
    response = listing_answer(created, settings, 201)
    response.headers["Location"] = f"/activities/{created.id}"
    return response


@router.patch("/activities/{activity_id}", response_model=ActivityOut, responses=ERRORS(401, 403, 404, 412, 422, 428))
def change(activity_id: str, body: ActivityFields, store: StoreDep, matcher: MatcherDep, settings: SettingsDep,
           caller: Editor, if_match: str | None = Header(None, max_length=100)):
    """Change some fields of a listing. Needs If-Match: the version you read. A new vector is
    computed only when the title, description or categories change."""
    expected = _version(if_match, required=True)
    current = _owned(store, activity_id, caller)
    fields = body.model_dump(exclude_unset=True)
    if "organisation" in fields and not caller.may_edit(fields["organisation"] or ""):
        raise Forbidden("an editor cannot hand a listing to another organisation; ask an admin", "organisation_handover")
    return listing_answer(change_listing(store, matcher.encoder, current, fields, expected, caller.name), settings)


def _set_paused(store: Store, settings: Settings, activity_id: str, paused: bool, caller: Caller,
                if_match: str | None):
    expected = _version(if_match, required=False)
    _owned(store, activity_id, caller)
    store.set_paused(activity_id, paused, expected, caller.name)
    return listing_answer(store.get(activity_id), settings)


@router.post("/activities/{activity_id}/pause", response_model=ActivityOut, responses=ERRORS(401, 403, 404, 412))
def pause(activity_id: str, store: StoreDep, settings: SettingsDep, caller: Editor,
          if_match: str | None = Header(None, max_length=100)):
    """Stop suggesting the listing (holidays, no volunteers) without losing it."""
    return _set_paused(store, settings, activity_id, True, caller, if_match)


@router.post("/activities/{activity_id}/resume", response_model=ActivityOut, responses=ERRORS(401, 403, 404, 412))
def resume(activity_id: str, store: StoreDep, settings: SettingsDep, caller: Editor,
           if_match: str | None = Header(None, max_length=100)):
    """Suggest a paused listing again."""
    return _set_paused(store, settings, activity_id, False, caller, if_match)


@router.post("/activities/{activity_id}/confirm", response_model=ActivityOut, responses=ERRORS(401, 403, 404))
def confirm(activity_id: str, store: StoreDep, matcher: MatcherDep, settings: SettingsDep, caller: Editor):
    """'This listing is still current': sets last_verified to today, so it is no longer stale."""
    _owned(store, activity_id, caller)
    return listing_answer(confirm_listing(store, matcher.encoder, activity_id, caller.name), settings)


@router.delete("/activities/{activity_id}", status_code=204, response_class=Response,
               responses=ERRORS(401, 403, 404, 412))
def delete(activity_id: str, store: StoreDep, caller: Editor, if_match: str | None = Header(None, max_length=100)):
    """Remove a listing for good. Its last contents stay in the audit trail."""
    expected = _version(if_match, required=False)
    _owned(store, activity_id, caller)
    store.delete_activity(activity_id, expected, caller.name)
    return Response(status_code=204)


@router.get("/activities/{activity_id}/history", response_model=list[AuditOut], responses=ERRORS(401, 403, 404))
def history(activity_id: str, store: StoreDep, caller: Staff):
    """Who changed what and when, newest first (also of listings merged into this one)."""
    entries, current = store.audit.history(activity_id), store.get(activity_id)
    if not entries and current is None:
        raise NotFound(f"no activity with id '{activity_id}'", "activity_unknown", id=activity_id)
    if caller.role == "editor":
        # Only what happened while it was the editor's own: an id once used by another
        # organisation's (deleted) listing does not open that listing's past.
        own = [e for e in entries if caller.may_edit(e.organisation)]
        if not own and not (current is not None and caller.may_edit(current.organisation)):
            organisation = current.organisation if current is not None else entries[0].organisation
            raise Forbidden(f"that is the history of a listing of {organisation}", "not_own_listing",
                            id=activity_id, organisation=organisation)
        entries = own
    return [AuditOut(**vars(e)) for e in entries]

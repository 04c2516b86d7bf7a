"""The JSON shapes of the HTTP API (they also make the OpenAPI documentation)."""
from __future__ import annotations

import datetime as dt

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from catalog.freshness import is_stale
from catalog.model import Activity
from catalog.records import OUTCOMES, ROLES
from matcher.profile import ClientProfile


class MatchRequest(ClientProfile):
    limit: int = Field(10, ge=1, le=20, description="How many suggestions (1-20)")
    record: bool = Field(False, description="Record this match for the municipality's gap analysis, anonymously: "
                                            "postcode area, wijk, age band, gender, languages, wishes as categories, "
                                            "tailored or not. Nothing else of the intake is kept.")


class ActivityOut(BaseModel):
    id: str
    title: str
    description: str
    organisation: str
    kind: str
    categories: list[str]
    min_age: int | None
    max_age: int | None
    gender: str
    languages: list[str]
    culture: str | None
    address: str
    postcode: str
    neighbourhood: str
    lat: float
    lon: float
    schedule: list[str]
    cost_eur_month: float
    wheelchair: str
    capacity: str
    last_verified: dt.date
    stale: bool = Field(description="not confirmed by its provider for longer than the freshness setting "
                                    "(SOCIALMAP_STALE_AFTER_MONTHS, default 12)")
    contact: str
    paused: bool = Field(description="kept, but suggested to nobody until its organisation resumes it")
    version: int = Field(description="raised on every change; send it back in If-Match when you edit")

    @classmethod
    def of(cls, a: Activity, today: dt.date | None = None) -> "ActivityOut":
        today = today or dt.date.today()
        return cls(id=a.id, title=a.title, description=a.description, organisation=a.organisation,
                   kind=a.kind, categories=a.categories, min_age=a.min_age, max_age=a.max_age,
                   gender=a.gender, languages=a.languages, culture=a.culture, address=a.address,
                   postcode=a.postcode, neighbourhood=a.neighbourhood, lat=a.lat, lon=a.lon,
                   schedule=[str(s) for s in a.schedule], cost_eur_month=a.cost_eur_month,
                   wheelchair=a.wheelchair, capacity=a.capacity, last_verified=a.last_verified,
                   stale=is_stale(a, today), contact=a.contact, paused=a.paused, version=a.version)


class SuggestionOut(BaseModel):
    rank: int
    activity: ActivityOut
    distance_km: float
    score: float
    explanation: str = Field(description="Dutch, for the coach: what matched, distance, compromises")
    compromises: list[str]
    signals: dict[str, float]


class TailoredOut(BaseModel):
    needed: bool = Field(description="true: no fitting activity within reach; search further or have an offer made")
    reason: str
    unmet_wishes: list[str]


class LocationOut(BaseModel):
    lat: float
    lon: float
    source: str


class MatchResponse(BaseModel):
    suggestions: list[SuggestionOut]
    tailored: TailoredOut
    location: LocationOut
    within_reach: int = Field(description="activities within the maximum distance")
    excluded: dict[str, int] = Field(description="activities within reach left out, per hard constraint")
    intake_id: str | None = Field(None, description="with record=true: the id to report the outcome to "
                                                    "(POST /intakes/{id}/outcome)")


class ActivityPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[ActivityOut]


class Health(BaseModel):
    status: str
    activities: int
    schema_version: int
    model: str


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorResponse(BaseModel):
    error: str
    details: list[ErrorDetail] = []




class ActivityFields(BaseModel):
    """The editable fields of a listing, as JSON. The same rules as the CSV import apply
    (catalog/validation.py): a wrong value gets a 422 naming the field and what to fix."""
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=4000)
    organisation: str | None = Field(None, max_length=200)
    kind: str | None = Field(None, max_length=20, description="formal or informal")
    categories: list[str] | None = Field(None, max_length=25, description="category slugs, see /hsds/taxonomy_terms")
    min_age: int | None = Field(None, ge=0, le=120)
    max_age: int | None = Field(None, ge=0, le=120)
    gender: str | None = Field(None, max_length=20, description="any, female or male")
    languages: list[str] | None = Field(None, max_length=30, description="ISO 639-1 codes, e.g. nl, tr")
    culture: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, max_length=10)
    neighbourhood: str | None = Field(None, max_length=100)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    schedule: list[str] | None = Field(None, max_length=30, description='weekly slots, e.g. ["di 14:00-16:00"]')
    cost_eur_month: float | None = Field(None, ge=0, le=100000)
    wheelchair: str | None = Field(None, max_length=20, description="yes, no or unknown")
    capacity: str | None = Field(None, max_length=20, description="open, waitlist or full")
    last_verified: dt.date | None = None
    contact: str | None = Field(None, max_length=200)


class ActivityCreate(ActivityFields):
    id: str = Field(max_length=64, description="your own stable id for the listing, e.g. bib-taalcafe-1")


class AuditOut(BaseModel):
    at: str
    actor: str
    action: str
    activity_id: str
    organisation: str
    version: int | None
    changes: dict[str, list] = Field(description="field -> [old, new]")


class StaleOut(BaseModel):
    id: str
    title: str
    organisation: str
    contact: str
    last_verified: dt.date
    days_unverified: int
    paused: bool


class StalePage(BaseModel):
    stale_after_days: int
    total: int
    items: list[StaleOut]


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: str
    role: str
    organisation: str | None


class Me(BaseModel):
    name: str
    role: str
    organisation: str | None


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(max_length=200, description="at least 10 characters")
    role: Literal[ROLES]  # type: ignore[valid-type]
    organisation: str | None = Field(None, min_length=1, max_length=200, description="required for an editor")


class UserOut(BaseModel):
    username: str
    role: str
    organisation: str | None
    created_at: str


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: Literal[ROLES]  # type: ignore[valid-type]
    organisation: str | None = Field(None, min_length=1, max_length=200, description="required for an editor")


class ApiKeyOut(BaseModel):
    name: str
    role: str
    organisation: str | None
    created_at: str
    revoked: bool
    key: str | None = Field(None, description="shown once, when the key is made; only its hash is stored")


class ListingBrief(BaseModel):
    id: str
    title: str
    organisation: str
    address: str
    schedule: list[str]


class DuplicateOut(BaseModel):
    a: ListingBrief
    b: ListingBrief
    score: float
    reasons: list[str]


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: str = Field(max_length=64)
    b: str = Field(max_length=64)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    keep: str = Field(max_length=64, description="the listing that stays")
    drop: str = Field(max_length=64, description="the listing that goes; its history moves to `keep`")


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal[OUTCOMES] = Field(description="started (with activity_id), tailored_offer or nothing")  # type: ignore[valid-type]
    activity_id: str | None = Field(None, max_length=64, description="the activity the client started with")

"""The JSON shapes of the HTTP API (they also make the OpenAPI documentation)."""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from catalog.model import Activity
from matcher.profile import ClientProfile
from matcher.signals import STALE_AFTER_DAYS


class MatchRequest(ClientProfile):
    limit: int = Field(10, ge=1, le=20, description="How many suggestions (1-20)")


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
    stale: bool = Field(description=f"not confirmed by its provider for over {STALE_AFTER_DAYS} days")
    contact: str

    @classmethod
    def of(cls, a: Activity, today: dt.date | None = None) -> "ActivityOut":
        today = today or dt.date.today()
        return cls(id=a.id, title=a.title, description=a.description, organisation=a.organisation,
                   kind=a.kind, categories=a.categories, min_age=a.min_age, max_age=a.max_age,
                   gender=a.gender, languages=a.languages, culture=a.culture, address=a.address,
                   postcode=a.postcode, neighbourhood=a.neighbourhood, lat=a.lat, lon=a.lon,
                   schedule=[str(s) for s in a.schedule], cost_eur_month=a.cost_eur_month,
                   wheelchair=a.wheelchair, capacity=a.capacity, last_verified=a.last_verified,
                   stale=(today - a.last_verified).days > STALE_AFTER_DAYS, contact=a.contact)


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

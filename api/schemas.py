"""The JSON shapes of the HTTP API (they also make the OpenAPI documentation)."""
from __future__ import annotations

import datetime as dt

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from catalog.freshness import is_stale
from catalog.model import CATEGORY_LABELS, Activity
from catalog.records import OUTCOMES, ROLES
from catalog.taxonomy import taxonomy
from matcher.profile import ClientProfile
from matcher.wish_fit import activity_types


class MatchRequest(ClientProfile):
    limit: int = Field(10, ge=1, le=20, description="How many suggestions (1-20)")
    record: bool = Field(False, description="Record this match for the municipality's gap analysis, anonymously: "
                                            "postcode area, wijk, age band, gender, languages, wishes as categories, "
                                            "tailored or not. Nothing else of the intake is kept.")


class TypeOut(BaseModel):
    key: str
    label: str


def _types_out(a: Activity) -> dict:
    t = taxonomy()
    types, groups = activity_types(a)   # as stored; assigned now for a listing stored without them
    return {"types": [TypeOut(key=k, label=t.label(k)) for k in types],
            "target_groups": [TypeOut(key=g, label=t.groups[g].label if g in t.groups else g) for g in groups],
            "types_source": a.types_source}


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
    types: list[TypeOut] = Field(description="the kinds of activity it is (taxonomy), assigned from its words "
                                             "at import or set by its editor")
    target_groups: list[TypeOut] = Field(description="the groups it is for; empty when open to all")
    types_source: str = Field(description="auto (assigned from the text) or editor (corrected by its editor)")
    paused: bool = Field(description="kept, but suggested to nobody until its organisation resumes it")
    version: int = Field(description="raised on every change; send it back in If-Match when you edit")

    @classmethod
    def of(cls, a: Activity, stale_after: int, today: dt.date | None = None) -> "ActivityOut":
        """`stale_after`: the freshness setting in days (Settings.stale_after_days)."""
        today = today or dt.date.today()
        return cls(id=a.id, title=a.title, description=a.description, organisation=a.organisation,
                   kind=a.kind, categories=a.categories, min_age=a.min_age, max_age=a.max_age,
                   gender=a.gender, languages=a.languages, culture=a.culture, address=a.address,
                   postcode=a.postcode, neighbourhood=a.neighbourhood, lat=a.lat, lon=a.lon,
                   schedule=[str(s) for s in a.schedule], cost_eur_month=a.cost_eur_month,
                   wheelchair=a.wheelchair, capacity=a.capacity, last_verified=a.last_verified,
                   stale=is_stale(a, stale_after, today), contact=a.contact, paused=a.paused, version=a.version,
                   **_types_out(a))


class SuggestionOut(BaseModel):
    rank: int
    activity: ActivityOut
    distance_km: float
    score: float
    explanation: str = Field(description="Dutch, for the coach: what matched, distance, compromises")
    compromises: list[str]
    fit: float = Field(description="how likely a coach would really propose it (0-1), learned from judged sets")
    meets: list[str] = Field(description="the wishes it meets, in the coach's words")
    signals: dict[str, float]


class NearestOut(BaseModel):
    id: str
    title: str
    distance_km: float


class WishOut(BaseModel):
    wish: str = Field(description="the coach's keyword, or the words of the narrative it was read from")
    source: Literal["keyword", "narrative", "need"]
    status: Literal["met", "unmet", "not_understood"]
    understood_as: list[str] = Field(description="the kinds of activity (or category, need) it was read as")
    met_by: list[str] = Field(description="ids of the suggestions that meet it")
    chance: float = Field(0.0, ge=0, le=1, description="the chance that at least one suggestion of its kind is a "
                                                      "real fit; met from the model's threshold")
    nearest: NearestOut | None = Field(None, description="unmet: the nearest fitting offer beyond reach")


class TailoredOut(BaseModel):
    needed: bool = Field(description="true: no wish is met by a suggestion; search further or have an offer made. "
                                     "Exactly when no entry of `wishes` has status met.")
    reason: str
    wishes: list[WishOut] = Field(description="the verdict per wish")
    unmet_wishes: list[str] = Field(description="the wishes not met (unmet or not understood)")


class EvidenceOut(BaseModel):
    key: str
    label: str
    words: list[str] = Field(description="the words of the intake that show it")


class IntakeOut(BaseModel):
    """What the matcher read in the intake (shown to the coach, never stored)."""
    wish_types: list[EvidenceOut]
    needs: list[EvidenceOut]
    groups: list[EvidenceOut] = Field(description="target groups the client is in (mantelzorgers, nieuwkomers, ...)")
    refused: list[EvidenceOut] = Field(description="kinds, categories and groups the client does not want")
    constraints: list[EvidenceOut] = Field(description="conditions such as budget or distance: never wishes")

    @classmethod
    def of(cls, intake) -> "IntakeOut":
        t = taxonomy()
        wish_types: dict[str, list[str]] = {}
        for w in intake.wishes:
            for key, words in w.types.items():
                wish_types.setdefault(key, []).extend(x for x in words if x not in wish_types.get(key, []))
        group_label = lambda g: t.groups[g].label if g in t.groups else g  # noqa: E731
        refused = ([EvidenceOut(key=k, label=t.label(k), words=v) for k, v in intake.refused_types.items()]
                   + [EvidenceOut(key=k, label=CATEGORY_LABELS[k], words=v) for k, v in intake.refused_categories.items()]
                   + [EvidenceOut(key=k, label=group_label(k), words=v) for k, v in intake.refused_groups.items()])
        return cls(wish_types=[EvidenceOut(key=k, label=t.label(k), words=v) for k, v in wish_types.items()],
                   needs=[EvidenceOut(key=k, label=t.needs[k].label, words=v) for k, v in intake.needs.items()],
                   groups=[EvidenceOut(key=k, label=group_label(k), words=v) for k, v in intake.groups.items()],
                   refused=refused,
                   constraints=[EvidenceOut(key=k, label=k, words=v) for k, v in intake.constraints.items()])


class LocationOut(BaseModel):
    lat: float
    lon: float
    source: str


class MatchResponse(BaseModel):
    suggestions: list[SuggestionOut]
    tailored: TailoredOut
    intake: IntakeOut
    location: LocationOut
    within_reach: int = Field(description="activities within the maximum distance")
    excluded: dict[str, int] = Field(description="activities within reach left out, per hard constraint")
    intake_id: str | None = Field(None, description="with record=true: the id to report the outcome to "
                                                    "(POST /intakes/{id}/outcome)")

    @classmethod
    def of(cls, result, stale_after: int, intake_id: str | None = None) -> "MatchResponse":
        t = result.tailored
        return cls(
            suggestions=[SuggestionOut(rank=i + 1, activity=ActivityOut.of(s.activity, stale_after),
                                       distance_km=s.distance_km,
                                       score=s.score, explanation=s.explanation, compromises=s.compromises,
                                       fit=s.fit, meets=s.meets, signals={k: round(v, 4) for k, v in s.signals.items()})
                         for i, s in enumerate(result.suggestions)],
            tailored=TailoredOut(needed=t.needed, reason=t.reason, unmet_wishes=t.unmet_wishes, wishes=[
                WishOut(wish=w.wish, source=w.source, status=w.status, understood_as=w.kinds, met_by=w.met_by, chance=w.chance,
                        nearest=NearestOut(id=w.nearest[0], title=w.nearest[1], distance_km=w.nearest[2])
                        if w.nearest else None) for w in t.wishes]),
            intake=IntakeOut.of(result.intake),
            location=LocationOut(lat=result.lat, lon=result.lon, source=result.location_source),
            within_reach=result.within_reach, excluded=result.excluded, intake_id=intake_id)


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


class TaxonomyTypeOut(BaseModel):
    key: str
    label: str
    categories: list[str]
    needs: list[str]
    groups: list[str]
    activity_terms: list[str]
    wish_terms: list[str]


class TaxonomyGroupOut(BaseModel):
    key: str
    label: str
    kind: str
    min_age: int | None
    max_age: int | None


class TaxonomyOut(BaseModel):
    """The knowledge the matcher works with: kinds of activity, the needs they serve, target groups."""
    version: str
    types: list[TaxonomyTypeOut]
    needs: list[TypeOut]
    groups: list[TaxonomyGroupOut]

    @classmethod
    def of(cls, t) -> "TaxonomyOut":
        return cls(version=t.version,
                   types=[TaxonomyTypeOut(key=k, label=v.label, categories=list(v.categories), needs=list(v.needs),
                                          groups=list(v.groups), activity_terms=list(v.activity_terms),
                                          wish_terms=list(v.wish_terms)) for k, v in t.types.items()],
                   needs=[TypeOut(key=k, label=v.label) for k, v in t.needs.items()],
                   groups=[TaxonomyGroupOut(key=k, label=v.label, kind=v.kind, min_age=v.min_age, max_age=v.max_age)
                           for k, v in t.groups.items()])


class Vocabulary(BaseModel):
    languages: dict[str, str] = Field(description="ISO 639-1 code -> Dutch name")
    days: dict[str, str] = Field(description="ma -> maandag, ...")
    categories: dict[str, str] = Field(description="category slug -> Dutch label")
    capacity: dict[str, str]
    wheelchair: dict[str, str]


class ErrorDetail(BaseModel):
    field: str
    code: str = Field(description="what is wrong with the field, stable: schedule_invalid, required, too_long, ...")
    message: str
    params: dict = Field({}, description="the values the code's text needs (the value given, a limit, ...)")


class ErrorResponse(BaseModel):
    error: str = Field(description="what is wrong, in English, for developers and logs")
    code: str = Field(description="stable and machine-readable (version_conflict, postcode_unknown, "
                                  "login_required, ...): what the pages translate and what to branch on")
    params: dict = Field({}, description="the values the code's text needs")
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
    types: list[str] | None = Field(None, max_length=20, description="the kinds of activity it is (keys of GET "
                                    "/taxonomy); setting them corrects the automatic assignment for good")
    target_groups: list[str] | None = Field(None, max_length=20, description="the groups it is for (keys of "
                                            "GET /taxonomy), e.g. mantelzorgers; [] when it is open to all")
    types_source: Literal["auto", "editor"] | None = Field(None, description="'auto': assign types and groups "
                                                           "from the text again, dropping a correction")

    @field_validator("types", "target_groups", mode="before")
    @classmethod
    def _keys(cls, value):
        """Keys, or the {key, label} objects a GET gives (a listing read and sent back as it is)."""
        if isinstance(value, list):
            return [v["key"] if isinstance(v, dict) and "key" in v else v for v in value]
        return value


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

"""The client profile: what a coach learns in the intake. Never stored, never logged."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from catalog.errors import InvalidInput
from catalog.model import WEEKDAYS
from catalog.validation import normalise_postcode
from catalog.vocabulary import DAY_NAMES as NAMES_OF_DAYS

DAY_NAMES = {name: day for day, name in NAMES_OF_DAYS.items()}   # "maandag" -> "ma": a coach may write either


class ClientProfile(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    narrative: str = Field("", max_length=5000, description="Vrije tekst van de intake (Nederlands)")
    interests: str = Field("", max_length=1000, description="Trefwoorden van de coach, komma-gescheiden")
    age: int | None = Field(None, ge=0, le=120)
    gender: str | None = Field(None, pattern="^(female|male|other|x)$", description="female, male, other/x or empty")
    languages: list[str] = Field(default_factory=lambda: ["nl"], max_length=20,
                                 description="ISO 639-1 codes the client speaks")
    culture: str | None = Field(None, max_length=100)
    postcode: str | None = Field(None, max_length=10, description="Dutch postcode, used when lat/lon are absent")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    max_distance_km: float = Field(3.0, gt=0, le=50)
    availability: list[str] = Field(default_factory=list, description="Weekdays (ma di wo do vr za zo); empty = any day")
    budget_eur_month: float | None = Field(None, ge=0, le=10000, description="Empty = no limit")
    needs_wheelchair_access: bool = False

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        codes = [v.strip().lower() for v in value if v and v.strip()]
        wrong = [c for c in codes if len(c) not in (2, 3) or not c.isascii() or not c.isalpha()]
        if wrong:
            raise InvalidInput(f"{', '.join(wrong)}: use ISO 639-1 codes such as nl, tr, ar (ISO 639-3 "
                               "such as ber or pap for a language without one)", "language_invalid", value=", ".join(wrong))
        return codes

    @field_validator("availability")
    @classmethod
    def _availability(cls, value: list[str]) -> list[str]:
        days, wrong = [], []
        for v in (v.strip().lower().rstrip(".") for v in value if v and v.strip()):
            day = v if v in WEEKDAYS else DAY_NAMES.get(v)
            (days if day else wrong).append(day or v)
        if wrong:
            raise InvalidInput(f"{', '.join(wrong)}: use weekdays {' '.join(WEEKDAYS)} (or maandag ... zondag)",
                               "weekday_invalid", value=", ".join(wrong))
        return list(dict.fromkeys(days))

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        return normalise_postcode(value) if value else None

    @model_validator(mode="after")
    def _location(self):
        if (self.lat is None) != (self.lon is None):
            raise InvalidInput("give both lat and lon, or neither (and a postcode)", "lat_lon_pair")
        if self.lat is None and not self.postcode:
            raise InvalidInput("give the client's location: a postcode, or lat and lon", "location_missing")
        if not (self.narrative or self.interests):
            raise InvalidInput("give a narrative or interests: without a wish nothing can be matched", "wish_missing")
        return self

    @property
    def query_text(self) -> str:
        return ". ".join(t for t in (self.interests, self.narrative) if t)

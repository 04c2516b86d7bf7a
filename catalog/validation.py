"""Turn one raw row (strings, as in the CSV or an API body) into an Activity, or say what is wrong.

Every problem names the column and what to fix, so an organisation can correct its file itself.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from dataclasses import dataclass, field

from catalog.errors import Detail, InvalidInput
from catalog.model import (
    CAPACITY, CATEGORIES, CSV_COLUMNS, GENDERS, KINDS, WEEKDAYS, WHEELCHAIR, Activity, Slot,
)

REQUIRED = ("id", "title", "description", "organisation", "kind", "categories", "gender",
            "languages", "address", "postcode", "neighbourhood", "lat", "lon", "cost_eur_month",
            "wheelchair", "capacity", "last_verified", "contact")
# The Netherlands with a margin; catches swapped or missing coordinates.
NL_LAT, NL_LON = (50.6, 53.7), (3.2, 7.3)
POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})?$")
SLOT = re.compile(r"^(ma|di|wo|do|vr|za|zo)\s+([01]\d|2[0-3]):([0-5]\d)\s*-\s*(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$")
# ISO 639-1, or ISO 639-3 for a language that has no two-letter code (ber: Tamazight, pap: Papiaments)
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
MAX_TEXT = {"title": 200, "description": 4000, "organisation": 200, "address": 200,
            "neighbourhood": 100, "contact": 200, "culture": 100}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row: where (line, column), what to fix, and its code (the pages
    translate the code and its parameters, catalog/errors.py)."""
    line: int | None
    column: str
    message: str
    code: str = "invalid"
    params: dict = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        return f"{where}column '{self.column}': {self.message}"


class ValidationError(InvalidInput):
    """A listing with every problem found, one detail a problem."""
    code = "listing_invalid"

    def __init__(self, problems: list[Problem]):
        super().__init__("invalid listing: " + "; ".join(str(p) if p.line is not None else f"{p.column}: {p.message}"
                                                         for p in problems),
                         details=[Detail(p.column, p.code, p.message, p.params) for p in problems])
        self.problems = problems


def normalise_postcode(value: str) -> str:
    """'3431ab' -> '3431 AB'; raises InvalidInput (a ValueError) when it is no Dutch postcode."""
    match = POSTCODE.match(value.strip())
    if not match:
        raise InvalidInput(f"'{value}' is not a Dutch postcode; write it as 1234 AB", "postcode_invalid", value=value)
    digits, letters = match.groups()
    return f"{digits} {letters.upper()}" if letters else digits


@functools.lru_cache(maxsize=4096)
def _slot(day: str, start: str, end: str) -> Slot:
    """Slots are immutable and repeat across a catalog: one shared object each saves memory."""
    return Slot(sys.intern(day), sys.intern(start), sys.intern(end))


def parse_schedule(value: str) -> list[Slot]:
    """'di 14:00-16:00; do 10:00-12:00' -> slots; empty means by appointment."""
    slots = []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        match = SLOT.match(part)
        if not match:
            raise InvalidInput(f"'{part}' is not a weekly slot; write e.g. 'di 14:00-16:00' "
                               f"with a day from {' '.join(WEEKDAYS)}", "schedule_invalid", value=part)
        day, h1, m1, *end = match.groups()
        h2, m2 = (end[0], end[1]) if end[0] else (end[2], end[3])
        if (h1, m1) >= (h2, m2):
            raise InvalidInput(f"'{part}' ends before it starts", "schedule_order", value=part)
        slots.append(_slot(day, f"{h1}:{m1}", f"{h2}:{m2}"))
    return slots


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


# Tabs, line ends and the line breaks Word and Excel put in a cell (\x0b, \x0c) are ordinary text;
# the other C0 characters and DEL are not (PostgreSQL cannot store a NUL byte at all). The request
# guard (api/guard.py) refuses them in every API input too.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def validate_row(row: dict, line: int | None = None) -> Activity:
    """Return the Activity for a raw row, or raise ValidationError with every problem found.
    (A row read back from a store is decoded without this: catalog/codec.py.)"""
    problems: list[Problem] = []
    values: dict = {}

    def bad(column: str, message: str, code: str, **params) -> None:
        problems.append(Problem(line, column, message, code, params))

    raw = {k: ("" if row.get(k) is None else str(row.get(k)).strip()) for k in CSV_COLUMNS}
    for column, text in raw.items():
        if CONTROL_CHARACTER.search(text):
            bad(column, "contains a control character (such as a NUL byte): remove it", "control_character")
    for column in REQUIRED:
        if not raw[column]:
            bad(column, "is empty; it is required", "required")
    for column, limit in MAX_TEXT.items():
        if len(raw[column]) > limit:
            bad(column, f"is {len(raw[column])} characters long; at most {limit} allowed", "too_long",
                length=len(raw[column]), limit=limit)
    if raw["id"] and not ID.match(raw["id"]):
        bad("id", "use letters, digits and - _ . : only (at most 64 characters)", "id_invalid")

    def choice(column: str, allowed: tuple[str, ...]) -> None:
        if raw[column] and raw[column] not in allowed:
            bad(column, f"'{raw[column]}' is not allowed; use one of: {', '.join(allowed)}", "not_allowed",
                value=raw[column], allowed=list(allowed))
        values[column] = raw[column]

    for column, allowed in (("kind", KINDS), ("gender", GENDERS), ("wheelchair", WHEELCHAIR),
                            ("capacity", CAPACITY)):
        choice(column, allowed)

    values["categories"] = split_list(raw["categories"])
    unknown = [c for c in values["categories"] if c not in CATEGORIES]
    if unknown:
        bad("categories", f"unknown {', '.join(unknown)}; use slugs from: {', '.join(CATEGORIES)}", "not_allowed",
            value=", ".join(unknown), allowed=list(CATEGORIES))
    values["languages"] = [v.lower() for v in split_list(raw["languages"])]
    wrong = [v for v in values["languages"] if not LANGUAGE.match(v)]
    if wrong:
        bad("languages", f"{', '.join(wrong)} not a language code: use ISO 639-1 (nl, tr, ar, en, ...), or ISO 639-3 "
                               "for a language without one (ber, pap)", "language_invalid", value=", ".join(wrong))

    for column in ("min_age", "max_age"):
        values[column] = None
        if raw[column]:
            try:
                values[column] = int(raw[column])
                if not 0 <= values[column] <= 120:
                    bad(column, f"{raw[column]} is not an age between 0 and 120", "age_invalid", value=raw[column])
            except ValueError:
                bad(column, f"'{raw[column]}' is not a whole number of years; leave empty for no limit", "age_invalid",
                    value=raw[column])
    if (values["min_age"] is not None and values["max_age"] is not None
            and values["min_age"] > values["max_age"]):
        bad("max_age", f"{values['max_age']} is below min_age {values['min_age']}", "age_order",
            min_age=values["min_age"], max_age=values["max_age"])

    for column, (low, high) in (("lat", NL_LAT), ("lon", NL_LON)):
        values[column] = None
        if raw[column]:
            try:
                values[column] = float(raw[column])
            except ValueError:
                bad(column, f"'{raw[column]}' is not a decimal number (WGS84 degrees, e.g. 52.03)", "number_invalid",
                    value=raw[column])
                continue
            if not low <= values[column] <= high:
                hint = " (are lat and lon swapped?)" if column == "lat" and NL_LON[0] <= values[column] <= NL_LON[1] else ""
                bad(column, f"{values[column]} lies outside the Netherlands ({low} to {high}){hint}",
                    "outside_netherlands", value=values[column], low=low, high=high)

    if raw["postcode"]:
        try:
            values["postcode"] = normalise_postcode(raw["postcode"])
        except InvalidInput as e:
            bad("postcode", e.message, e.code, **e.params)
    try:
        values["schedule"] = parse_schedule(raw["schedule"])
    except InvalidInput as e:
        bad("schedule", e.message, e.code, **e.params)
    if raw["cost_eur_month"]:
        try:
            values["cost"] = float(raw["cost_eur_month"].replace(",", "."))
            if not 0 <= values["cost"] < 100_000:
                bad("cost_eur_month", "must be 0 (free) or a positive amount in euro per month", "amount_range")
        except ValueError:
            bad("cost_eur_month", f"'{raw['cost_eur_month']}' is not an amount; write 0 when free", "amount_invalid",
                value=raw["cost_eur_month"])
    if raw["last_verified"]:
        try:
            values["last_verified"] = dt.date.fromisoformat(raw["last_verified"])
            if values["last_verified"] > dt.date.today() + dt.timedelta(days=1):
                bad("last_verified", f"{raw['last_verified']} lies in the future", "date_future",
                    value=raw["last_verified"])
        except ValueError:
            bad("last_verified", f"'{raw['last_verified']}' is not a date; write YYYY-MM-DD", "date_invalid",
                value=raw["last_verified"])

    if problems:
        raise ValidationError(problems)
    # Values that repeat across a catalog are kept once (a national catalog holds 100,000 in memory).
    intern = sys.intern
    return Activity(
        id=raw["id"], title=raw["title"], description=raw["description"],
        organisation=intern(raw["organisation"]), kind=intern(values["kind"]),
        categories=[intern(c) for c in values["categories"]],
        min_age=values["min_age"], max_age=values["max_age"], gender=intern(values["gender"]),
        languages=[intern(x) for x in values["languages"]], culture=intern(raw["culture"]) or None,
        address=raw["address"], postcode=intern(values["postcode"]), neighbourhood=intern(raw["neighbourhood"]),
        lat=values["lat"], lon=values["lon"], schedule=values["schedule"], cost_eur_month=values["cost"],
        wheelchair=intern(values["wheelchair"]), capacity=intern(values["capacity"]),
        last_verified=values["last_verified"], contact=raw["contact"],
    )

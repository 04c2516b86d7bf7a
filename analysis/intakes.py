"""Recording a match for the municipality, anonymous by design, and the intake records' CSV.

Kept: the 4-digit postcode area and wijk, an age band, gender, languages, the wishes as categories,
whether a tailored offer was needed and for which wishes, the month, and later the outcome.
Never kept: name, birth date or age, narrative, keywords, exact address or coordinates, the day.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import uuid
from pathlib import Path

from analysis.areas import wijk_of
from catalog.csv_cells import unescape, write_rows
from catalog.model import CATEGORIES
from catalog.records import OUTCOMES, IntakeRecord
from catalog.store import Store
from matcher.categories import OTHER_WISH
from matcher.profile import ClientProfile

AGE_BANDS = ((17, "0-17"), (26, "18-26"), (44, "27-44"), (64, "45-64"), (74, "65-74"), (200, "75+"))
UNKNOWN = "onbekend"
GENDERS = {"female": "vrouw", "male": "man", "x": "x", "other": "x"}
WISHES = (*CATEGORIES, OTHER_WISH)
CSV_COLUMNS = ("id", "month", "pc4", "wijk", "age_band", "gender", "languages", "wishes", "tailored_needed",
               "tailored_for", "outcome", "outcome_activity", "outcome_month")
MONTH = re.compile(r"^20\d\d-(0[1-9]|1[0-2])$")


def age_band(age: int | None) -> str:
    return UNKNOWN if age is None else next(band for upper, band in AGE_BANDS if age <= upper)


def language_group(languages: list[str]) -> str:
    """'nl' for Dutch speakers, else the first language the coach wrote down: the language an
    offer must be in."""
    return "nl" if "nl" in languages else (languages[0] if languages else UNKNOWN)


def recorded_wishes(verdict) -> tuple[list[str], list[str] | None]:
    """The client's wishes as categories, and those a tailored offer was needed for (None: none was),
    both read off the per-wish verdict the coach saw (matcher.tailored.TailoredVerdict). A wish that
    was understood but is of no category counts as OTHER_WISH; one nothing understood is no demand."""
    def categories(wishes) -> list[str]:
        found = [c for v in wishes for c in (v.categories or ([OTHER_WISH] if v.source != "need" else []))]
        return list(dict.fromkeys(found))
    understood = [v for v in verdict.wishes if v.status != "not_understood"]
    wishes = categories(understood)
    if not verdict.needed:
        return wishes, None
    return wishes, categories([v for v in understood if v.status == "unmet"]) or wishes


def anonymous_record(store: Store, profile: ClientProfile, lat: float, lon: float, wishes: list[str],
                     tailored_for: list[str] | None, month: str | None = None) -> IntakeRecord:
    """The record of one match: areas, bands and categories only. `tailored_for` None: no tailored
    offer was needed."""
    place = store.postcode(profile.postcode) if profile.postcode else None
    wijk = place.neighbourhood if place else None
    if wijk is None:  # coordinates, or a 4-digit area: the wijk of the nearest known postcode
        nearest = wijk_of(lat, lon, store.postcodes())
        pc4, wijk = nearest if nearest else (UNKNOWN, UNKNOWN)
    if profile.postcode:
        pc4 = profile.postcode[:4]
    return IntakeRecord(
        id=str(uuid.uuid4()), month=month or dt.date.today().strftime("%Y-%m"), pc4=pc4, wijk=wijk,
        age_band=age_band(profile.age), gender=GENDERS.get(profile.gender or "", UNKNOWN),
        languages=list(dict.fromkeys(profile.languages)), wishes=wishes, tailored_needed=tailored_for is not None,
        tailored_for=tailored_for or [])


def write_intakes_csv(records: list[IntakeRecord], path: str | Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        write_rows(f, CSV_COLUMNS, ([r.id, r.month, r.pc4, r.wijk, r.age_band, r.gender, ";".join(r.languages),
                                     ";".join(r.wishes), r.tailored_needed, ";".join(r.tailored_for),
                                     r.outcome, r.outcome_activity, r.outcome_month] for r in records))


def read_intakes_csv(path: str | Path) -> list[IntakeRecord]:
    """Anonymous intake records (e.g. the demo's), checked so that nothing identifying slips in."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
            raise ValueError(f"{path}: the header must be exactly {','.join(CSV_COLUMNS)}")
        return [_record({k: unescape(v or "") for k, v in row.items()}, line) for line, row in enumerate(reader, start=2)]


def _record(row: dict, line: int) -> IntakeRecord:
    def wrong(column: str, rule: str):
        raise ValueError(f"line {line}, column '{column}': '{row[column]}' {rule}")
    split = lambda text: [t for t in text.split(";") if t]  # noqa: E731
    if not MONTH.match(row["month"]):
        wrong("month", "is no month: write YYYY-MM")
    if not re.fullmatch(r"[1-9]\d{3}", row["pc4"]):
        wrong("pc4", "is no 4-digit postcode area")
    if row["age_band"] not in {b for _, b in AGE_BANDS} | {UNKNOWN}:
        wrong("age_band", f"is none of {', '.join(b for _, b in AGE_BANDS)}, {UNKNOWN}")
    if row["gender"] not in {*GENDERS.values(), UNKNOWN}:
        wrong("gender", "is none of vrouw, man, x, onbekend")
    if any(not re.fullmatch(r"[a-z]{2,3}", c) for c in split(row["languages"])):
        wrong("languages", "must be ISO 639 codes (nl, tr, ber) separated by ;")
    for column in ("wishes", "tailored_for"):
        if any(w not in WISHES for w in split(row[column])):
            wrong(column, "holds something other than category slugs")
    if row["tailored_needed"] not in ("true", "false"):
        wrong("tailored_needed", "must be true or false")
    if row["outcome"] and row["outcome"] not in OUTCOMES:
        wrong("outcome", f"is none of {', '.join(OUTCOMES)}")
    return IntakeRecord(row["id"] or str(uuid.uuid4()), row["month"], row["pc4"], row["wijk"], row["age_band"],
                        row["gender"], split(row["languages"]), split(row["wishes"]), row["tailored_needed"] == "true",
                        split(row["tailored_for"]), row["outcome"] or None, row["outcome_activity"] or None,
                        row["outcome_month"] or None)


def record_match(store: Store, profile: ClientProfile, result, month: str | None = None) -> IntakeRecord:
    """Record one match (matcher.engine.MatchResult) anonymously; return the stored record."""
    wishes, unmet = recorded_wishes(result.tailored)
    record = anonymous_record(store, profile, result.lat, result.lon, wishes, unmet, month)
    store.intakes.add([record])
    return record

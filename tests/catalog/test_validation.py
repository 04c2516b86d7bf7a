"""validate_row: one raw row -> an Activity, or every problem with its column and what to fix."""
from __future__ import annotations

import datetime as dt

import pytest

from catalog.model import CATEGORIES, Activity, Slot
from catalog.validation import (
    Problem, ValidationError, normalise_postcode, parse_schedule, validate_row,
)


def good_row(**changes) -> dict[str, str]:
    row = {
        "id": "t001", "title": "Wandelgroep Het Bos",
        "description": "Elke dinsdag wandelen we een uur door het bos. Daarna koffie.",
        "organisation": "Welzijn Test", "kind": "formal", "categories": "wandelen;natuur",
        "min_age": "50", "max_age": "", "gender": "any", "languages": "nl;TR",
        "culture": "", "address": "Steynlaan 19", "postcode": "3701dt",
        "neighbourhood": "Centrum", "lat": "52.08851", "lon": "5.23259",
        "schedule": "di 10:00-11:30; do 14:00-16:00", "cost_eur_month": "2,50",
        "wheelchair": "yes", "capacity": "open", "last_verified": "2026-03-11",
        "contact": "info@example.org",
    }
    row.update(changes)
    return row


def problems_of(row: dict, line: int | None = 7) -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        validate_row(row, line)
    return info.value.problems


def only_problem(row: dict, column: str, line: int | None = 7) -> Problem:
    problems = problems_of(row, line)
    assert [p.column for p in problems] == [column], [str(p) for p in problems]
    assert problems[0].line == line
    return problems[0]


def test_good_row_parses_to_the_right_activity():
    a = validate_row(good_row(), 2)
    assert isinstance(a, Activity)
    assert a.id == "t001" and a.title == "Wandelgroep Het Bos"
    assert a.kind == "formal"
    assert a.categories == ["wandelen", "natuur"]
    assert a.min_age == 50 and a.max_age is None
    assert a.gender == "any"
    assert a.languages == ["nl", "tr"]          # lower-cased
    assert a.culture is None                    # empty means open to all
    assert a.postcode == "3701 DT"              # normalised
    assert (a.lat, a.lon) == (52.08851, 5.23259)
    assert a.schedule == [Slot("di", "10:00", "11:30"), Slot("do", "14:00", "16:00")]
    assert a.days == {"di", "do"}
    assert a.cost_eur_month == 2.5              # Dutch decimal comma accepted
    assert a.wheelchair == "yes" and a.capacity == "open"
    assert a.last_verified == dt.date(2026, 3, 11)
    assert a.embedding is None


def test_row_round_trips_through_to_row():
    a = validate_row(good_row())
    again = validate_row(a.to_row())
    assert again == a
    assert again.text_hash == a.text_hash


def test_text_hash_changes_with_the_embedded_text_only():
    a = validate_row(good_row())
    assert validate_row(good_row(capacity="full")).text_hash == a.text_hash
    assert validate_row(good_row(cost_eur_month="9")).text_hash == a.text_hash
    assert validate_row(good_row(description="Iets heel anders.")).text_hash != a.text_hash
    assert validate_row(good_row(title="Andere titel")).text_hash != a.text_hash
    assert validate_row(good_row(categories="wandelen")).text_hash != a.text_hash


def test_empty_optional_fields_are_fine():
    a = validate_row(good_row(min_age="", max_age="", schedule="", culture=""))
    assert a.min_age is None and a.max_age is None and a.schedule == [] and a.culture is None


def test_bad_category_names_the_slug_and_lists_the_allowed_ones():
    p = only_problem(good_row(categories="wandelen;sjoelen"), "categories")
    assert "sjoelen" in p.message
    assert all(slug in p.message for slug in CATEGORIES)
    assert str(p).startswith("line 7, column 'categories':")


@pytest.mark.parametrize("column,value,allowed", [
    ("kind", "professional", ("formal", "informal")),
    ("gender", "vrouwen", ("any", "female", "male")),
    ("wheelchair", "ja", ("yes", "no", "unknown")),
    ("capacity", "vol", ("open", "waitlist", "full")),
])
def test_bad_choice_lists_the_allowed_values(column, value, allowed):
    p = only_problem(good_row(**{column: value}), column)
    assert f"'{value}'" in p.message
    assert all(a in p.message for a in allowed)


@pytest.mark.parametrize("column,value", [("lat", "48.85"), ("lat", "55.1"), ("lon", "2.35"), ("lon", "13.4")])
def test_coordinates_outside_the_netherlands(column, value):
    p = only_problem(good_row(**{column: value}), column)
    assert "outside the Netherlands" in p.message
    assert "swapped" not in p.message


def test_swapped_lat_and_lon_get_a_hint():
    problems = problems_of(good_row(lat="5.23259", lon="52.08851"))
    by_column = {p.column: p for p in problems}
    assert set(by_column) == {"lat", "lon"}
    assert "swapped" in by_column["lat"].message
    assert "outside the Netherlands" in by_column["lon"].message


@pytest.mark.parametrize("column", ["lat", "lon"])
def test_coordinate_that_is_no_number(column):
    p = only_problem(good_row(**{column: "52,08"}), column)
    assert "'52,08'" in p.message and "decimal number" in p.message


@pytest.mark.parametrize("value", ["di 10-12", "dinsdag 10:00-12:00", "mo 10:00-12:00",
                                   "di 25:00-26:00", "di 10:00"])
def test_bad_schedule_slot_shows_the_expected_form(value):
    p = only_problem(good_row(schedule=value), "schedule")
    assert f"'{value}'" in p.message
    assert "di 14:00-16:00" in p.message and "ma di wo do vr za zo" in p.message


def test_schedule_slot_that_ends_before_it_starts():
    p = only_problem(good_row(schedule="di 16:00-14:00"), "schedule")
    assert "ends before it starts" in p.message


def test_one_bad_slot_among_good_ones_is_named():
    p = only_problem(good_row(schedule="ma 10:00-11:00; xx 10:00-11:00; wo 10:00-11:00"), "schedule")
    assert "'xx 10:00-11:00'" in p.message


def test_schedule_parsing():
    assert parse_schedule("") == []
    assert parse_schedule(" ma 09:00-10:30 ;; za 14:00 - 16:00 ") == [
        Slot("ma", "09:00", "10:30"), Slot("za", "14:00", "16:00")]
    assert parse_schedule("vr 20:00-24:00") == [Slot("vr", "20:00", "24:00")]


def test_schedule_end_time_after_midnight_is_rejected():
    # 24:00 is the end of the day; 24:30 is no time of day at all.
    with pytest.raises(ValueError):
        parse_schedule("vr 23:00-24:30")


def test_min_age_above_max_age():
    p = only_problem(good_row(min_age="67", max_age="18"), "max_age")
    assert "18" in p.message and "min_age 67" in p.message


@pytest.mark.parametrize("column,value,text", [
    ("min_age", "vijftig", "not a whole number"),
    ("min_age", "50.5", "not a whole number"),
    ("max_age", "130", "between 0 and 120"),
    ("min_age", "-1", "between 0 and 120"),
])
def test_bad_ages(column, value, text):
    p = only_problem(good_row(**{column: value}), column)
    assert text in p.message


@pytest.mark.parametrize("value", ["11-03-2026", "2026-02-30", "gisteren", "2026/03/11"])
def test_bad_date_asks_for_iso_format(value):
    p = only_problem(good_row(last_verified=value), "last_verified")
    assert f"'{value}'" in p.message and "YYYY-MM-DD" in p.message


def test_date_in_the_future():
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    p = only_problem(good_row(last_verified=future), "last_verified")
    assert "future" in p.message


@pytest.mark.parametrize("value,text", [("gratis", "write 0 when free"), ("-5", "positive amount")])
def test_bad_cost(value, text):
    p = only_problem(good_row(cost_eur_month=value), "cost_eur_month")
    assert text in p.message


def test_bad_language_code():
    p = only_problem(good_row(languages="nl;Turks"), "languages")
    assert "turks" in p.message and "ISO 639-1" in p.message


def test_bad_postcode():
    p = only_problem(good_row(postcode="NL-3701"), "postcode")
    assert "1234 AB" in p.message


def test_bad_id():
    p = only_problem(good_row(id="a b/c"), "id")
    assert "letters, digits" in p.message


def test_too_long_text():
    p = only_problem(good_row(title="x" * 201), "title")
    assert "201 characters" in p.message and "at most 200" in p.message


def test_every_missing_required_field_is_reported():
    required = ("id", "title", "description", "organisation", "kind", "categories", "gender",
                "languages", "address", "postcode", "neighbourhood", "lat", "lon", "cost_eur_month",
                "wheelchair", "capacity", "last_verified", "contact")
    problems = problems_of({"culture": "Turks"}, line=3)
    assert {p.column for p in problems} == set(required)
    assert all(p.message == "is empty; it is required" and p.line == 3 for p in problems)


def test_all_problems_of_a_row_at_once():
    problems = problems_of(good_row(kind="x", gender="y", lat="1", schedule="zz"), line=4)
    assert {p.column for p in problems} == {"kind", "gender", "lat", "schedule"}
    assert all(p.line == 4 for p in problems)


def test_problem_without_line():
    assert str(Problem(None, "kind", "is wrong")) == "column 'kind': is wrong"
    assert str(Problem(5, "kind", "is wrong")) == "line 5, column 'kind': is wrong"


@pytest.mark.parametrize("raw,expected", [
    ("3701dt", "3701 DT"), ("3701 DT", "3701 DT"), (" 3701  ", "3701"), ("3701Dt", "3701 DT"),
    ("1011AB", "1011 AB"),
])
def test_postcode_normalisation(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["0123 AB", "370 DT", "3701 D", "3701 DTX", "ABCD EF", "", "3701-DT"])
def test_postcode_normalisation_rejects(raw):
    with pytest.raises(ValueError, match="1234 AB"):
        normalise_postcode(raw)

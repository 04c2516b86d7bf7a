"""No suggestion ever breaks a hard constraint of the client: distance, age, gender group,
wheelchair access, full. Checked against the raw demo CSV, independently of the project's parser."""
from __future__ import annotations

import random

import pytest

from catalog.geo import haversine_km
from catalog.model import Activity
from matcher.constraints import broken_constraints
from matcher.profile import ClientProfile
from tests.factories import make_activity, make_profile
from tests.helpers import random_profile

def violations(profile: ClientProfile, row: dict[str, str]) -> list[str]:
    """The hard constraints a raw CSV row breaks for the profile (the benchmark's rules)."""
    found = []
    if haversine_km(profile.lat, profile.lon, float(row["lat"]), float(row["lon"])) > profile.max_distance_km:
        found.append("distance")
    if row["min_age"] and profile.age < int(row["min_age"]):
        found.append("min_age")
    if row["max_age"] and profile.age > int(row["max_age"]):
        found.append("max_age")
    if row["gender"] == "female" and profile.gender != "female":
        found.append("women's group")
    if row["gender"] == "male" and profile.gender != "male":
        found.append("men's group")
    if profile.needs_wheelchair_access and row["wheelchair"] != "yes":
        found.append("wheelchair")
    if row["capacity"] == "full":
        found.append("full")
    return found


@pytest.fixture(scope="module")
def rows_by_id(demo_rows):
    return {r["id"]: r for r in demo_rows}


def test_random_profiles_never_get_a_suggestion_that_breaks_a_hard_constraint(matcher, rows_by_id):
    rng = random.Random(1500)
    checked, bitten = 0, 0
    for n in range(150):
        profile = random_profile(rng)
        result = matcher.match(profile, limit=20)
        for s in result.suggestions:
            broken = violations(profile, rows_by_id[s.activity.id])
            assert broken == [], f"profile {n} {profile.model_dump()} got {s.activity.id}: {broken}"
            checked += 1
        # everything the store offered within reach that breaks nothing is a candidate: the
        # hard filter is not stricter than the rules either (suggestions fill up to the limit)
        allowed = [i for i, r in rows_by_id.items() if not violations(profile, r)]
        assert len(result.suggestions) == min(20, len(allowed)), n
        bitten += sum(result.excluded.values()) > 0
    assert checked > 1500 and bitten > 100  # the constraints really were exercised


def near(rows_by_id, activity_id):
    r = rows_by_id[activity_id]
    return float(r["lat"]), float(r["lon"])


def suggested_ids(matcher, **profile) -> list[str]:
    return [s.activity.id for s in matcher.match(ClientProfile(**profile), limit=20).suggestions]


def pick(demo_rows, **conditions) -> dict[str, str]:
    for r in demo_rows:
        if all(c(r[k]) if callable(c) else r[k] == c for k, c in conditions.items()):
            return r
    raise AssertionError(f"no demo activity with {conditions}")


# Each targeted case asks for exactly the activity (its own title as the wish, at its own address)
# and shows that it is suggested without the constraint and never with it.

def test_distance(matcher, demo_rows):
    row = pick(demo_rows, capacity="open", gender="any", min_age="", max_age="")
    lat, lon = float(row["lat"]) + 0.02, float(row["lon"])   # about 2.2 km north of it
    d = haversine_km(lat, lon, float(row["lat"]), float(row["lon"]))
    base = dict(interests=row["title"], age=40, lat=lat, lon=lon)
    assert row["id"] in suggested_ids(matcher, **base, max_distance_km=d + 0.01)
    assert row["id"] not in suggested_ids(matcher, **base, max_distance_km=d - 0.01)


def test_age(matcher, demo_rows):
    row = pick(demo_rows, capacity="open", gender="any", min_age="55", max_age="")
    base = dict(interests=row["title"], lat=float(row["lat"]), lon=float(row["lon"]), max_distance_km=1)
    assert row["id"] in suggested_ids(matcher, **base, age=55)
    assert row["id"] not in suggested_ids(matcher, **base, age=54)


def test_max_age(matcher, demo_rows):
    row = pick(demo_rows, capacity="open", gender="any", max_age=lambda v: v != "")
    base = dict(interests=row["title"], lat=float(row["lat"]), lon=float(row["lon"]), max_distance_km=1)
    top = int(row["max_age"])
    assert row["id"] in suggested_ids(matcher, **base, age=top)
    assert row["id"] not in suggested_ids(matcher, **base, age=top + 1)


@pytest.mark.parametrize("group,member,others", [("female", "female", ["male", None, "other", "x"]),
                                                 ("male", "male", ["female", None, "other", "x"])])
def test_gender_groups(matcher, demo_rows, group, member, others):
    row = pick(demo_rows, capacity="open", gender=group, min_age=lambda v: v in ("", "16", "18"))
    base = dict(interests=row["title"], age=40, lat=float(row["lat"]), lon=float(row["lon"]),
                max_distance_km=1, languages=row["languages"].split(";"))
    assert row["id"] in suggested_ids(matcher, **base, gender=member)
    for other in others:
        assert row["id"] not in suggested_ids(matcher, **base, gender=other), other


@pytest.mark.parametrize("access", ["no", "unknown"])
def test_wheelchair(matcher, demo_rows, access):
    row = pick(demo_rows, capacity="open", gender="any", wheelchair=access, min_age="", max_age="")
    base = dict(interests=row["title"], age=40, lat=float(row["lat"]), lon=float(row["lon"]), max_distance_km=1)
    assert row["id"] in suggested_ids(matcher, **base, needs_wheelchair_access=False)
    assert row["id"] not in suggested_ids(matcher, **base, needs_wheelchair_access=True)


def test_full_is_never_suggested(matcher, demo_rows):
    full = [r for r in demo_rows if r["capacity"] == "full"]
    assert full
    for row in full:
        ids = suggested_ids(matcher, interests=row["title"], narrative=row["description"],
                            age=60, gender="female" if row["gender"] == "female" else "male",
                            lat=float(row["lat"]), lon=float(row["lon"]), max_distance_km=0.5)
        assert row["id"] not in ids


def test_excluded_counts_name_the_constraints(matcher, demo_rows):
    row = pick(demo_rows, gender="female")
    result = matcher.match(ClientProfile(interests=row["title"], age=30, gender="male",
                                         lat=float(row["lat"]), lon=float(row["lon"]),
                                         max_distance_km=0.2, needs_wheelchair_access=True))
    assert result.excluded.get("alleen voor vrouwen", 0) >= 1
    assert result.within_reach >= 1
    assert all(s.activity.gender != "female" for s in result.suggestions)


# --- the constraint functions themselves ----------------------------------------------------------

def activity(**changes) -> Activity:
    return make_activity(title="T", description="D", organisation="O", address="A", neighbourhood="N",
                         contact="c", **changes)


profile = make_profile


@pytest.mark.parametrize("a,p,d,expected", [
    (activity(), profile(), 2.0, []),
    (activity(), profile(), 2.0001, ["te ver (2.0 km)"]),
    (activity(min_age=55), profile(age=54), 0, ["vanaf 55 jaar"]),
    (activity(min_age=55), profile(age=55), 0, []),
    (activity(max_age=25), profile(age=26), 0, ["tot 25 jaar"]),
    (activity(min_age=55, max_age=60), profile(age=None), 0, []),
    (activity(gender="male"), profile(gender="female"), 0, ["alleen voor mannen"]),
    (activity(gender="female"), profile(gender=None), 0, ["alleen voor vrouwen"]),
    (activity(gender="female"), profile(gender="female"), 0, []),
    (activity(wheelchair="no"), profile(needs_wheelchair_access=True), 0, ["niet rolstoeltoegankelijk"]),
    (activity(wheelchair="unknown"), profile(needs_wheelchair_access=True), 0,
     ["rolstoeltoegankelijkheid onbekend"]),
    (activity(wheelchair="no"), profile(needs_wheelchair_access=False), 0, []),
    (activity(capacity="full"), profile(), 0, ["vol"]),
    (activity(capacity="waitlist"), profile(), 0, []),
    (activity(capacity="full", gender="male", min_age=65), profile(age=30), 9.0,
     ["te ver (9.0 km)", "vanaf 65 jaar", "alleen voor mannen", "vol"]),
])
def test_broken_constraints(a, p, d, expected):
    assert broken_constraints(a, p, d) == expected

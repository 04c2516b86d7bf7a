"""The tailored verdict: is a fitting activity within reach, or must an offer be sought or made?"""
from __future__ import annotations

import re

import pytest

from catalog.geo import haversine_km
from matcher.profile import ClientProfile
from tests.helpers import CENTRE

FURTHER = re.compile(r"het dichtstbijzijnde passende aanbod is '(?P<title>[^']+)' op (?P<km>\d+,\d) km")


def verdict(matcher, **fields):
    fields.setdefault("lat", CENTRE[0])
    fields.setdefault("lon", CENTRE[1])
    fields.setdefault("age", 50)
    return matcher.match(ClientProfile(**fields))


def test_unusual_wish_close_by_needs_a_tailored_offer(matcher):
    result = verdict(matcher, interests="zweefvliegen, zeilen op zee", max_distance_km=0.5)
    t = result.tailored
    assert t.needed is True
    assert "'zweefvliegen'" in t.reason and "'zeilen op zee'" in t.reason
    assert "0,5 km" in t.reason
    assert t.unmet_wishes == ["zweefvliegen", "zeilen op zee"]
    assert result.within_reach > 0   # there is an offer nearby, just none for this wish


def test_no_activity_within_a_tiny_radius_needs_a_tailored_offer_and_names_the_wish(matcher):
    # Out in the woods north-east of Den Dolder: nothing within 300 m.
    result = verdict(matcher, interests="schaken, bridge", lat=52.16, lon=5.30, max_distance_km=0.3)
    assert result.within_reach == 0 and result.suggestions == []
    t = result.tailored
    assert t.needed is True
    assert t.unmet_wishes == ["schaken", "bridge"]
    assert "'schaken'" in t.reason and "'bridge'" in t.reason, t.reason


def test_nothing_feasible_within_reach_still_names_the_wish(matcher, demo_rows):
    # At this address there are four activities, none of them wheelchair accessible, and nothing
    # else within 100 m: a wheelchair user finds something within reach but nothing feasible.
    lat, lon = 52.09120, 5.25384
    here = [r for r in demo_rows if haversine_km(lat, lon, float(r["lat"]), float(r["lon"])) <= 0.05]
    assert len(here) >= 2 and all(r["wheelchair"] != "yes" for r in here)
    result = verdict(matcher, interests="schilderen", lat=lat, lon=lon, max_distance_km=0.05,
                     needs_wheelchair_access=True)
    assert result.within_reach == len(here) and result.suggestions == []
    assert sum(result.excluded.values()) >= len(here)
    t = result.tailored
    assert t.needed is True
    assert "'schilderen'" in t.reason, t.reason


@pytest.mark.parametrize("interests", ["wandelen", "koffie drinken", "mensen ontmoeten",
                                       "wandelen, koffie drinken, mensen ontmoeten"])
def test_common_wish_in_the_centre_needs_no_tailored_offer(matcher, interests):
    result = verdict(matcher, interests=interests, age=70, max_distance_km=3)
    t = result.tailored
    assert t.needed is False
    assert re.match(r"^\d+ passende activiteit\(en\) binnen 3,0 km, voor '[^']+'(, '[^']+')*\.$", t.reason), t.reason
    assert result.suggestions


def test_reason_points_to_the_nearest_fitting_offer_further_away(matcher, demo_rows):
    pools = [r for r in demo_rows if "zwemmen" in r["categories"].split(";") and r["capacity"] != "full"
             and not r["min_age"] and r["gender"] == "any"]
    assert pools
    pool = pools[0]
    # 1.2 km west of a swimming activity, with only 0.5 km reach: nothing to swim within reach
    lat, lon = float(pool["lat"]), float(pool["lon"]) - 0.0175
    assert haversine_km(lat, lon, float(pool["lat"]), float(pool["lon"])) == pytest.approx(1.2, abs=0.05)
    near_swims = [r for r in demo_rows if "zwemmen" in r["categories"]
                  and haversine_km(lat, lon, float(r["lat"]), float(r["lon"])) <= 0.5]
    assert near_swims == []
    result = verdict(matcher, interests="zwemmen", narrative="Mevrouw wil graag weer zwemmen.",
                     age=60, lat=lat, lon=lon, max_distance_km=0.5)
    t = result.tailored
    assert t.needed is True
    found = FURTHER.search(t.reason)
    assert found, t.reason
    title, distance = found["title"], float(found["km"].replace(",", "."))
    assert 0.5 < distance <= 1.5
    named = [r for r in demo_rows if r["title"] == title]
    assert named and "zwemmen" in named[0]["categories"].split(";")
    assert haversine_km(lat, lon, float(named[0]["lat"]), float(named[0]["lon"])) == pytest.approx(distance, abs=0.051)
    # and it is the nearest swimming offer the client could join
    assert distance <= min(haversine_km(lat, lon, float(r["lat"]), float(r["lon"]))
                           for r in demo_rows if "zwemmen" in r["categories"].split(";")
                           and r["capacity"] != "full" and not r["min_age"]) + 0.051


def test_reason_says_so_when_nothing_fits_further_away_either(matcher):
    result = verdict(matcher, interests="zweefvliegen", lat=52.16, lon=5.30, max_distance_km=0.3)
    assert "ook binnen 0,9 km niet" in result.tailored.reason
    assert "aanbod op maat" in result.tailored.reason


def test_unmet_wishes_when_only_part_of_the_wish_is_found(matcher):
    result = verdict(matcher, interests="wandelen, zweefvliegen", age=70, max_distance_km=3)
    assert result.tailored.needed is False
    assert result.tailored.unmet_wishes == ["zweefvliegen"]

"""Distances, the bounding box, radius retrieval through the R*Tree, and the postcode geocoder."""
from __future__ import annotations

import math
import random

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from catalog.csv_import import CsvFormatError
from catalog.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from catalog.geocoding import PostcodeTableGeocoder
from catalog.model import Activity
from catalog.postcode_import import read_postcode_csv
from catalog.sqlite_store import SqliteStore
from catalog.store import ActivityFilter, ImportRun, Postcode
from tests.factories import make_activity
from tests.helpers import CENTRE


def destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point `km` away from (lat, lon) in the given direction, on the haversine sphere."""
    d = km / EARTH_RADIUS_KM
    b, p1, l1 = math.radians(bearing_deg), math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def activity_at(activity_id: str, lat: float, lon: float) -> Activity:
    return make_activity(id=activity_id, title=f"Activiteit {activity_id}", kind="informal",
                         lat=round(lat, 7), lon=round(lon, 7))


# --- haversine and the bounding box -------------------------------------------------------------

def test_haversine_known_distances():
    assert haversine_km(52.0, 5.0, 52.0, 5.0) == 0.0
    # one degree of latitude on the mean-radius sphere
    assert haversine_km(52.0, 5.0, 53.0, 5.0) == pytest.approx(math.radians(1) * EARTH_RADIUS_KM, rel=1e-12)
    # Zeist centre to the Utrecht Dom tower: about 7.6 km
    assert haversine_km(52.08851, 5.23259, 52.09063, 5.12137) == pytest.approx(7.6, abs=0.3)
    assert haversine_km(52.1, 5.2, 52.0, 5.3) == haversine_km(52.0, 5.3, 52.1, 5.2)


def test_destination_helper_agrees_with_haversine():
    for bearing in range(0, 360, 15):
        lat, lon = destination(52.1, 5.2, bearing, 3.0)
        assert haversine_km(52.1, 5.2, lat, lon) == pytest.approx(3.0, rel=1e-9)


@pytest.mark.parametrize("lat", [0.0, 50.75, 52.1, 53.6, 70.0])
@pytest.mark.parametrize("radius", [0.05, 0.5, 3.0, 25.0, 50.0])
def test_bounding_box_contains_the_whole_circle(lat, radius):
    lon = 5.2
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    for bearing in [b / 4 for b in range(0, 360 * 4)]:
        p_lat, p_lon = destination(lat, lon, bearing, radius)
        assert min_lat <= p_lat <= max_lat and min_lon <= p_lon <= max_lon, (bearing, p_lat, p_lon)


@pytest.mark.parametrize("radius", [0.5, 3.0, 25.0])
def test_bounding_box_is_tight(radius):
    """Just outside each side of the box is further away than the radius (the box is no wider
    than it must be, give or take its small safety margin)."""
    lat, lon = 52.1, 5.2
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    assert haversine_km(lat, lon, max_lat, lon) == pytest.approx(radius, rel=0.002)
    assert haversine_km(lat, lon, min_lat, lon) == pytest.approx(radius, rel=0.002)
    assert haversine_km(lat, lon, lat, max_lon) == pytest.approx(radius, rel=0.003)
    assert haversine_km(lat, lon, lat, min_lon) == pytest.approx(radius, rel=0.003)


# --- radius retrieval -----------------------------------------------------------------------------

def brute_force(all_activities, lat, lon, radius):
    return sorted(((a.id, haversine_km(lat, lon, a.lat, a.lon)) for a in all_activities
                   if haversine_km(lat, lon, a.lat, a.lon) <= radius), key=lambda p: (p[1], p[0]))


@pytest.fixture(scope="module")
def all_demo(demo_store):
    items, total = demo_store.list(ActivityFilter(), 0, 10_000)
    assert total == len(items) == demo_store.count()
    return items


def test_radius_retrieval_equals_brute_force(demo_store, all_demo):
    rng = random.Random(20261123)
    non_empty = 0
    for _ in range(300):
        lat, lon = rng.uniform(52.06, 52.155), rng.uniform(5.19, 5.325)
        radius = rng.choice([rng.uniform(0.05, 1.0), rng.uniform(1.0, 6.0)])
        got = demo_store.within_radius(lat, lon, radius)
        expected = brute_force(all_demo, lat, lon, radius)
        assert [a.id for a, _ in got] == [i for i, _ in expected], (lat, lon, radius)
        assert [d for _, d in got] == pytest.approx([d for _, d in expected], abs=1e-9)
        non_empty += bool(got)
    assert non_empty > 150  # the sample exercised real retrievals


def test_radius_results_are_sorted_by_distance_and_carry_vectors(demo_store):
    got = demo_store.within_radius(*CENTRE, 2.0)
    assert len(got) > 20
    distances = [d for _, d in got]
    assert distances == sorted(distances) and distances[-1] <= 2.0
    assert all(a.embedding is not None and a.embedding.shape == (384,) for a, _ in got)


def test_radius_that_reaches_exactly_an_activity_includes_it(demo_store, all_demo):
    rng = random.Random(7)
    for a in rng.sample(all_demo, 25):
        lat, lon = rng.uniform(52.05, 52.17), rng.uniform(5.15, 5.35)
        exact = haversine_km(lat, lon, a.lat, a.lon)
        assert a.id in {x.id for x, _ in demo_store.within_radius(lat, lon, exact)}
        assert a.id not in {x.id for x, _ in demo_store.within_radius(lat, lon, exact * 0.9999)}


def test_nothing_far_from_the_catalog(demo_store):
    assert demo_store.within_radius(53.2, 6.56, 5.0) == []   # Groningen
    assert demo_store.within_radius(0.0, 0.0, 50.0) == []


@pytest.fixture(scope="module")
def ring_store(tmp_path_factory):
    """Activities on rings just inside and just outside 1 km and 10 km around a centre, in every
    direction, so the R*Tree filter is tested right at the edges of its bounding box."""
    store = SqliteStore(tmp_path_factory.mktemp("ring") / "ring.db")
    centre = (52.1, 5.2)
    activities = []
    for radius in (1.0, 10.0):
        for bearing in range(0, 360, 10):
            for tag, factor in (("in", 0.999), ("out", 1.001)):
                lat, lon = destination(*centre, bearing, radius * factor)
                activities.append(activity_at(f"r{int(radius)}-{bearing}-{tag}", lat, lon))
    store.save_import(activities, ImportRun(source="rings", model="none"))
    yield store, centre
    store.close()


@pytest.mark.parametrize("radius", [1.0, 10.0])
def test_bounding_box_edges_in_the_store(ring_store, radius):
    store, centre = ring_store
    got = {a.id for a, _ in store.within_radius(*centre, radius)}
    inside_ring = {f"r{int(radius)}-{b}-in" for b in range(0, 360, 10)}
    assert inside_ring <= got                                  # every direction, just inside
    assert not any(i.startswith(f"r{int(radius)}-") and i.endswith("-out") for i in got)
    if radius == 10.0:
        assert {f"r1-{b}-{t}" for b in range(0, 360, 10) for t in ("in", "out")} <= got


# --- the offline postcode geocoder ----------------------------------------------------------------

POSTCODE_CSV = """postcode,lat,lon,neighbourhood,municipality
3701 AA,52.0900,5.2300,Centrum,Zeist
3701ab,52.0920,5.2340,Centrum,Zeist
3701 AC,52.0880,5.2320,,Zeist
3708 GH,52.1000,5.2500,Vollenhove,Zeist
"""


@pytest.fixture
def postcode_store(tmp_path):
    path = tmp_path / "postcodes.csv"
    path.write_text(POSTCODE_CSV, encoding="utf-8")
    postcodes, problems = read_postcode_csv(path)
    assert problems == []
    store = SqliteStore(tmp_path / "pc.db")
    assert store.save_postcodes(postcodes) == 4
    yield store
    store.close()


def test_postcode_csv_is_read_and_normalised(tmp_path):
    path = tmp_path / "postcodes.csv"
    path.write_text(POSTCODE_CSV, encoding="utf-8")
    postcodes, problems = read_postcode_csv(path)
    assert problems == []
    assert [p.postcode for p in postcodes] == ["3701 AA", "3701 AB", "3701 AC", "3708 GH"]
    assert postcodes[0] == Postcode("3701 AA", 52.09, 5.23, "Centrum", "Zeist")
    assert postcodes[2].neighbourhood is None


def test_geocoder_is_a_geopy_geocoder(postcode_store):
    assert isinstance(PostcodeTableGeocoder(postcode_store), Geocoder)


@pytest.mark.parametrize("query", ["3701 AB", "3701ab", " 3701 Ab "])
def test_geocoder_answers_an_exact_postcode(postcode_store, query):
    location = PostcodeTableGeocoder(postcode_store).geocode(query)
    assert isinstance(location, Location)
    assert (location.latitude, location.longitude) == (52.092, 5.234)
    assert location.raw == {"postcode": "3701 AB", "neighbourhood": "Centrum", "exact": True}
    assert location.address == "3701 AB, Centrum, Zeist"


def test_geocoder_falls_back_to_the_four_digit_area(postcode_store):
    location = PostcodeTableGeocoder(postcode_store).geocode("3701 ZZ")
    assert location.latitude == pytest.approx((52.09 + 52.092 + 52.088) / 3)
    assert location.longitude == pytest.approx((5.23 + 5.234 + 5.232) / 3)
    assert location.raw["exact"] is False and location.raw["postcode"] == "3701"
    assert PostcodeTableGeocoder(postcode_store).geocode("3708").latitude == pytest.approx(52.1)


@pytest.mark.parametrize("query", ["9999 AA", "1234", "geen postcode", "", "3701-AB"])
def test_geocoder_returns_none_for_unknown_or_malformed(postcode_store, query):
    assert PostcodeTableGeocoder(postcode_store).geocode(query) is None


def test_geocoder_list_answer(postcode_store):
    answer = PostcodeTableGeocoder(postcode_store).geocode("3708 GH", exactly_one=False)
    assert isinstance(answer, list) and len(answer) == 1 and answer[0].raw["exact"] is True


def test_saving_postcodes_again_updates_them(postcode_store):
    postcode_store.save_postcodes([Postcode("3701 AA", 52.5, 5.5, "Nieuw", "Zeist")])
    assert postcode_store.postcode("3701 AA") == Postcode("3701 AA", 52.5, 5.5, "Nieuw", "Zeist")


def test_bad_postcode_rows_are_reported_by_line(tmp_path):
    path = tmp_path / "postcodes.csv"
    path.write_text(
        "postcode,lat,lon\n"
        "3701 AA,52.09,5.23\n"      # 2 good
        "37O1 AB,52.09,5.23\n"      # 3 bad postcode
        "3701 AC,5.23,52.09\n"      # 4 swapped: outside NL
        "3701 AD,abc,5.23\n"        # 5 not a number
        "3701 AE,48.85,2.35\n"      # 6 Paris
        "3701 AF,,\n"               # 7 empty coordinates
        "3701 AG,52.1,5.24\n",      # 8 good
        encoding="utf-8")
    postcodes, problems = read_postcode_csv(path)
    assert [p.postcode for p in postcodes] == ["3701 AA", "3701 AG"]
    assert [(p.line, p.column) for p in problems] == [
        (3, "postcode"), (4, "lat/lon"), (5, "lat/lon"), (6, "lat/lon"), (7, "lat/lon")]
    assert "1234 AB" in problems[0].message
    assert "outside the Netherlands" in problems[1].message and "outside the Netherlands" in problems[3].message
    assert "decimal numbers" in problems[2].message


def test_postcode_csv_format_errors(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("code,lat,lon\n3701 AA,52.09,5.23\n", encoding="utf-8")
    with pytest.raises(CsvFormatError, match="postcode"):
        read_postcode_csv(path)
    path.write_bytes("postcode,lat,lon,municipality\n3701 AA,52.09,5.23,Zeïst\n".encode("cp1252"))
    with pytest.raises(CsvFormatError, match="UTF-8"):
        read_postcode_csv(path)
    with pytest.raises(CsvFormatError, match="no such file"):
        read_postcode_csv(tmp_path / "missing.csv")


def test_demo_postcodes_locate_demo_activities(demo_store, all_demo):
    geocoder = PostcodeTableGeocoder(demo_store)
    for a in all_demo[:40]:
        location = geocoder.geocode(a.postcode)
        assert location is not None, a.postcode
        assert haversine_km(location.latitude, location.longitude, a.lat, a.lon) < 1.5

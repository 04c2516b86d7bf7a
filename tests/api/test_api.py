"""The HTTP API over the session's demo store and encoder."""
from __future__ import annotations

import re

import pytest

from catalog.store import SCHEMA_VERSION
from catalog.geo import haversine_km
from tests.conftest import app_client, copy_store
from tests.helpers import CENTRE

PROFILE = {
    "narrative": "Mevrouw is sinds vorig jaar weduwe en zit veel alleen thuis. Ze wandelde altijd "
                 "met haar man en houdt van de natuur.",
    "interests": "wandelen, natuur, mensen ontmoeten",
    "age": 71, "gender": "female", "languages": ["nl"],
    "lat": CENTRE[0], "lon": CENTRE[1],
    "max_distance_km": 2.5, "availability": ["di", "do"], "budget_eur_month": 10,
}
ACTIVITY_FIELDS = {"id", "title", "description", "organisation", "kind", "categories", "min_age",
                   "max_age", "gender", "languages", "culture", "address", "postcode", "neighbourhood",
                   "lat", "lon", "schedule", "cost_eur_month", "wheelchair", "capacity",
                   "last_verified", "stale", "contact", "paused", "version", "types", "target_groups",
                   "types_source"}


@pytest.fixture(scope="module")
def client(demo_store, encoder, tmp_path_factory):
    store = copy_store(demo_store, tmp_path_factory.mktemp("api") / "api.db")
    with app_client(store, encoder, [("coach1", "coach")], login_as="coach1") as c:   # /match needs a coach
        yield c
    store.close()


def profile(**changes):
    body = dict(PROFILE)
    for key, value in changes.items():
        if value is ...:
            body.pop(key, None)
        else:
            body[key] = value
    return body


# --- POST /match ----------------------------------------------------------------------------------

def test_match_returns_ranked_explained_suggestions(client):
    r = client.post("/match", json=profile())
    assert r.status_code == 200, r.text
    data = r.json()
    suggestions = data["suggestions"]
    assert 1 <= len(suggestions) <= 10
    assert [s["rank"] for s in suggestions] == list(range(1, len(suggestions) + 1))
    for s in suggestions:
        assert set(s["activity"]) == ACTIVITY_FIELDS
        a = s["activity"]
        assert s["explanation"] and re.search(r"\d+,\d+ km", s["explanation"])
        assert s["distance_km"] == pytest.approx(haversine_km(CENTRE[0], CENTRE[1], a["lat"], a["lon"]), abs=0.006)
        assert s["distance_km"] <= 2.5
        assert isinstance(s["compromises"], list)
        assert set(s["signals"]) >= {"meaning", "keywords", "nearby", "schedule_fit"}
        assert a["gender"] != "male" and a["capacity"] != "full"
        assert all(re.match(r"^(ma|di|wo|do|vr|za|zo) \d\d:\d\d-\d\d:\d\d$", slot) for slot in a["schedule"])
    scores = [s["score"] for s in suggestions]
    assert scores[0] == max(scores)
    assert {"wandelen", "natuur", "ontmoeting"} & set(suggestions[0]["activity"]["categories"])
    tailored = data["tailored"]
    assert set(tailored) == {"needed", "reason", "unmet_wishes", "wishes"}
    assert tailored["needed"] is False and tailored["reason"]
    assert data["location"] == {"lat": CENTRE[0], "lon": CENTRE[1], "source": "coordinates"}
    assert data["within_reach"] >= len(suggestions)
    assert isinstance(data["excluded"], dict)


def test_match_by_postcode(client, demo_store):
    r = client.post("/match", json=profile(lat=..., lon=..., postcode="3701dt"))
    assert r.status_code == 200, r.text
    pc = demo_store.postcode("3701 DT")
    assert r.json()["location"] == {"lat": pc.lat, "lon": pc.lon, "source": "postcode 3701 DT"}
    assert r.json()["suggestions"]


def test_match_by_four_digit_area(client):
    r = client.post("/match", json=profile(lat=..., lon=..., postcode="3701 ZZ"))
    assert r.status_code == 200, r.text
    assert r.json()["location"]["source"] == "postcode 3701"


def test_match_limit(client):
    r = client.post("/match", json=profile(limit=3, max_distance_km=5))
    assert r.status_code == 200 and len(r.json()["suggestions"]) == 3
    r = client.post("/match", json=profile(limit=20, max_distance_km=5))
    assert r.status_code == 200 and len(r.json()["suggestions"]) == 20


def test_match_with_a_wish_nobody_offers(client):
    r = client.post("/match", json=profile(interests="zweefvliegen, zeilen op zee", narrative="",
                                           max_distance_km=0.5))
    assert r.status_code == 200
    assert r.json()["tailored"]["needed"] is True
    assert "zweefvliegen" in r.json()["tailored"]["reason"]


def test_match_far_away_gives_an_empty_list_not_an_error(client):
    r = client.post("/match", json=profile(lat=53.2, lon=6.56))
    assert r.status_code == 200
    assert r.json()["suggestions"] == [] and r.json()["tailored"]["needed"] is True


def test_match_accepts_extra_fields_and_full_day_names(client):
    r = client.post("/match", json=profile(id="c01", availability=["dinsdag", "Donderdag"]))
    assert r.status_code == 200, r.text


# --- POST /match: every bad input is a 4xx with an error naming the field --------------------------

def assert_error(r, status: int, *words: str):
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert isinstance(body["error"], str) and body["error"]
    for word in words:
        assert word.lower() in body["error"].lower(), (word, body["error"])
    return body


@pytest.mark.parametrize("changes,field", [
    (dict(lat=..., lon=...), "location"),
    (dict(lon=...), "lon"),
    (dict(lat=...), "lon"),
    (dict(languages=["nederlands"]), "languages"),
    (dict(languages=["nl", "t"]), "languages"),
    (dict(languages="nl"), "languages"),
    (dict(availability=["maandag", "someday"]), "availability"),
    (dict(availability=["monday"]), "availability"),
    (dict(max_distance_km=-1), "max_distance_km"),
    (dict(max_distance_km=0), "max_distance_km"),
    (dict(max_distance_km=500), "max_distance_km"),
    (dict(limit=0), "limit"),
    (dict(limit=21), "limit"),
    (dict(age="zeventig"), "age"),
    (dict(age=-3), "age"),
    (dict(age=71.5), "age"),
    (dict(gender="vrouw"), "gender"),
    (dict(lat="noord"), "lat"),
    (dict(lat=152.0), "lat"),
    (dict(budget_eur_month=-10), "budget_eur_month"),
    (dict(needs_wheelchair_access="misschien"), "needs_wheelchair_access"),
    (dict(interests=["wandelen"]), "interests"),
    (dict(interests="", narrative=""), "narrative"),
    (dict(availability="di"), "availability"),
    (dict(narrative="x" * 5001), "narrative"),
])
def test_match_bad_input(client, changes, field):
    body = assert_error(client.post("/match", json=profile(**changes)), 422, field)
    assert body["details"] and all({"field", "message"} <= set(d) for d in body["details"])


def test_match_unknown_postcode_points_to_the_postcode_table(client):
    body = assert_error(client.post("/match", json=profile(lat=..., lon=..., postcode="9999 ZZ")),
                        422, "postcode", "9999 ZZ", "postcode table")
    assert "lat and lon" in body["error"]


def test_match_malformed_postcode_says_how_to_write_it(client):
    # 'abc' is no postcode at all: importing a postcode table would not help; the message should
    # say how a Dutch postcode is written, as everywhere else in the API.
    assert_error(client.post("/match", json=profile(lat=..., lon=..., postcode="abc")), 422, "postcode", "1234 AB")


def test_match_availability_that_is_no_weekday_is_rejected(client):
    # 'maakt niet uit' (doesn't matter) must not be read as Monday ('ma') only.
    assert_error(client.post("/match", json=profile(availability=["maakt niet uit"])), 422, "availability")
    assert_error(client.post("/match", json=profile(availability=["dokter"])), 422, "availability")


@pytest.mark.parametrize("raw", ['{"interests": "wandelen", "lat": 52.1', "not json at all", "{'a': 1}"])
def test_match_malformed_json(client, raw):
    assert_error(client.post("/match", content=raw, headers={"content-type": "application/json"}), 422, "json")


@pytest.mark.parametrize("raw", ["[1, 2]", '"wandelen"', "42", "null"])
def test_match_body_not_an_object(client, raw):
    r = client.post("/match", content=raw, headers={"content-type": "application/json"})
    assert_error(r, 422, "body")


def test_match_empty_body(client):
    assert_error(client.post("/match"), 422, "body")


@pytest.mark.parametrize("raw,field", [
    ('{"interests": "wandelen", "lat": NaN, "lon": 5.2}', "lat"),
    ('{"interests": "wandelen", "lat": 52.1, "lon": 5.2, "max_distance_km": Infinity}', "max_distance_km"),
    ('{"interests": "wandelen", "lat": 52.1, "lon": 5.2, "age": 1e400}', "age"),
])
def test_match_non_finite_numbers(client, raw, field):
    assert_error(client.post("/match", content=raw, headers={"content-type": "application/json"}), 422, field)


ODD_VALUES = [None, "", "x", "💥💥💥", -1, 0, 0.0001, 1e308, 10**30, True, [], {}, ["nl"], [None], "3701 DT"]


@pytest.mark.parametrize("field", ["narrative", "interests", "age", "gender", "languages", "culture",
                                   "postcode", "lat", "lon", "max_distance_km", "availability",
                                   "budget_eur_month", "needs_wheelchair_access", "limit"])
def test_match_never_answers_500(client, field):
    for value in ODD_VALUES:
        r = client.post("/match", json=profile(**{field: value, "limit": 1} if field != "limit" else {field: value}))
        assert r.status_code in (200, 422), (field, value, r.status_code, r.text[:300])
        if r.status_code == 422:
            assert r.json()["error"]


def test_match_wrong_method(client):
    assert_error(client.get("/match"), 405)


# --- GET /activities --------------------------------------------------------------------------------

def test_activities_paging(client, demo_rows):
    first = client.get("/activities", params={"limit": 10}).json()
    assert first["total"] == len(demo_rows) and first["offset"] == 0 and first["limit"] == 10
    assert len(first["items"]) == 10 and set(first["items"][0]) == ACTIVITY_FIELDS
    second = client.get("/activities", params={"limit": 10, "offset": 10}).json()
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert ids == sorted(r["id"] for r in demo_rows)[:20]
    tail = client.get("/activities", params={"limit": 50, "offset": len(demo_rows) - 4}).json()
    assert len(tail["items"]) == 4 and tail["total"] == len(demo_rows)
    beyond = client.get("/activities", params={"offset": 10_000}).json()
    assert beyond["items"] == [] and beyond["total"] == len(demo_rows)
    assert len(client.get("/activities").json()["items"]) == 50   # the default page


def test_activities_filter_by_category(client, demo_rows):
    data = client.get("/activities", params={"category": "koken_eten", "limit": 200}).json()
    expected = {r["id"] for r in demo_rows if "koken_eten" in r["categories"].split(";")}
    assert {a["id"] for a in data["items"]} == expected and data["total"] == len(expected)


def test_activities_filter_by_neighbourhood_ignores_case(client, demo_rows):
    data = client.get("/activities", params={"neighbourhood": "den dolder", "limit": 200}).json()
    expected = {r["id"] for r in demo_rows if r["neighbourhood"] == "Den Dolder"}
    assert expected and {a["id"] for a in data["items"]} == expected


def test_activities_filter_by_capacity_and_kind(client, demo_rows):
    data = client.get("/activities", params={"capacity": "full", "kind": "formal", "limit": 200}).json()
    expected = {r["id"] for r in demo_rows if r["capacity"] == "full" and r["kind"] == "formal"}
    assert {a["id"] for a in data["items"]} == expected and data["total"] == len(expected)


def test_activities_text_search(client, demo_rows):
    data = client.get("/activities", params={"q": "schaak", "limit": 200}).json()
    expected = {r["id"] for r in demo_rows if "schaak" in (r["title"] + " " + r["description"]).lower()}
    assert expected and {a["id"] for a in data["items"]} == expected


def test_activities_text_search_takes_wildcards_literally(client):
    # No listing contains '%' or '_': a search for them finds nothing (they are no LIKE wildcards).
    for q in ("%", "100%", "_"):
        assert client.get("/activities", params={"q": q}).json()["total"] == 0, q


def test_activities_filter_by_postcode(client, demo_rows):
    data = client.get("/activities", params={"postcode": "3701dt", "limit": 200}).json()
    expected = {r["id"] for r in demo_rows if r["postcode"] == "3701 DT"}
    assert expected and {a["id"] for a in data["items"]} == expected


def test_activities_combined_filters(client, demo_rows):
    data = client.get("/activities", params={"category": "ontmoeting", "neighbourhood": "Centrum",
                                              "limit": 3}).json()
    expected = sorted(r["id"] for r in demo_rows
                      if "ontmoeting" in r["categories"].split(";") and r["neighbourhood"] == "Centrum")
    assert data["total"] == len(expected) and [a["id"] for a in data["items"]] == expected[:3]


@pytest.mark.parametrize("params,field", [
    ({"category": "sjoelen"}, "category"),
    ({"capacity": "vol"}, "capacity"),
    ({"kind": "professional"}, "kind"),
    ({"limit": 0}, "limit"),
    ({"limit": 201}, "limit"),
    ({"limit": "tien"}, "limit"),
    ({"offset": -1}, "offset"),
    ({"postcode": "abc"}, "postcode"),
    ({"q": "x" * 201}, "q"),
])
def test_activities_bad_filters(client, params, field):
    assert_error(client.get("/activities", params=params), 422, field)


# --- GET /activities/{id}, /health, docs -------------------------------------------------------------

def test_one_activity(client, demo_rows):
    row = demo_rows[0]
    r = client.get(f"/activities/{row['id']}")
    assert r.status_code == 200
    a = r.json()
    assert a["id"] == row["id"] and a["title"] == row["title"] and a["postcode"] == row["postcode"]
    assert a["lat"] == float(row["lat"]) and a["categories"] == row["categories"].split(";")
    assert a["last_verified"] == row["last_verified"]


def test_stale_flag(client, demo_rows):
    old = min(demo_rows, key=lambda r: r["last_verified"])
    assert client.get(f"/activities/{old['id']}").json()["stale"] is True
    new = max(demo_rows, key=lambda r: r["last_verified"])
    assert client.get(f"/activities/{new['id']}").json()["stale"] is False


def test_unknown_activity_is_404_with_a_message(client):
    body = assert_error(client.get("/activities/z999"), 404, "z999")
    assert "no activity" in body["error"]


def test_unknown_path_is_404(client):
    assert_error(client.get("/nope"), 404, "not found")


def test_health(client, demo_store, encoder):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "activities": demo_store.count(), "schema_version": SCHEMA_VERSION,
                        "model": encoder.name}


def test_openapi_and_docs_are_served(client):
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert {"/match", "/activities", "/activities/{activity_id}", "/health"} <= set(paths)
    assert "422" in paths["/match"]["post"]["responses"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_the_vocabulary_the_pages_show_is_the_services_own(client):
    from catalog.model import CATEGORY_LABELS
    from catalog.vocabulary import DAY_NAMES, LANGUAGES
    words = client.get("/vocabulary").json()
    assert words["languages"]["tr"] == "Turks" and set(words["languages"]) == set(LANGUAGES)
    assert words["days"] == DAY_NAMES and words["categories"] == CATEGORY_LABELS
    assert words["capacity"] == {"open": "plaats vrij", "waitlist": "wachtlijst", "full": "vol"}

"""Recording matches anonymously, the outcome call, and the municipality's endpoints (JSON, CSV,
GeoJSON) over a copy of the demo catalog."""
from __future__ import annotations

import csv
import io
import logging

import pytest

from analysis.intakes import WISHES
from tests.conftest import app_client, login

# An intake full of things that must never be kept: a name, a birth date, an address, the story.
SECRET_INTAKE = {
    "narrative": "Mevrouw Hendrika Oudshoorn-Verbeek (geboren 12-03-1941) woont sinds de dood van haar man "
                 "alleen aan de Slotlaan 77b en piekert over schulden bij de Kredietbank Zwaluwstaart.",
    "interests": "zeilen op de Loosdrechtse plassen, wandelen",
    "age": 83, "gender": "female", "languages": ["nl", "id"], "culture": "Moluks",
    "postcode": "3701 DT", "max_distance_km": 2, "availability": ["di"], "budget_eur_month": 7,
    "needs_wheelchair_access": True, "record": True,
}
NEVER_KEPT = ["Hendrika", "Oudshoorn", "Verbeek", "12-03-1941", "Slotlaan 77b", "Kredietbank", "Zwaluwstaart", "Loosdrecht",
              "zeilen", "piekert", "Moluks", "3701 DT", "3701DT"]


@pytest.fixture
def client(editable_store, encoder):
    users = [("coach1", "coach"), ("analyst1", "analyst"), ("admin1", "admin"), ("editor1", "editor", "Bibliotheek Zeist")]
    with app_client(editable_store, encoder, users) as c:
        yield c


def test_a_recorded_match_keeps_only_areas_bands_and_categories(client, editable_store, caplog):
    caplog.set_level(logging.DEBUG)          # every logger, every level
    coach = login(client, "coach1")
    before = set(editable_store.db.iterdump())
    r = client.post("/match", headers=coach, json=SECRET_INTAKE)
    assert r.status_code == 200 and r.json()["intake_id"]
    (record,) = editable_store.intakes.all()
    assert record.id == r.json()["intake_id"]
    assert (record.pc4, record.age_band, record.gender, record.languages) == ("3701", "75+", "vrouw", ["nl", "id"])
    assert record.wijk == editable_store.postcode("3701 DT").neighbourhood
    assert "wandelen" in record.wishes and set(record.wishes) <= set(WISHES)   # categories, not the words
    assert len(record.month) == 7                                   # the month, not the day
    assert record.tailored_needed == r.json()["tailored"]["needed"]  # the verdict the coach saw
    # The match wrote one row, of the intakes table, and nothing of the story reached it or any log line.
    written = [line for line in editable_store.db.iterdump() if line not in before]
    assert len(written) == 1 and written[0].startswith('INSERT INTO "intakes"')
    dump = written[0]
    logs = "\n".join(f"{rec.name} {rec.getMessage()}" for rec in caplog.records)
    for secret in NEVER_KEPT:
        assert secret not in dump, secret
        assert secret.lower() not in logs.lower(), secret
    columns = [row[1] for row in editable_store.db.execute("PRAGMA table_info(intakes)")]
    assert columns == ["id", "month", "pc4", "wijk", "age_band", "gender", "languages", "wishes", "tailored_needed",
                       "tailored_for", "outcome", "outcome_activity", "outcome_month"]


def test_nothing_is_recorded_unless_asked(client, editable_store):
    body = {**SECRET_INTAKE, "record": False}
    r = client.post("/match", headers=login(client, "coach1"), json=body)
    assert r.status_code == 200 and r.json()["intake_id"] is None and editable_store.intakes.all() == []


def test_a_client_given_by_coordinates_gets_the_nearest_wijk(client, editable_store):
    body = {"interests": "wandelen", "lat": 52.0867, "lon": 5.2357, "age": 40, "record": True}
    assert client.post("/match", headers=login(client, "coach1"), json=body).status_code == 200
    (record,) = editable_store.intakes.all()
    assert record.wijk != "onbekend" and len(record.pc4) == 4 and record.age_band == "27-44"


def test_the_outcome_is_one_call(client, editable_store):
    coach = login(client, "coach1")
    intake_id = client.post("/match", headers=coach, json=SECRET_INTAKE).json()["intake_id"]
    url = f"/intakes/{intake_id}/outcome"
    assert client.post(url, headers=coach, json={"outcome": "started"}).status_code == 422       # which activity?
    assert client.post(url, headers=coach, json={"outcome": "nothing", "activity_id": "z001"}).status_code == 422
    bad = client.post(url, headers=coach, json={"outcome": "started", "activity_id": "z999"})
    assert bad.status_code == 422 and "z999" in bad.json()["error"]
    assert client.post(url, headers=coach, json={"outcome": "started", "activity_id": "z001"}).status_code == 204
    (record,) = editable_store.intakes.all()
    assert (record.outcome, record.outcome_activity) == ("started", "z001")
    assert client.post("/intakes/nope/outcome", headers=coach, json={"outcome": "nothing"}).status_code == 404
    assert client.post(url, headers=login(client, "analyst1"), json={"outcome": "nothing"}).status_code == 403


@pytest.mark.parametrize("path", ["/gaps", "/gaps.csv", "/coverage", "/coverage.csv", "/indicator", "/wijken.geojson"])
def test_the_municipality_view_is_for_analysts_and_admins(client, path):
    assert client.get(path).status_code == 401
    assert client.get(path, headers=login(client, "coach1")).status_code == 403
    assert client.get(path, headers=login(client, "editor1")).status_code == 403
    assert client.get(path, headers=login(client, "analyst1")).status_code == 200
    assert client.get(path, headers=login(client, "admin1")).status_code == 200


def test_json_and_csv_show_the_same_figures(client):
    coach = login(client, "coach1")
    for interests in ["dansen", "wandelen", "dansen, muziek", "vissen", "dansen"] * 2:
        client.post("/match", headers=coach, json={**SECRET_INTAKE, "interests": interests})
    analyst = login(client, "analyst1")
    items = client.get("/gaps", headers=analyst, params={"limit": 5000}).json()["items"]
    rows = list(csv.DictReader(io.StringIO(client.get("/gaps.csv", headers=analyst).text)))
    assert len(rows) == len(items) > 0
    for row, item in zip(rows, items):
        assert (row["wijk"], row["wish"], row["dimension"], row["group"]) == \
               (item["wijk"], item["wish"], item["dimension"], item["group"])
        assert row["demand"] == str(item["demand"]) and row["tailored"] == str(item["tailored"])
        assert row["sentence"] == item["sentence"]
    dance = next(i for i in items if i["wish"] == "dansen" and i["dimension"] == "alle")
    assert dance["demand"] == 5 and "dansen" in dance["sentence"]            # 6, rounded to a multiple of 5
    assert all(isinstance(i["demand"], int) and i["demand"] >= 5 or i["demand"] == "< 5" for i in items)


def test_filters_and_bad_filters(client):
    analyst = login(client, "analyst1")
    assert client.get("/gaps", headers=analyst, params={"dimension": "leeftijd"}).status_code == 200
    r = client.get("/gaps", headers=analyst, params={"dimension": "inkomen"})
    assert r.status_code == 422 and "dimension" in r.json()["error"]
    assert client.get("/gaps", headers=analyst, params={"wish": "zeilen"}).status_code == 422
    assert client.get("/coverage", headers=analyst, params={"category": "x"}).status_code == 422


def test_coverage_before_any_intake(client):
    items = client.get("/coverage", headers=login(client, "analyst1"), params={"category": "wandelen"}).json()["items"]
    assert len(items) == 13 and all(0 <= i["share"] <= 1 for i in items)
    assert any(i["share"] > 0 for i in items) and all(i["postcodes"] > 0 for i in items)


def test_the_wijk_map(client):
    r = client.get("/wijken.geojson", headers=login(client, "analyst1"))
    assert r.headers["content-type"] == "application/geo+json"
    data = r.json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 13
    for feature in data["features"]:
        assert feature["geometry"]["type"] == "MultiPolygon" and feature["geometry"]["coordinates"]
        assert {"wijk", "intakes", "fitting_share", "mean_coverage", "biggest_gap"} <= set(feature["properties"])

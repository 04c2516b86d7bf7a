"""The read-only HSDS API, mounted on a bare FastAPI app over the demo store: paging as HSDS's
openapi.json says, every item valid against the compiled HSDS schemas, filters, 404 and 422."""
from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import hsds_routes
from api.deps import get_directory, get_store
from api.errors import add_error_handlers
from catalog.hsds.directory import Directory
from catalog.geo import haversine_km
from catalog.hsds.mapping import (CATEGORY_TAXONOMY, GROUP_TAXONOMY, PROPERTY_TAXONOMY, TYPE_TAXONOMY,
                                  organization_id, taxonomy_id, term_id)
from tests import hsds_checks
from tests.helpers import read_rows

WALK = term_id(CATEGORY_TAXONOMY, "wandelen")
WELZIJN = organization_id("Welzijn Zeist (demo)")


@pytest.fixture(scope="module")
def client(demo_store):
    app = FastAPI()   # the router alone, its store and directory given through dependency overrides
    add_error_handlers(app)
    app.include_router(hsds_routes.router)
    directory = Directory()
    app.dependency_overrides[get_store] = lambda: demo_store
    app.dependency_overrides[get_directory] = lambda: directory
    return TestClient(app)


@pytest.fixture(scope="module")
def rows():
    return read_rows()


def page(client, path: str, item_schema: dict, **params) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert hsds_checks.page_errors(body) == []
    assert set(body) == {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty",
                         "contents"}
    for item in body["contents"]:
        assert hsds_checks.json_errors(item, item_schema) == [], item.get("id")
    return body


def test_api_info(client):
    assert client.get("/hsds/").json() == {"version": "3.1", "openapi_url": "http://testserver/openapi.json"}


def test_services_are_paged_as_hsds_says(client, rows):
    schema = hsds_checks.load("compiled/service_list.json")
    first = page(client, "/hsds/services", schema)
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (194, 4, 1, 50)
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    last = page(client, "/hsds/services", schema, page=4)
    assert (last["size"], last["first_page"], last["last_page"]) == (44, False, True)
    beyond = page(client, "/hsds/services", schema, page=5)
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])
    names = [s["name"] for p in (1, 2, 3, 4) for s in page(client, "/hsds/services", schema, page=p)["contents"]]
    assert sorted(names) == sorted(r["title"] for r in rows)


def test_services_filters(client, rows):
    schema = hsds_checks.load("compiled/service_list.json")
    walking = page(client, "/hsds/services", schema, taxonomy_term_id=WALK, per_page=200)
    assert walking["total_items"] == sum("wandelen" in r["categories"].split(";") for r in rows) > 0
    welzijn = page(client, "/hsds/services", schema, organization_id=WELZIJN, per_page=200)
    assert {s["organization"]["name"] for s in welzijn["contents"]} == {"Welzijn Zeist (demo)"}
    assert welzijn["total_items"] == sum(r["organisation"] == "Welzijn Zeist (demo)" for r in rows)
    found = page(client, "/hsds/services", schema, search="Wandelgroep")
    assert found["total_items"] >= 1 and all("wandelgroep" in (s["name"] + s["description"]).lower()
                                             for s in found["contents"])
    full = page(client, "/hsds/services", hsds_checks.service_schema(), search="Wandelgroep", full="true")
    assert all(s["service_at_locations"] and s["attributes"] for s in full["contents"])
    nobody = "00000000-0000-4000-8000-000000000000"
    for params in ({"organization_id": nobody}, {"taxonomy_term_id": nobody}, {"taxonomy_id": nobody}):
        assert page(client, "/hsds/services", schema, **params)["total_items"] == 0
    assert page(client, "/hsds/services", schema, taxonomy_id=taxonomy_id(PROPERTY_TAXONOMY))["total_items"] == 194


def test_one_service_and_404(client):
    first = client.get("/hsds/services", params={"per_page": 1}).json()["contents"][0]
    response = client.get(f"/hsds/services/{first['id']}")
    assert response.status_code == 200
    assert hsds_checks.json_errors(response.json(), hsds_checks.service_schema()) == []
    assert response.json()["name"] == first["name"]
    missing = client.get("/hsds/services/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert missing.json()["error"] == "no service with id '00000000-0000-4000-8000-000000000000'"
    assert client.get("/hsds/services/z001").status_code == 404  # HSDS ids only


def test_service_at_locations_near_a_postcode(client, demo_store):
    schema = hsds_checks.load("compiled/service_at_location_list.json")
    centre = demo_store.postcode("3701 DT")
    near = page(client, "/hsds/service_at_locations", schema, postcode="3701dt", proximity=600, per_page=200)
    distances = [haversine_km(centre.lat, centre.lon, s["location"]["latitude"], s["location"]["longitude"])
                 for s in near["contents"]]
    assert near["total_items"] == len(distances) > 0 and max(distances) <= 0.6 and distances == sorted(distances)
    wider = page(client, "/hsds/service_at_locations", schema, postcode="3701 DT", proximity=1500, per_page=5)
    assert wider["total_items"] > near["total_items"] and wider["size"] == 5
    walking = page(client, "/hsds/service_at_locations", schema, postcode="3701 DT", proximity=1500,
                   taxonomy_term_id=WALK, per_page=200)
    assert 0 < walking["total_items"] < wider["total_items"]
    at = page(client, "/hsds/service_at_locations", schema, postcode="3701 DT", per_page=200)
    assert {s["location"]["name"] for s in at["contents"]} == {"Steynlaan 19"}


def test_one_service_at_location_and_404(client):
    listed = client.get("/hsds/service_at_locations", params={"per_page": 1}).json()["contents"][0]
    response = client.get(f"/hsds/service_at_locations/{listed['id']}")
    assert response.status_code == 200
    body = response.json()
    assert hsds_checks.json_errors(body, hsds_checks.service_at_location_schema()) == []
    assert body["service"]["id"] == listed["service_id"] and body["schedules"] is not None
    assert client.get(f"/hsds/service_at_locations/{listed['service_id']}").status_code == 404


def test_organizations(client, rows):
    schema = hsds_checks.load("compiled/organization_list.json")
    listed = page(client, "/hsds/organizations", schema, per_page=200)
    assert listed["total_items"] == len({r["organisation"] for r in rows})
    assert page(client, "/hsds/organizations", schema, search="welzijn zeist")["contents"][0]["id"] == WELZIJN
    walking = page(client, "/hsds/organizations", schema, taxonomy_term_id=WALK, per_page=200)
    assert 0 < walking["total_items"] < listed["total_items"]
    response = client.get(f"/hsds/organizations/{WELZIJN}", params={"full_service": "true"})
    assert response.status_code == 200
    body = response.json()
    assert hsds_checks.json_errors(body, hsds_checks.organization_schema()) == []
    assert len(body["services"]) == sum(r["organisation"] == "Welzijn Zeist (demo)" for r in rows)
    assert body["locations"] and all(s["service_at_locations"] for s in body["services"])
    assert client.get("/hsds/organizations/nope").status_code == 404


def test_taxonomies_and_terms(client):
    taxonomies = page(client, "/hsds/taxonomies", hsds_checks.definition("taxonomy"))
    assert {t["name"] for t in taxonomies["contents"]} == {CATEGORY_TAXONOMY, PROPERTY_TAXONOMY, TYPE_TAXONOMY,
                                                           GROUP_TAXONOMY}
    terms = page(client, "/hsds/taxonomy_terms", hsds_checks.definition("taxonomy_term"),
                 taxonomy_id=taxonomy_id(CATEGORY_TAXONOMY))
    assert terms["total_items"] == 25 and terms["contents"][1]["name"] == "wandelen"
    assert terms["contents"][1]["taxonomy_detail"]["name"] == CATEGORY_TAXONOMY
    assert page(client, "/hsds/taxonomy_terms", hsds_checks.definition("taxonomy_term"), search="samen eten",
                top_only="true", taxonomy_id=taxonomy_id(CATEGORY_TAXONOMY))["total_items"] == 1
    one = client.get(f"/hsds/taxonomy_terms/{WALK}").json()
    assert hsds_checks.json_errors(one, hsds_checks.definition("taxonomy_term")) == [] and one["code"] == "wandelen"
    assert client.get(f"/hsds/taxonomies/{taxonomy_id(CATEGORY_TAXONOMY)}").json()["name"] == CATEGORY_TAXONOMY
    assert client.get("/hsds/taxonomies/nope").status_code == 404
    assert client.get("/hsds/taxonomy_terms/nope").status_code == 404


@pytest.mark.parametrize("path, params, message", [
    ("/hsds/services", {"page": 0}, "page"),
    ("/hsds/services", {"per_page": 1000}, "per_page"),
    ("/hsds/services", {"taxonomy_term_id": "wandelen"}, "taxonomy_term_id"),
    ("/hsds/services", {"format": "ndjson"}, "format"),
    ("/hsds/services", {"taxonomy_term_id": term_id(PROPERTY_TAXONOMY, "kind")}, "filter by a term of the taxonomy"),
    ("/hsds/service_at_locations", {"proximity": 500}, "give a postcode too"),
    ("/hsds/service_at_locations", {"postcode": "37011"}, "is not a Dutch postcode"),
    ("/hsds/service_at_locations", {"postcode": "3701"}, "give a full postcode"),
    ("/hsds/service_at_locations", {"postcode": "9999 ZZ", "proximity": 500}, "not in the postcode table"),
    ("/hsds/service_at_locations", {"postcode": "3701 DT", "proximity": 500_000}, "proximity"),
    ("/hsds/organizations", {"search": "x" * 201}, "search"),
])
def test_bad_parameters_are_422(client, path, params, message):
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert message in response.text


def test_every_hsds_route_is_public(client):
    paths = {p: ops for p, ops in client.app.openapi()["paths"].items() if p.startswith("/hsds")}
    assert len(paths) == 11
    assert all(op["x-roles"] == ["anyone"] for ops in paths.values() for op in ops.values())

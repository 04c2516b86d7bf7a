"""Hostile input: schemathesis generates requests from the service's own OpenAPI schema, for every
endpoint, authenticated as an admin (so every endpoint's body is reached). Any 5xx fails; every 4xx
must carry an error message that says what to fix."""
from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.app import create_app
from tests.factories import make_app
from api.auth import new_secret, secret_hash
from catalog.records import ApiKey
from catalog.stores import open_store
from tests import pg
from tests.conftest import copy_store, fill_from_demo

EXAMPLES_PER_ENDPOINT = 25   # bounded, so the whole run stays well under a minute or two


# The schema of an app that is not started: the OpenAPI document needs no store or model.
schema = schemathesis.openapi.from_dict(create_app().openapi())


@pytest.fixture(scope="module", params=["sqlite", "postgis"])
def fuzz_client(request, demo_store, encoder, tmp_path_factory):
    """Both stores: PostgreSQL refuses input (a NUL byte) that SQLite stores."""
    if request.param == "sqlite":
        store = copy_store(demo_store, tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    else:
        url = pg.create_database()
        request.addfinalizer(lambda: pg.drop_database(url))
        store = fill_from_demo(open_store(url), demo_store, encoder)
    key = new_secret("sm_k_")
    # An API key, not a session: a generated POST /auth/logout must not log the fuzzer out.
    store.accounts.add_api_key(ApiKey("fuzzer", secret_hash(key), "admin"))
    with TestClient(make_app(store, encoder), raise_server_exceptions=False) as client:
        yield client, key
    store.close()


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_ENDPOINT, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_service_fail(case, fuzz_client):
    client, key = fuzz_client
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers={"X-API-Key": key})
    try:
        "".join(str(v) for v in (kwargs.get("headers") or {}).values()).encode("ascii")
    except UnicodeEncodeError:
        # HTTP cannot carry it as text, and the test client (httpx) sends ASCII header values only
        return
    response = client.request(**kwargs)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body.get("error"), str) and len(body["error"]) > 10, response.text[:300]

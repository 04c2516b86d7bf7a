"""The app takes a test's store and matcher through FastAPI's dependency overrides: the routes, the
request guard (which looks callers up before any route runs) and the start-up all see the same one,
and the app leaves a store it did not open to its owner."""
from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_matcher, get_store
from matcher.engine import Matcher
from tests.conftest import add_user, login


def test_an_overridden_store_and_matcher_serve_every_part_of_a_request(editable_store, encoder):
    add_user(editable_store, "coach1", "coach")
    matcher = Matcher(editable_store, encoder)
    app = create_app()
    app.dependency_overrides[get_store] = lambda: editable_store
    app.dependency_overrides[get_matcher] = lambda: matcher
    with TestClient(app) as client:
        assert app.state.store is editable_store and app.state.matcher is matcher
        assert client.get("/health").json()["activities"] == editable_store.count()
        # POST goes through the request guard, which finds the session in the overridden store.
        headers = login(client, "coach1")
        answer = client.post("/match", headers=headers,
                             json={"interests": "wandelen", "lat": 52.0885, "lon": 5.2326})
        assert answer.status_code == 200, answer.text
        assert answer.json()["suggestions"]
    assert editable_store.count() > 0   # still open: the test's store is the test's to close


def test_without_a_login_the_guard_refuses_before_the_route(editable_store, encoder):
    app = create_app()
    app.dependency_overrides[get_store] = lambda: editable_store
    app.dependency_overrides[get_matcher] = lambda: Matcher(editable_store, encoder)
    with TestClient(app) as client:
        answer = client.post("/match", json={"interests": "wandelen", "lat": 52.0885, "lon": 5.2326})
    assert answer.status_code == 401
    assert answer.json()["code"] == "login_required"

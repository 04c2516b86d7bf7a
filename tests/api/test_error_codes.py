"""Error answers: one shape everywhere, and every code the service can give has a Dutch text in the
pages' one table (api/web/common.js CODES), so a page never has to read an English message."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from api.errors import PYDANTIC_CODES, STATUS_CODES
from catalog.errors import AppError
from tests.conftest import app_client, copy_store, login

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for package in ("api", "catalog", "matcher", "analysis") for p in (ROOT / package).rglob("*.py")]
# Where a call takes its code: the position of the argument (or the keyword `code`).
CODE_ARGUMENT = {"of_field": 1, "Detail": 1, "Problem": 3, "bad": 2, "_refusal": 1}


def _error_classes() -> set[str]:
    found, todo = set(), [AppError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo += cls.__subclasses__()
    return found


def codes_in_source() -> dict[str, str]:
    """Every code written in the source: code -> where."""
    classes = _error_classes()
    found = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            value = None
            if isinstance(node, ast.ClassDef) and node.name in classes:
                value = next((n.value for n in node.body if isinstance(n, ast.Assign)
                              and any(getattr(t, "id", None) == "code" for t in n.targets)), None)
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                position = 1 if name in classes else CODE_ARGUMENT.get(name)
                if position is not None:
                    keyword = next((k.value for k in node.keywords if k.arg == "code"), None)
                    value = keyword or (node.args[position] if len(node.args) > position else None)
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.setdefault(value.value, f"{path.relative_to(ROOT)}:{value.lineno}")
    for code in (*STATUS_CODES.values(), *PYDANTIC_CODES.values()):
        found.setdefault(code, "api/errors.py")
    return found


def page_codes() -> set[str]:
    text = (ROOT / "api" / "web" / "common.js").read_text(encoding="utf-8")
    table = text[text.index("const CODES = {"):]
    table = table[:table.index("\n  };")]
    return set(re.findall(r"^\s+([a-z_]+): \(", table, re.M))


def test_the_source_scan_finds_codes_of_every_kind():
    codes = codes_in_source()
    for code in ("version_conflict", "postcode_unknown", "schedule_invalid", "too_long", "login_failed",
                 "control_character", "body_too_large", "id_duplicate"):
        assert code in codes, code


def test_every_code_has_a_dutch_text_in_the_pages():
    missing = {code: where for code, where in codes_in_source().items() if code not in page_codes()}
    assert missing == {}


def test_codes_are_stable_identifiers():
    for code in codes_in_source():
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", code), code


@pytest.fixture(scope="module")
def api_client(demo_store, encoder, tmp_path_factory):
    """The app over a copy of the demo store, and the headers of a logged-in coach."""
    store = copy_store(demo_store, tmp_path_factory.mktemp("codes") / "codes.db")
    with app_client(store, encoder, [("coach1", "coach")]) as client:
        yield client, login(client, "coach1")
    store.close()


def _shape(body: dict) -> None:
    assert set(body) == {"error", "code", "params", "details"}, body
    assert isinstance(body["error"], str) and body["error"]
    assert re.fullmatch(r"[a-z_]+", body["code"])
    for d in body["details"]:
        assert set(d) == {"field", "code", "message", "params"}, d


def test_every_kind_of_error_answer_has_the_one_shape(api_client):
    client, headers = api_client
    answers = {
        "unknown route": client.get("/no/such/route"),
        "wrong method": client.delete("/health"),
        "not logged in": client.post("/match", json={"postcode": "3431 AB", "interests": "wandelen"}),
        "bad token": client.get("/auth/me", headers={"Authorization": "Bearer nonsense"}),
        "bad login": client.post("/auth/login", json={"username": "nobody", "password": "wrong password"}),
        "pydantic": client.post("/match", json={"postcode": "3431 AB", "interests": "x", "age": 300}, headers=headers),
        "own validator": client.post("/match", json={"postcode": "nope", "interests": "x"}, headers=headers),
        "no wish": client.post("/match", json={"postcode": "3431 AB"}, headers=headers),
        "domain": client.get("/activities/no-such-id"),
        "guard": client.get("/activities", params={"q": "a\x00b"}),
    }
    for name, response in answers.items():
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
        _shape(response.json())
    assert answers["unknown route"].json()["code"] == "not_found"
    assert answers["wrong method"].json()["code"] == "method_not_allowed"
    assert answers["not logged in"].json()["code"] == "login_required"
    assert answers["bad token"].json()["code"] == "token_expired"
    assert answers["bad login"].json()["code"] == "login_failed"
    age = answers["pydantic"].json()
    assert age["code"] == "invalid_input"
    assert [(d["field"], d["code"], d["params"]) for d in age["details"]] == [("age", "too_large", {"le": 120})]
    postcode = answers["own validator"].json()["details"]
    assert [(d["field"], d["code"], d["params"]) for d in postcode] == [("postcode", "postcode_invalid", {"value": "nope"})]
    assert answers["no wish"].json()["details"][0]["code"] == "wish_missing"
    missing = answers["domain"].json()
    assert (missing["code"], missing["params"]) == ("activity_unknown", {"id": "no-such-id"})
    assert answers["guard"].json()["details"][0]["code"] == "control_character"


def test_a_postcode_outside_the_table_says_which(api_client):
    client, headers = api_client
    response = client.post("/match", json={"postcode": "9999 ZZ", "interests": "wandelen"}, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["params"]) == ("postcode_unknown", {"value": "9999 ZZ"})
    assert body["details"][0]["field"] == "postcode"

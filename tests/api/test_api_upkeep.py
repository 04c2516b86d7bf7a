"""Organisations keep their listings current over the API: login, roles, edits with versions,
the audit trail, pause/delete, freshness, duplicates and merges. On a copy of the demo catalog."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from tests.conftest import app_client, login

OWN = "Bibliotheek Zeist"          # demo-editor's organisation: z006, z007 ... are its listings
OTHER_LISTING = "z005"             # Welzijn Zeist (demo)
NEW_LISTING = {
    "id": "bib-leesclub", "title": "Leesclub voor senioren", "description": "Eens per maand praten we over een boek.",
    "organisation": OWN, "kind": "formal", "categories": ["lezen_schrijven", "ontmoeting"], "gender": "any",
    "languages": ["nl"], "address": "Markt 2", "postcode": "3701 JZ", "neighbourhood": "Centrum",
    "lat": 52.0878, "lon": 5.2333, "schedule": ["do 14:00-15:30"], "cost_eur_month": 0, "wheelchair": "yes",
    "capacity": "open", "contact": "leesclub@example.org",
}


class CountingEncoder:
    """The real encoder, counting the passages it embeds."""

    def __init__(self, encoder):
        self.encoder, self.passages_embedded = encoder, 0

    def passages(self, texts, **kwargs):
        self.passages_embedded += len(texts)
        return self.encoder.passages(texts, **kwargs)

    def __getattr__(self, name):
        return getattr(self.encoder, name)


@pytest.fixture
def counting(encoder):
    return CountingEncoder(encoder)


@pytest.fixture
def client(editable_store, counting):
    users = [("admin1", "admin"), ("editor1", "editor", OWN), ("coach1", "coach"), ("analyst1", "analyst"),
             ("other-editor", "editor", "Welzijn Zeist (demo)")]
    with app_client(editable_store, counting, users) as c:
        yield c


@pytest.fixture
def as_(client):
    return lambda username: login(client, username)


def own_listing(client) -> dict:
    return next(a for a in client.get("/activities", params={"organisation": OWN, "limit": 200}).json()["items"]
                if a["id"] == "z007")


# --- logging in ------------------------------------------------------------------------------------

def test_login_me_logout(client):
    headers = login(client, "editor1")
    me = client.get("/auth/me", headers=headers).json()
    assert me == {"name": "editor1", "role": "editor", "organisation": OWN}
    assert client.post("/auth/logout", headers=headers).status_code == 204
    r = client.get("/auth/me", headers=headers)
    assert r.status_code == 401 and "log in again" in r.json()["error"]


@pytest.mark.parametrize("username,password", [("editor1", "fout-wachtwoord"), ("niemand", "een-goed-wachtwoord")])
def test_wrong_login_says_nothing_about_which_part_was_wrong(client, username, password):
    r = client.post("/auth/login", json={"username": username, "password": password})
    assert r.status_code == 401 and r.json()["error"] == "wrong username or password"


def test_repeated_wrong_passwords_are_throttled(client):
    for _ in range(10):
        client.post("/auth/login", json={"username": "coach1", "password": "nee-nee-nee"})
    r = client.post("/auth/login", json={"username": "coach1", "password": "een-goed-wachtwoord"})
    assert r.status_code == 429 and "15 minutes" in r.json()["error"]


def test_an_expired_session_is_refused(client, editable_store):
    editable_store.accounts.add_session("x" * 64, "coach1", "2020-01-01T00:00:00+00:00")
    from api.auth import secret_hash
    editable_store.accounts.add_session(secret_hash("oud-token"), "coach1", "2020-01-01T00:00:00+00:00")
    r = client.get("/auth/me", headers={"Authorization": "Bearer oud-token"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_passwords_are_stored_as_scrypt_hashes(client, editable_store):
    stored = editable_store.accounts.user("editor1").password_hash
    assert stored.startswith("scrypt$16384$8$1$") and "een-goed-wachtwoord" not in stored


def test_match_needs_a_coach(client, as_):
    body = {"interests": "wandelen", "lat": 52.0885, "lon": 5.2326}
    assert client.post("/match", json=body).status_code == 401
    assert client.post("/match", json=body, headers=as_("editor1")).status_code == 403
    assert client.post("/match", json=body, headers=as_("analyst1")).status_code == 403
    assert client.post("/match", json=body, headers=as_("coach1")).status_code == 200
    assert client.post("/match", json=body, headers=as_("admin1")).status_code == 200


def test_every_endpoint_states_its_roles(client):
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("x-roles"), f"{method.upper()} {path} does not say who may call it"
            assert "Roles:" in operation["description"]
    assert schema["paths"]["/match"]["post"]["x-roles"] == ["admin", "coach"]
    assert schema["paths"]["/activities"]["get"]["x-roles"] == ["anyone"]


# --- accounts and API keys ---------------------------------------------------------------------------

def test_admin_makes_accounts_and_api_keys(client, as_):
    admin = as_("admin1")
    r = client.post("/users", headers=admin, json={"username": "nieuw", "password": "lang-genoeg-1", "role": "coach"})
    assert r.status_code == 201 and "password" not in r.text
    assert client.post("/users", headers=admin, json={"username": "nieuw", "password": "lang-genoeg-1",
                                                      "role": "coach"}).status_code == 409
    short = client.post("/users", headers=admin, json={"username": "kort", "password": "kort", "role": "coach"})
    assert short.status_code == 422 and "10 characters" in short.json()["error"]
    orphan = client.post("/users", headers=admin, json={"username": "ed", "password": "lang-genoeg-1", "role": "editor"})
    assert orphan.status_code == 422 and "organisation" in orphan.json()["error"]
    assert client.post("/users", headers=as_("editor1"), json={"username": "x2", "password": "lang-genoeg-1",
                                                               "role": "admin"}).status_code == 403
    key = client.post("/api-keys", headers=admin, json={"name": "bieb-systeem", "role": "editor", "organisation": OWN})
    assert key.status_code == 201 and key.json()["key"].startswith("sm_k_")
    system = {"X-API-Key": key.json()["key"]}
    assert client.get("/auth/me", headers=system).json()["name"] == "key:bieb-systeem"
    assert all(k["key"] is None for k in client.get("/api-keys", headers=admin).json())  # shown once only
    assert client.delete("/api-keys/bieb-systeem", headers=admin).status_code == 204
    assert client.get("/auth/me", headers=system).status_code == 401


# --- editing -------------------------------------------------------------------------------------------

def test_editor_creates_changes_and_the_trail_shows_it(client, as_, counting):
    editor, start = as_("editor1"), counting.passages_embedded   # after start-up (category vectors)
    r = client.post("/activities", headers=editor, json=NEW_LISTING)
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"' and r.headers["location"] == "/activities/bib-leesclub"
    assert r.json()["last_verified"] == dt.date.today().isoformat() and counting.passages_embedded == start + 1
    r = client.patch("/activities/bib-leesclub", headers={**editor, "If-Match": '"1"'}, json={"contact": "06-12345678"})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.headers["etag"] == '"2"'
    assert counting.passages_embedded == start + 1              # the text did not change: no new vector
    r = client.patch("/activities/bib-leesclub", headers={**editor, "If-Match": '"2"'},
                     json={"description": "Eens per maand praten we over een roman of gedichten."})
    assert r.status_code == 200 and counting.passages_embedded == start + 2   # now it did
    trail = client.get("/activities/bib-leesclub/history", headers=editor).json()
    assert [(e["action"], e["actor"], e["version"]) for e in trail] == [
        ("update", "editor1", 3), ("update", "editor1", 2), ("create", "editor1", 1)]
    assert trail[1]["changes"] == {"contact": ["leesclub@example.org", "06-12345678"]}


def test_a_reused_id_does_not_open_another_organisations_history(client, as_):
    other, editor = as_("other-editor"), as_("editor1")
    theirs = client.get("/activities", params={"organisation": "Welzijn Zeist (demo)", "limit": 1}).json()["items"][0]
    r = client.patch(f"/activities/{theirs['id']}", headers={**other, "If-Match": f'"{theirs["version"]}"'},
                     json={"contact": "06-11112222"})
    assert r.status_code == 200, r.text
    version = r.json()["version"]
    assert client.delete(f"/activities/{theirs['id']}", headers={**other, "If-Match": f'"{version}"'}).status_code == 204
    assert client.get(f"/activities/{theirs['id']}/history", headers=editor).status_code == 403
    r = client.post("/activities", headers=editor, json={**NEW_LISTING, "id": theirs["id"]})
    assert r.status_code == 201, r.text
    trail = client.get(f"/activities/{theirs['id']}/history", headers=editor).json()
    assert [(e["action"], e["actor"], e["organisation"]) for e in trail] == [("create", "editor1", OWN)]
    full = client.get(f"/activities/{theirs['id']}/history", headers=as_("analyst1")).json()
    assert [e["action"] for e in full] == ["create", "delete", "update", "import"]


def test_a_new_listing_is_suggested_by_the_matcher(client, as_):
    client.post("/activities", headers=as_("editor1"), json=NEW_LISTING)
    r = client.post("/match", headers=as_("coach1"), json={
        "interests": "boeken lezen, praten over boeken", "lat": 52.0878, "lon": 5.2333, "max_distance_km": 1})
    assert "bib-leesclub" in [s["activity"]["id"] for s in r.json()["suggestions"][:3]]


def test_the_second_of_two_editors_gets_412_not_an_overwrite(client, as_):
    version = own_listing(client)["version"]
    first, second = as_("editor1"), as_("admin1")
    assert client.patch("/activities/z007", headers={**first, "If-Match": f'"{version}"'},
                        json={"capacity": "waitlist"}).status_code == 200
    r = client.patch("/activities/z007", headers={**second, "If-Match": f'"{version}"'}, json={"capacity": "full"})
    assert r.status_code == 412 and "fetch it again" in r.json()["error"]
    assert r.headers["etag"] == f'"{version + 1}"'
    assert client.get("/activities/z007").json()["capacity"] == "waitlist"


def test_a_change_without_if_match_is_refused(client, as_):
    r = client.patch("/activities/z007", headers=as_("editor1"), json={"capacity": "full"})
    assert r.status_code == 428 and "If-Match" in r.json()["error"]
    r = client.patch("/activities/z007", headers={**as_("editor1"), "If-Match": "versie drie"}, json={"capacity": "full"})
    assert r.status_code == 422


@pytest.mark.parametrize("changes,field", [
    ({"categories": ["toneel"]}, "categories"), ({"postcode": "ABCD"}, "postcode"),
    ({"schedule": ["maandag de hele dag"]}, "schedule"), ({"lat": 40.0}, "lat"),
    ({"min_age": 80, "max_age": 60}, "age"), ({"title": ""}, "title"), ({"languages": ["nederlands"]}, "languages"),
])
def test_edits_get_the_same_validation_as_the_import(client, as_, changes, field):
    version = own_listing(client)["version"]
    r = client.patch("/activities/z007", headers={**as_("editor1"), "If-Match": str(version)}, json=changes)
    assert r.status_code == 422, r.text
    assert field in r.json()["error"] and r.json()["details"]
    assert client.get("/activities/z007").json()["version"] == version       # nothing half-written


def test_unknown_fields_are_refused(client, as_):
    r = client.patch("/activities/z007", headers={**as_("editor1"), "If-Match": "1"}, json={"titel": "x"})
    assert r.status_code == 422 and "titel" in r.json()["error"]


WRITES = [
    ("post", "/activities", {**NEW_LISTING, "organisation": "Welzijn Zeist (demo)"}),
    ("patch", f"/activities/{OTHER_LISTING}", {"capacity": "full"}),
    ("post", f"/activities/{OTHER_LISTING}/pause", None),
    ("post", f"/activities/{OTHER_LISTING}/resume", None),
    ("post", f"/activities/{OTHER_LISTING}/confirm", None),
    ("delete", f"/activities/{OTHER_LISTING}", None),
]


@pytest.mark.parametrize("method,path,body", WRITES)
def test_an_editor_cannot_touch_another_organisations_listing(client, as_, method, path, body):
    before = client.get(f"/activities/{OTHER_LISTING}").json()
    kwargs = {"headers": {**as_("editor1"), "If-Match": f'"{before["version"]}"'}}
    if body is not None:
        kwargs["json"] = body
    r = client.request(method, path, **kwargs)
    assert r.status_code == 403, r.text
    assert "Welzijn Zeist (demo)" in r.json()["error"] or "Bibliotheek Zeist" in r.json()["error"]
    assert client.get(f"/activities/{OTHER_LISTING}").json() == before
    assert client.get("/activities/bib-leesclub").status_code == 404


@pytest.mark.parametrize("method,path,body", WRITES + [
    ("post", "/duplicates/merge", {"keep": "z005", "drop": "z006"}),
    ("post", "/duplicates/dismiss", {"a": "z005", "b": "z006"}),
    ("post", "/users", {"username": "x1", "password": "lang-genoeg-1", "role": "coach"}),
    ("post", "/api-keys", {"name": "x1", "role": "coach"}),
])
@pytest.mark.parametrize("role", ["coach1", "analyst1", None])
def test_coaches_analysts_and_strangers_cannot_write(client, as_, method, path, body, role):
    kwargs = {"headers": {**(as_(role) if role else {}), "If-Match": "1"}}
    if body is not None:
        kwargs["json"] = body
    assert client.request(method, path, **kwargs).status_code == (403 if role else 401)


def test_an_editor_cannot_hand_its_listing_to_another_organisation(client, as_):
    r = client.patch("/activities/z007", headers={**as_("editor1"), "If-Match": str(own_listing(client)["version"])},
                     json={"organisation": "Welzijn Zeist (demo)"})
    assert r.status_code == 403


def test_pause_resume_and_delete(client, as_):
    editor = as_("editor1")
    r = client.post("/activities/z007/pause", headers=editor)
    assert r.status_code == 200 and r.json()["paused"]
    match = {"interests": "taal oefenen, Nederlands spreken", "lat": 52.0878, "lon": 5.2333, "max_distance_km": 3}
    ids = [s["activity"]["id"] for s in client.post("/match", headers=as_("coach1"), json=match).json()["suggestions"]]
    assert "z007" not in ids
    assert not client.post("/activities/z007/resume", headers=editor).json()["paused"]
    stale_version = client.get("/activities/z007").json()["version"] - 1
    assert client.delete("/activities/z007", headers={**editor, "If-Match": str(stale_version)}).status_code == 412
    assert client.delete("/activities/z007", headers=editor).status_code == 204
    assert client.get("/activities/z007").status_code == 404
    assert client.get("/activities/z007/history", headers=editor).json()[0]["action"] == "delete"


# --- freshness ------------------------------------------------------------------------------------------

def test_stale_listings_per_organisation_and_confirming_one(client, as_):
    editor = as_("editor1")
    page = client.get("/stale", headers=editor).json()
    assert page["stale_after_days"] == 365 and page["total"] >= 1
    assert {s["organisation"] for s in page["items"]} == {OWN}
    oldest = page["items"][0]
    assert client.get(f"/activities/{oldest['id']}").json()["stale"] is True
    r = client.post(f"/activities/{oldest['id']}/confirm", headers=editor)
    assert r.status_code == 200 and r.json()["stale"] is False
    assert r.json()["last_verified"] == dt.date.today().isoformat()
    assert oldest["id"] not in [s["id"] for s in client.get("/stale", headers=editor).json()["items"]]
    assert client.get("/stale", headers=editor, params={"organisation": "Welzijn Zeist (demo)"}).status_code == 403
    everyone = client.get("/stale", headers=as_("analyst1")).json()
    assert len({s["organisation"] for s in everyone["items"]}) > 1


def test_stale_csv_for_the_reminder_mail(client, as_):
    r = client.get("/stale.csv", headers=as_("admin1"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and set(rows[0]) == {"organisation", "contact", "id", "title", "last_verified", "days_unverified", "paused"}
    assert all(int(row["days_unverified"]) > 365 for row in rows)
    organisations = [row["organisation"] for row in rows]
    assert organisations == sorted(organisations, key=str.casefold)      # grouped per organisation


def test_the_freshness_setting(editable_store, counting):
    import dataclasses
    from catalog.config import Settings
    ten_years = dataclasses.replace(Settings.from_environment(), stale_after_months=120)
    with app_client(editable_store, counting, [("admin1", "admin")], login_as="admin1", settings=ten_years) as client:
        stale = client.get("/stale").json()
        assert stale["total"] == 0 and stale["stale_after_days"] == 3652
        assert not any(a["stale"] for a in client.get("/activities", params={"limit": 200}).json()["items"])


def test_stale_listings_rank_lower(matcher):
    import dataclasses
    from matcher.profile import ClientProfile
    from matcher.signals import fresh_listing
    ctx = matcher.context(ClientProfile(interests="wandelen", lat=52.0885, lon=5.2326), today=dt.date(2026, 11, 23))
    a = matcher.store.get("z001")
    assert fresh_listing(ctx, dataclasses.replace(a, last_verified=dt.date(2026, 10, 1)), 1.0) == 0
    assert fresh_listing(ctx, dataclasses.replace(a, last_verified=dt.date(2024, 1, 1)), 1.0) < 0


# --- duplicates -------------------------------------------------------------------------------------------

def test_duplicates_are_listed_dismissed_and_merged(client, as_):
    admin = as_("admin1")
    pairs = client.get("/duplicates", headers=admin).json()
    found = {frozenset((p["a"]["id"], p["b"]["id"])) for p in pairs}
    assert frozenset({"z005", "z006"}) in found and frozenset({"z007", "z008"}) in found
    assert all(p["reasons"] and 0 < p["score"] <= 1 for p in pairs)
    mine = client.get("/duplicates", headers=as_("editor1")).json()
    assert mine and all(OWN in (p["a"]["organisation"], p["b"]["organisation"]) for p in mine)
    assert client.post("/duplicates/dismiss", headers=admin, json={"a": "z006", "b": "z005"}).status_code == 204
    r = client.post("/duplicates/merge", headers=admin, json={"keep": "z007", "drop": "z008"})
    assert r.status_code == 200 and r.json()["id"] == "z007"
    after = {frozenset((p["a"]["id"], p["b"]["id"])) for p in client.get("/duplicates", headers=admin).json()}
    assert not after & {frozenset({"z005", "z006"}), frozenset({"z007", "z008"})}
    gone = client.get("/activities/z008")
    assert gone.status_code == 404 and "merged into 'z007'" in gone.json()["error"]
    history = client.get("/activities/z007/history", headers=admin).json()
    assert {"z007", "z008"} <= {e["activity_id"] for e in history}
    assert client.post("/duplicates/merge", headers=admin, json={"keep": "z007", "drop": "z008"}).status_code == 404


def test_the_audit_trail_per_organisation(client, as_):
    client.post("/activities/z007/confirm", headers=as_("editor1"))
    client.post(f"/activities/{OTHER_LISTING}/confirm", headers=as_("other-editor"))
    mine = client.get("/audit", headers=as_("editor1")).json()
    assert (mine[0]["activity_id"], mine[0]["action"], mine[0]["actor"]) == ("z007", "confirm", "editor1")
    assert {e["organisation"] for e in mine} == {OWN}
    assert {e["action"] for e in mine[1:]} == {"import"}      # the demo catalog's import, per listing
    everyone = client.get("/audit", headers=as_("analyst1"), params={"limit": 2}).json()
    assert [e["activity_id"] for e in everyone] == [OTHER_LISTING, "z007"]


# --- activity types: assigned from the words, correctable by the editor -------------------------------

def test_a_listing_gets_its_types_and_the_editor_can_correct_them(client, as_):
    editor = as_("editor1")
    r = client.post("/activities", headers=editor, json=NEW_LISTING)
    assert r.status_code == 201
    body = r.json()
    assert body["types_source"] == "auto" and "leesclub" in [t["key"] for t in body["types"]]
    r = client.patch("/activities/bib-leesclub", headers={**editor, "If-Match": '"1"'},
                     json={"types": ["leesclub", "seniorensoos"], "target_groups": ["senioren"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [t["key"] for t in body["types"]] == ["leesclub", "seniorensoos"] and body["types_source"] == "editor"
    assert [g["key"] for g in body["target_groups"]] == ["senioren"]
    assert all(t["label"] for t in body["types"])
    # a later change of the text keeps the editor's correction ...
    r = client.patch("/activities/bib-leesclub", headers={**editor, "If-Match": '"2"'},
                     json={"description": "Elke maand een boek, met koffie."})
    assert [t["key"] for t in r.json()["types"]] == ["leesclub", "seniorensoos"]
    # ... until the editor hands the types back to the words
    r = client.patch("/activities/bib-leesclub", headers={**editor, "If-Match": '"3"'}, json={"types_source": "auto"})
    assert r.json()["types_source"] == "auto" and "seniorensoos" not in [t["key"] for t in r.json()["types"]]
    trail = client.get("/activities/bib-leesclub/history", headers=editor).json()
    assert "types" in trail[2]["changes"]


def test_an_unknown_type_is_refused_with_what_to_use(client, as_):
    editor = as_("editor1")
    client.post("/activities", headers=editor, json=NEW_LISTING)
    r = client.patch("/activities/bib-leesclub", headers={**editor, "If-Match": '"1"'}, json={"types": ["zweefvliegclub"]})
    assert r.status_code == 422
    assert "zweefvliegclub" in r.json()["error"] and "GET /taxonomy" in r.json()["error"]
    assert client.get("/activities/bib-leesclub").json()["version"] == 1   # nothing half-written


def test_the_taxonomy_is_public(client):
    r = client.get("/taxonomy")
    assert r.status_code == 200
    body = r.json()
    types = {t["key"]: t for t in body["types"]}
    assert "repair_cafe" in types and types["repair_cafe"]["categories"]
    assert {g["kind"] for g in body["groups"]} == {"condition", "situation", "age"}
    assert body["version"] and len(body["needs"]) >= 10

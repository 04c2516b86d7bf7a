"""What an attacker tried: control characters, oversized and anonymous bodies, cached answers. On
both stores, since PostgreSQL refuses a NUL byte that SQLite would store."""
from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn

from tests.factories import make_app
from catalog.stores import open_store
from tests.conftest import app_client, empty_store_url, fill_from_demo

PROFILE = {"interests": "wandelen", "postcode": "3701 AB", "age": 70}


def filled_store(kind: str, demo_store, encoder, tmp_path, request):
    return fill_from_demo(open_store(empty_store_url(kind, request, tmp_path)), demo_store, encoder)


@pytest.fixture(params=["sqlite", "postgis"])
def client(request, demo_store, encoder, tmp_path):
    store = filled_store(request.param, demo_store, encoder, tmp_path, request)
    with app_client(store, encoder, [("coach1", "coach")], login_as="coach1") as c:
        yield c
    store.close()


NUL_REQUESTS = [
    ("GET", "/activities?q=%00", None, "query.q"),
    ("GET", "/activities?organisation=a%00b", None, "query.organisation"),
    ("GET", "/activities?neighbourhood=%00", None, "query.neighbourhood"),
    ("GET", "/activities/%00", None, "path"),
    ("GET", "/hsds/services?search=%00", None, "query.search"),
    ("POST", "/auth/login", {"username": "\u0000", "password": "een-goed-wachtwoord"}, "username"),
    ("POST", "/match", {**PROFILE, "interests": "wandelen\u0000"}, "interests"),
    ("POST", "/match", {**PROFILE, "narrative": "Hij \u0007 wandelt."}, "narrative"),
    ("POST", "/match", {**PROFILE, "languages": ["nl", "\u0000"]}, "languages.1"),
]


@pytest.mark.parametrize("method,url,body,field", NUL_REQUESTS, ids=[f"{m} {u} {f}" for m, u, _, f in NUL_REQUESTS])
def test_control_characters_get_422_naming_the_field(client, method, url, body, field):
    r = client.request(method, url, json=body)
    assert r.status_code == 422, r.text
    assert any(d["field"] == field and d["code"] == "control_character" for d in r.json()["details"]), r.json()
    assert "control character" in r.json()["error"]


def test_ordinary_line_ends_and_tabs_are_text(client):
    r = client.post("/match", json={**PROFILE, "narrative": "Wandelt graag.\nZit veel alleen.\tWil naar buiten."})
    assert r.status_code == 200, r.text


def test_every_answer_carries_the_hardening_headers(client):
    for r in (client.get("/"), client.get("/web/coach.js"), client.get("/health"), client.get("/activities/none"),
              client.post("/match", json=PROFILE), client.post("/match", json={})):
        assert r.headers["x-content-type-options"] == "nosniff", r.url
        assert r.headers["x-frame-options"] == "DENY", r.url
        assert "script-src 'self'" in r.headers["content-security-policy"], r.url
        assert "unsafe-inline" not in r.headers["content-security-policy"].split("script-src")[1].split(";")[0]


def test_client_data_and_tokens_are_never_cached(client):
    match = client.post("/match", json=PROFILE)
    assert match.status_code == 200 and match.headers["cache-control"] == "no-store"
    token = client.post("/auth/login", json={"username": "coach1", "password": "een-goed-wachtwoord"})
    assert token.status_code == 200 and token.headers["cache-control"] == "no-store"
    assert client.get("/auth/me").headers["cache-control"] == "no-store"
    assert client.get("/web/coach.js").headers["cache-control"] == "no-cache"   # code: revalidated, not secret


@pytest.fixture
def small_body_client(demo_store, encoder, tmp_path, request):
    import dataclasses
    from catalog.config import Settings
    store = filled_store("sqlite", demo_store, encoder, tmp_path, request)
    settings = dataclasses.replace(Settings.from_environment(), max_body_bytes=4096)
    with app_client(store, encoder, [("coach1", "coach")], login_as="coach1", settings=settings) as c:
        yield c
    store.close()


def test_an_oversized_body_gets_413(small_body_client):
    client = small_body_client
    big = {**PROFILE, "narrative": "Wandelt graag. " * 400}
    r = client.post("/match", json=big)
    assert r.status_code == 413 and "4096 bytes" in r.json()["error"], r.text

    def chunks():   # no Content-Length: the limit holds while reading
        yield b'{"interests": "wandelen", "narrative": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'
    r = client.post("/match", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text
    assert client.post("/match", json=PROFILE).status_code == 200


def test_an_anonymous_body_gets_401_before_it_is_parsed(client):
    anonymous = {"authorization": ""}
    r = client.post("/match", content=b"{not json at all", headers={**anonymous, "content-type": "application/json"})
    assert r.status_code == 401, r.text
    r = client.post("/match", json=PROFILE, headers={"authorization": "Bearer sm_s_made-up"})
    assert r.status_code == 401 and "unknown or has expired" in r.json()["error"]


@pytest.fixture
def live_url(demo_store, encoder, tmp_path):
    """The service on a real socket (uvicorn in a thread): what reading a body costs shows only there."""
    store = filled_store("sqlite", demo_store, encoder, tmp_path, None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(make_app(store, encoder), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    yield "127.0.0.1", port
    server.should_exit = True
    thread.join(timeout=30)
    store.close()


def _answer_before_body(address, headers: str) -> str:
    """Send only the headers of a 100 MB upload and wait for the answer: it must come without the body."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(headers.encode() + b"\r\n")
        conn.sendall(b'{"interests": "')   # a start, then nothing: the body never arrives
        return conn.recv(4096).decode("latin-1")


def test_an_anonymous_100_mb_upload_is_refused_without_reading_it(live_url):
    started = time.monotonic()
    answer = _answer_before_body(live_url, "POST /match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                           "Content-Length: 104857600\r\n")
    assert answer.startswith("HTTP/1.1 401"), answer[:200]
    assert time.monotonic() - started < 5


def _rss_mib() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_anonymous_uploads_at_once_leave_memory_flat(live_url):
    """Six 100 MB uploads at once, each pushing 16 MB before it gives up: the service (here, in this
    process) refuses them without buffering their bodies."""
    headers = ("POST /match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 104857600\r\n\r\n").encode()
    chunk = b"x" * 65536
    answers = []

    def upload():
        with socket.create_connection(live_url, timeout=10) as conn:
            conn.sendall(headers)
            try:
                for _ in range(256):   # 16 MB
                    conn.sendall(chunk)
            except OSError:
                pass   # the service closed the connection: it will not read more
            try:
                answers.append(conn.recv(4096).decode("latin-1"))
            except OSError:
                answers.append("")
    before = _rss_mib()
    threads = [threading.Thread(target=upload) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    grown = _rss_mib() - before
    assert grown < 48, f"memory grew by {grown:.0f} MiB for six refused uploads"
    assert sum(a.startswith("HTTP/1.1 401") for a in answers) >= 1, answers


def test_a_100_mb_upload_to_a_public_route_is_refused_by_its_length(live_url):
    answer = _answer_before_body(live_url, "POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                           "Content-Length: 104857600\r\n")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]


@pytest.mark.parametrize("kind", ["sqlite", "postgis"])
def test_an_import_with_a_control_character_names_line_and_column_and_writes_nothing(
        kind, request, tmp_path, rows6, encoder):
    from matcher.index.from_csv import import_catalog
    from tests.helpers import write_catalog
    store = open_store(empty_store_url(kind, request, tmp_path))
    rows = [dict(r) for r in rows6]
    rows[2]["title"] = "Wandel\u0000groep"
    rows[4]["contact"] = "bel \u0007 mij"
    result = import_catalog(store, write_catalog(tmp_path / "nul.csv", rows), encoder)
    assert result.run is None and store.count() == 0
    assert [(p.line, p.column) for p in result.problems] == [(4, "title"), (6, "contact")]
    assert all("control character" in p.message for p in result.problems)
    store.close()

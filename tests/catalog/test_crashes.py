"""What a crash may not do, tried with `kill -9` on both stores: an import killed midway leaves the
catalog as it was; a service killed while it writes keeps every write it acknowledged."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from catalog.stores import open_store
from tests import pg
from tests.conftest import add_user, copy_store, fill_from_demo
from tests.helpers import ROOT, read_rows, write_catalog

PASSWORD = "een-goed-wachtwoord"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


@pytest.fixture(params=["sqlite", "postgis"])
def demo_url(request, demo_store, encoder, tmp_path):
    """A store with the demo catalog, as a URL another process can open."""
    if request.param == "sqlite":
        copy_store(demo_store, tmp_path / "crash.db").close()
        return f"sqlite:///{tmp_path / 'crash.db'}"
    url = request.getfixturevalue("postgis_url")
    pg.truncate(url)
    fill_from_demo(open_store(url), demo_store, encoder).close()
    return url


def snapshot(url: str):
    store = open_store(url)
    try:
        return sorted((a.id, a.version, json.dumps(a.record(), sort_keys=True)) for a in store.activities()), \
            len(store.import_runs(1000))
    finally:
        store.close()


@pytest.mark.parametrize("delay_s", [2.0, 6.0, 10.0])
def test_an_import_killed_midway_leaves_the_catalog_as_it_was(demo_url, tmp_path, delay_s):
    rows = [dict(r) for r in read_rows()]
    for i, row in enumerate(rows):   # every text new: the import embeds them all, then writes them all
        row["description"] = f"{row['description']} (bijgewerkt, versie {i})"
    # 400 more: over 20 s of work even on an idle machine, so that the kill at 10 s lands midway
    rows += [{**rows[0], "id": f"extra-{i:03d}", "title": f"Extra activiteit {i}"} for i in range(400)]
    path = write_catalog(tmp_path / "new.csv", rows)
    before = snapshot(demo_url)
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "--db", demo_url, "import", str(path), "--quiet"],
                            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay_s)
    if proc.poll() is not None:
        pytest.fail(f"the import finished within {delay_s} s: give it more to do, so the kill lands midway")
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert snapshot(demo_url) == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(base, method, path, body=None, token=None, headers=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json", **(headers or {}),
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as r:
        return r.status, json.load(r) if r.status != 204 else None


def test_a_service_killed_while_writing_keeps_every_acknowledged_write(demo_url, tmp_path):
    store = open_store(demo_url)
    add_user(store, "editor1", "editor", "Bibliotheek Zeist", password=PASSWORD)
    own = next(a for a in store.activities() if a.organisation == "Bibliotheek Zeist")
    store.close()
    template = {"title": "Leesclub", "description": "Eens per maand praten we over een boek.",
                "organisation": "Bibliotheek Zeist", "kind": "formal", "categories": ["lezen_schrijven"],
                "gender": "any", "languages": ["nl"], "address": "Markt 2", "postcode": "3701 JZ",
                "neighbourhood": "Centrum", "lat": 52.0878, "lon": 5.2333, "schedule": ["do 14:00-15:30"],
                "cost_eur_month": 0, "wheelchair": "yes", "capacity": "open", "contact": "leesclub@example.org"}
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "--db", demo_url, "serve", "--port", str(port)],
                              cwd=ROOT, env=ENV, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _call(base, "GET", "/health")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()[-2000:]
            time.sleep(0.3)
        token = _call(base, "POST", "/auth/login", {"username": "editor1", "password": PASSWORD})[1]["access_token"]
        created, edited, stop = [], [], threading.Event()

        def writer():
            i = 0
            while not stop.is_set():
                try:
                    body = {**template, "id": f"na-crash-{i:04d}", "title": f"Leesclub na crash {i}"}
                    status, _ = _call(base, "POST", "/activities", body, token)
                    if status == 201:
                        created.append(body["id"])
                    status, out = _call(base, "PATCH", f"/activities/{own.id}", {"contact": f"06-{10000000 + i}"},
                                        token, {"If-Match": f'"{edited[-1][0] if edited else own.version}"'})
                    if status == 200:
                        edited.append((out["version"], out["contact"]))
                except (OSError, urllib.error.HTTPError):
                    return   # the service is gone
                i += 1
        thread = threading.Thread(target=writer)
        thread.start()
        while len(created) < 15 and thread.is_alive():
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        stop.set()
        thread.join(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
        log.close()
    assert len(created) >= 15, (tmp_path / "server.log").read_text()[-2000:]
    store = open_store(demo_url)   # "after the restart": a fresh process's view of the store
    try:
        ids = {a.id for a in store.activities()}
        assert set(created) <= ids, f"acknowledged but lost: {sorted(set(created) - ids)[:5]}"
        after = store.get(own.id)
        version, contact = edited[-1]
        assert after.version >= version and (after.version > version or after.contact == contact)
    finally:
        store.close()

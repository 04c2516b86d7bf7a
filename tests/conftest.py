"""Shared fixtures: the real encoder (loaded once, with the network blocked) and the demo
catalog imported once into a temporary SQLite store. Tests must treat both as read-only."""
from __future__ import annotations

import os

# Before anything can import sentence_transformers / huggingface_hub: never reach for the hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
# The tests use the repository's own model with its default prefixes, whatever the shell says.
for _name in ("SOCIALMAP_MODEL", "SOCIALMAP_QUERY_PREFIX", "SOCIALMAP_PASSAGE_PREFIX"):
    os.environ.pop(_name, None)

import contextlib
import tempfile
from pathlib import Path

import pytest

from tests.helpers import DEMO_CATALOG, DEMO_POSTCODES, no_network, read_rows

# Never let a test (e.g. a CLI command without --db) touch the repository's data/socialmap.db.
_SESSION_TMP = tempfile.mkdtemp(prefix="socialmap-tests-")
os.environ["SOCIALMAP_DB"] = f"sqlite:///{Path(_SESSION_TMP) / 'default.db'}"


@pytest.fixture(scope="session")
def encoder():
    from matcher.encoder import Encoder
    enc = Encoder()
    with no_network():
        enc.model  # load now, fully offline
        enc.query("opwarmen")
    return enc


@pytest.fixture(scope="session")
def demo_rows() -> list[dict[str, str]]:
    return read_rows()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory, encoder):
    """The demo catalog and postcode table in a SQLite store. Read-only for tests."""
    from catalog.postcode_import import read_postcode_csv
    from catalog.sqlite_store import SqliteStore
    from matcher.index.from_csv import import_catalog

    store = SqliteStore(tmp_path_factory.mktemp("demo") / "demo.db")
    result = import_catalog(store, DEMO_CATALOG, encoder)
    assert result.problems == [], [str(p) for p in result.problems]
    postcodes, problems = read_postcode_csv(DEMO_POSTCODES)
    assert problems == []
    store.save_postcodes(postcodes)
    yield store
    store.close()


@pytest.fixture(scope="session")
def matcher(demo_store, encoder):
    from matcher.engine import Matcher
    return Matcher(demo_store, encoder)


def copy_store(source, path):
    """An editable copy of a SQLite store (the demo catalog with its vectors, in milliseconds)."""
    import sqlite3
    from catalog.sqlite_store import SqliteStore
    target = sqlite3.connect(path)
    source.db.backup(target)
    target.close()
    return SqliteStore(path)


@pytest.fixture(scope="module")
def postgis_url():
    """A fresh PostGIS database for one test module (tests/pg.py: never skipped in CI)."""
    from tests import pg
    url = pg.create_database()
    yield url
    pg.drop_database(url)


def empty_store_url(kind: str, request, tmp_path) -> str:
    """The URL of an empty store of this kind for one test: a new SQLite file, or the module's
    PostGIS database emptied."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    from tests import pg
    url = request.getfixturevalue("postgis_url")
    pg.truncate(url)
    return url


@pytest.fixture(params=["sqlite", "postgis"])
def empty_store(request, tmp_path):
    """An empty store of each kind in turn: the store tests run unchanged on both."""
    from catalog.stores import open_store
    store = open_store(empty_store_url(request.param, request, tmp_path))
    yield store
    store.close()


def fill_from_demo(store, demo_store, encoder):
    """Any store (PostGIS too) with the demo catalog, its vectors and postcodes, without encoding again."""
    from catalog.store import ImportRun, Postcode
    store.save_import(demo_store.activities(), ImportRun(source="demo", model=encoder.name))
    store.save_postcodes([Postcode(*row) for row in demo_store.postcodes()])
    return store


@pytest.fixture
def editable_store(demo_store, tmp_path):
    """The demo catalog in a store of the test's own, to change at will."""
    store = copy_store(demo_store, tmp_path / "editable.db")
    yield store
    store.close()


def add_user(store, username: str, role: str, organisation: str | None = None,
             password: str = "een-goed-wachtwoord") -> None:
    from api.auth import hash_password
    from catalog.records import User
    store.accounts.add_user(User(username, hash_password(password), role, organisation))


def login(client, username: str, password: str = "een-goed-wachtwoord") -> dict[str, str]:
    """Headers that carry a fresh session token."""
    r = client.post("/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@contextlib.contextmanager
def app_client(store, encoder, users=(), login_as: str | None = None, settings=None):
    """The service over `store` in a test client (server errors come back as answers); `users`:
    (name, role[, organisation]) added first; `login_as`: the one whose token every request carries;
    `settings`: other than those of the environment."""
    from fastapi.testclient import TestClient
    from tests.factories import make_app
    for user in users:
        add_user(store, *user)
    with TestClient(make_app(store, encoder, settings), raise_server_exceptions=False) as client:
        if login_as:
            client.headers.update(login(client, login_as))
        yield client


@pytest.fixture
def rows6(demo_rows) -> list[dict[str, str]]:
    """Six good demo rows, as fresh copies a test may change."""
    return [dict(r) for r in demo_rows[:6]]

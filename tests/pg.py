"""A fresh PostGIS database for one test run, on the PostgreSQL server at 127.0.0.1:5432.

With CI=true the PostGIS tests must run: an unreachable server or a missing PostGIS fails them.
Elsewhere they are skipped with the reason, so a laptop without PostgreSQL can still run the rest.
"""
from __future__ import annotations

import os
import uuid

import pytest

SERVER = os.environ.get("SOCIALMAP_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


def _admin():
    import psycopg
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5)


def create_database() -> str:
    """Create an empty database with PostGIS and the schema migrated; return its URL."""
    from catalog.stores import open_store
    name = f"socialmap_test_{uuid.uuid4().hex[:12]}"
    try:
        with _admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as e:
        if os.environ.get("CI") == "true":
            raise AssertionError(f"PostGIS tests must run in CI, but the server is unusable: {e}")
        pytest.skip(f"no PostgreSQL server at {SERVER}: {e}")
    url = f"{SERVER}/{name}"
    store = open_store(url, check_schema=False)
    store.migrate()
    store.close()
    return url


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def truncate(url: str) -> None:
    import psycopg
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE activities, import_runs, postcodes, users, sessions, api_keys, audit_log,"
                     " duplicate_decisions, merges, intakes, login_attempts RESTART IDENTITY")

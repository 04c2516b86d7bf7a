"""The store contract: the same tests, unchanged, against the embedded SQLite store and PostGIS."""
from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from catalog.geo import haversine_km
from catalog.store import SCHEMA_VERSION, ActivityFilter, Postcode, SchemaError
from catalog.stores import open_store
from tests.factories import STORE_CENTRE as CENTRE, activities, random_activity, run

@pytest.fixture
def store(empty_store):
    return empty_store


def test_schema_is_current_and_migrate_is_idempotent(store):
    assert store.schema_version() == SCHEMA_VERSION
    assert store.migrate() == SCHEMA_VERSION


def test_save_then_read_back_everything(store):
    items = activities()
    result = store.save_import(items, run())
    assert (result.added, result.updated, result.unchanged) == (60, 0, 0)
    assert store.count() == 60
    for a in items:
        back = store.get(a.id)
        assert back.to_row() == a.to_row()
    within = dict((a.id, a) for a, _ in store.within_radius(*CENTRE, 50))
    assert np.array_equal(within["t0003"].embedding, items[3].embedding)
    assert store.get("nope") is None


def test_reimport_is_unchanged_and_never_duplicates(store):
    store.save_import(activities(), run())
    again = store.save_import([dataclasses.replace(a, embedding=None) for a in activities()], run())
    assert (again.added, again.updated, again.unchanged) == (0, 0, 60)
    assert store.count() == 60


def test_a_change_updates_and_is_seen_by_radius_search(store):
    items = activities()
    store.save_import(items, run())
    before = {a.id: a for a, _ in store.within_radius(*CENTRE, 50)}["t0001"]
    changed = dataclasses.replace(items[1], capacity="full", title="Nieuwe titel", embedding=None)
    result = store.save_import([changed], run())
    assert (result.added, result.updated, result.unchanged) == (0, 1, 0)
    after = {a.id: a for a, _ in store.within_radius(*CENTRE, 50)}["t0001"]
    assert (before.title, after.title, after.capacity) == ("Activiteit 1", "Nieuwe titel", "full")
    # No new vector given: the stored one is kept.
    assert np.array_equal(after.embedding, items[1].embedding)
    assert store.get("t0001").title == "Nieuwe titel"


def test_embedding_states_follow_text_and_model(store):
    items = activities(5)
    store.save_import(items, run("model-a"))
    states = store.embedding_states()
    assert {i: (s.text_hash, s.model) for i, s in states.items()} == {a.id: (a.text_hash, "model-a") for a in items}
    store.save_import([dataclasses.replace(items[0], embedding=np.ones(4, dtype=np.float32))], run("model-b"))
    assert store.embedding_states()["t0000"].model == "model-b"


def test_radius_search_equals_brute_force_and_is_sorted(store):
    items = activities(200, seed=3)
    store.save_import(items, run())
    rng = random.Random(11)
    for _ in range(25):
        lat, lon = CENTRE[0] + rng.uniform(-0.05, 0.05), CENTRE[1] + rng.uniform(-0.08, 0.08)
        radius = rng.uniform(0.2, 6)
        found = store.within_radius(lat, lon, radius)
        expected = {a.id for a in items if haversine_km(lat, lon, a.lat, a.lon) <= radius}
        assert {a.id for a, _ in found} == expected
        distances = [d for _, d in found]
        assert distances == sorted(distances)
        for a, d in found:
            assert d == pytest.approx(haversine_km(lat, lon, a.lat, a.lon), abs=1e-9)


def test_list_filters_and_pages(store):
    items = activities()
    store.save_import(items, run())
    page, total = store.list(ActivityFilter(), offset=0, limit=25)
    assert total == 60 and len(page) == 25 and [a.id for a in page] == sorted(a.id for a in items)[:25]
    rest, _ = store.list(ActivityFilter(), offset=50, limit=25)
    assert len(rest) == 10
    for f, keep in [(ActivityFilter(category="spel"), lambda a: "spel" in a.categories),
                    (ActivityFilter(neighbourhood="centrum"), lambda a: a.neighbourhood == "Centrum"),
                    (ActivityFilter(kind="informal", capacity="open"), lambda a: a.kind == "informal" and a.capacity == "open"),
                    (ActivityFilter(text="activiteit 1"), lambda a: "activiteit 1" in a.title.lower()),
                    (ActivityFilter(organisation="Bibliotheek"), lambda a: a.organisation == "Bibliotheek"),
                    (ActivityFilter(postcode="3701 AB"), lambda a: True)]:
        got, total = store.list(f, limit=200)
        assert {a.id for a in got} == {a.id for a in items if keep(a)} and total == len(got)


def test_a_failing_import_writes_nothing(store):
    store.save_import(activities(10), run())
    good = [dataclasses.replace(a, title="gewijzigd") for a in activities(10)]
    broken = dataclasses.replace(random_activity(99, random.Random(1)), lat=None)  # the database refuses it
    with pytest.raises(Exception):
        store.save_import(good + [broken], run())
    assert store.count() == 10
    assert all(store.get(a.id).title != "gewijzigd" for a in good)
    assert len(store.import_runs()) == 1


def test_import_runs_are_recorded(store):
    store.save_import(activities(3), run("m"))
    store.save_import([dataclasses.replace(a, embedding=None) for a in activities(3)], run("m"))
    runs = store.import_runs()
    assert [(r.added, r.unchanged) for r in runs] == [(0, 3), (3, 0)]
    assert all(r.finished_at is not None and r.source == "test.csv" for r in runs)


def test_postcode_table(store):
    store.save_postcodes([Postcode("3701 AB", 52.09, 5.23, "Centrum", "Zeist"),
                          Postcode("3701 CD", 52.10, 5.25, "Centrum", "Zeist")])
    assert store.postcode("3701 AB") == Postcode("3701 AB", 52.09, 5.23, "Centrum", "Zeist")
    area = store.postcode("3701 XY")  # unknown letters: the centre of the 4-digit area
    assert (area.postcode, round(area.lat, 4), round(area.lon, 4)) == ("3701", 52.095, 5.24)
    assert store.postcode("9999 ZZ") is None
    store.save_postcodes([Postcode("3701 AB", 52.0, 5.0, "West", "Zeist")])  # re-import updates
    assert store.postcode("3701 AB").neighbourhood == "West"


def test_embedding_sample(store):
    assert store.embedding_sample(10).shape[0] == 0
    store.save_import(activities(30), run())
    sample = store.embedding_sample(10)
    assert sample.shape == (10, 4) and sample.dtype == np.float32
    assert np.array_equal(sample, store.embedding_sample(10))  # a fixed spread, not random


def test_postgis_refuses_an_unmigrated_database(postgis_url):
    import psycopg
    name = postgis_url.rsplit("/", 1)[1] + "_empty"
    server = postgis_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with pytest.raises(SchemaError, match="migrate"):
            open_store(f"{server}/{name}")
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_sqlite_refuses_a_newer_schema(tmp_path):
    import sqlite3
    path = tmp_path / "newer.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaError, match="upgrade"):
        open_store(f"sqlite:///{path}")


def test_preload_decodes_everything_once(store, monkeypatch):
    store.save_import(activities(40), run())
    assert store.preload() == 40
    monkeypatch.setattr(store, "_fetch", lambda ids: pytest.fail(f"fetched again: {ids[:3]}"))
    assert len(store.within_radius(*CENTRE, 50)) == 40  # all from the cache


def test_cache_never_serves_a_stale_activity(store):
    items = activities(5)
    store.save_import(items, run())
    store.preload()
    store.save_import([dataclasses.replace(items[2], title="Veranderd", embedding=None)], run())
    assert {a.id: a.title for a, _ in store.within_radius(*CENTRE, 50)}["t0002"] == "Veranderd"

"""Several processes importing and reading one PostGIS catalog at once: no duplicates, no
half-imported file ever visible, no deadlock."""
from __future__ import annotations

import dataclasses
import multiprocessing as mp
import random
import time

import pytest

from catalog.store import ActivityFilter, ImportRun
from catalog.stores import open_store
from tests import pg
from tests.factories import STORE_CENTRE as CENTRE, random_activity

ROUNDS = 4


def file_activities(name: str, ids: range) -> list:
    rng = random.Random(name)
    return [dataclasses.replace(random_activity(i, rng), title=f"{name} activiteit {i}",
                                organisation=f"Organisatie {name}") for i in ids]


# Two files list the same 40 activities (they overwrite each other); two have their own.
FILES = {"A": range(0, 40), "B": range(0, 40), "C": range(100, 140), "D": range(200, 240)}


def importer(url: str, name: str, errors) -> None:
    try:
        store = open_store(url)
        for _ in range(ROUNDS):
            store.save_import(file_activities(name, FILES[name]), ImportRun(source=f"{name}.csv", model="m"))
        store.close()
    except Exception as e:  # reported to the test, which fails on it
        errors.put(f"importer {name}: {e!r}")


def reader(url: str, stop, errors, seen) -> None:
    try:
        store = open_store(url)
        observations = 0
        while not stop.is_set():
            found = [a for a, _ in store.within_radius(*CENTRE, 50)]
            shared = {a.title.split()[0] for a in found if int(a.id[1:]) < 40}
            if len(shared) > 1:
                errors.put(f"half-imported file visible: shared activities from {shared}")
            for name in ("C", "D"):
                page, total = store.list(ActivityFilter(organisation=f"Organisatie {name}"), limit=200)
                if total not in (0, 40) or len(page) != total:
                    errors.put(f"file {name} partly visible: {total} of 40")
            ids = [a.id for a in found]
            if len(ids) != len(set(ids)):
                errors.put("an activity appears twice")
            observations += 1
        seen.put(observations)
        store.close()
    except Exception as e:
        errors.put(f"reader: {e!r}")


@pytest.fixture
def postgis_url():
    url = pg.create_database()
    yield url
    pg.drop_database(url)


def test_parallel_imports_and_reads(postgis_url):
    ctx = mp.get_context("spawn")
    errors, seen, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    readers = [ctx.Process(target=reader, args=(postgis_url, stop, errors, seen)) for _ in range(2)]
    importers = [ctx.Process(target=importer, args=(postgis_url, name, errors)) for name in FILES]
    for p in readers + importers:
        p.start()
    deadline = time.monotonic() + 120
    for p in importers:
        p.join(timeout=max(1, deadline - time.monotonic()))
    stop.set()
    for p in readers:
        p.join(timeout=30)
    hung = [p for p in readers + importers if p.is_alive()]
    for p in hung:
        p.kill()
    assert not hung, "a worker did not finish: deadlock or lock wait"
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert all(p.exitcode == 0 for p in readers + importers)
    observations = sum(seen.get() for _ in readers)
    print(f"readers made {observations} observations")
    assert observations > 0  # the readers really looked while imports ran

    store = open_store(postgis_url)
    assert store.count() == 120  # 40 shared + 40 + 40: never a duplicate
    runs = store.import_runs(limit=100)
    assert len(runs) == ROUNDS * len(FILES)
    shared = {a.title.split()[0] for a, _ in store.within_radius(*CENTRE, 50) if int(a.id[1:]) < 40}
    assert len(shared) == 1  # the last file to commit wins, whole
    store.close()

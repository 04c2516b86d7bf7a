"""Test objects with every field filled: a test names only what it is about."""
from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np

from catalog.model import Activity, Slot
from catalog.records import IntakeRecord
from catalog.store import ImportRun
from matcher.profile import ClientProfile

ACTIVITY = dict(id="x", title="Activiteit", description="Samen bezig zijn.", organisation="Welzijn",
                kind="formal", categories=["ontmoeting"], min_age=None, max_age=None, gender="any",
                languages=["nl"], culture=None, address="Dorpsstraat 1", postcode="3701 AA",
                neighbourhood="Centrum", lat=52.1, lon=5.2, schedule=[], cost_eur_month=0.0,
                wheelchair="yes", capacity="open", last_verified=dt.date(2026, 1, 1),
                contact="info@example.org")
STORE_CENTRE = (52.0885, 5.2326)   # where the stores' test catalogs lie
PROFILE = dict(interests="x", lat=52.1, lon=5.2, max_distance_km=2.0, age=40, gender="female")


def make_activity(**overrides) -> Activity:
    return Activity(**{**ACTIVITY, **overrides})


def make_profile(**overrides) -> ClientProfile:
    return ClientProfile(**{**PROFILE, **overrides})


def weekly(day: str = "di", start: str = "10:00", end: str = "12:00") -> list[Slot]:
    return [Slot(day, start, end)]


def random_activity(i: int, rng: random.Random, **changes) -> Activity:
    activity = make_activity(
        id=f"t{i:04d}", title=f"Activiteit {i}", description=f"Beschrijving van activiteit {i}.",
        organisation=rng.choice(["Welzijn Zeist", "Bibliotheek", "Buurthuis De Clomp"]),
        kind=rng.choice(["formal", "informal"]), categories=rng.sample(["wandelen", "koken_eten", "spel", "taal"], 2),
        address="Slotlaan 1", postcode="3701 AB", neighbourhood=rng.choice(["Centrum", "Kerckebosch"]),
        lat=STORE_CENTRE[0] + rng.uniform(-0.05, 0.05), lon=STORE_CENTRE[1] + rng.uniform(-0.08, 0.08),
        schedule=weekly(), capacity=rng.choice(["open", "waitlist"]), last_verified=dt.date(2026, 1, 5))
    activity.embedding = np.asarray(rng.random() * np.ones(4) + np.arange(4), dtype=np.float32)
    return dataclasses.replace(activity, **changes) if changes else activity


def activities(n: int = 60, seed: int = 7) -> list[Activity]:
    rng = random.Random(seed)
    return [random_activity(i, rng) for i in range(n)]


def run(model: str = "m1") -> ImportRun:
    return ImportRun(source="test.csv", model=model)


def intake(wijk: str, wishes: list[str], tailored: bool, age: str = "75+", languages=("nl",), gender="vrouw",
           month="2026-10") -> IntakeRecord:
    return IntakeRecord(id=f"{wijk}-{wishes}-{tailored}-{age}-{month}-{id(wishes)}", month=month,
                        pc4="3701" if wijk == "Noord" else "3702", wijk=wijk, age_band=age, gender=gender,
                        languages=list(languages), wishes=wishes, tailored_needed=tailored,
                        tailored_for=list(wishes) if tailored else [])


def make_app(store, encoder, settings=None):
    """The service over a test's own store and encoder, handed in as dependency overrides (the
    start-up takes them instead of opening its own: api/deps.py `provided`)."""
    from api.app import create_app
    from api.deps import get_matcher, get_store
    from catalog.config import Settings
    from matcher.engine import Matcher
    settings = settings or Settings.from_environment()
    app = create_app(settings)
    matcher = Matcher(store, encoder, settings.stale_after_days)
    app.dependency_overrides[get_store] = lambda: store
    app.dependency_overrides[get_matcher] = lambda: matcher
    return app

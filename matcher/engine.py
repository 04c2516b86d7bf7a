"""The matcher: from a client profile to ranked, explained suggestions and the tailored verdict."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np

from catalog.geocoding import PostcodeTableGeocoder
from catalog.model import Activity
from catalog.store import Store
from matcher.categories import category_vectors
from matcher.constraints import broken_constraints
from matcher.diversity import diversify
from matcher.encoder import Encoder
from matcher.explain import compromises, explain
from matcher.profile import ClientProfile
from matcher.signals import QueryContext, score_signals, weighted
from matcher.tailored import TailoredVerdict, tailored_verdict

REFERENCE_SAMPLE = 2000  # activities whose cosines calibrate a query's score distribution


class LocationUnknown(ValueError):
    pass


@dataclass
class Candidate:
    activity: Activity
    distance_km: float
    signals: dict[str, float]
    score: float

    @property
    def embedding(self) -> np.ndarray | None:
        return self.activity.embedding


@dataclass
class Suggestion:
    activity: Activity
    distance_km: float
    score: float
    signals: dict[str, float]
    explanation: str
    compromises: list[str]


@dataclass
class MatchResult:
    suggestions: list[Suggestion]
    tailored: TailoredVerdict
    lat: float
    lon: float
    location_source: str
    within_reach: int
    excluded: dict[str, int] = field(default_factory=dict)


class Matcher:
    def __init__(self, store: Store, encoder: Encoder):
        self.store, self.encoder = store, encoder
        self.geocoder = PostcodeTableGeocoder(store)
        self.category_names, self.category_matrix = category_vectors(encoder)
        self.refresh()

    def refresh(self) -> None:
        """Reload the calibration sample; call after an import."""
        sample = self.store.embedding_sample(REFERENCE_SAMPLE)
        self.reference = sample if len(sample) >= 20 else None

    def locate(self, profile: ClientProfile) -> tuple[float, float, str]:
        if profile.lat is not None:
            return profile.lat, profile.lon, "coordinates"
        location = self.geocoder.geocode(profile.postcode)
        if location is None:
            raise LocationUnknown(f"postcode '{profile.postcode}' is not in the postcode table; "
                                  "give lat and lon, or import a postcode table that has it")
        return location.latitude, location.longitude, f"postcode {location.raw['postcode']}"

    def context(self, profile: ClientProfile, today: dt.date | None = None) -> QueryContext:
        keywords = [k.strip() for k in re.split(r"[,;\n]", profile.interests) if k.strip()]
        interest_vec = self.encoder.query(profile.interests) if profile.interests else None
        narrative_vec = self.encoder.query(profile.narrative) if profile.narrative else None
        wish = np.mean([v for v in (interest_vec, narrative_vec) if v is not None], axis=0)
        affinity = self.category_matrix @ wish
        affinity = (affinity - affinity.mean()) / (affinity.std() + 1e-6)
        return QueryContext(
            profile=profile, interest_vec=interest_vec, narrative_vec=narrative_vec,
            interest_stats=self._stats(interest_vec), narrative_stats=self._stats(narrative_vec),
            category_affinity=dict(zip(self.category_names, affinity.tolist())),
            keywords=keywords, today=today or dt.date.today())

    def _stats(self, vec: np.ndarray | None) -> tuple[float, float]:
        if vec is None or self.reference is None:
            return 0.8, 0.05  # typical e5 spread, for a catalog too small to calibrate on
        cosines = self.reference @ vec
        return float(cosines.mean()), float(cosines.std()) + 1e-6

    def match(self, profile: ClientProfile, limit: int = 10, today: dt.date | None = None) -> MatchResult:
        lat, lon, source = self.locate(profile)
        ctx = self.context(profile, today)
        within = self.store.within_radius(lat, lon, profile.max_distance_km)
        candidates, excluded = [], {}
        for activity, distance in within:
            broken = broken_constraints(activity, profile, distance)
            for reason in broken:
                key = reason.split(" (")[0]
                excluded[key] = excluded.get(key, 0) + 1
            if not broken:
                signals = score_signals(ctx, activity, distance)
                candidates.append(Candidate(activity, distance, signals, weighted(signals)))
        ranked = diversify(sorted(candidates, key=lambda c: (-c.score, c.distance_km, c.activity.id)), limit)
        verdict = tailored_verdict(ctx, candidates, lambda radius: self._beyond_reach(ctx, lat, lon, radius))
        suggestions = [Suggestion(c.activity, round(c.distance_km, 2), round(c.score, 4), c.signals,
                                  explain(ctx, c.activity, c.distance_km, c.signals),
                                  compromises(ctx, c.activity, c.signals)) for c in ranked]
        return MatchResult(suggestions, verdict, lat, lon, source, len(within), excluded)

    def _beyond_reach(self, ctx: QueryContext, lat: float, lon: float, radius_km: float) -> list[Candidate]:
        """Candidates further away than the client's limit, for the tailored verdict's advice."""
        found = []
        for activity, distance in self.store.within_radius(lat, lon, radius_km):
            if distance <= ctx.profile.max_distance_km:
                continue
            if len(broken_constraints(activity, ctx.profile, distance)) == 1:  # only "too far"
                signals = score_signals(ctx, activity, distance)
                found.append(Candidate(activity, distance, signals, weighted(signals)))
        return found

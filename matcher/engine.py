"""The matcher: from a client profile to ranked, explained suggestions and the tailored verdict."""
from __future__ import annotations

import datetime as dt
import heapq
import re
from dataclasses import dataclass, field

import numpy as np

from catalog.geocoding import PostcodeTableGeocoder
from catalog.model import Activity
from catalog.store import Store
from matcher.categories import category_vectors, wish_categories
from matcher.constraints import broken_constraints
from matcher.diversity import diversify
from matcher.encoder import Encoder
from matcher.explain import compromises, explain
from matcher.profile import ClientProfile
from matcher.keywords import keyword_fractions
from matcher.signals import (
    INTEREST_SHARE, Z_SCALE, QueryContext, relevance, score_signals, upper_bounds, weighted,
)
from matcher.tailored import RELEVANCE_THRESHOLD, TailoredVerdict, is_fitting, tailored_verdict

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
    reachable_categories: set[str] = field(default_factory=set)  # of the activities within reach that pass the hard constraints


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
        texts = [t for t in (profile.interests, profile.narrative) if t]
        vectors = dict(zip(texts, self.encoder.queries(texts)))
        interest_vec, narrative_vec = vectors.get(profile.interests), vectors.get(profile.narrative)
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

    def wishes(self, profile: ClientProfile) -> list[str]:
        """The client's wishes as categories (for the anonymous intake record)."""
        ctx = self.context(profile)
        vectors = self.encoder.queries(ctx.keywords) if ctx.keywords else []
        return wish_categories(ctx.keywords, vectors, self.category_names, self.category_matrix, ctx.category_affinity)

    def match(self, profile: ClientProfile, limit: int = 10, today: dt.date | None = None) -> MatchResult:
        lat, lon, source = self.locate(profile)
        ctx = self.context(profile, today)
        within = self.store.within_radius(lat, lon, profile.max_distance_km)
        feasible, excluded = [], {}
        for activity, distance in within:
            broken = broken_constraints(activity, profile, distance)
            for reason in broken:
                key = reason.split(" (")[0]
                excluded[key] = excluded.get(key, 0) + 1
            if not broken:
                feasible.append((activity, distance))
        scored, fitting = self._score(ctx, feasible, pool=max(limit * 4, 40))
        ranked = diversify(sorted(scored, key=lambda c: (-c.score, c.distance_km, c.activity.id)), limit)
        verdict = tailored_verdict(ctx, fitting, bool(feasible),
                                   lambda radius: self._nearest_fitting_beyond_reach(ctx, lat, lon, radius))
        suggestions = []
        for c in ranked:
            notes = compromises(ctx, c.activity, c.signals)
            suggestions.append(Suggestion(c.activity, round(c.distance_km, 2), round(c.score, 4), c.signals,
                                          explain(ctx, c.activity, c.distance_km, c.signals, notes), notes))
        reachable = {c for activity, _ in feasible for c in activity.categories}
        return MatchResult(suggestions, verdict, lat, lon, source, len(within), excluded, reachable)

    def _score(self, ctx: QueryContext, feasible: list[tuple[Activity, float]], pool: int
               ) -> tuple[list[Candidate], list[Candidate]]:
        """Full scores for every candidate that can still reach the best `pool`, and every fitting
        candidate (see tailored.py). The rest is ruled out by an upper bound of its score: in a dense
        city thousands of activities are within reach, and most need no more than one matrix product."""
        self._in_bulk(ctx, [a for a, _ in feasible])
        bounded = sorted(((*upper_bounds(ctx, a, d), a, d) for a, d in feasible), key=lambda t: -t[0])
        scored, best = [], []  # best: a min-heap of the `pool` highest scores so far
        for position, (bound, _, activity, distance) in enumerate(bounded):
            if len(best) >= pool and bound < best[0]:
                break
            signals = score_signals(ctx, activity, distance)
            scored.append(Candidate(activity, distance, signals, weighted(signals)))
            (heapq.heappush if len(best) < pool else heapq.heappushpop)(best, scored[-1].score)
        else:
            position = len(bounded)
        fitting = [c for c in scored if is_fitting(c)]
        for _, relevance_bound, activity, distance in bounded[position:]:
            if relevance_bound >= RELEVANCE_THRESHOLD:
                signals = score_signals(ctx, activity, distance)
                if is_fitting(candidate := Candidate(activity, distance, signals, weighted(signals))):
                    fitting.append(candidate)
        return scored, fitting

    def _in_bulk(self, ctx: QueryContext, activities: list[Activity]) -> None:
        """The meaning and keywords signals for many activities at once, with numpy (the same
        numbers as signals.meaning and signals.keywords compute one by one)."""
        fractions, term_ids = keyword_fractions(ctx.keywords, activities)
        ctx.keywords_by_id.update(zip((a.id for a in activities), fractions.tolist()))
        # Add to the known matching words, never replace them: explanations come later.
        ctx.term_ids = {t: ids | (ctx.term_ids or {}).get(t, frozenset()) for t, ids in term_ids.items()}
        activities = [a for a in activities if a.embedding is not None]
        if not activities:
            return
        matrix = np.vstack([a.embedding for a in activities])
        total, weight = np.zeros(len(activities)), 0.0
        for vec, (mean, std), w in ((ctx.interest_vec, ctx.interest_stats, INTEREST_SHARE),
                                    (ctx.narrative_vec, ctx.narrative_stats, 1 - INTEREST_SHARE)):
            if vec is not None:
                total += w * (matrix @ vec - mean) / std
                weight += w
        ctx.meaning_by_id.update(zip((a.id for a in activities), (total / weight / Z_SCALE).tolist()))

    def _nearest_fitting_beyond_reach(self, ctx: QueryContext, lat: float, lon: float,
                                      radius_km: float) -> Candidate | None:
        """The nearest fitting activity further away than the client's limit, up to radius_km:
        the tailored verdict's advice. Walks outwards and stops at the first one."""
        further = [(a, d) for a, d in self.store.within_radius(lat, lon, radius_km)
                   if d > ctx.profile.max_distance_km]
        self._in_bulk(ctx, [a for a, _ in further])
        for activity, distance in further:  # nearest first; relevance first, it is the cheap test
            if relevance(ctx, activity, distance) >= RELEVANCE_THRESHOLD \
                    and len(broken_constraints(activity, ctx.profile, distance)) == 1:  # only "too far"
                signals = score_signals(ctx, activity, distance)
                candidate = Candidate(activity, distance, signals, weighted(signals))
                if is_fitting(candidate):
                    return candidate
        return None

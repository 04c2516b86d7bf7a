"""The matcher: from a client profile to ranked, explained suggestions and the tailored verdict."""
from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field

import numpy as np

from catalog.config import Settings
from catalog.errors import Detail, InvalidInput
from catalog.geocoding import PostcodeTableGeocoder
from catalog.model import Activity
from catalog.store import Store
from matcher.categories import category_vectors
from matcher.constraints import broken_constraints
from matcher.diversity import diversify
from matcher.encoder import Encoder
from matcher.explain import compromises, explain
from matcher.intake import Intake, analyse
from matcher.keywords import VOCABULARY, keyword_fractions
from matcher.profile import ClientProfile
from matcher import signals as model
from matcher.signals import (
    INTEREST_SHARE, Z_SCALE, QueryContext, fit_probability, score_signals, upper_bound, weighted,
)
from matcher.tailored import TailoredVerdict, tailored_verdict, wish_is_met_by
from matcher.wish_fit import bits, knowledge_signals, masks, meets_many, wish_mask

REFERENCE_SAMPLE = 2000  # activities whose cosines calibrate a query's score distribution


class LocationUnknown(InvalidInput):
    """The client's postcode is not in the postcode table."""
    code = "postcode_unknown"


LOOK_FURTHER_BATCH = 16   # activities beyond reach scored at once (numpy) while looking for the nearest fit


@dataclass
class Candidate:
    activity: Activity
    distance_km: float
    signals: dict[str, float]
    score: float

    @property
    def embedding(self) -> np.ndarray | None:
        return self.activity.embedding

    @property
    def fit(self) -> float:
        """How likely a coach would really propose it (grade 2 or 3), learned from judged sets."""
        return fit_probability(self.signals)


@dataclass
class Suggestion:
    activity: Activity
    distance_km: float
    score: float
    signals: dict[str, float]
    explanation: str
    compromises: list[str]
    fit: float = 0.0           # see Candidate.fit
    meets: list[str] = field(default_factory=list)   # the wishes (coach's words) it meets


@dataclass
class MatchResult:
    suggestions: list[Suggestion]
    tailored: TailoredVerdict
    lat: float
    lon: float
    location_source: str
    within_reach: int
    excluded: dict[str, int] = field(default_factory=dict)
    intake: Intake | None = None   # what was read in the intake


class Matcher:
    def __init__(self, store: Store, encoder: Encoder, stale_after_days: int | None = None):
        """`stale_after_days`: the freshness setting; by default read from the environment, once."""
        self.store, self.encoder = store, encoder
        self.stale_after_days = Settings.from_environment().stale_after_days if stale_after_days is None \
            else stale_after_days
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
            message = (f"postcode '{profile.postcode}' is not in the postcode table; "
                       "give lat and lon, or import a postcode table that has it")
            raise LocationUnknown(message, details=[Detail("postcode", "postcode_unknown", message,
                                                           {"value": profile.postcode})], value=profile.postcode)
        return location.latitude, location.longitude, f"postcode {location.raw['postcode']}"

    def context(self, profile: ClientProfile, today: dt.date | None = None) -> QueryContext:
        intake = analyse(profile)
        keywords = intake.keywords
        texts = [t for t in (profile.interests, profile.narrative) if t]
        vectors = dict(zip(texts, self.encoder.queries(texts)))
        interest_vec, narrative_vec = vectors.get(profile.interests), vectors.get(profile.narrative)
        wish = np.mean([v for v in (interest_vec, narrative_vec) if v is not None], axis=0)
        affinity = self.category_matrix @ wish
        affinity = (affinity - affinity.mean()) / (affinity.std() + 1e-6)
        adapter = model.CURRENT.adapter   # the meaning signal compares corrected vectors
        if adapter is not None and adapter.fits(self.encoder.name):
            interest_vec, narrative_vec = adapter.apply(interest_vec), adapter.apply(narrative_vec)
        return QueryContext(
            profile=profile, interest_vec=interest_vec, narrative_vec=narrative_vec,
            interest_stats=self._stats(interest_vec), narrative_stats=self._stats(narrative_vec),
            category_affinity=dict(zip(self.category_names, affinity.tolist())),
            keywords=keywords, intake=intake, masks=masks(intake), stale_after_days=self.stale_after_days,
            today=today or dt.date.today())

    def _stats(self, vec: np.ndarray | None) -> tuple[float, float]:
        if vec is None or self.reference is None:
            return 0.8, 0.05  # typical e5 spread, for a catalog too small to calibrate on
        cosines = self.reference @ vec
        return float(cosines.mean()), float(cosines.std()) + 1e-6

    def warm(self) -> int:
        """Decode the whole catalog and work out each listing's words and knowledge bits once, so
        that the first matches in an area are as fast as the rest; returns the number of listings."""
        activities = self.store.activities()
        for a in activities:
            VOCABULARY.word_ids(a)
            bits(a)
        return len(activities)

    def match(self, profile: ClientProfile, limit: int = 10, today: dt.date | None = None,
              fit_threshold: float | None = None) -> MatchResult:
        """`fit_threshold`: the chance of a fit a wish needs to count as met (default: the model's)."""
        threshold = model.CURRENT.threshold if fit_threshold is None else fit_threshold
        lat, lon, source = self.locate(profile)
        ctx = self.context(profile, today)
        within, feasible, excluded = self._feasible(profile, lat, lon)
        scored = self._score(ctx, feasible, pool=max(limit * 4, 40))
        ranked = diversify(sorted(scored, key=lambda c: (-c.score, c.distance_km, c.activity.id)), limit)
        for wish in ctx.intake.wishes:   # the catalog may know a word the taxonomy does not
            wish.literal = wish.source == "keyword" and VOCABULARY.knows(wish.text)
        verdict = tailored_verdict(
            ctx.intake, ranked, lambda c: c.fit, threshold, profile.max_distance_km, bool(feasible),
            ctx.term_ids, lambda wishes, radius: self._nearest_fitting_beyond_reach(ctx, lat, lon, radius, wishes, threshold))
        met_by = {}
        for w in verdict.wishes:
            for activity_id in w.met_by:
                met_by.setdefault(activity_id, []).append(w.wish)
        suggestions = []
        for c in ranked:
            notes = compromises(ctx, c.activity, c.signals)
            meets = met_by.get(c.activity.id, [])
            # The explanation names every wish it is of the kind of, also where the fit falls short.
            of_kind = [w.text for w in ctx.intake.wishes if w.understood and wish_is_met_by(w, c.activity, ctx.term_ids)]
            suggestions.append(Suggestion(c.activity, round(c.distance_km, 2), round(c.score, 4), c.signals,
                                          explain(ctx, c.activity, c.distance_km, c.signals, notes, of_kind),
                                          notes, round(c.fit, 3), meets))
        return MatchResult(suggestions, verdict, lat, lon, source, len(within), excluded, ctx.intake)

    def _feasible(self, profile: ClientProfile, lat: float, lon: float):
        """Everything within reach, what passes the hard constraints, and what was left out why."""
        within = self.store.within_radius(lat, lon, profile.max_distance_km)
        feasible, excluded = [], {}
        for activity, distance in within:
            broken = broken_constraints(activity, profile, distance)
            for reason in broken:
                key = reason.split(" (")[0]
                excluded[key] = excluded.get(key, 0) + 1
            if not broken:
                feasible.append((activity, distance))
        return within, feasible, excluded

    def all_candidates(self, profile: ClientProfile, today: dt.date | None = None) -> list[Candidate]:
        """Every feasible activity with all its signals, unpruned: what the weights are learned on."""
        lat, lon, _ = self.locate(profile)
        ctx = self.context(profile, today)
        _, feasible, _ = self._feasible(profile, lat, lon)
        self._in_bulk(ctx, [a for a, _ in feasible])
        return [Candidate(a, d, sig := score_signals(ctx, a, d), weighted(sig)) for a, d in feasible]

    def _score(self, ctx: QueryContext, feasible: list[tuple[Activity, float]], pool: int) -> list[Candidate]:
        """Full scores for every candidate that can still reach the best `pool`. The rest is ruled
        out by an upper bound of its score: in a dense city thousands of activities are within
        reach, and most need no more than one matrix product."""
        self._in_bulk(ctx, [a for a, _ in feasible])
        bounded = sorted(((upper_bound(ctx, a, d), a, d) for a, d in feasible), key=lambda t: -t[0])
        scored, best = [], []  # best: a min-heap of the `pool` highest scores so far
        for bound, activity, distance in bounded:
            if len(best) >= pool and bound < best[0]:
                break
            signals = score_signals(ctx, activity, distance)
            scored.append(Candidate(activity, distance, signals, weighted(signals)))
            (heapq.heappush if len(best) < pool else heapq.heappushpop)(best, scored[-1].score)
        return scored

    def _in_bulk(self, ctx: QueryContext, activities: list[Activity]) -> None:
        """The meaning and keywords signals for many activities at once, with numpy (the same
        numbers as signals.meaning and signals.keywords compute one by one)."""
        self._knowledge_in_bulk(ctx, activities)
        fractions, term_ids = keyword_fractions(ctx.keywords, activities)
        # whether some keyword is in it: one more, unrelated keyword must not make a listing fit less
        ctx.keywords_by_id.update(zip((a.id for a in activities), (fractions > 0).astype(float).tolist()))
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

    def _knowledge_in_bulk(self, ctx: QueryContext, activities: list[Activity]) -> None:
        todo = [a for a in activities if a.id not in ctx.knowledge_by_id]
        values = knowledge_signals(ctx.masks, todo)
        columns = {name: v.tolist() for name, v in values.items()}
        for i, a in enumerate(todo):
            ctx.knowledge_by_id[a.id] = {name: column[i] for name, column in columns.items()}

    def _nearest_fitting_beyond_reach(self, ctx: QueryContext, lat: float, lon: float, radius_km: float,
                                      wishes: list, threshold: float) -> dict[int, Candidate]:
        """Per wish (by index), the nearest fitting activity of its kind further away than the
        client's limit, up to radius_km: the verdict's advice. Nearest first; stops when every wish
        has one."""
        further = [(a, d) for a, d in self.store.within_radius(lat, lon, radius_km)
                   if d > ctx.profile.max_distance_km]
        activities = [a for a, _ in further]
        # Of the wish's kind, or (a keyword the catalog knows) its words in the listing: numpy passes.
        met = [meets_many(w, activities) | (keyword_fractions([w.text], activities)[0] > 0
                                           if w.source == "keyword" and w.literal and not wish_mask(w).any() else False)
               for w in wishes]
        found: dict[int, Candidate] = {}

        def settle(batch: list[tuple[int, Activity, float]]) -> None:   # nearest first within the batch too
            self._in_bulk(ctx, [a for _, a, _ in batch])
            for n, activity, distance in batch:
                open_wishes = [i for i in range(len(wishes)) if i not in found and met[i][n]]
                if not open_wishes:
                    continue
                signals = score_signals(ctx, activity, distance)
                signals["nearby"] = 0.0   # judged as if it were at the edge of reach
                candidate = Candidate(activity, distance, signals, weighted(signals))
                if candidate.fit >= threshold:
                    found.update((i, candidate) for i in open_wishes)
        batch = []
        for n, (activity, distance) in enumerate(further):
            if len(found) == len(wishes):
                break
            if any(met[i][n] for i in range(len(wishes)) if i not in found) \
                    and len(broken_constraints(activity, ctx.profile, distance)) == 1:   # only "too far"
                batch.append((n, activity, distance))
            if len(batch) == LOOK_FURTHER_BATCH:
                settle(batch)
                batch = []
        if batch and len(found) < len(wishes):
            settle(batch)
        return found

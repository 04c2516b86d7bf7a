"""Ranking signals: one named function each, all weighed in the WEIGHTS table below.

Each signal sees the query context, one activity and its distance, and returns a number that is
0 for "neutral" and about 1 for "fits well" (negative where it counts against). Relevance signals
are z-scores against the catalog's own score distribution, because e5 cosines bunch together.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from catalog.freshness import stale_after_days
from catalog.model import Activity
from matcher.keywords import TermIds, keyword_hits
from matcher.profile import ClientProfile

# The weight of every signal in one place; tuned on the dev benchmark, kept round on purpose.
WEIGHTS = {
    "meaning": 1.0,        # semantic similarity of interests and narrative with the activity
    "keywords": 0.6,       # the coach's keywords literally in the listing
    "category_fit": 0.35,  # the listing's categories are what the wishes are about
    "language_fit": 0.6,   # the client can take part in a language spoken there
    "culture_fit": 0.3,    # organised for the client's own community (or for another one)
    "nearby": 0.15,        # closer is easier to reach
    "schedule_fit": 0.8,   # held on a day the client can (else a real compromise)
    "within_budget": 0.4,  # costs no more than the client can pay
    "open_place": 0.3,     # no waitlist
    "fresh_listing": 0.1,  # recently confirmed by its provider
}
# The best value each signal can reach: bounds a score before it is computed in full.
SIGNAL_MAX = {"schedule_fit": 0.0, "within_budget": 0.0, "open_place": 0.0,
              "fresh_listing": 0.0}


@dataclass
class QueryContext:
    """Everything about the client that every activity is compared with, computed once a query."""
    profile: ClientProfile
    interest_vec: np.ndarray | None
    narrative_vec: np.ndarray | None
    interest_stats: tuple[float, float]   # mean, std of the interests' cosines over the catalog
    narrative_stats: tuple[float, float]
    category_affinity: dict[str, float]   # z-score of each category for this client's wishes
    keywords: list[str]
    today: dt.date = field(default_factory=dt.date.today)
    stale_after_days: int = field(default_factory=stale_after_days)  # the freshness setting
    meaning_by_id: dict[str, float] = field(default_factory=dict)  # filled in bulk by the engine
    keywords_by_id: dict[str, float] = field(default_factory=dict)  # filled in bulk by the engine
    term_ids: TermIds | None = None   # which words count as each keyword term (engine)


def _z(vec: np.ndarray | None, stats: tuple[float, float], activity: Activity) -> float | None:
    if vec is None or activity.embedding is None:
        return None
    mean, std = stats
    return (float(np.dot(vec, activity.embedding)) - mean) / std


INTEREST_SHARE = 0.55  # of the meaning signal; the narrative has the rest
Z_SCALE = 2.0          # z-scores of 2 (clearly above the catalog's usual) count as a full fit


def meaning(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    if a.id in ctx.meaning_by_id:
        return ctx.meaning_by_id[a.id]
    parts = [(z, w) for z, w in ((_z(ctx.interest_vec, ctx.interest_stats, a), INTEREST_SHARE),
                                 (_z(ctx.narrative_vec, ctx.narrative_stats, a), 1 - INTEREST_SHARE))
             if z is not None]
    if not parts:
        return 0.0
    return sum(z * w for z, w in parts) / sum(w for _, w in parts) / Z_SCALE


def keywords(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    if a.id in ctx.keywords_by_id:
        return ctx.keywords_by_id[a.id]
    return len(keyword_hits(ctx.keywords, a, ctx.term_ids)) / len(ctx.keywords) if ctx.keywords else 0.0


def category_fit(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    return max((ctx.category_affinity.get(c, 0.0) for c in a.categories), default=0.0) / 2.0


def language_fit(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    spoken = set(ctx.profile.languages or ["nl"])
    shared = spoken & set(a.languages)
    if not shared:
        return -1.0
    # An activity in the client's own non-Dutch language is a strong fit for a newcomer.
    return 1.0 if shared - {"nl"} else 0.0


def culture_fit(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    if not a.culture:
        return 0.0
    own = (ctx.profile.culture or "").strip().lower()
    if own and (own in a.culture.lower() or a.culture.lower() in own):
        return 1.0
    if a.culture.lower() in ("internationaal", "international"):
        return 0.0
    return -0.5


def nearby(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    return 1.0 - min(distance_km / ctx.profile.max_distance_km, 1.0)


def schedule_fit(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    if not ctx.profile.availability:
        return 0.0
    if not a.schedule:
        return -0.2  # by appointment: usually arrangeable
    return 0.0 if a.days & set(ctx.profile.availability) else -1.0


def within_budget(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    budget = ctx.profile.budget_eur_month
    if budget is None or a.cost_eur_month <= budget:
        return 0.0
    return -min(1.0, 0.5 + (a.cost_eur_month - budget) / max(budget, 10.0))


def open_place(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    return -1.0 if a.capacity == "waitlist" else 0.0


def fresh_listing(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    overdue = (ctx.today - a.last_verified).days - ctx.stale_after_days
    return 0.0 if overdue <= 0 else -min(1.0, overdue / (2 * 365))


SIGNALS = {f.__name__: f for f in (meaning, keywords, category_fit, language_fit, culture_fit,
                                   nearby, schedule_fit, within_budget, open_place, fresh_listing)}
assert SIGNALS.keys() == WEIGHTS.keys()
RELEVANCE = ("meaning", "keywords", "category_fit")  # what a wish is about; the rest is feasibility
# Cheap signals, computed exactly for every candidate to bound its score before the full scoring.
CHEAP = ("meaning", "keywords", "category_fit", "language_fit", "culture_fit", "nearby")
# + 1e-9: a bound summed in another order must never fall below the score through rounding.
_OPTIMISM = sum(WEIGHTS[n] * SIGNAL_MAX[n] for n in WEIGHTS if n not in CHEAP) + 1e-9


def upper_bounds(ctx: QueryContext, a: Activity, distance_km: float) -> tuple[float, float]:
    """(score bound, relevance): the cheap signals exactly, the best case of the others."""
    cheap = {n: SIGNALS[n](ctx, a, distance_km) for n in CHEAP}
    return weighted(cheap, CHEAP) + _OPTIMISM, weighted(cheap, RELEVANCE)


def relevance(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    """How well the listing fits the wishes, feasibility aside (the RELEVANCE part of the score)."""
    return weighted({n: SIGNALS[n](ctx, a, distance_km) for n in RELEVANCE}, RELEVANCE)


def score_signals(ctx: QueryContext, a: Activity, distance_km: float) -> dict[str, float]:
    return {name: fn(ctx, a, distance_km) for name, fn in SIGNALS.items()}


def weighted(signals: dict[str, float], names=None) -> float:
    return sum(WEIGHTS[n] * signals[n] for n in (names or WEIGHTS))

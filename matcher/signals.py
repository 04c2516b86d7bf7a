"""Ranking signals: one named function each, combined by weights learned from judged sets.

Each signal sees the query context, one activity and its distance, and returns a number that is
0 for "neutral" and about 1 for "fits well" (negative where it counts against). Relevance signals
are z-scores against the catalog's own score distribution, because e5 cosines bunch together.
The weights are learned (training/train.py writes matcher/weights.json); HAND_WEIGHTS are the
round numbers set by hand before there was a training corpus, kept to measure against.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from catalog.model import Activity
from matcher import ablation
from matcher.intake import Intake
from matcher.keywords import TermIds, keyword_hits
from matcher.profile import ClientProfile
from matcher.query_adapter import QueryAdapter
from matcher.wish_fit import KNOWLEDGE_SIGNALS, Masks, knowledge_signals

WEIGHTS_FILE = Path(__file__).with_name("weights.json")

HAND_WEIGHTS = {
    "meaning": 1.0,        # semantic similarity of interests and narrative with the activity
    "keywords": 0.6,       # a coach's keyword literally in the listing (stemmed)
    "category_fit": 0.35,  # the listing's categories are what the wishes are about (e5)
    "keyword_types": 1.0,  # the listing is of a kind a keyword asks for (taxonomy)
    "keyword_coverage": 0.3,  # ... the share of the keywords whose kind it is
    "keyword_family": 0.3, # ... or of the same family (category) as that kind
    "narrative_types": 0.4,  # of a kind the narrative points to
    "need_fit": 0.3,       # serves the needs behind the wishes (onder de mensen, nuttig voelen)
    "group_member": 0.6,   # for a group the client is in (carers, the bereaved, a condition)
    "age_group_fit": 0.2,  # for the client's age group (+), for another one (-)
    "group_outsider": -0.8,       # for a group the client is not in
    "condition_unmentioned": -1.2,  # for a condition the intake never mentions
    "refused": -2.0,       # of a kind the client refused ("geen sport")
    "volunteer_need": 0.4, # volunteering for a client who wants to be useful
    "volunteer_unasked": -0.3,  # volunteering for a client who asked to do, not to help
    "language_fit": 0.6,   # the client can take part in a language spoken there
    "culture_fit": 0.3,    # organised for the client's own community (or for another one)
    "nearby": 0.15,        # closer is easier to reach
    "schedule_fit": 0.8,   # held on a day the client can (else a real compromise)
    "within_budget": 0.4,  # costs no more than the client can pay
    "open_place": 0.3,     # no waitlist
    "fresh_listing": 0.1,  # recently confirmed by its provider
}


@dataclass
class Model:
    """How signals combine: a weight per signal (the ranking), the chance that a coach would really
    propose a suggestion (a logistic classifier over the same signals, `fit_weights`; without one, a
    logistic curve over the score), and the fit threshold of the verdict."""
    weights: dict[str, float]
    slope: float = 1.5
    intercept: float = -3.0
    threshold: float = 0.5
    source: str = "hand"
    fit_weights: dict[str, float] | None = None
    fit_intercept: float = 0.0
    adapter: QueryAdapter | None = None   # the learned correction of the intake's vectors

    @classmethod
    def from_file(cls, path: Path) -> "Model":
        data = json.loads(path.read_text())
        missing = set(HAND_WEIGHTS) - set(data["weights"])
        if missing:
            raise ValueError(f"{path.name} lacks weights for {', '.join(sorted(missing))}: retrain "
                             "(python -m training.train)")
        fit = data.get("fit")
        if fit is not None and set(HAND_WEIGHTS) - set(fit["weights"]):
            raise ValueError(f"{path.name}: the fit classifier lacks signals: retrain (python -m training.train)")
        # The weights were learned on meaning values of the adapter beside them: the two go together.
        adapter = data.get("query_adapter")
        if adapter and not (path.parent / adapter).exists():
            raise ValueError(f"{path.name} names {adapter}, which is missing: retrain (python -m training.train)")
        return cls({n: float(data["weights"][n]) for n in HAND_WEIGHTS}, data["calibration"]["slope"],
                   data["calibration"]["intercept"], data["verdict"]["threshold"], path.name,
                   {n: float(fit["weights"][n]) for n in HAND_WEIGHTS} if fit else None,
                   float(fit["intercept"]) if fit else 0.0,
                   QueryAdapter.from_file(path.parent / adapter) if adapter else None)

    def without(self, names) -> "Model":
        fit = {n: (0.0 if n in names else w) for n, w in self.fit_weights.items()} if self.fit_weights else None
        return Model({n: (0.0 if n in names else w) for n, w in self.weights.items()},
                     self.slope, self.intercept, self.threshold, self.source, fit, self.fit_intercept,
                     self.adapter)


def default_model() -> tuple[Model, str | None]:
    """The learned model, or the hand weights with the reason why not (a weights file older than
    the signals: the service refuses to start on it, training replaces it)."""
    problem = None
    model = Model(dict(HAND_WEIGHTS))
    if WEIGHTS_FILE.exists() and not ablation.active("weights"):
        try:
            model = Model.from_file(WEIGHTS_FILE)
        except (ValueError, KeyError) as e:
            problem = str(e)
    if ablation.active("adapter"):
        model = dataclasses.replace(model, adapter=None)
    return (model.without(KNOWLEDGE_SIGNALS) if ablation.active("taxonomy") else model), problem


CURRENT, LOAD_PROBLEM = default_model()
WEIGHTS = CURRENT.weights   # the live weights; use() swaps their values in place


def use(model: Model) -> None:
    """Make `model` the one every match uses (training and benchmarks compare several)."""
    global CURRENT
    CURRENT = model
    WEIGHTS.clear()
    WEIGHTS.update(model.weights)


# The range of each signal that is not computed for every candidate: bounds a score before it is.
SIGNAL_RANGE = {"schedule_fit": (-1.0, 0.0), "within_budget": (-1.0, 0.0), "open_place": (-1.0, 0.0),
                "fresh_listing": (-1.0, 0.0)}


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
    intake: Intake
    masks: Masks
    stale_after_days: int               # the freshness setting (Settings.stale_after_days)
    today: dt.date = field(default_factory=dt.date.today)
    meaning_by_id: dict[str, float] = field(default_factory=dict)  # filled in bulk by the engine
    keywords_by_id: dict[str, float] = field(default_factory=dict)  # filled in bulk by the engine
    knowledge_by_id: dict[str, dict[str, float]] = field(default_factory=dict)  # filled in bulk
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
    return 1.0 if ctx.keywords and keyword_hits(ctx.keywords, a, ctx.term_ids) else 0.0


def category_fit(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    return max((ctx.category_affinity.get(c, 0.0) for c in a.categories), default=0.0) / 2.0


def _knowledge(name: str):
    def signal(ctx: QueryContext, a: Activity, distance_km: float) -> float:
        values = ctx.knowledge_by_id.get(a.id)
        if values is None:
            values = {n: float(v[0]) for n, v in knowledge_signals(ctx.masks, [a]).items()}
            ctx.knowledge_by_id[a.id] = values
        return values[name]
    signal.__name__ = name
    return signal


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


SIGNALS = {f.__name__: f for f in (meaning, keywords, category_fit, *(_knowledge(n) for n in KNOWLEDGE_SIGNALS),
                                   language_fit, culture_fit, nearby, schedule_fit, within_budget,
                                   open_place, fresh_listing)}
assert SIGNALS.keys() == HAND_WEIGHTS.keys()
# What a wish is about; the rest is feasibility. Explanations and the verdict read these.
RELEVANCE = ("meaning", "keywords", "category_fit", *KNOWLEDGE_SIGNALS)
# Cheap signals, computed exactly for every candidate to bound its score before the full scoring.
CHEAP = ("meaning", "keywords", "category_fit", *KNOWLEDGE_SIGNALS, "language_fit", "culture_fit", "nearby")
assert set(SIGNALS) - set(CHEAP) == set(SIGNAL_RANGE)


def upper_bound(ctx: QueryContext, a: Activity, distance_km: float) -> float:
    """The score's bound: the cheap signals exactly, the best case of the others."""
    cheap = {n: SIGNALS[n](ctx, a, distance_km) for n in CHEAP}
    # + 1e-9: a bound summed in another order must never fall below the score through rounding.
    optimism = sum(max(WEIGHTS[n] * lo, WEIGHTS[n] * hi) for n, (lo, hi) in SIGNAL_RANGE.items()) + 1e-9
    return weighted(cheap, CHEAP) + optimism


def score_signals(ctx: QueryContext, a: Activity, distance_km: float) -> dict[str, float]:
    return {name: fn(ctx, a, distance_km) for name, fn in SIGNALS.items()}


def weighted(signals: dict[str, float], names=None) -> float:
    return sum(WEIGHTS[n] * signals[n] for n in (names or WEIGHTS))


def fit_probability(signals: dict[str, float]) -> float:
    """How likely a coach grades this suggestion 2 or 3 (a real fit): the learned classifier over
    its signals, or (hand weights) a rough logistic curve over its score.

    A listing of a kind some keyword asks for is judged as if that keyword were the only one: how
    many other wishes it leaves open says nothing about how well it fits this one, and a wish added
    must not take a fit away. (The ranking does count the keywords it covers: one listing for two
    wishes ranks above one for one.) On the ten judged sets, leave one municipality out, the same
    weights gave the verdict a tailored F1 of 0.656 with the diluted fit and 0.701 with this one."""
    if signals["keyword_types"] > 0:
        signals = {**signals, "keyword_coverage": 1.0}
    m = CURRENT
    if m.fit_weights:
        z = m.fit_intercept + sum(w * signals[n] for n, w in m.fit_weights.items())
    else:
        z = m.slope * weighted(signals) + m.intercept
    return float(1.0 / (1.0 + np.exp(-z)))

"""The tailored verdict: is there a fitting activity within reach, or must an offer be sought or made?

"Fitting" means relevant to the wishes (relevance above a threshold in z-units of the catalog's
own score distribution) and feasible without a serious compromise (language, day, budget).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from catalog.model import CATEGORY_LABELS
from matcher.explain import km
from matcher.keywords import keyword_hits
from matcher.signals import RELEVANCE, weighted

RELEVANCE_THRESHOLD = 1.35  # weighted relevance (z-units) a suggestion needs to count as fitting
LOOK_FURTHER_FACTOR = 3    # how much wider to look for the advice "nearest fitting offer"
LOOK_FURTHER_MAX_KM = 25.0


@dataclass
class TailoredVerdict:
    needed: bool
    reason: str
    unmet_wishes: list[str]


def is_fitting(candidate) -> bool:
    s = candidate.signals
    feasible = s["language_fit"] > -1 and s["schedule_fit"] > -1 and s["within_budget"] > -0.5
    return feasible and weighted(s, RELEVANCE) >= RELEVANCE_THRESHOLD


def tailored_verdict(ctx, fitting: list, any_feasible: bool, look_further: Callable[[float], object]) -> TailoredVerdict:
    """`fitting`: the fitting candidates within reach; `look_further(radius)`: the nearest fitting
    one up to that radius, or None."""
    reach = km(ctx.profile.max_distance_km)
    wishes = _wishes(ctx)
    if fitting:
        unmet = [w for w in ctx.keywords if not any(keyword_hits([w], c.activity, ctx.term_ids) for c in fitting)]
        return TailoredVerdict(False, f"{len(fitting)} passende activiteit(en) binnen {reach}.", unmet)
    if not any_feasible:
        reason = f"Binnen {reach} is geen activiteit die aan de harde voorwaarden voldoet, dus ook geen voor {wishes}"
    else:
        reason = f"Binnen {reach} is geen passend aanbod voor {wishes}"
    radius = min(ctx.profile.max_distance_km * LOOK_FURTHER_FACTOR, LOOK_FURTHER_MAX_KM)
    nearest = look_further(radius)
    if nearest is not None:
        reason += f"; het dichtstbijzijnde passende aanbod is '{nearest.activity.title}' op {km(nearest.distance_km)}"
    else:
        reason += f"; ook binnen {km(radius)} niet: zoek verder of laat een aanbod op maat maken"
    return TailoredVerdict(True, reason + ".", ctx.keywords or [wishes])


def _wishes(ctx) -> str:
    if ctx.keywords:
        return ", ".join(f"'{k}'" for k in ctx.keywords)
    top = sorted(ctx.category_affinity.items(), key=lambda kv: -kv[1])[:2]
    return " of ".join(CATEGORY_LABELS[c] for c, _ in top)

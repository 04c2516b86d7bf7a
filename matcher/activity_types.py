"""Which kinds of activity a listing is, and which target groups it is for, from its own words.

Computed at import (the index step) and stored with the listing; an editor can correct both (see
catalog/model.py: type_edits). A type counts when its listing words occur often or prominently
enough (a word in the title weighs double), and weighs less when none of its categories is one of
the listing's own: "koffie na afloop" does not make a walking group a coffee morning.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import sys
from dataclasses import dataclass, field

from catalog.model import Activity
from matcher import dutch, terms
from matcher.dutch import fold
from matcher.knowledge import knowledge

TITLE_WEIGHT = 2.0
MIN_SCORE = 1.5            # e.g. one specific title word, or two specific description words
RELATIVE_TO_BEST = 0.4     # a second type must reach this share of the best one's score
MAX_TYPES = 4
FALLBACK_SCORE = 0.5
OFF_CATEGORY = 0.4         # a type none of whose categories the listing has
AGE_SLACK_DOWN, AGE_SLACK_UP = 10, 5   # a 45+ listing is for the 55+, an 18-32 one for those up to 27


@dataclass
class Assignment:
    types: list[str]
    groups: list[str]
    evidence: dict[str, list[str]] = field(default_factory=dict)  # type or group -> the words that made it


def assign(a: Activity) -> Assignment:
    k = knowledge()
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    group_hits: dict[str, list[str]] = {}
    for text, weight in ((a.title, TITLE_WEIGHT), (a.description, 1.0)):
        for hit in k.listings.find(k.listings.tokens(text)):
            kind, key = hit.payload
            if hit.negated:   # "geen ervaring nodig", "niet alleen voor mantelzorgers"
                continue
            if kind == "group":
                group_hits.setdefault(key, []).append(hit.text)
                continue
            if hit.term in evidence.get(key, ()):
                continue
            evidence.setdefault(key, []).append(hit.term)
            specific = k.listing_term_share.get(fold(hit.term), 1) ** -0.5   # "vrijwilliger" in ten kinds
            scores[key] = scores.get(key, 0.0) + weight * specific * (1 + 0.5 * (len(hit.term.split()) - 1))
    own = set(a.categories)
    for key in scores:
        if own.isdisjoint(k.taxonomy.types[key].categories):
            scores[key] *= OFF_CATEGORY
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best = ranked[0][1] if ranked else 0.0
    types = [key for key, s in ranked if s >= MIN_SCORE and s >= RELATIVE_TO_BEST * best][:MAX_TYPES]
    if not types:   # weak words only: the best kind that is of the listing's main category, if any
        main = a.categories[0] if a.categories else None
        types = [key for key, s in ranked if s >= FALLBACK_SCORE and main in k.taxonomy.types[key].categories][:1]
    # A volunteer job that serves a group (taalmaatje voor nieuwkomers, bezoek bij ouderen) is for
    # the volunteers, not for that group: its words name no target group.
    serving = bool(a.categories) and a.categories[0] == "vrijwilligerswerk"
    groups = dict.fromkeys(g for g in group_hits if not serving)   # its ages still say who may help
    for key in types if not serving else ():
        groups.update(dict.fromkeys(k.taxonomy.types[key].groups))
    groups.update(dict.fromkeys(_age_groups(a)))
    return Assignment(types, list(groups), {**{t: evidence[t] for t in types}, **group_hits})


@functools.lru_cache(maxsize=1)
def knowledge_version() -> str:
    """Changes whenever assign() could give another answer: the taxonomy or the code that reads it
    (a listing typed under another version is typed again: matcher/index/retype.py)."""
    code = "".join(inspect.getsource(m) for m in (dutch, terms, sys.modules[__name__]))
    return hashlib.sha256((knowledge().taxonomy.version + code).encode()).hexdigest()[:12]


def _age_groups(a: Activity) -> list[str]:
    """The age groups whose range the listing's own ages keep to (with some slack): a 50+ walk is
    for seniors, an 18-30 group for young people, a listing open from 18 for nobody in particular."""
    found = []
    for key, group in knowledge().taxonomy.groups.items():
        if group.kind != "age":
            continue
        if group.max_age is not None:   # young people, children: the listing must stop near the top
            if a.max_age is not None and a.max_age <= group.max_age + AGE_SLACK_UP \
                    and (a.min_age is None or group.min_age is None or a.min_age >= group.min_age - 2):
                found.append(key)
        elif group.min_age is not None:   # seniors: the listing must start near the bottom
            if a.min_age is not None and a.min_age >= group.min_age - AGE_SLACK_DOWN:
                found.append(key)
    return found

"""How a listing's kinds, needs and target groups meet an intake's wishes, for thousands at once.

Each listing carries one small bit vector (its types, the needs those serve, its target groups and
categories), computed once per listing version and kept as a row of one shared matrix (the listing
holds its row number), so that the rows of thousands of listings are gathered in one numpy take; an
intake becomes a few masks. Every signal is then an AND over that matrix.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

import numpy as np

from catalog.model import CATEGORIES, Activity
from matcher.activity_types import assign
from matcher.intake import Intake, Wish
from matcher.knowledge import knowledge

USEFUL_NEEDS = ("nuttig_voelen", "werk_ervaring", "structuur_dagritme")  # what volunteering serves


class Layout:
    """Where each type, need, group and category sits in the bit vector."""

    def __init__(self):
        t = knowledge().taxonomy
        names = ([("type", k) for k in t.types] + [("need", k) for k in t.needs]
                 + [("group", k) for k in t.groups] + [("category", c) for c in CATEGORIES])
        self.position = {name: i for i, name in enumerate(names)}
        self.words = (len(names) + 63) // 64
        self.group_kind = {k: g.kind for k, g in t.groups.items()}

    def mask(self, names) -> np.ndarray:
        value = 0
        for name in names:
            i = self.position.get(name)
            if i is not None:
                value |= 1 << i
        return np.array([(value >> (64 * w)) & 0xFFFFFFFFFFFFFFFF for w in range(self.words)], dtype=np.uint64)

    def kind_mask(self, kind: str, keys=None) -> np.ndarray:
        return self.mask((kind, k) for k in (keys if keys is not None else
                                             [n for (kd, n) in self.position if kd == kind]))


@functools.lru_cache(maxsize=1)
def layout() -> Layout:
    return Layout()


def activity_types(a: Activity) -> tuple[list[str], list[str]]:
    """The listing's types and target groups: as stored (import or editor), else assigned now."""
    if a.types is None or a.target_groups is None:
        assigned = assign(a)
        return (a.types if a.types is not None else assigned.types,
                a.target_groups if a.target_groups is not None else assigned.groups)
    return a.types, a.target_groups


class _Rows:
    """The bit vectors of every listing seen, one row each (a changed listing gets a new row)."""

    def __init__(self):
        self.matrix = np.zeros((1024, layout().words), dtype=np.uint64)
        self.used = 0
        self._lock = threading.Lock()

    def add(self, row: np.ndarray) -> int:
        with self._lock:
            if self.used == len(self.matrix):
                self.matrix = np.vstack([self.matrix, np.zeros_like(self.matrix)])
            self.matrix[self.used] = row
            self.used += 1
            return self.used - 1


@functools.lru_cache(maxsize=1)
def _rows() -> _Rows:
    return _Rows()


def _row(a: Activity) -> int:
    if a.knowledge_bits is None:
        t = knowledge().taxonomy
        types, groups = activity_types(a)
        needs = {n for key in types if key in t.types for n in t.types[key].needs}
        names = ([("type", k) for k in types] + [("need", n) for n in needs]
                 + [("group", g) for g in groups] + [("category", c) for c in a.categories])
        a.knowledge_bits = _rows().add(layout().mask(names))
    return a.knowledge_bits


def bits(a: Activity) -> np.ndarray:
    row = _row(a)   # first: adding a row may grow the matrix
    return _rows().matrix[row]


def bit_matrix(activities: list[Activity]) -> np.ndarray:
    """One row per listing, gathered in one take."""
    rows = np.fromiter((_row(a) for a in activities), dtype=np.int64, count=len(activities))
    return _rows().matrix[rows]


@dataclass
class Masks:
    """The intake, as masks over the bit vector."""
    keyword_wishes: list[np.ndarray]        # per keyword wish: its types, named categories, groups
    keyword_families: list[np.ndarray]      # per keyword wish: the categories of all that
    narrative_types: np.ndarray
    needs: np.ndarray
    n_needs: int
    member_groups: np.ndarray               # situation and condition groups the client is in
    age_groups: np.ndarray                  # age groups the client is in
    age_known: bool
    situation: np.ndarray                   # every situation group
    condition: np.ndarray
    age: np.ndarray
    refused: np.ndarray
    refused_kinds: np.ndarray
    useful: bool                            # the client wants to feel useful, structure, work
    asks_volunteering: bool                 # ... or a keyword names volunteering itself
    volunteering: np.ndarray


def wish_mask(w: Wish) -> np.ndarray:
    if w.mask is None:
        names = [("type", k) for k in w.types] + [("category", c) for c in w.categories] + \
                [("group", g) for g in w.groups]
        if not names:
            names = [("need", n) for n in w.needs]
        w.mask = layout().mask(names)
    return w.mask


def family_mask(w: Wish) -> np.ndarray:
    t = knowledge().taxonomy
    categories = set(w.categories) | {t.types[k].categories[0] for k in w.types if k in t.types}
    return layout().kind_mask("category", categories)


def refused_kinds(intake: Intake) -> list[tuple[str, str]]:
    """The kinds of activity the client refuses that no keyword asks for: "niet in de kerk" holds
    even against a church choir that "zingen" asks for (a choir is no church)."""
    wanted = {k for w in intake.keyword_wishes for k in w.types}
    return [("type", k) for k in intake.refused_types if k not in wanted]


def masks(intake: Intake) -> Masks:
    lay = layout()
    kw = [w for w in intake.keyword_wishes if w.understood]
    groups = intake.groups
    kinds = lay.group_kind
    return Masks(
        keyword_wishes=[wish_mask(w) for w in kw],
        keyword_families=[family_mask(w) for w in kw],
        narrative_types=lay.kind_mask("type", [k for w in intake.wishes if w.source == "narrative" for k in w.types]),
        needs=lay.kind_mask("need", intake.needs), n_needs=len(intake.needs),
        member_groups=lay.kind_mask("group", [g for g in groups if kinds.get(g) != "age"]),
        age_groups=lay.kind_mask("group", [g for g in groups if kinds.get(g) == "age"]),
        age_known=intake.age_known,
        situation=lay.kind_mask("group", [g for g, k in kinds.items() if k == "situation"]),
        condition=lay.kind_mask("group", [g for g, k in kinds.items() if k == "condition"]),
        age=lay.kind_mask("group", [g for g, k in kinds.items() if k == "age"]),
        refused=lay.mask([("type", k) for k in intake.refused_types] + [("category", c) for c in intake.refused_categories]
                         + [("group", g) for g in intake.refused_groups]),
        refused_kinds=lay.mask(refused_kinds(intake)),
        useful=any(n in intake.needs for n in USEFUL_NEEDS),
        # A narrative's words say who the client is ("werkt in de administratie"); that the client
        # wants to volunteer shows in the need to feel useful or in a keyword that says so. Not in a
        # hobby that some volunteer job also serves ("voetbal"), and not in wanting work or a rhythm
        # (in the judged sets such clients were given volunteering one time in six).
        asks_volunteering="nuttig_voelen" in intake.needs or any(w.asks_to_volunteer for w in intake.keyword_wishes),
        volunteering=lay.kind_mask("category", ["vrijwilligerswerk"]))


def _any(matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return (matrix & mask).any(axis=1)


def _count(matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
    both = matrix & mask
    return np.unpackbits(both.view(np.uint8), axis=1).sum(axis=1)


KNOWLEDGE_SIGNALS = ("keyword_types", "keyword_coverage", "keyword_family", "narrative_types", "need_fit",
                     "group_member", "age_group_fit", "group_outsider", "condition_unmentioned", "refused",
                     "volunteer_need", "volunteer_unasked")


def knowledge_signals(m: Masks, activities: list[Activity]) -> dict[str, np.ndarray]:
    """Every knowledge signal for many listings: name -> one value per listing (see signals.py)."""
    n = len(activities)
    if n == 0:
        return {name: np.zeros(0) for name in KNOWLEDGE_SIGNALS}
    matrix = bit_matrix(activities)
    out = {}
    # Whether it is of a kind some keyword asks for (an unrelated extra keyword takes nothing away),
    # and the share of the keywords it covers (one listing for two wishes ranks above one for one).
    kinds = np.array([_any(matrix, w) for w in m.keyword_wishes]) if m.keyword_wishes else np.zeros((1, n), bool)
    out["keyword_types"] = kinds.any(axis=0).astype(float)
    out["keyword_coverage"] = kinds.mean(axis=0)
    out["keyword_family"] = (np.array([_any(matrix, w) for w in m.keyword_families]).any(axis=0).astype(float)
                             if m.keyword_families else np.zeros(n))
    out["narrative_types"] = np.minimum(_count(matrix, m.narrative_types), 2) / 2.0
    out["need_fit"] = _count(matrix, m.needs) / max(m.n_needs, 1)
    member = _any(matrix, m.member_groups)
    out["group_member"] = member.astype(float)
    in_age = _any(matrix, m.age_groups)
    out["age_group_fit"] = (in_age.astype(float) - (_any(matrix, m.age) & ~in_age)) if m.age_known else np.zeros(n)
    out["group_outsider"] = (_any(matrix, m.situation) & ~member).astype(float)
    out["condition_unmentioned"] = (_any(matrix, m.condition) & ~member).astype(float)
    # A refusal ("geen sport") does not hold against what the coach's keywords ask for ("wandelen"),
    # unless it refuses a kind of its own that the keywords do not ask for (refused_kinds).
    wanted = np.zeros(n, dtype=bool)
    for w in m.keyword_wishes:
        wanted |= _any(matrix, w)
    out["refused"] = ((_any(matrix, m.refused) & ~wanted) | _any(matrix, m.refused_kinds)).astype(float)
    volunteering = _any(matrix, m.volunteering)
    out["volunteer_need"] = (volunteering & m.useful).astype(float)
    # a volunteer job for a client who wants to do the thing, not to help with it
    out["volunteer_unasked"] = (volunteering & (not m.asks_volunteering)).astype(float)
    return out


def meets(w: Wish, a: Activity) -> bool:
    """Whether this listing is of the kind the wish asks for (types, named categories, groups)."""
    return bool((bits(a) & wish_mask(w)).any())


def meets_many(w: Wish, activities: list[Activity]) -> np.ndarray:
    """`meets` for many listings at once."""
    if not activities:
        return np.zeros(0, dtype=bool)
    return _any(bit_matrix(activities), wish_mask(w))

"""The tailored verdict, wish by wish: which of the client's wishes a suggestion meets (named), which
none does (with the nearest fitting offer further away), and which nothing understood.

Each suggestion has a fit probability (signals.fit_probability, learned with the weights): the
chance that a coach would really propose it. A wish is *met* when the chance that at least one of
the suggestions of its kind is a real fit reaches the model's threshold: three suggestions that
each fit with 0.6 make a fit far likelier than one does. (On the twelve judged sets, leave one
municipality out, with the weights fixed, it gave a tailored F1 of 0.696 against 0.671 for the best
single suggestion; retrained with it, 0.679 against 0.674, the six blind sets 0.630 against 0.615.)
It is met by those suggestions, named. The overall verdict follows from the list by construction:
no tailored offer is needed exactly when some wish is met by a named suggestion.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from catalog.model import CATEGORY_LABELS, Activity
from catalog.taxonomy import taxonomy
from catalog.vocabulary import km
from matcher.intake import Intake, Wish
from matcher.keywords import keyword_hits
from matcher.wish_fit import meets

LOOK_FURTHER_FACTOR = 3    # how much wider to look for the advice "nearest fitting offer"
LOOK_FURTHER_MAX_KM = 25.0
MET, UNMET, NOT_UNDERSTOOD = "met", "unmet", "not_understood"
NAMED_FIT = 0.2   # a suggestion of the wish's kind is named as meeting it from this fit (the best always)


@dataclass
class WishVerdict:
    wish: str                  # the coach's words
    source: str                # keyword, narrative or need
    status: str                # met, unmet, not_understood
    kinds: list[str]           # what the wish was understood as (type labels, categories, needs)
    categories: list[str] = field(default_factory=list)   # the categories it stands for (intake record)
    met_by: list[str] = field(default_factory=list)   # ids of the suggestions that meet it
    chance: float = 0.0        # that at least one suggestion of its kind is a real fit
    nearest: tuple[str, str, float] | None = None      # (id, title, km) of the nearest fitting offer beyond
    # reach, looked up when no wish is met (the coach must then search further)


@dataclass
class TailoredVerdict:
    needed: bool
    reason: str
    wishes: list[WishVerdict]

    @property
    def unmet_wishes(self) -> list[str]:
        return [w.wish for w in self.wishes if w.status != MET]


def understood_as(w: Wish) -> list[str]:
    t = taxonomy()
    kinds = [t.label(k) for k in w.types] + [CATEGORY_LABELS[c] for c in w.categories]
    kinds += [t.groups[g].label for g in w.groups if g in t.groups]
    if not kinds:
        kinds = [t.needs[n].label for n in w.needs if n in t.needs]
    return kinds or (["de woorden zelf"] if w.literal or w.real_words else [])


def categories_of(w: Wish) -> list[str]:
    """The categories a wish stands for: those it names, else the main one of each type found."""
    t = taxonomy()
    found = list(w.categories) or [t.types[k].categories[0] for k in w.types if k in t.types and t.types[k].categories]
    return list(dict.fromkeys(found))


def need_wishes(intake: Intake) -> list[Wish]:
    """The deeper needs as wishes of their own ("onder de mensen komen"), for intakes whose words
    name a need rather than an activity."""
    t = taxonomy()
    return [Wish(t.needs[n].label, "need", needs={n: ev}) for n, ev in intake.needs.items() if n in t.needs]


def wish_is_met_by(w: Wish, a: Activity, term_ids) -> bool:
    if meets(w, a):
        return True
    return w.source == "keyword" and bool(keyword_hits([w.text], a, term_ids))


def chance_of_a_fit(fits: list[float]) -> float:
    """That at least one of several suggestions is a real fit, each judged on its own."""
    return 1.0 - math.prod(1.0 - f for f in fits)


def named(of_kind: list[tuple[object, float]]) -> list[str]:
    """The suggestions (with their fits, best first) named as meeting a wish: those that add to its chance."""
    return [s.activity.id for n, (s, fit) in enumerate(of_kind) if n == 0 or fit >= NAMED_FIT]


def tailored_verdict(intake: Intake, suggestions: list, fit_of: Callable[[object], float], threshold: float,
                     reach_km: float, any_feasible: bool, term_ids,
                     look_further: Callable[[list[Wish], float], dict]) -> TailoredVerdict:
    """`suggestions`: what the coach is shown, best first; `fit_of(s)`: its fit probability;
    `threshold`: the chance a wish needs to count as met; `look_further(wishes, radius)`: per wish
    (by index) the nearest candidate beyond reach whose fit alone reaches the threshold."""
    wishes = [*intake.wishes, *need_wishes(intake)]
    fits = [(s, fit_of(s)) for s in suggestions]   # each computed once, for every wish
    verdicts, open_wishes = [], []
    for w in wishes:
        kinds = understood_as(w)
        if not w.understood:
            verdicts.append(WishVerdict(w.text, w.source, NOT_UNDERSTOOD, []))
            continue
        of_kind = sorted(((s, f) for s, f in fits if wish_is_met_by(w, s.activity, term_ids)), key=lambda sf: -sf[1])
        chance = chance_of_a_fit([f for _, f in of_kind])
        by = named(of_kind) if chance >= threshold else []
        verdicts.append(WishVerdict(w.text, w.source, MET if by else UNMET, kinds, categories_of(w), by,
                                    chance=round(chance, 3)))
        if not by and w.source != "need":
            open_wishes.append((len(verdicts) - 1, w))
    fitting = list(dict.fromkeys(i for v in verdicts for i in v.met_by))
    reach = km(reach_km)
    met = [v for v in verdicts if v.status == MET]
    radius = min(reach_km * LOOK_FURTHER_FACTOR, LOOK_FURTHER_MAX_KM)
    if open_wishes and not met:   # the advice where it is needed: nothing fits within reach
        nearest = look_further([w for _, w in open_wishes], radius)
        for n, (i, _) in enumerate(open_wishes):
            if (c := nearest.get(n)) is not None:
                verdicts[i].nearest = (c.activity.id, c.activity.title, round(c.distance_km, 2))
    puzzling = [v.wish for v in verdicts if v.status == NOT_UNDERSTOOD]
    unclear = f" Niet begrepen: {', '.join(repr(w) for w in puzzling)}." if puzzling else ""
    if met:
        reason = f"{len(fitting)} passende activiteit(en) binnen {reach}, voor " + \
                 ", ".join(f"'{v.wish}'" for v in met[:4]) + "."
        return TailoredVerdict(False, reason + unclear, verdicts)
    understood = [v for v in verdicts if v.status != NOT_UNDERSTOOD]
    if not understood:
        said = ", ".join(f"'{v.wish}'" for v in verdicts) or "geen wensen"
        reason = (f"De wensen zijn niet begrepen ({said}): beschrijf wat de cliënt graag doet of deed, "
                  "dan kan er gezocht worden.")
        return TailoredVerdict(True, reason, verdicts)
    asked = ", ".join(f"'{v.wish}'" for v in understood if v.source != "need") or \
        " of ".join(f"'{v.wish}'" for v in understood)
    if not any_feasible:
        reason = f"Binnen {reach} is geen activiteit die aan de harde voorwaarden voldoet, dus ook geen voor {asked}"
    else:
        reason = f"Binnen {reach} is geen passend aanbod voor {asked}"
    further = sorted((v.nearest for v in verdicts if v.nearest), key=lambda n: n[2])
    if further:
        reason += f"; het dichtstbijzijnde passende aanbod is '{further[0][1]}' op {km(further[0][2])}"
    else:
        reason += f"; ook binnen {km(radius)} niet: zoek verder of laat een aanbod op maat maken"
    return TailoredVerdict(True, reason + "." + unclear, verdicts)

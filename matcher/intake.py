"""What an intake asks for: the client's wishes (each keyword, and the kinds of activity the narrative
points to) with the words that show them, the needs behind them, the groups the client is in, and
what the client refuses. Constraints ("weinig geld", "dichtbij huis") are never wishes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from matcher.knowledge import knowledge
from matcher.profile import ClientProfile
from matcher.dutch import is_real_word
from matcher.terms import STOPWORDS, Hit


@dataclass
class Wish:
    text: str                      # the coach's keyword, or the narrative's words
    source: str                    # "keyword" or "narrative"
    types: dict[str, list[str]] = field(default_factory=dict)       # type -> evidence
    categories: dict[str, list[str]] = field(default_factory=dict)  # category named by the wish
    needs: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)      # "mantelzorger": peers of that group
    literal: bool = False          # the keyword's words occur in some listing of the catalog
    real_words: bool = False       # its words are words of a language (not "asdfgh")
    mask: object = field(default=None, repr=False, compare=False)   # its bits (wish_fit.wish_mask), cached

    @property
    def asks_to_volunteer(self) -> bool:
        """It names volunteering itself ("vrijwilligerswerk", "iets voor een ander"), not only a kind
        of activity that volunteer jobs also serve ("voetbal")."""
        return any(key in (self.categories if kind == "category" else self.types) for kind, key in VOLUNTEERING)

    @property
    def understood(self) -> bool:
        return bool(self.types or self.categories or self.needs or self.groups or self.literal or self.real_words)


@dataclass
class Intake:
    keywords: list[str]
    wishes: list[Wish]
    needs: dict[str, list[str]]
    groups: dict[str, list[str]]            # groups the client is in, with evidence
    refused_types: dict[str, list[str]]
    refused_categories: dict[str, list[str]]
    refused_groups: dict[str, list[str]]
    constraints: dict[str, list[str]]
    wish_types: dict[str, float] = field(default_factory=dict)   # type -> strength (keyword 1, narrative less)
    age_known: bool = False                 # an age group can only be judged when the coach gave the age

    @property
    def keyword_wishes(self) -> list[Wish]:
        return [w for w in self.wishes if w.source == "keyword"]


# The words that name volunteering itself: the category, and the kind "find me volunteer work".
VOLUNTEERING = (("category", "vrijwilligerswerk"), ("type", "vrijwilligerscentrale"))
NARRATIVE_STRENGTH = 0.5   # a type the narrative points to, against one the coach put in a keyword


def split_keywords(interests: str) -> list[str]:
    return [k.strip() for k in re.split(r"[,;\n]", interests or "") if k.strip() and re.search(r"\w", k)]


def _collect(hits: list[Hit]) -> tuple[dict, dict, list[tuple[str, str]]]:
    """Hits split into wanted and refused (kind -> key -> evidence), and the constraints."""
    wanted: dict[str, dict[str, list[str]]] = {}
    refused: dict[str, dict[str, list[str]]] = {}
    constraints = []
    for hit in hits:
        kind, key = hit.payload
        if kind == "constraint":
            constraints.append((key, hit.text))
            continue
        if kind == "idiom":
            kind, key = key
        if kind == "group_named":
            if not hit.negated:
                continue
            kind = "group"
        target = refused if hit.negated else wanted
        bucket = target.setdefault(kind, {}).setdefault(key, [])
        if hit.text not in bucket:
            bucket.append(hit.text)
    return wanted, refused, constraints


def _find(tokens, index) -> tuple[set[int], list[Hit]]:
    """Every term in the tokens, where a constraint phrase ("weinig geld") takes its words from the
    other terms; and the token positions the constraints cover."""
    hits = index.find(tokens)
    covered, claimed = set(), set()   # constraints' words (a keyword of only those is no wish); idioms' too
    for hit in hits:
        if hit.payload[0] in ("constraint", "idiom"):
            span = range(hit.start, hit.start + len(hit.term.split()))
            (covered if hit.payload[0] == "constraint" else claimed).update(span)
    taken = covered | claimed
    return covered, [h for h in hits if h.payload[0] in ("constraint", "idiom")
                     or taken.isdisjoint(range(h.start, h.start + len(h.term.split())))]


def analyse(profile: ClientProfile, literal_words=None) -> Intake:
    """`literal_words(keyword) -> bool`: whether the keyword's words occur in a listing (the catalog
    knows the word even when the taxonomy does not)."""
    k = knowledge()
    index = k.intakes
    keywords = split_keywords(profile.interests)
    needs: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    refused = {"type": {}, "category": {}, "group": {}}
    constraints: dict[str, list[str]] = {}
    wishes: list[Wish] = []

    def absorb(wanted, refusals, found_constraints):
        for kind, bucket in (("need", needs), ("group", groups)):
            for key, ev in wanted.get(kind, {}).items():
                bucket.setdefault(key, []).extend(e for e in ev if e not in bucket.get(key, []))
        for kind in refused:
            for key, ev in refusals.get(kind, {}).items():
                refused[kind].setdefault(key, []).extend(ev)
        for name, text in found_constraints:
            constraints.setdefault(name, []).append(text)

    for keyword in keywords:
        tokens = k.keywords.tokens(keyword, typos=True)
        covered, hits = _find(tokens, k.keywords)
        wanted, refusals, found = _collect(hits)
        absorb(wanted, refusals, found)
        if covered and len(covered) == len(tokens):
            continue   # the whole keyword is a condition ("weinig geld"), not a wish
        if (refusals and not wanted) or (tokens and all(t.negated for t in tokens if t.word not in STOPWORDS)):
            continue   # "geen sport", "niet in de kerk": a refusal, not a wish (also when we do not know of what)
        wish = Wish(keyword, "keyword", wanted.get("type", {}), wanted.get("category", {}),
                    wanted.get("need", {}), wanted.get("group", {}))
        wish.literal = bool(literal_words and literal_words(keyword))
        content = [t.word for t in tokens if t.word not in STOPWORDS]
        wish.real_words = bool(content) and all(is_real_word(w, profile.languages) for w in content)
        wishes.append(wish)

    _volunteer_jobs(wishes, k)

    if profile.narrative:
        tokens = index.tokens(profile.narrative, names=True)
        covered, hits = _find(tokens, index)
        wanted, refusals, found = _collect(hits)
        absorb(wanted, refusals, found)
        claimed = {t for w in wishes for t in w.types}
        by_words: dict[str, dict[str, list[str]]] = {}   # one wish per phrase, with every type it points to
        for key, ev in wanted.get("type", {}).items():
            if key not in claimed:
                by_words.setdefault(ev[0], {})[key] = ev
        for text in sorted(by_words, key=len):   # "zingt" within "zingt graag": one wish
            longer = next((o for o in by_words if o != text and f" {text} " in f" {o} "), None)
            if longer is not None:
                by_words[longer].update(by_words.pop(text))
        wishes += [Wish(text, "narrative", types) for text, types in by_words.items()]
        if _is_volunteering(hits):   # only a narrative that speaks of volunteering is read for whom to help
            wishes += _narrative_volunteer_jobs(profile.narrative, k, claimed | {t for w in wishes for t in w.types})

    groups.update(_age_groups(profile))
    if profile.languages and "nl" not in profile.languages:   # learning Dutch: a taalcafé is for them
        groups.setdefault("nieuwkomers", []).append("spreekt geen Nederlands")
    wish_types: dict[str, float] = {}
    for w in wishes:
        strength = 1.0 if w.source == "keyword" else NARRATIVE_STRENGTH
        for key in w.types:
            wish_types[key] = max(wish_types.get(key, 0.0), strength)
    for key in refused["type"]:
        wish_types.pop(key, None)
    return Intake(keywords, wishes, needs, groups, refused["type"], refused["category"], refused["group"],
                  constraints, wish_types, profile.age is not None)


def _is_volunteering(hits) -> bool:
    return any(not h.negated and h.payload in VOLUNTEERING for h in hits)


def _jobs_in(text: str, k) -> dict[str, list[str]]:
    """The kinds of volunteer job a text's words name (knowledge.VOLUNTEER_FOR), with the words."""
    found: dict[str, list[str]] = {}
    for hit in k.volunteer_for.find(k.volunteer_for.tokens(text)):
        if not hit.negated and hit.text not in found.setdefault(hit.payload[1], []):
            found[hit.payload[1]].append(hit.text)
    return found


def _volunteer_jobs(wishes: list[Wish], k) -> None:
    """A volunteering keyword names its job ("vrijwilligerswerk zorg"); beside one, a keyword of
    whom to help does too ("ouderen" next to "vrijwilligerswerk")."""
    volunteering = [w for w in wishes if w.asks_to_volunteer]
    for w in wishes:
        if w in volunteering or (volunteering and not w.types):
            for key, ev in _jobs_in(w.text, k).items():
                w.types.setdefault(key, ev)


def _narrative_volunteer_jobs(narrative: str, k, claimed: set[str]) -> list[Wish]:
    """In a sentence about volunteering, the words of whom to help: "wil vrijwilligerswerk, het
    liefst met ouderen of zieken" asks for a visiting or care volunteer job."""
    by_words: dict[str, dict[str, list[str]]] = {}
    for sentence in re.split(r"[.!?;\n]+", narrative):
        if _is_volunteering(k.intakes.find(k.intakes.tokens(sentence))):
            for key, ev in _jobs_in(sentence, k).items():
                if key not in claimed:
                    by_words.setdefault(ev[0], {})[key] = ev
    return [Wish(text, "narrative", types) for text, types in by_words.items()]


def _age_groups(profile: ClientProfile) -> dict[str, list[str]]:
    if profile.age is None:
        return {}
    found = {}
    for key, group in knowledge().taxonomy.groups.items():
        if group.kind == "age" and (group.min_age is None or profile.age >= group.min_age) \
                and (group.max_age is None or profile.age <= group.max_age):
            found[key] = [f"{profile.age} jaar"]
    return found

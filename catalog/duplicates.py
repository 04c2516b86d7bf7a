"""Duplicate listings: one real-world activity listed twice, usually by two organisations (the
library and the volunteer centre both list the language café), sometimes by one.

    find_duplicates(activities_with_embeddings, dismissed) -> [Candidate, ...], best first

Only listings within RADIUS_KM of each other are compared: a grid of cells RADIUS_KM wide puts
each listing next to those of its own and the eight neighbouring cells, so a national catalog is
never compared pair by pair. Of those pairs, the ones whose texts mean nearly the same (e5 cosine
>= MIN_COSINE) are scored with the signals below, each 0..1, weighted by WEIGHTS (sum 1); a pair
is a candidate from MIN_SCORE. A duplicate is the same activity at the same place and time, so
place and time weigh as much as the text. Measured on the demo and the judged dev catalog:
benchmarks/duplicates_eval.py.

- meaning: duplicates are written by different people, so their words differ but their e5
  vectors agree (0.87-0.94 on the known pairs); e5 cosines of unrelated activities bunch at
  0.75-0.90, hence the scale from MIN_COSINE (0) to FULL_COSINE (1).
- time: a shared weekly slot (same day and start) is the strongest sign that two texts describe
  one meeting; 0.5 when a listing has no schedule (says nothing either way), 0 when none is shared.
- title: the share of words in common, weighted by how rare each word is in the catalog (IDF) and
  matched with rapidfuzz (Repaircafé = Repair Café, vrijwilliger = vrijwilligers). Place names
  are left out: the words of the catalog's neighbourhoods and street names, and a venue's own
  words (used by VENUE_LISTINGS other listings at the same postcode: "De Clomp", "bibliotheek").
  The place signal already counts them, and in titles they made plain fuzzy scores useless
  ("Buurtteam Hoge Landen" and "Buurtvaders Hoge Landen" are not one activity).
- description: the same for the descriptions (weighs little: rewritten texts share few words).
- place: 1 for the same 6-character postcode (coordinates are often geocoded or placed by hand,
  a few hundred metres off), else falling from 1 at 0 m to 0 at PLACE_KM: further apart are two
  venues, and only the same name at the same time still makes one activity (an organiser
  listing its office address).
- organisation: 1 for two organisations, the typical duplicate; one organisation's own listings
  share venue, hours and writing style without being one activity, so they need more evidence.
- categories: 1 if the two share a category (organisations tag differently, so one is enough).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from catalog.geo import EARTH_RADIUS_KM
from catalog.model import CATEGORIES, CATEGORY_LABELS, Activity

RADIUS_KM = 1.5      # pairs further apart are never compared
PLACE_KM = 1.0       # the place signal is 0 from here
MIN_COSINE = 0.85    # pairs below are not scored (the known pairs: 0.87 and up)
FULL_COSINE = 0.95   # the meaning signal is 1 from here: (nearly) the same text
WEIGHTS = {
    "meaning": 0.15, "time": 0.20, "title": 0.20, "description": 0.05,
    "place": 0.25, "organisation": 0.10, "categories": 0.05,
}
MIN_SCORE = 0.62
UNKNOWN_TIME = 0.5   # time signal when a listing has no schedule
FUZZY_CUTOFF = 85    # rapidfuzz ratio from which two words are the same word
VENUE_LISTINGS = 2   # words this many other listings at the postcode use name the venue
_CHUNK = 512         # rows of a cell compared at once: bounds memory in dense city centres


@dataclass
class Candidate:
    """Two listings that may be one activity. `reasons` are short Dutch sentences for whoever
    merges or dismisses the pair; the other fields say what the two share."""
    a: str
    b: str
    score: float
    reasons: list[str]
    distance_km: float
    same_organisation: bool
    slots: list[str] = field(default_factory=list)       # shared weekly slots, "di 10:00-11:30"
    categories: list[str] = field(default_factory=list)  # shared category slugs
    words: list[str] = field(default_factory=list)       # rare title words in common, rarest first

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.a, self.b))


def find_duplicates(activities: list[Activity], dismissed: set[frozenset[str]] = frozenset(),
                    min_score: float = MIN_SCORE) -> list[Candidate]:
    """Likely duplicate pairs among the activities (each with .embedding set), highest score
    first. A dismissed pair (frozenset of the two ids) is never returned."""
    if len(activities) < 2:
        return []
    missing = [a.id for a in activities if a.embedding is None]
    if missing:
        raise ValueError(f"activities without an embedding: {', '.join(missing[:5])}")
    vectors = np.stack([np.asarray(a.embedding, dtype=np.float32) for a in activities])
    lat = np.array([a.lat for a in activities], dtype=float)
    lon = np.array([a.lon for a in activities], dtype=float)
    I, J, dist, cos = _near_pairs(lat, lon, vectors)

    # The signals that need no words, for all pairs at once; the rest only where they can matter.
    w = WEIGHTS
    org = _ids([a.organisation for a in activities], lambda o: " ".join(_tokens(o)))
    other_org = org[I] != org[J]
    cats = np.array([sum(1 << CATEGORIES.index(c) for c in set(a.categories) if c in CATEGORIES)
                     for a in activities], dtype=np.int64)
    postcode = _ids([a.postcode for a in activities], _postcode)
    place = np.where(postcode[I] == postcode[J], 1.0, np.clip(1.0 - dist / PLACE_KM, 0.0, 1.0))
    meaning = np.clip((cos - MIN_COSINE) / (FULL_COSINE - MIN_COSINE), 0.0, 1.0)
    base = (w["meaning"] * meaning + w["place"] * place + w["organisation"] * other_org
            + w["categories"] * ((cats[I] & cats[J]) != 0))
    # Upper bound of the time signal from a 64-bit fingerprint of each schedule (a shared bit
    # may be a coincidence, a shared slot always shares a bit): most pairs end here.
    prints = _schedule_prints(activities)
    time_bound = np.where((prints[I] & prints[J]) != 0, 1.0,
                          np.where((prints[I] == 0) | (prints[J] == 0), UNKNOWN_TIME, 0.0))
    hopeful = np.flatnonzero(base + w["time"] * time_bound + w["title"] + w["description"] >= min_score)

    texts = _Texts(activities, postcode) if len(hopeful) else None
    found = []
    for k in hopeful.tolist():
        i, j = int(I[k]), int(J[k])
        a, b = activities[i], activities[j]
        shared = _shared_slots(a, b)
        time = 1.0 if shared else (UNKNOWN_TIME if not a.schedule or not b.schedule else 0.0)
        score = float(base[k]) + w["time"] * time
        if score + w["title"] + w["description"] < min_score:
            continue
        venue = texts.venue(i, j)
        title, words = texts.title_similarity(i, j, venue)
        score += w["title"] * title
        if score + w["description"] < min_score:
            continue
        description = texts.description_similarity(i, j, venue)
        score += w["description"] * description
        if score < min_score or frozenset((a.id, b.id)) in dismissed:
            continue
        if b.id < a.id:
            a, b = b, a
        common = [c for c in a.categories if c in b.categories]
        found.append(Candidate(
            a=a.id, b=b.id, score=round(min(score, 1.0), 3),
            reasons=_reasons(a, b, float(dist[k]), float(cos[k]), title, words, description,
                             shared, common, bool(other_org[k])),
            distance_km=round(float(dist[k]), 3), same_organisation=not other_org[k],
            slots=[str(s) for s in shared], categories=common, words=words))
    found.sort(key=lambda c: (-c.score, c.a, c.b))
    return found


# --- pairs within reach -----------------------------------------------------------------------

def _near_pairs(lat: np.ndarray, lon: np.ndarray, vectors: np.ndarray):
    """(i, j, distance km, cosine) of the pairs i<j within RADIUS_KM whose cosine >= MIN_COSINE.
    Each cell meets itself and four of its eight neighbours (the other four meet it)."""
    step_lat = math.degrees(RADIUS_KM / EARTH_RADIUS_KM) * 1.001
    # Cells at least RADIUS_KM wide everywhere: the width of a degree of longitude at the
    # catalog's latitude furthest from the equator.
    step_lon = step_lat / max(math.cos(math.radians(float(np.abs(lat).max()))), 0.01)
    cy = np.floor(lat / step_lat).astype(np.int64)
    cx = np.floor(lon / step_lon).astype(np.int64)
    order = np.lexsort((cx, cy))
    keys = np.stack([cy[order], cx[order]], axis=1)
    starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])
    cells = {tuple(keys[s].tolist()): order[s:e] for s, e in zip(starts, np.r_[starts[1:], len(order)])}
    # Points as unit vectors: "within RADIUS_KM" is then one dot product per pair.
    rlat, rlon = np.radians(lat), np.radians(lon)
    xyz = np.stack([np.cos(rlat) * np.cos(rlon), np.cos(rlat) * np.sin(rlon), np.sin(rlat)], axis=1)
    near_dot = math.cos(RADIUS_KM / EARTH_RADIUS_KM)
    found_i, found_j, found_c = [], [], []
    for (y, x), members in cells.items():
        nearby = [cells.get(k) for k in ((y, x + 1), (y + 1, x - 1), (y + 1, x), (y + 1, x + 1))]
        others = np.concatenate([members] + [n for n in nearby if n is not None])
        for start in range(0, len(members), _CHUNK):
            rows = members[start:start + _CHUNK]
            cos = vectors[rows] @ vectors[others].T
            keep = (cos >= MIN_COSINE) & (xyz[rows] @ xyz[others].T >= near_dot)
            # within the own cell each pair once: the column after the row
            own = len(members)
            keep[:, :own] &= np.arange(own)[None, :] > (start + np.arange(len(rows)))[:, None]
            r, c = np.nonzero(keep)
            found_i.append(rows[r])
            found_j.append(others[c])
            found_c.append(cos[r, c])
    I, J = np.concatenate(found_i), np.concatenate(found_j)
    chord = np.linalg.norm(xyz[I] - xyz[J], axis=1)
    dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0))
    return I, J, dist, np.concatenate(found_c).astype(float)


def _ids(values: list[str], normalise) -> np.ndarray:
    """One integer per normalised value, so that all pairs are compared at once."""
    ids: dict[str, int] = {}
    known: dict[str, int] = {}
    for v in values:
        if v not in known:
            known[v] = ids.setdefault(normalise(v), len(ids))
    return np.array([known[v] for v in values], dtype=np.int64)


# --- time ---------------------------------------------------------------------------------------

def _schedule_prints(activities: list[Activity]) -> np.ndarray:
    """Per activity a 64-bit mask with one bit per (day, start) of its schedule (bits shared
    by more than 64 distinct starts); 0 for no schedule."""
    bit: dict[tuple[str, str], int] = {}
    prints = []
    for a in activities:
        mask = 0
        for s in a.schedule:
            mask |= 1 << (bit.setdefault((s.day, s.start), len(bit)) % 64)
        prints.append(mask)
    return np.array(prints, dtype=np.uint64)


def _shared_slots(a: Activity, b: Activity) -> list:
    """The slots of a that b also has: same day and same start."""
    starts = {(s.day, s.start) for s in b.schedule}
    return [s for s in a.schedule if (s.day, s.start) in starts]


# --- words --------------------------------------------------------------------------------------

_STREET = re.compile(r"\b\d+\S*")  # house numbers: "Stadsplein 3a" -> "Stadsplein"
_ACCENTS = re.compile(r"[\u0300-\u036f]")  # combining marks once NFKD has split them off


def _norm(text: str) -> str:
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text.lower()))  # Café -> cafe


def _postcode(text: str) -> str:
    return _norm(text).replace(" ", "")


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^\w]+|_", _norm(text)) if len(t) > 1]


class _Texts:
    """Titles and descriptions as words without place names, each word's IDF in this catalog,
    and memoised similarities (chains list one text in many places). A venue's words are
    found per pair: those that VENUE_LISTINGS other listings at the pair's postcodes use too."""

    def __init__(self, activities: list[Activity], postcodes: np.ndarray):
        places = {a.neighbourhood for a in activities} | {_STREET.sub(" ", a.address) for a in activities}
        self.places = {t for p in places for t in _tokens(p)}
        self._words: dict[str, tuple[str, ...]] = {}
        self.titles = [self._content(a.title) for a in activities]
        self.descriptions = [self._content(a.description) for a in activities]
        df = Counter()
        for t, d in zip(self.titles, self.descriptions):
            df.update(set(t) | set(d))
        n = len(activities)
        self.idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}  # always > 0
        self.rare = 0.5 * math.log((n + 1) / 1.5)  # words worth naming in a reason
        self.postcodes = postcodes
        self._at: dict[int, list[int]] | None = None
        self._counts: dict[int, dict[str, int]] = {}
        self._sets: dict[tuple, frozenset[str]] = {}
        self._memo: dict[tuple, tuple[float, list[str]]] = {}

    def _content(self, text: str) -> tuple[str, ...]:
        if text not in self._words:
            self._words[text] = tuple(t for t in _tokens(text) if t not in self.places)
        return self._words[text]

    def venue(self, i: int, j: int) -> set[str]:
        """The words of i and j that VENUE_LISTINGS other listings at i's or j's postcode use too."""
        if self._at is None:
            self._at = {}
            for k, code in enumerate(self.postcodes.tolist()):
                self._at.setdefault(code, []).append(k)
        mine, venue = self._set(i) | self._set(j), set()
        for code in {int(self.postcodes[i]), int(self.postcodes[j])}:
            pair = [self._set(k) for k in (i, j) if self.postcodes[k] == code]
            if len(self._at[code]) - len(pair) < VENUE_LISTINGS:
                continue
            if code not in self._counts:  # per postcode: its words used by enough listings
                count = Counter(w for k in self._at[code] for w in self._set(k))
                self._counts[code] = {w: c for w, c in count.items() if c >= VENUE_LISTINGS}
            count = self._counts[code]
            venue.update(w for w in mine & count.keys()
                         if count[w] - sum(w in p for p in pair) >= VENUE_LISTINGS)
        return venue

    def _set(self, i: int) -> frozenset[str]:
        key = (self.titles[i], self.descriptions[i])
        if key not in self._sets:
            self._sets[key] = frozenset(self.titles[i]) | frozenset(self.descriptions[i])
        return self._sets[key]

    def title_similarity(self, i: int, j: int, venue: set[str]) -> tuple[float, list[str]]:
        return self._similarity(self.titles[i], self.titles[j], venue)

    def description_similarity(self, i: int, j: int, venue: set[str]) -> float:
        return self._similarity(self.descriptions[i], self.descriptions[j], venue)[0]

    def _similarity(self, a: tuple[str, ...], b: tuple[str, ...], venue: set[str]) -> tuple[float, list[str]]:
        if venue:
            a = tuple(t for t in a if t not in venue)
            b = tuple(t for t in b if t not in venue)
        key = (a, b) if a <= b else (b, a)
        if key not in self._memo:
            self._memo[key] = self._compute(*key)
        return self._memo[key]

    def _compute(self, a: tuple[str, ...], b: tuple[str, ...]) -> tuple[float, list[str]]:
        """IDF-weighted share of the words of both texts that the other text has too. A word
        counts as found when a word of the other text, or two adjacent words written as one
        (Dutch compounds are written both ways), is the same up to spelling (rapidfuzz ratio
        >= FUZZY_CUTOFF)."""
        if not a or not b:
            return 0.0, []
        if a == b:
            found_a = np.ones(len(a))
            share = 1.0
        else:
            units_a, units_b = _units(a), _units(b)
            match = process.cdist(units_a, units_b, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF) / 100.0
            found_a = _word_credit(match.max(axis=1), len(a))
            found_b = _word_credit(match.max(axis=0), len(b))
            idf_a = np.array([self.idf[t] for t in a])
            idf_b = np.array([self.idf[t] for t in b])
            share = float((idf_a @ found_a + idf_b @ found_b) / (idf_a.sum() + idf_b.sum()))
        common = sorted({t for t, f in zip(a, found_a) if f > 0 and self.idf[t] >= self.rare},
                        key=lambda t: (-self.idf[t], t))
        return share, common


def _units(words: tuple[str, ...]) -> list[str]:
    """The words, then each two adjacent words written together."""
    return list(words) + [x + y for x, y in zip(words, words[1:])]


def _word_credit(best: np.ndarray, n: int) -> np.ndarray:
    """Per word: its own best match, or that of a two-word unit it is part of."""
    credit = best[:n].copy()
    pairs = best[n:]
    if len(pairs):
        credit[:-1] = np.maximum(credit[:-1], pairs)
        credit[1:] = np.maximum(credit[1:], pairs)
    return credit


# --- reasons ------------------------------------------------------------------------------------

def _reasons(a: Activity, b: Activity, dist: float, cos: float, title: float, words: list[str],
             description: float, shared: list, common: list[str], other_org: bool) -> list[str]:
    pct = lambda x: f"{round(100 * x)}%"  # noqa: E731
    quoted = ", ".join(f"'{w}'" for w in words[:3])
    if title >= 0.6:
        reasons = [f"titels lijken sterk op elkaar ({pct(title)})"]
    elif title >= 0.25:
        reasons = [f"titels lijken op elkaar ({pct(title)})" + (f": {quoted}" if quoted else "")]
    else:
        reasons = [f"titels verschillen ({pct(title)})"]
    if cos >= 0.92:
        reasons.append(f"beschrijving betekent vrijwel hetzelfde (cosinus {cos:.2f})")
    else:
        reasons.append(f"beschrijving lijkt qua betekenis op elkaar (cosinus {cos:.2f})")
    if description >= 0.5:
        reasons.append(f"beschrijvingen gebruiken grotendeels dezelfde woorden ({pct(description)})")
    if shared:
        reasons.append("zelfde dag en tijd: " + ", ".join(str(s) for s in shared))
    elif a.schedule and b.schedule:
        reasons.append("geen gedeelde dag en tijd")
    else:
        who = "geen van beide heeft" if not a.schedule and not b.schedule else \
            f"'{(b if a.schedule else a).title}' heeft geen"
        reasons.append(f"tijden niet te vergelijken: {who} vast rooster")
    where = (f"{round(dist * 1000, -1):.0f} m uit elkaar" if dist < 0.995
             else f"{dist:.1f} km uit elkaar".replace(".", ","))
    if _norm(a.address).strip() == _norm(b.address).strip():
        where += f", zelfde adres ({a.address})"
    elif _postcode(a.postcode) == _postcode(b.postcode):
        where += f", zelfde postcode ({a.postcode})"
    reasons.append(where)
    reasons.append(f"andere organisatie: {a.organisation} en {b.organisation}" if other_org
                   else f"zelfde organisatie: {a.organisation}")
    if common:
        reasons.append("zelfde categorie: " + ", ".join(CATEGORY_LABELS[c] for c in common))
    return reasons

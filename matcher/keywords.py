"""The coach's keywords, found literally in listings: Dutch inflections (wandel/wandelen) and a typo
in a longer word (scaken/schaken) count.

Listings are kept as arrays of word ids (one process-wide vocabulary): far smaller than sets of
strings, and thousands of listings are checked at once with numpy.
"""
from __future__ import annotations

import functools
import re
import threading

import numpy as np
from rapidfuzz import fuzz, process

from catalog.model import Activity

WORD = re.compile(r"[\wÀ-ÿ]+", re.UNICODE)
TermIds = dict[str, frozenset[int]]  # keyword term -> ids of the words that count as it


class Vocabulary:
    def __init__(self):
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self._lock = threading.Lock()

    def word_ids(self, a: Activity) -> np.ndarray:
        """The ids of the listing's words (title and description), computed once per activity."""
        if a.word_ids is None:
            words = WORD.findall(f"{a.title} {a.description}".lower())
            with self._lock:
                for w in words:
                    if w not in self.ids:
                        self.ids[w] = len(self.words)
                        self.words.append(w)
                a.word_ids = np.unique(np.fromiter((self.ids[w] for w in words), dtype=np.int32, count=len(words)))
        return a.word_ids


VOCABULARY = Vocabulary()


@functools.lru_cache(maxsize=4096)
def terms(keyword: str) -> tuple[str, ...]:
    return tuple(WORD.findall(keyword.lower()))


def _stem(term: str) -> str:
    return term[: max(4, len(term) - 2)]


def matching_ids(keywords: list[str], word_ids: np.ndarray) -> TermIds:
    """For each term of the keywords, which of these words count as it."""
    words = [VOCABULARY.words[i] for i in word_ids.tolist()]
    found = {}
    for term in {t for k in keywords for t in terms(k)}:
        if len(term) < 4:
            matches = [w for w in words if w == term]
        else:
            stem = _stem(term)
            similar = process.extract(term, [w for w in words if len(w) >= 5], scorer=fuzz.ratio,
                                      score_cutoff=88, limit=None)
            matches = [w for w in words if w.startswith(stem)] + [w for w, _, _ in similar]
        found[term] = frozenset(VOCABULARY.ids[w] for w in matches)
    return found


def keyword_hits(keywords: list[str], a: Activity, term_ids: TermIds | None = None) -> list[str]:
    """The keywords found in one listing (every word of a keyword, in some form)."""
    ids = VOCABULARY.word_ids(a)
    term_ids = term_ids if term_ids is not None else matching_ids(keywords, ids)
    present = set(ids.tolist())
    return [k for k in keywords if terms(k) and all(not term_ids.get(t, frozenset()).isdisjoint(present)
                                                     for t in terms(k))]


def keyword_fractions(keywords: list[str], activities: list[Activity]) -> tuple[np.ndarray, TermIds]:
    """The share of the keywords found in each listing, for many listings in a few numpy passes."""
    if not keywords or not activities:
        return np.zeros(len(activities)), {}
    arrays = [VOCABULARY.word_ids(a) for a in activities]
    lengths = np.fromiter((len(x) for x in arrays), dtype=np.int64, count=len(arrays))
    flat = np.concatenate(arrays)
    term_ids = matching_ids(keywords, np.unique(flat))
    # reduceat needs starts inside the array; listings without words are masked out below.
    starts = np.minimum(np.concatenate(([0], np.cumsum(lengths)[:-1])), max(len(flat) - 1, 0))
    hits = np.zeros(len(activities))
    for keyword in keywords:
        found = np.ones(len(activities), dtype=bool) if terms(keyword) else np.zeros(len(activities), dtype=bool)
        for term in terms(keyword):
            mask = np.zeros(len(VOCABULARY.words), dtype=bool)
            mask[list(term_ids[term])] = True
            # Per listing: does any of its words count as the term? (empty listings: no)
            per_listing = np.add.reduceat(mask[flat].astype(np.int32), starts) if len(flat) else np.zeros(len(starts))
            found &= (per_listing > 0) & (lengths > 0)
        hits += found
    return hits / len(keywords), term_ids

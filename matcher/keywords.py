"""The coach's keywords, found literally in listings: words compared by their Snowball stem (so
wandelen/wandeling count, and handig never matches handwerken), a keyword inside a compound
(moestuin in buurtmoestuin), and a typo in a longer word (scaken/schaken).

Listings are kept as arrays of word ids (one process-wide vocabulary): far smaller than sets of
strings, and thousands of listings are checked at once with numpy.
"""
from __future__ import annotations

import functools
import threading

import numpy as np
from rapidfuzz import fuzz, process

from catalog.model import Activity
from matcher.dutch import words as text_words
from matcher.knowledge import knowledge
from matcher.terms import SHORT, word_key

TYPO_MIN_LEN, TYPO_SCORE = 5, 88
TermIds = dict[str, frozenset[int]]  # keyword term -> ids of the words that count as it


class Vocabulary:
    def __init__(self):
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.by_key: dict[str, set[int]] = {}    # stem -> ids of the words with that stem
        self.by_part: dict[str, set[int]] = {}   # stem -> ids of compounds that have it as a part
        self._lock = threading.Lock()

    def word_ids(self, a: Activity) -> np.ndarray:
        """The ids of the listing's words (title and description), computed once per activity."""
        if a.word_ids is None:
            words = text_words(f"{a.title} {a.description}")
            with self._lock:
                for w in words:
                    if w not in self.ids:
                        self._add(w)
                a.word_ids = np.unique(np.fromiter((self.ids[w] for w in words), dtype=np.int32, count=len(words)))
        return a.word_ids


    def _add(self, word: str) -> None:
        i = self.ids[word] = len(self.words)
        self.words.append(word)
        self.by_key.setdefault(word_key(word), set()).add(i)
        if len(word) >= SHORT:
            for part in knowledge().intakes.lexicon.parts(word):
                self.by_part.setdefault(part, set()).add(i)

    def knows(self, keyword: str) -> bool:
        """Whether every word of the keyword occurs (in some form) in some listing seen so far."""
        ts = terms(keyword)
        return bool(ts) and all(word_key(t) in self.by_key or word_key(t) in self.by_part for t in ts)


VOCABULARY = Vocabulary()


@functools.lru_cache(maxsize=4096)
def terms(keyword: str) -> tuple[str, ...]:
    return tuple(text_words(keyword))


def matching_ids(keywords: list[str], word_ids: np.ndarray) -> TermIds:
    """For each term of the keywords, which words count as it: the same stem, a compound with it as
    a part, or (for longer words) a near spelling among these listings' words."""
    present = word_ids.tolist()
    long_words = None
    found = {}
    for term in {t for k in keywords for t in terms(k)}:
        key = word_key(term)
        ids = set(VOCABULARY.by_key.get(key, ()))
        if len(term) >= SHORT:
            ids |= VOCABULARY.by_part.get(key, set())
        if len(term) >= TYPO_MIN_LEN:
            if long_words is None:
                long_words = [VOCABULARY.words[i] for i in present if len(VOCABULARY.words[i]) >= TYPO_MIN_LEN]
            ids |= {VOCABULARY.ids[w] for w, _, _ in process.extract(term, long_words, scorer=fuzz.ratio,
                                                                        score_cutoff=TYPO_SCORE, limit=None)}
        found[term] = frozenset(ids)
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

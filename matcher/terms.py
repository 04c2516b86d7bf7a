"""Finding the taxonomy's terms in a text: every word stemmed, compounds through their parts, and
each occurrence marked when a negation covers it ("geen sport" is a refusal, not a wish).

A term matches where all its words occur in order as consecutive words, compared by stem; a one-word
term also matches a part of a compound ("moestuin" in "buurtmoestuin", "wandelen" in "wandelgroep").
Words under four letters ("ms", "nah") match only as the same whole word.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable

from rapidfuzz import fuzz, process

from matcher.dutch import is_common_word, proper_nouns, Lexicon, clauses, stem, verb_variants, words

SHORT = 4          # words shorter than this match only whole
TYPO_MIN_LEN = 5   # a word this long may be a typo of a known word (scaken -> schaken)
TYPO_SCORE = 86
MAX_GAP = 2          # small words a text may put between the words of a term ...
GAP_WORDS = frozenset("de het een in op aan bij met van voor naar te".split())   # ... and which (never "of", "niet")
# A term of one of these words alone would fire everywhere ("bij" the insect, "is" the state).
STOPWORDS = frozenset("""
de het een en of in op aan bij met van voor naar uit om te tot als dan dat die dit deze is was zijn
wordt worden heeft hebben had ik je jij hij zij ze we wij u men er hier daar ook nog al wel niet geen
maar want dus zo heel veel meer minder wat wie waar hoe kan kunnen wil willen moet moeten zal zou
mee door over onder tegen zonder na af toe ja nee goed leuk graag echt even iets niets alles
""".split())


def word_key(word: str) -> str:
    return word if len(word) < SHORT else stem(word)


@dataclass(frozen=True)
class Token:
    word: str
    keys: tuple[str, ...]       # the stem (the word itself when short), and verb forms it may be
    parts: tuple[str, ...]      # stems of a compound's parts
    negated: bool
    clause: int
    position: int


@dataclass(frozen=True)
class Hit:
    payload: Hashable   # what the term stands for, as the index was given it
    term: str           # the term as written in the taxonomy
    text: str           # the words of the text that matched
    negated: bool
    start: int          # token position


class TermIndex:
    """Many terms at once: found in one pass over a text's tokens."""

    def __init__(self, terms: list[tuple[str, Hashable]]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, Hashable]]] = {}
        vocabulary: set[str] = set()
        for term, payload in terms:
            ws = words(term)
            if not ws or (len(ws) == 1 and ws[0] in STOPWORDS):
                continue
            vocabulary.update(ws)
            keys = tuple(word_key(w) for w in ws)
            self._by_first.setdefault(keys[0], []).append((keys, term, payload))
        self.lexicon = Lexicon(vocabulary)
        self._keys = {word_key(w) for w in vocabulary}
        self._keys_cache: dict[str, tuple[str, ...]] = {}
        self._typo_choices = sorted({k for k in self._by_first if len(k) >= TYPO_MIN_LEN})
        # One-word terms apart: they need no look-ahead, and they are what compound parts match.
        self._single = {k: [c for c in cs if len(c[0]) == 1] for k, cs in self._by_first.items()}
        self._multi = {k: [c for c in cs if len(c[0]) > 1] for k, cs in self._by_first.items()}

    def tokens(self, text: str, typos: bool = False, names: bool = False) -> list[Token]:
        """The text's words with stems, compound parts and negation. With `typos`, a word that is
        no known stem but close to one counts as that one (for the coach's short keywords). With
        `names`, a capitalised word inside a sentence is a name and not split into parts: Kerkrade
        is a town, not a church (for the narrative)."""
        proper = proper_nouns(text) if names else frozenset()
        out = []
        for ci, clause in enumerate(clauses(text)):
            for wi, word in enumerate(clause.words):
                keys = self._keys_of(word)
                parts = () if len(word) < SHORT or word in proper else self.lexicon.parts(word)
                if typos and not parts and not any(k in self._by_first for k in keys) and len(word) >= TYPO_MIN_LEN \
                        and not is_common_word(word):   # "graag" is no typo of "garage"
                    near = process.extractOne(keys[0], self._typo_choices, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
                    if near is not None:
                        parts = (near[0],)
                out.append(Token(word, keys, parts, clause.is_negated(wi), ci, len(out)))
        return out

    def _keys_of(self, word: str) -> tuple[str, ...]:
        """The word's key, and the known keys of the verb forms it may be (sleutelde -> sleutel)."""
        if (cached := self._keys_cache.get(word)) is not None:
            return cached
        key = word_key(word)
        keys = (key,) if len(word) < SHORT else \
            tuple(dict.fromkeys([key, *(v for v in verb_variants(word) if v in self._keys)]))
        if len(self._keys_cache) < 200_000:
            self._keys_cache[word] = keys
        return keys

    def find(self, tokens: list[Token], skip: set[int] = frozenset()) -> list[Hit]:
        """Every occurrence of every term; `skip`: token positions not to use (already a constraint)."""
        hits = []
        for i, tok in enumerate(tokens):
            if i in skip:
                continue
            for key in tok.keys:
                for _, term, payload in self._single.get(key, ()):
                    hits.append(Hit(payload, term, tok.word, tok.negated, i))
                for keys, term, payload in self._multi.get(key, ()):
                    end = self._match_rest(tokens, i, keys, skip)
                    if end is not None:
                        span = tokens[i:end]
                        hits.append(Hit(payload, term, " ".join(t.word for t in span),
                                        any(t.negated for t in span), i))
            for part in tok.parts:
                for _, term, payload in self._single.get(part, ()):
                    hits.append(Hit(payload, term, tok.word, tok.negated, i))
        return hits

    @staticmethod
    def _match_rest(tokens: list[Token], i: int, keys: tuple[str, ...], skip) -> int | None:
        """Where a term of several words that starts at token i ends, or None. Between its words
        the text may put up to MAX_GAP small words: "vrijwilliger in het ziekenhuis" is a
        "vrijwilliger ziekenhuis", "wandelen met de hond" a "wandelen hond"."""
        j, clause = i + 1, tokens[i].clause
        for key in keys[1:]:
            gap = 0
            while j < len(tokens) and key not in tokens[j].keys and tokens[j].word in GAP_WORDS \
                    and gap < MAX_GAP and tokens[j].clause == clause:
                j, gap = j + 1, gap + 1
            if j >= len(tokens) or j in skip or key not in tokens[j].keys or tokens[j].clause != clause:
                return None
            j += 1
        return j

"""Dutch text handling: words, Snowball stems, compound parts, and the clauses a wish is negated in.

The stemmer is the classic Snowball Dutch algorithm (PyStemmer's `dutch_porter`): the newer
`dutch` one strips "ge-" and cuts "gezond" to "zon". One rule on top of it: adjectives in -ig keep
their ending, because "handig" (handy) is not "hand" (as in handwerken).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import Stemmer

from matcher import ablation

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_STEMMER = Stemmer.Stemmer("dutch_porter")
_IG_ADJECTIVE = re.compile(r"^(.{3,}ig)(e|er|ere|st|ste|heid|heden)?$")
# Heads too general to stand for a compound on their own: "werk" must not match vrijwilligerswerk.
GENERIC_HEADS = (
    "groep club middag ochtend avond huis cafe plek punt uur dag les cursus werk vereniging team kring "
    "soos centrum activiteit project dienst winkel kamer zaal tijd week maand ronde moment "
    "heid schap").split()   # the last two are suffixes, not heads: gezellig-heid is about gezellig
# Compounds whose parts mislead: a kringloop is no walk (loop), walking football no walking group.
NEVER_SPLIT = frozenset("""kringloop werkplaats mevrouw ziekenhuis boerderij voetbal wandelvoetbal walkingfootball
    schuldgevoel schuldgevoelens""".split())   # guilt, not debt
LINKS = ("", "s", "e", "en")   # what joins the parts of a Dutch compound (vrijwilliger-s-werk, bloem-en-)
MIN_PART = 4   # a compound's modifier ("zang"koor); shorter ones ("mev"rouw, "moe"stuin) split wrongly
MIN_HEAD = 4


def fold(text: str) -> str:
    """Lower case without accents: café, cafe and CAFÉ are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


_MID_SENTENCE_NAME = re.compile(r"(?<![.!?:;]\s)(?<![.!?:;])(?<=\s)([A-Z][^\W\d_]+)")


def proper_nouns(text: str) -> frozenset[str]:
    """Capitalised words inside a sentence (folded): names of people, places and organisations."""
    return frozenset(fold(m) for m in _MID_SENTENCE_NAME.findall(text))


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if ablation.active("stemmer"):
        return word
    if (m := _IG_ADJECTIVE.match(word)) is not None:
        return m.group(1)
    if not word.isascii() or not word.isalpha():  # Arabic script, numbers: kept as they are
        return word
    return _STEMMER.stemWord(word)


GENERIC_PARTS = frozenset(stem(fold(w)) for w in GENERIC_HEADS)


class Lexicon:
    """The stems compounds may be split into: every word of the taxonomy's terms, and any words a
    caller adds. A word is split only when all its parts are known, so rare words stay whole."""

    def __init__(self, known: set[str] = frozenset()):
        self.known = {stem(w) for w in known if len(w) >= MIN_PART} | {w for w in known if len(w) >= MIN_PART}
        self._split = functools.lru_cache(maxsize=200_000)(self._compute_parts)

    def parts(self, word: str) -> tuple[str, ...]:
        """The stems of a folded word's meaningful parts ("buurtmoestuin" -> buurt, moestuin, tuin),
        without generic heads; () when the word is not a compound of known parts."""
        return self._split(word)

    def _compute_parts(self, word: str) -> tuple[str, ...]:
        if len(word) < MIN_PART + MIN_HEAD or word in NEVER_SPLIT:
            return ()
        found: list[str] = []
        # The first split whose parts are known, shortest head first: buurt-huis, not buur-thuis
        # (the head's own parts follow from the recursion: buurt-moestuin gives tuin too).
        for cut in range(len(word) - MIN_HEAD, MIN_PART - 1, -1):
            head = word[cut:]
            if not self._is_known(head):
                continue
            for link in LINKS:
                left = word[:cut]
                if link and not left.endswith(link):
                    continue
                modifier = left[: len(left) - len(link)] if link else left
                if len(modifier) >= MIN_PART and (self._is_known(modifier) or self.parts(modifier)):
                    found += [stem(modifier), *self.parts(modifier), stem(head), *self.parts(head)]
                    break
            if found:
                break
        if not found:  # an unknown modifier: the head alone still says what it is (X-moestuin), unless
            # the word is a common word of its own and the rest no word ("mevrouw" is not about rouw)
            for cut in range(MIN_PART, len(word) - MIN_HEAD + 1):
                if self._is_known(word[cut:]):
                    if _zipf(word) < COMMON_WORD_ZIPF or _zipf(word[:cut]) >= REAL_WORD_ZIPF + 1:
                        found.append(stem(word[cut:]))
                    break
        return tuple(p for p in dict.fromkeys(found) if p not in GENERIC_PARTS and p != stem(word))

    def _is_known(self, word: str) -> bool:
        return word in self.known or stem(word) in self.known


REAL_WORD_ZIPF = 1.5   # wordfreq's Zipf scale: 1.5 is about one in 30 million words
COMMON_WORD_ZIPF = 3.5  # a word this frequent (one in 300,000) is a word of its own, not a loose compound


def is_common_word(word: str) -> bool:
    """A Dutch word of its own (one in a million or more): never read as a misspelling of another."""
    return _zipf(word) >= 3.0


@functools.lru_cache(maxsize=100_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency   # loads its lists on first use
    return zipf_frequency(word, "nl")


WORD_LIST_LANGUAGES = ("nl", "en", "de", "fr", "tr", "pl", "ar", "es", "pt", "uk", "ru")


@functools.lru_cache(maxsize=1)
def _listed_languages() -> frozenset[str]:
    from wordfreq import available_languages
    return frozenset(available_languages())


def is_real_word(word: str, languages=()) -> bool:
    """Whether the word occurs in a word list of Dutch or a language clients speak: a wish the
    taxonomy lacks ("zweefvliegen") is still a wish, "asdfgh" is not understood. A client's language
    without a word list (Tigrinya) is skipped: wordfreq would fall back to English and say so."""
    from wordfreq import zipf_frequency   # loads its lists on first use
    if word.isdigit():
        return False
    listed = _listed_languages()
    return any(zipf_frequency(word, lang) >= REAL_WORD_ZIPF
               for lang in dict.fromkeys((*WORD_LIST_LANGUAGES, *languages)) if lang in listed)


# Past forms of strong verbs that hobbies and jobs are told in ("zong in een koor", "liep de vierdaagse").
IRREGULAR = {
    "zong": "zingen", "zongen": "zingen", "gezongen": "zingen", "zwom": "zwemmen", "zwommen": "zwemmen",
    "gezwommen": "zwemmen", "liep": "lopen", "liepen": "lopen", "gelopen": "lopen", "las": "lezen",
    "lazen": "lezen", "gelezen": "lezen", "schreef": "schrijven", "schreven": "schrijven",
    "geschreven": "schrijven", "hielp": "helpen", "hielpen": "helpen", "geholpen": "helpen",
    "reed": "rijden", "reden": "rijden", "gereden": "rijden", "vond": "vinden", "deed": "doen",
    "gedaan": "doen", "zat": "zitten", "gezeten": "zitten", "ging": "gaan", "gingen": "gaan",
    "gegaan": "gaan", "bakte": "bakken", "gebakken": "bakken", "sprak": "spreken", "gesproken": "spreken",
    "zag": "zien", "gezien": "zien", "dronk": "drinken", "at": "eten", "gegeten": "eten",
    "speelde": "spelen", "speelden": "spelen", "gespeeld": "spelen", "kookte": "koken", "gekookt": "koken",
    "verzorgde": "verzorgen", "bouwde": "bouwen", "gebouwd": "bouwen", "viste": "vissen", "gevist": "vissen",
}


# Common adjectives (and ordinals) that end like a past tense but are none: "korte" is no "koor"+"te",
# "grote" no "groen".
NOT_VERB_FORMS = frozenset("""korte grote goede oude harde zachte rode brede lichte echte slechte vaste
    eerste laatste beste mooiste leukste liefste langste grootste kleinste drukke rustige vrolijke stille
    witte zwarte late vroege dikke dunne platte natte koude warme hete zoete bittere zure volle lege
    aparte gewone nette vlotte trotse snelle lange""".split())


def verb_variants(word: str) -> list[str]:
    """Infinitive-like forms a past or present verb form may come from: sleutelde -> sleutel,
    gewandeld -> wandel, fietst -> fiets. The caller keeps the first one it knows."""
    if word in IRREGULAR:
        return [stem(IRREGULAR[word])]
    if word in NOT_VERB_FORMS:
        return [stem(word)]
    out = []
    for w in (word, word[2:] if word.startswith("ge") and len(word) > 6 else None):
        if not w:
            continue
        for suffix in ("den", "ten", "de", "te", "d", "t"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3 and _may_be_verb_form(w, w[: -len(suffix)]):
                out.append(stem(w[: -len(suffix)]))
                out.append(stem(w[: -len(suffix)] + "en"))
        out.append(stem(w))
    return out


COMMON_FORM_ZIPF = 4.5   # a word this frequent may be a word of its own rather than a verb form


def _may_be_verb_form(word: str, root: str) -> bool:
    """Whether `word` may be `root` with a verb ending. A common word whose verb would be far rarer
    is a word of its own: "kort" is short, not a form of "koren" (so never a choir)."""
    if _zipf(word) < COMMON_FORM_ZIPF:
        return True
    return max(_zipf(v) for v in _infinitives(root)) >= _zipf(word) - 0.5


def _infinitives(root: str) -> list[str]:
    """Spellings of the infinitive of a verb root: werk-en, kook -> koken, lees -> lezen, zit -> zitten."""
    out = [root + "en", root + root[-1] + "en"]
    if len(root) >= 3 and root[-2] == root[-3] and root[-2] in "aeou":   # a long vowel loses a letter
        short = root[:-2] + root[-1]
        out += [short + "en", short[:-1] + {"s": "z", "f": "v"}.get(short[-1], short[-1]) + "en"]
    return out


# Clause boundaries: punctuation, and the conjunctions after which a negation no longer holds.
_BOUNDARY = re.compile(r"[.;:!?\n()\[\]/]+|,|\s-\s|\b(?:en|maar|want|omdat|dus|wel|toch|sinds|behalve)\b")
NEGATIONS = frozenset("geen niet nooit niks niets zonder nee hekel".split())
_AFTER_FINAL_NEGATION = frozenset("meer graag echt zo doen willen hoeven mee van aan hebben op".split())


@dataclass(frozen=True)
class Clause:
    words: tuple[str, ...]   # folded words of one clause
    negated_from: int | None  # index of the first word inside a negation's scope, None when none

    def is_negated(self, start: int) -> bool:
        return self.negated_from is not None and start >= self.negated_from


def clauses(text: str) -> list[Clause]:
    """The text cut into clauses, each with where a negation's scope begins: from the negation to
    the clause's end, or the whole clause when the negation closes it ("sporten doet hij niet")."""
    out = []
    for piece in _BOUNDARY.split(fold(text)):
        if not piece or not piece.strip():
            continue
        ws = tuple(WORD.findall(piece))
        if not ws:
            continue
        negations = [i for i, w in enumerate(ws) if w in NEGATIONS]
        start = negations[0] if negations else None
        if start is not None and all(w in _AFTER_FINAL_NEGATION for w in ws[start + 1:]):
            start = 0  # "sporten doet hij niet (meer)": the negation closes the clause, so covers all of it
        out.append(Clause(ws, start))
    return out

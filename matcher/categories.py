"""What each category is about, in words the model can compare a client's wishes with."""
from __future__ import annotations

import re

import numpy as np

from catalog.model import CATEGORIES, CATEGORY_LABELS

CATEGORY_TEXTS = {
    "bewegen": "sporten en bewegen: gym, fitness, yoga, gymnastiek, conditie opbouwen",
    "wandelen": "wandelen: een wandelgroep, samen lopen, buiten een ommetje maken",
    "fietsen": "fietsen: fietstochten, samen fietsen, fietsclub",
    "zwemmen": "zwemmen en bewegen in het water, aquagym",
    "dansen": "dansen: dansles, linedance, volksdansen, bewegen op muziek",
    "balsport": "balsport: voetbal, walking football, tafeltennis, jeu de boules, volleybal",
    "tuinieren": "tuinieren: moestuin, volkstuin, planten, groente kweken",
    "natuur": "natuur: buiten zijn, natuurbeheer, vogels kijken, bos en park",
    "koken_eten": "koken en samen eten: maaltijden, recepten, buurtmaaltijd",
    "creatief": "creatief bezig zijn: schilderen, tekenen, handwerken, breien, naaien, knutselen",
    "muziek": "muziek maken of luisteren: zingen in een koor, een instrument spelen",
    "cultuur": "cultuur: museum, theater, film, erfgoed, geschiedenis",
    "lezen_schrijven": "lezen en schrijven: leesclub, boeken, verhalen en gedichten schrijven",
    "taal": "taal leren en oefenen: Nederlands spreken, taalcafé, taalmaatje",
    "spel": "spelletjes: kaarten, klaverjassen, bridge, schaken, biljart, bingo, puzzelen",
    "ontmoeting": "mensen ontmoeten: koffie-ochtend, inloop, gezelligheid, niet alleen zijn",
    "vrijwilligerswerk": "vrijwilligerswerk: iets betekenen voor anderen, helpen, nuttig bezig zijn",
    "klussen": "klussen en repareren: sleutelen, houtbewerken, repair café, handig zijn",
    "digitaal": "digitale vaardigheden: computer, smartphone, tablet, internet, DigiD",
    "educatie": "leren en cursussen: een cursus volgen, workshop, lezing, ontwikkelen",
    "lotgenoten": "lotgenotencontact: praten met mensen die hetzelfde meemaken, rouw, ziekte, mantelzorg, schulden",
    "levensbeschouwing": "geloof en levensbeschouwing: kerk, moskee, bezinning, zingeving",
    "dieren": "dieren: verzorgen van dieren, honden uitlaten, kinderboerderij, dierenasiel",
    "maatje": "een maatje: één op één contact met een vrijwilliger, buddy, samen op pad",
    "werk_dagbesteding": "werk en dagbesteding: structuur, werkervaring, re-integratie, dagritme",
}
assert set(CATEGORY_TEXTS) == set(CATEGORIES)


def category_vectors(encoder) -> tuple[list[str], np.ndarray]:
    return list(CATEGORY_TEXTS), encoder.passages(list(CATEGORY_TEXTS.values()))


WISH_MIN_Z = 2.75   # a keyword's closest category must stand out this far (z over the 25) to count
OTHER_WISH = "overig"  # a wish none of our categories is about: still demand a municipality should see


def wish_categories(keywords: list[str], keyword_vectors, names: list[str], matrix: np.ndarray,
                    fallback: dict[str, float]) -> list[str]:
    """The categories a client's wishes are about: per keyword, the category it names or whose
    description names it literally ("schaken" -> spel), else its closest category when that one
    clearly stands out; OTHER_WISH when no keyword maps. Without keywords, the category the whole
    wish is closest to. Categories only: what gets recorded, never the coach's words."""
    found = []
    for keyword, vector in zip(keywords, keyword_vectors):
        named = [n for n in names if keyword.lower() in (n, CATEGORY_LABELS[n])]
        if named:
            found.append(named[0])
            continue
        literal = [n for n in names if re.search(rf"\b{re.escape(keyword.lower())}\b", CATEGORY_TEXTS[n])]
        if len(literal) == 1:
            found.append(literal[0])
            continue
        scores = matrix @ vector
        z = (scores - scores.mean()) / (scores.std() + 1e-6)
        best = int(np.argmax(z))
        if z[best] >= WISH_MIN_Z:
            found.append(names[best])
    if keywords and not found:
        found.append(OTHER_WISH)   # only when the wish as a whole is outside the categories: keywords
        # such as "rustig tempo" or "dichtbij huis" are conditions, not a wish of their own
    if not keywords and fallback:
        found.append(max(fallback, key=fallback.get))
    return list(dict.fromkeys(found))

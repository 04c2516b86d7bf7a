"""What each category is about, in words the model can compare a client's wishes with."""
from __future__ import annotations


import numpy as np

from catalog.model import CATEGORIES

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


OTHER_WISH = "overig"  # a wish none of our categories is about: still demand a municipality should see

"""The taxonomy made searchable: one term index for listings, one for intakes, built once a process."""
from __future__ import annotations

import functools
from collections import Counter

from catalog.model import CATEGORIES, CATEGORY_LABELS
from catalog.taxonomy import Taxonomy, taxonomy
from matcher.dutch import fold
from matcher.terms import TermIndex

MAX_SHARED_ACTIVITY_TERM = 2   # a listing word of more kinds than this is no wish term

# Words that name a category itself ("sport", "creatief"): a keyword that is only a category.
CATEGORY_TERMS = {
    "bewegen": ["sport", "sporten", "sportief", "bewegen", "beweging", "gym", "fitness"],
    "wandelen": ["wandelen", "wandeling", "lopen"],
    "fietsen": ["fietsen", "fietstocht"],
    "zwemmen": ["zwemmen"],
    "dansen": ["dansen", "dans"],
    "balsport": ["balsport", "balspel"],
    "tuinieren": ["tuinieren", "tuin", "tuinen"],
    "natuur": ["natuur", "buiten zijn", "buiten", "naar buiten", "buitenlucht", "frisse lucht"],
    "koken_eten": ["koken", "samen eten", "eten", "maaltijd"],
    "creatief": ["creatief", "creativiteit", "knutselen", "kunst"],
    "muziek": ["muziek", "muziek maken", "zingen", "orkest", "orchestra", "klassieke muziek", "classical music", "viool", "violin"],
    "cultuur": ["cultuur", "cultureel", "film", "films", "theater"],
    "lezen_schrijven": ["lezen", "schrijven", "boeken"],
    "taal": ["taal", "nederlands leren", "taal leren", "nederlands oefenen", "dutch", "dutch language"],
    "spel": ["spelletjes", "spellen", "spel", "gezelschapsspel", "kaarten", "kaartspel", "kaartspellen"],
    "ontmoeting": ["ontmoeting", "ontmoeten", "mensen ontmoeten", "contact", "gezelligheid", "aanspraak",
                   "praten", "kletsen", "nieuwe mensen", "mensen", "mensen leren kennen", "vrienden",
                   "vrienden maken", "koffie", "thee", "meet people", "buurtgenoten", "buren"],
    "vrijwilligerswerk": ["vrijwilligerswerk", "vrijwilliger", "vrijwilligen", "volunteer", "volunteering"],
    "klussen": ["klussen", "klusjes", "repareren", "met zijn handen", "met haar handen", "met de handen",
                "iets met handen", "praktisch bezig", "handen uit de mouwen", "techniek", "technisch",
                "handen", "iets om handen", "praktisch", "auto's", "oude auto's"],
    "digitaal": ["computer", "digitaal", "internet", "smartphone", "tablet", "telefoon", "mobiel"],
    "educatie": ["cursus", "leren", "scholing", "workshop"],
    "lotgenoten": ["lotgenoten", "lotgenotencontact", "lotgenotengroep"],
    "levensbeschouwing": ["geloof", "kerk", "moskee", "religie", "bidden"],
    "dieren": ["dieren", "dier", "huisdieren", "vee", "boerderijdieren"],
    "maatje": ["maatje", "buddy", "maatjes"],
    "werk_dagbesteding": ["werk", "dagbesteding", "werkervaring", "baan"],
}
assert set(CATEGORY_TERMS) == set(CATEGORIES)

# Words that name a kind of activity only as a coach's keyword: in a narrative "vrouwen" or "mannen"
# is about people ("zijn vrouw"), as a keyword it asks for a women's or men's group.
KEYWORD_TYPE_TERMS = {
    "vrouwengroep": ["vrouwen", "voor vrouwen", "met vrouwen"],
    "mannengroep": ["mannen", "voor mannen", "met mannen", "mannen onder elkaar"],
}

# Idioms whose words would each mean something else: "buiten de deur" is getting out among people,
# not nature. An idiom takes its words from the other terms, as a constraint does.
IDIOMS = {
    ("need", "onder_de_mensen"): ["buiten de deur", "de deur uit", "buitenshuis", "er even uit", "er eens uit",
                                  "uit huis", "het huis uit"],
}

# Whom or what a volunteer job is for: in a volunteering wish ("vrijwilligerswerk in de zorg", or
# "ouderen" beside "vrijwilligerswerk") these words name the kind of volunteer job; anywhere else
# they say nothing ("zorg" for a mother, "ouderen" as peers).
VOLUNTEER_FOR = {
    "vrijwilliger_zorginstelling": ["zorg", "in de zorg", "zieken", "zieke mensen", "patiënten", "ziekenhuis",
                                    "verpleeghuis", "verzorgingshuis", "zorgcentrum", "bewoners", "care", "bakım",
                                    "opieka"],
    "bezoekvrijwilliger": ["ouderen", "bejaarden", "oude mensen", "senioren", "eenzame mensen", "eenzame ouderen",
                           "elderly", "yaşlılar", "starsi"],
    "hospice_vrijwilliger": ["stervenden", "terminaal", "laatste levensfase", "hospice", "palliatief"],
    "respijt_vrijwilliger": ["mantelzorgers helpen", "mantelzorgers ontlasten"],
    "maatje_dementie": ["dementie", "mensen met dementie", "alzheimer"],
    "maatje_beperking": ["mensen met een beperking", "beperking", "gehandicapten", "gehandicapte"],
    "voorlezen_vrijwilliger": ["kinderen", "kids", "children", "çocuklar", "dzieci"],
    "huiswerkbegeleiding": ["kinderen", "scholieren", "huiswerk", "school"],
    "speeltuin_vrijwilliger": ["kinderen", "speeltuin"],
    "mentor_jongeren": ["jongeren", "jeugd", "pubers", "tieners", "youth"],
    "dierenasiel_vrijwilliger": ["dieren", "honden", "katten", "animals", "hayvanlar", "zwierzęta"],
    "kinderboerderij_vrijwilliger": ["dieren", "kinderboerderij", "boerderij"],
    "natuurbeheer": ["natuur", "buiten", "groen", "bos", "nature"],
    "tuinhulp_vrijwilliger": ["tuin", "tuinen", "groen"],
    "sportvereniging_vrijwilliger": ["sport", "sportclub", "vereniging", "voetbal", "club"],
    "cultuur_vrijwilliger": ["cultuur", "theater", "festival", "evenementen", "film"],
    "museum_vrijwilliger": ["museum", "geschiedenis", "erfgoed"],
    "maatje_nieuwkomer": ["nieuwkomers", "vluchtelingen", "statushouders", "asielzoekers", "refugees"],
    "taalvrijwilliger": ["taal", "taalles", "nederlands", "nieuwkomers"],
    "digitaal_vrijwilliger": ["computers", "computer", "digitaal", "ict", "internet"],
    "thuisadministratie": ["administratie", "papieren", "formulieren", "paperwork"],
    "kerk_vrijwilliger": ["kerk", "parochie", "church"],
    "vrijwilliger_moskee": ["moskee", "cami", "mosque"],
    "burenhulp": ["buurt", "buren", "wijk", "buurtbewoners"],
    "buurthuis_vrijwilliger": ["buurthuis", "wijkcentrum", "buurtcentrum"],
    "voedselbank_vrijwilliger": ["voedselbank", "arme mensen", "mensen met weinig geld", "armoede"],
    "kringloop_vrijwilliger": ["kringloop", "winkel", "tweedehands"],
    "vrijwillige_chauffeur": ["rijden", "autorijden", "auto", "chauffeur"],
    "horeca_leerwerk": ["keuken", "koken", "horeca", "restaurant"],
    "fietsenwerkplaats": ["fietsen", "fietsen repareren"],
}

# Conditions of the client, not wishes: their words never make a wish (and never a refusal).
CONSTRAINT_TERMS = {
    "budget": ["weinig geld", "geen geld", "krap bij kas", "weinig te besteden", "gratis", "goedkoop",
               "niet duur", "weinig budget", "kleine beurs", "minima"],
    "nabij": ["dichtbij", "dicht bij huis", "dichtbij huis", "in de buurt", "om de hoek", "in de wijk",
              "loopafstand", "niet ver", "niet te ver", "dicht bij"],
    "tempo": ["rustig tempo", "eigen tempo", "rustig aan", "niet te druk", "kleine groep", "niet te veel mensen",
              "rustig", "weinig mensen"],
    "tijd": ["s ochtends", "'s ochtends", "ochtend", "s middags", "'s middags", "middag", "s avonds",
             "'s avonds", "avond", "overdag", "weekend", "doordeweeks"],
    "vervoer": ["rolstoel", "scootmobiel", "rollator", "slecht ter been", "geen auto", "geen vervoer",
                "slecht lopen", "moeilijk lopen"],
}


class Knowledge:
    def __init__(self, t: Taxonomy):
        self.taxonomy = t
        listing_terms, intake_terms = [], []
        # A coach may name the activity itself ("taalcafé"), but a listing word many kinds share
        # ("wandelen" in a cancer walk-in) says nothing about the wish.
        shared = Counter(fold(term) for typ in t.types.values() for term in set(typ.activity_terms))
        self.listing_term_share = shared   # how many kinds of activity list a word: a shared one says less
        for key, typ in t.types.items():
            listing_terms += [(term, ("type", key)) for term in (typ.label, *typ.activity_terms, *typ.context_terms)]
            named = [term for term in typ.activity_terms if shared[fold(term)] <= MAX_SHARED_ACTIVITY_TERM]
            intake_terms += [(term, ("type", key)) for term in (*named, *typ.wish_terms)]
        for key, group in t.groups.items():
            listing_terms += [(term, ("group", key)) for term in group.listing_terms]
            intake_terms += [(term, ("group", key)) for term in group.client_terms]
            # How listings name the group: in an intake it counts only as a refusal ("niet bij de bejaarden").
            intake_terms += [(term, ("group_named", key)) for term in group.listing_terms]
        for key, need in t.needs.items():
            intake_terms += [(term, ("need", key)) for term in need.terms]
        for slug, words in CATEGORY_TERMS.items():
            intake_terms += [(term, ("category", slug)) for term in (*words, CATEGORY_LABELS[slug])]
        for name, words in CONSTRAINT_TERMS.items():
            intake_terms += [(term, ("constraint", name)) for term in words]
        for (kind, key), words in IDIOMS.items():
            intake_terms += [(term, ("idiom", (kind, key))) for term in words]
        self.listings = TermIndex(listing_terms)
        self.intakes = TermIndex(intake_terms)
        self.keywords = TermIndex(intake_terms + [(term, ("type", key)) for key, words in KEYWORD_TYPE_TERMS.items()
                                                  if key in t.types for term in words])
        self.volunteer_for = TermIndex([(term, ("type", key)) for key, words in VOLUNTEER_FOR.items()
                                        if key in t.types for term in words])
        self.type_keys = list(t.types)
        self.type_ids = {k: i for i, k in enumerate(self.type_keys)}


@functools.lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    return Knowledge(taxonomy())

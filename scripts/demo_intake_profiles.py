"""Synthetic Welzijn op Recept intakes for the demo municipality Zeist, for the gap analysis on a fresh install.

Deterministic (fixed seed, standard library only). Every intake is a fictional client: why the GP
referred (a situation), a complaint and what gives energy (a wish), composed from the fragments
below, with age, gender, languages, a real postcode of catalog/demo/zeist_postcodes.csv and practical
limits. Most wishes are for things the demo catalog offers somewhere in Zeist (offer "ja"); some are
offered only in some wijken, for some groups or with a waitlist ("deels"), some not at all ("nee"),
so the gap analysis has gaps to show per wijk, age band, language and gender.

    cd /work/main && .venv/bin/python scripts/demo_intake_profiles.py

writes catalog/demo/zeist_intake_profiles.jsonl: one {"month": "YYYY-MM", "profile": {...}} a line.
"""
from __future__ import annotations

import csv
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTCODES = ROOT / "catalog" / "demo" / "zeist_postcodes.csv"
OUT = ROOT / "catalog" / "demo" / "zeist_intake_profiles.jsonl"
SEED, N = 20251201, 420
# 2025-12 .. 2026-11, a bit more in winter, fewer in the summer holidays.
MONTHS = {"2025-12": 1.2, "2026-01": 1.35, "2026-02": 1.25, "2026-03": 1.1, "2026-04": 0.95, "2026-05": 0.85,
          "2026-06": 0.8, "2026-07": 0.6, "2026-08": 0.7, "2026-09": 1.0, "2026-10": 1.1, "2026-11": 1.2}
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
TIJD = ("vorig jaar", "een half jaar geleden", "twee jaar geleden", "afgelopen zomer", "drie maanden geleden",
        "anderhalf jaar geleden")
YOUNG = {"female": "Deze jonge vrouw", "male": "Deze jongeman"}  # rather than mevrouw, meneer under 30
PRONOUNS = {"female": dict(Subj="Mevrouw", hij="ze", Hij="Ze", zijn="haar", hem="haar"),
            "male": dict(Subj="Meneer", hij="hij", Hij="Hij", zijn="zijn", hem="hem"),
            "x": dict(Subj="De cliënt", hij="die", Hij="Die", zijn="hun", hem="hen")}
PARTNER = {"female": ("haar man",) * 12 + ("haar vrouw",), "male": ("zijn vrouw",) * 12 + ("zijn man",),
           "x": ("hun partner",)}
LANG_NAME = {"tr": "Turks", "ar": "Arabisch", "ti": "Tigrinya", "so": "Somalisch", "uk": "Oekraïens",
             "pl": "Pools", "en": "Engels"}

# Languages per wijk: (languages, background, weight). "nl": speaks Dutch (second generation too);
# "settled": first-generation migrant, long in Zeist; "newcomer": recently arrived.
LANGUAGES = {
    "Kerckebosch": [("nl", "nl", 48), ("nl tr", "nl", 4), ("nl ar", "nl", 5), ("tr nl", "settled", 6),
                    ("tr", "settled", 3), ("ar nl", "settled", 7), ("ar", "newcomer", 7), ("ar en", "newcomer", 3),
                    ("ti", "newcomer", 5), ("ti en", "newcomer", 3), ("so en", "newcomer", 3), ("so", "newcomer", 2)],
    "Zeist-West": [("nl", "nl", 60), ("nl ar", "nl", 5), ("nl tr", "nl", 3), ("ar nl", "settled", 10),
                   ("ar", "settled", 3), ("tr nl", "settled", 5), ("ar", "newcomer", 5), ("ar en", "newcomer", 2),
                   ("pl en", "newcomer", 4), ("ti", "newcomer", 3)],
    "Zeist-Noord": [("nl", "nl", 58), ("nl tr", "nl", 5), ("tr nl", "settled", 12), ("tr", "settled", 5),
                    ("ar nl", "settled", 4), ("ar", "newcomer", 4), ("ti", "newcomer", 4), ("ti en", "newcomer", 2),
                    ("uk", "newcomer", 3), ("tr en", "newcomer", 2)],
    "Vollenhove": [("nl", "nl", 64), ("nl en", "nl", 3), ("tr nl", "settled", 3), ("ar nl", "settled", 3),
                   ("pl en", "newcomer", 7), ("pl", "newcomer", 3), ("uk", "newcomer", 7), ("uk ru", "newcomer", 4),
                   ("uk en", "newcomer", 3), ("ar", "newcomer", 3)],
    "Centrum": [("nl", "nl", 86), ("nl en", "nl", 5), ("ar nl", "settled", 2), ("en", "newcomer", 2),
                ("uk en", "newcomer", 3), ("ar en", "newcomer", 2)],
    "Brugakker": [("nl", "nl", 85), ("nl en", "nl", 3), ("ar nl", "settled", 4), ("tr nl", "settled", 3),
                  ("ar", "newcomer", 3), ("ti", "newcomer", 2)],
    "Crosestein": [("nl", "nl", 90), ("nl ms", "nl", 3), ("nl en", "nl", 5), ("ar nl", "settled", 2)],
    "Den Dolder": [("nl", "nl", 90), ("nl en", "nl", 3), ("uk", "newcomer", 4), ("uk en", "newcomer", 3)],
    "Huis ter Heide": [("nl", "nl", 84), ("nl en", "nl", 6), ("en", "newcomer", 6), ("en nl", "newcomer", 4)],
    "*": [("nl", "nl", 94), ("nl en", "nl", 5), ("en", "newcomer", 1)],
}
# Newcomers: (share of women, how they came to Zeist), by first language.
ORIGIN = {
    "ar": (0.45, ["{Subj} is {tijd} met het gezin uit Syrië gevlucht en woont sinds kort in Zeist.",
                  "{Subj} kwam als vluchteling uit Syrië en heeft sinds een paar maanden een huis in de wijk.",
                  "{Subj} woont na lange tijd in een azc sinds kort in Zeist; de familie is nog in Jemen."]),
    "ti": (0.4, ["{Subj} is uit Eritrea gevlucht en woont sinds een jaar alleen in Zeist.",
                 "{Subj} kwam via gezinshereniging uit Eritrea naar Nederland."]),
    "so": (0.55, ["{Subj} kwam {tijd} uit Somalië naar Nederland en woont nu met de kinderen in Zeist."]),
    "uk": (0.75, ["{Subj} is in 2022 uit Oekraïne gevlucht en woont nu in Zeist.",
                  "{Subj} kwam met {zijn} moeder uit Oekraïne en weet niet hoe lang {hij} hier blijft."]),
    "pl": (0.45, ["{Subj} kwam voor werk uit Polen en woont al een paar jaar in Zeist, maar heeft buiten het werk weinig contact.",
                  "{Subj} kwam uit Polen, verloor {tijd} {zijn} baan als uitzendkracht en zit nu veel alleen."]),
    "en": (0.7, ["{Subj} verhuisde voor het werk van {partner} naar Zeist en zit overdag alleen thuis.",
                 "{Subj} kwam {tijd} uit het buitenland naar Zeist en vindt moeilijk aansluiting."]),
    "tr": (0.6, ["{Subj} kwam {tijd} uit Turkije naar Nederland om bij {partner} te wonen."]),
}
SETTLED = {
    "tr": ["{Subj} kwam in de jaren zeventig uit Turkije naar Nederland en woont al ruim veertig jaar in Zeist.",
           "{Subj} werkte jarenlang in een fabriek; sinds {zijn} pensioen komt {hij} weinig buiten."],
    "ar": ["{Subj} kwam ruim veertig jaar geleden uit Marokko naar Zeist.",
           "{Subj} woont al sinds de jaren tachtig in Zeist; de kinderen wonen inmiddels in andere steden."],
}


def S(key, weight, ages, female, kinds, text, complaint, extra, boost, days=(3, 5), budget=None):
    return dict(key=key, weight=weight, ages=ages, female=female, kinds=kinds, text=text, complaint=complaint,
                extra=extra, boost=boost, days=days, budget=budget)


# Why the GP referred. ages = (youngest, oldest, most common); boost = wishes more likely here.
SITUATIONS = [
    S("partner overleden", 16, (65, 95, 82), 0.68, ("nl", "settled"),
      ["Sinds {partner} {tijd} overleed, zit {hij} veel alleen thuis.",
       "{Subj} verloor {tijd} {partner} na een lang ziekbed en woont nu alleen.",
       "{Subj} is {tijd} {partner} verloren; samen deden ze alles en nu is het stil in huis."],
      ["Bij de huisarts klaagt {hij} over slecht slapen en weinig eetlust.", "{Hij} voelt zich somber en heeft nergens zin in.",
       "Achter de vermoeidheid en de hoofdpijn ziet de huisarts vooral eenzaamheid.",
       "De weekenden zijn het zwaarst; dan belt er niemand."],
      ["mensen ontmoeten", "de deur uit", "gezelligheid"],
      {"wandelen": 2, "koffie": 2, "samen eten": 2, "rouw": 8, "dansen": 1.5, "koor": 1.3, "kaarten": 1.3}),
    S("pensioen, weinig contact", 14, (60, 88, 70), 0.5, ("nl",),
      ["Sinds {zijn} pensioen mist {hij} de contacten van het werk.", "{Subj} is met pensioen en de kinderen wonen ver weg.",
       "Veel vrienden van {hem} zijn overleden of verhuisd, en {hij} komt weinig meer buiten."],
      ["{Hij} voelt zich eenzaam en ligt 's nachts te piekeren.",
       "Bij de huisarts komt {hij} steeds terug met vage lichamelijke klachten.",
       "{Hij} merkt dat {hij} somber wordt van de lege dagen."],
      ["mensen ontmoeten", "iets omhanden hebben", "structuur"],
      {"vrijwilligerswerk": 2, "biljart": 1.5, "kaarten": 1.5, "klussen": 1.5, "digitaal": 1.5, "fietsen": 1.5,
       "vissen": 1.5, "fotografie": 1.5, "schaken": 1.5}),
    S("chronisch ziek", 8, (45, 90, 72), 0.6, ("nl", "settled"),
      ["{Subj} heeft COPD en kan veel minder dan vroeger.",
       "Na een herseninfarct, {tijd}, is {hij} minder mobiel en zit {hij} veel thuis.",
       "Door reuma en chronische pijn is {hij} gestopt met werk en vereniging."],
      ["{Hij} voelt zich nutteloos en is somber.",
       "Het huis uit gaan kost veel moeite, en daardoor ziet {hij} bijna niemand."],
      ["mensen ontmoeten", "op eigen tempo", "dichtbij huis"],
      {"koffie": 2, "handwerken": 1.5, "schilderen": 1.5, "bewegen": 2, "zwemmen": 2, "lezen": 1.5, "koor": 1.3}),
    S("mantelzorger", 8, (42, 86, 70), 0.65, ("nl", "settled"),
      ["{Subj} zorgt al jaren voor {partner}, die dementie heeft.",
       "{Subj} zorgt bijna dagelijks voor {zijn} {ouder}, die Parkinson heeft.",
       "{Subj} is mantelzorger voor {zijn} {kind} met een ernstige beperking."],
      ["{Hij} is overbelast, slaapt slecht en heeft nauwelijks tijd voor zichzelf.",
       "De huisarts ziet spanningsklachten; {hij} is {zijn} eigen vrienden uit het oog verloren."],
      ["even eruit", "ontspanning", "tijd voor mezelf"],
      {"mantelzorg": 35, "wandelen": 1.5, "koor": 1.5, "schilderen": 1.3}, days=(1, 3)),
    S("rouw", 4, (35, 80, 62), 0.6, ("nl",),
      ["{Subj} verloor {tijd} {zijn} {kind} bij een ongeluk.",
       "Na het plotselinge overlijden van {zijn} {ouder} {tijd} is {hij} uit balans."],
      ["{Hij} piekert veel en kan zich niet concentreren.", "Sindsdien trekt {hij} zich terug en ziet {hij} weinig mensen."],
      ["rust", "mensen ontmoeten", "buiten zijn"],
      {"rouw": 30, "wandelen": 2, "schilderen": 1.5, "fotografie": 1.5, "koor": 1.3}),
    S("schulden", 5, (24, 70, 48), 0.5, ("nl", "settled"),
      ["{Subj} heeft schulden opgebouwd na een scheiding en zit in een schuldhulptraject.",
       "{Subj} durft door geldzorgen nergens meer heen waar het iets kost.",
       "{Subj} leeft van een uitkering en moet elke maand rondkomen van weinig."],
      ["Spanningsklachten, hoofdpijn en slecht slapen brachten {hem} bij de huisarts.", "{Hij} schaamt zich en zit veel binnen."],
      ["gratis", "iets omhanden hebben", "mensen ontmoeten"],
      {"geld": 20, "vrijwilligerswerk": 2, "samen eten": 2, "klussen": 1.5}, budget=(0,)),
    S("baan kwijt", 6, (24, 66, 56), 0.45, ("nl",),
      ["{Subj} is na vele jaren bij hetzelfde bedrijf ontslagen.", "{Subj} is afgekeurd voor {zijn} werk en zit nu thuis.",
       "Na een reorganisatie verloor {hij} {tijd} {zijn} baan, en solliciteren levert niets op."],
      ["{Hij} voelt zich somber en mist structuur in de dag.",
       "{Hij} slaapt slecht en merkt dat {hij} zich steeds meer terugtrekt."],
      ["structuur", "iets omhanden hebben", "collega's"],
      {"werk": 30, "vrijwilligerswerk": 2.5, "klussen": 2, "houtbewerken": 2, "voetbal": 1.5, "boksen": 1.5,
       "hardlopen": 1.5}, days=(4, 6)),
    S("nieuwkomer", 10, (19, 58, 32), 0.5, ("newcomer",), [],
      ["{Hij} kent nog bijna niemand en heeft last van heimwee.",
       "Het wachten en het alleen-zijn maken {hem} somber; {hij} slaapt slecht.",
       "{Hij} spreekt nog weinig Nederlands en voelt zich buitengesloten."],
      ["mensen ontmoeten", "Nederlands oefenen", "nieuwe mensen leren kennen"],
      {"taal": 4, "eigen taal": 3, "vrijwilligerswerk": 2, "voetbal": 3, "vrouwenzwemmen": 2, "koffie": 1.5,
       "samen eten": 1.5, "moeders": 10}, budget=(0, 0, 5, 10)),
    S("oudere migrant", 30, (56, 88, 70), 0.5, ("settled",), [],
      ["{Hij} heeft veel pijnklachten en komt weinig buiten.", "Sinds de kinderen het huis uit zijn, voelt {hij} zich eenzaam.",
       "{Hij} spreekt weinig Nederlands en durft daardoor niet naar het buurthuis."],
      ["landgenoten", "mensen ontmoeten", "buiten zijn"],
      {"eigen taal": 10, "tuinieren": 2, "wandelen": 1.5, "taal": 1.5, "vrouwenzwemmen": 2, "samen eten": 1.5}),
    S("jonge moeder", 5, (19, 38, 28), 1.0, ("nl",),
      ["{Subj} is een jonge moeder van twee kleine kinderen en woont sinds kort in de wijk.",
       "{Subj} is alleenstaande moeder van een peuter en heeft weinig mensen om zich heen."],
      ["{Hij} voelt zich geïsoleerd en is vaak moe.", "Sinds de bevalling is {hij} somber en komt {hij} weinig buiten."],
      ["andere ouders", "even eruit", "ontspanning"],
      {"moeders": 40, "yoga": 2, "wandelen": 1.5, "handwerken": 1.3}, days=(2, 4), budget=(0, 0, 5, 10)),
    S("jongvolwassene", 8, (18, 30, 22), 0.45, ("nl",),
      ["{Subj} is gestopt met {zijn} studie en woont weer bij {zijn} ouders.",
       "{Subj} woont sinds kort zelfstandig en kent in Zeist bijna niemand.",
       "{Subj} zit na een lange periode van ziekte veel binnen achter de computer."],
      ["{Hij} heeft last van angst en somberheid en heeft weinig vrienden.", "{Hij} komt de dag moeilijk door en heeft geen ritme."],
      ["leeftijdsgenoten", "de deur uit", "ritme"],
      {"gamen": 4, "voetbal": 2.5, "boksen": 2.5, "yoga": 2, "hardlopen": 2, "fotografie": 1.5, "vrijwilligerswerk": 1.5,
       "dieren": 1.5, "koffie": 0.4, "samen eten": 0.6}, budget=(0, 0, 5, 10)),
    S("burn-out", 4, (28, 60, 42), 0.6, ("nl",),
      ["{Subj} zit sinds een paar maanden thuis met een burn-out.",
       "Na jaren van hard werken en zorgen voor het gezin is {hij} opgebrand."],
      ["Het piekeren houdt niet op en {hij} slaapt slecht.", "{Hij} is snel moe en trekt zich terug."],
      ["rust", "ontspanning", "buiten zijn"],
      {"yoga": 3, "wandelen": 2, "tuinieren": 1.5, "fotografie": 1.5, "houtbewerken": 1.5, "hardlopen": 2, "schilderen": 1.5}),
    S("scheiding", 3, (34, 70, 56), 0.5, ("nl",),
      ["{Subj} is onlangs gescheiden en woont nu alleen in een appartement.",
       "Na de scheiding {tijd} is {zijn} vriendenkring grotendeels weggevallen."],
      ["{Hij} voelt zich eenzaam, vooral in de weekenden zonder de kinderen.", "{Hij} slaapt slecht en drinkt meer dan goed is."],
      ["nieuwe mensen leren kennen", "de deur uit"],
      {"koor": 1.5, "dansen": 1.5, "vrijwilligerswerk": 1.5, "hardlopen": 1.5, "samen eten": 1.5}),
    S("verhuisd", 7, (60, 90, 76), 0.6, ("nl",),
      ["{Subj} is {tijd} naar Zeist verhuisd om dichter bij {zijn} {kind} te wonen, maar kent verder niemand.",
       "Na de verhuizing naar een seniorenflat, {tijd}, voelt {hij} zich nog niet thuis in de wijk."],
      ["De dagen zijn lang en {hij} voelt zich eenzaam.", "{Hij} mist {zijn} oude buurt en vrienden en wordt er somber van."],
      ["mensen ontmoeten", "de buurt leren kennen"],
      {"koffie": 2, "wandelen": 1.5, "kaarten": 1.5, "tuinieren": 1.5, "biljart": 1.3}),
]


def W(key, offer, weight, keywords, energy, ages=(18, 120), f=1.0, m=1.0, kinds=None, lang_boost=None, dutch=False):
    return dict(key=key, offer=offer, weight=weight, keywords=keywords, energy=energy, ages=ages, f=f, m=m,
                kinds=kinds, lang_boost=lang_boost or {}, dutch=dutch)


# What gives energy. offer: is it in the demo catalog? "ja" plenty; "deels" only in some wijken, for some
# groups, or full/waitlist; "nee" nowhere in Zeist. f, m: weight for women, men (0 = never); dutch: only for
# clients who speak Dutch.
WISHES = [
    W("wandelen", "ja", 8, ["wandelen", "natuur", "buiten zijn", "rustig tempo"],
      ["{Hij} wandelde vroeger veel en knapt op van een ommetje buiten.", "Buiten zijn, in het bos of het park, geeft {hem} rust.",
       "{Hij} zou graag samen met anderen wandelen; alleen komt {hij} de deur niet uit."]),
    W("koffie", "ja", 8, ["koffie drinken", "mensen ontmoeten", "een praatje maken", "gezelligheid"],
      ["Een kop koffie en een praatje met buurtgenoten doen {hem} zichtbaar goed.",
       "{Hij} wil graag weer onder de mensen komen, het liefst dichtbij en zonder verplichtingen.",
       "Waar {hij} van opknapt: gezelligheid en een vaste plek waar {hij} bekenden ziet."]),
    W("samen eten", "ja", 6, ["samen eten", "koken", "gezelligheid"],
      ["Koken voor één persoon vindt {hij} zonde; samen aan tafel zitten geeft {hem} energie.",
       "{Hij} kookte altijd graag voor familie en vrienden en mist dat."]),
    W("vrijwilligerswerk", "ja", 7, ["vrijwilligerswerk", "iets betekenen", "structuur", "iets omhanden hebben"],
      ["{Hij} wil graag iets voor een ander betekenen.", "Een vaste taak waar anderen op rekenen, geeft {hem} energie.",
       "{Hij} is graag nuttig bezig en helpt graag mensen."], ages=(18, 82)),
    W("handwerken", "ja", 4, ["breien", "haken", "handwerken", "creatief bezig zijn"],
      ["Breien en haken ontspannen {hem}; dat deed {hij} vroeger samen met anderen.",
       "Met {zijn} handen bezig zijn, bijvoorbeeld breien, maakt {hem} rustig."], m=0.15),
    W("schilderen", "ja", 4, ["schilderen", "tekenen", "creatief bezig zijn"],
      ["{Hij} tekende vroeger veel en wil dat graag weer oppakken.",
       "Creatief bezig zijn, zoals schilderen, geeft {hem} rust in {zijn} hoofd."]),
    W("biljart", "ja", 4, ["biljarten", "spelletjes", "gezelligheid"],
      ["Vroeger biljartte {hij} elke week in het café; dat mist {hij}."], ages=(50, 120), f=0.3),
    W("kaarten", "ja", 4, ["klaverjassen", "kaarten", "bridge", "spelletjes"],
      ["{Hij} houdt van een potje klaverjassen en de gezelligheid eromheen.",
       "Bridge speelde {hij} jarenlang en {hij} zou het graag weer oppakken."], ages=(45, 120)),
    W("koor", "ja", 5, ["zingen", "koor", "muziek"],
      ["Zingen maakt {hem} blij; {hij} zong jaren in een kerkkoor.", "Samen muziek maken geeft {hem} energie."]),
    W("tuinieren", "ja", 5, ["tuinieren", "moestuin", "buiten bezig zijn"],
      ["Sinds de verhuizing naar een flat mist {hij} {zijn} tuin.",
       "In de aarde wroeten en iets zien groeien geeft {hem} voldoening."]),
    W("bewegen", "ja", 4, ["bewegen", "fit blijven", "gymnastiek"],
      ["{Hij} wil in beweging blijven, in een groep op {zijn} eigen niveau.",
       "De fysiotherapeut raadt {hem} aan om in een groep te blijven bewegen."], ages=(60, 120)),
    W("taal", "ja", 7, ["Nederlands oefenen", "taal", "mensen ontmoeten", "buren leren kennen"],
      ["{Hij} wil graag beter Nederlands spreken en de buren leren kennen.",
       "Oefenen met Nederlands in een ontspannen sfeer, zonder toets, zou {hem} helpen."], kinds=("settled", "newcomer")),
    W("rouw", "ja", 1, ["rouwverwerking", "lotgenoten", "praten"],
      ["Praten met mensen die hetzelfde hebben meegemaakt, lijkt {hem} fijn."], dutch=True),
    W("mantelzorg", "ja", 1, ["even eruit", "mantelzorg", "lotgenoten", "ontspanning"],
      ["Even eruit en ervaringen delen met andere mantelzorgers zou {hem} lucht geven."]),
    W("geld", "ja", 1, ["grip op geld", "lotgenoten", "administratie"],
      ["{Hij} wil leren rondkomen en praten met anderen die in hetzelfde schuitje zitten."]),
    W("werk", "ja", 1, ["structuur", "werkervaring", "dagritme", "met de handen werken"],
      ["{Hij} mist het ritme van werk en de collega's.",
       "Een plek waar {hij} weer werkervaring opdoet en ergens bij hoort, zou {hem} goed doen."], ages=(18, 66)),
    W("dieren", "ja", 3, ["dieren", "verzorgen", "buiten zijn"],
      ["Sinds {zijn} hond is overleden, mist {hij} de zorg voor een dier en de dagelijkse wandeling.",
       "Met dieren bezig zijn maakt {hem} rustig."]),
    W("klussen", "ja", 3, ["klussen", "repareren", "handig bezig zijn"],
      ["{Hij} is handig en repareert graag spullen voor anderen."], f=0.35),
    W("digitaal", "ja", 2, ["smartphone", "computer", "digitaal leren"],
      ["{Hij} wil leren videobellen met de kleinkinderen en zelf online dingen regelen."], ages=(60, 120), dutch=True),
    W("lezen", "ja", 3, ["lezen", "boeken", "praten over boeken"],
      ["Een goed boek en daarover praten met anderen geeft {hem} energie."], dutch=True),
    W("fietsen", "ja", 2, ["fietsen", "natuur", "buiten zijn"],
      ["Op de fiets door de bossen voelt {hij} zich vrij."], ages=(40, 85)),
    W("vogels", "ja", 2, ["vogels kijken", "natuur", "buiten zijn"],
      ["{Hij} kijkt graag naar vogels en wil meer over de natuur leren."]),
    # offered only in some wijken, for some groups, or full / on a waitlist
    W("eigen taal", "deels", 6, ["landgenoten ontmoeten", "in het {taal}", "thee drinken", "mensen ontmoeten"],
      ["Met mensen die {taal} spreken, kan {hij} echt vertellen wat {hem} bezighoudt.",
       "{Hij} voelt zich het meest thuis bij mensen met wie {hij} {taal} kan praten."], kinds=("settled", "newcomer")),
    W("zwemmen", "deels", 3, ["zwemmen", "bewegen", "in het water"],
      ["Zwemmen deed {hij} vroeger graag; in het water voelt {zijn} lichaam licht."]),
    W("vrouwenzwemmen", "deels", 1.5, ["zwemmen", "alleen vrouwen", "bewegen"],
      ["{Hij} zou graag zwemmen, maar alleen in een groep met vrouwen."], m=0, lang_boost={"ar": 5, "tr": 5, "so": 5}),
    W("dansen", "deels", 4, ["dansen", "muziek", "bewegen"],
      ["{Hij} danste vroeger elke zaterdag; van muziek en dansen fleurt {hij} op."], ages=(50, 120)),
    W("schaken", "deels", 1.5, ["schaken", "denksport", "spelletjes"],
      ["Schaken houdt {zijn} hoofd scherp; {hij} speelt nu alleen nog tegen de computer."]),
    W("houtbewerken", "deels", 2, ["houtbewerken", "timmeren", "met de handen werken"],
      ["{Hij} wil graag iets met hout maken, zoals vroeger in de schuur.", "Met hout werken wilde {hij} altijd al eens leren."]),
    W("yoga", "deels", 2, ["yoga", "mindfulness", "ontspanning", "rust in het hoofd"],
      ["Yoga of mindfulness lijkt {hem} goed om rustiger te worden, het liefst met leeftijdsgenoten."], ages=(18, 50)),
    # not offered anywhere in Zeist
    W("voetbal", "nee", 18, ["voetballen", "sporten", "teamsport", "leeftijdsgenoten"],
      ["Voetballen in een team gaf {hem} vroeger vrienden en ritme.",
       "{Hij} wil graag weer sporten met leeftijdsgenoten, het liefst voetbal."],
      ages=(18, 34), f=0.1),
    W("gamen", "nee", 7, ["gamen", "e-sports", "leeftijdsgenoten"],
      ["Gamen is het enige waar {hij} nog plezier in heeft; samen met anderen in het echt spelen zou {hem} goed doen."],
      ages=(18, 32), f=0.5),
    W("boksen", "nee", 6, ["boksen", "sporten", "energie kwijt"],
      ["Sporten helpt {hem} tegen de onrust; vroeger bokste {hij}."], ages=(18, 40), f=0.5),
    W("moeders", "nee", 1, ["andere moeders ontmoeten", "kinderen", "praten"],
      ["{Hij} zou graag andere moeders met jonge kinderen ontmoeten."], ages=(18, 40), m=0),
    W("vissen", "nee", 4, ["vissen", "buiten zijn", "rust"],
      ["Aan de waterkant zitten met een hengel geeft {hem} rust."], ages=(40, 120), f=0.2),
    W("fotografie", "nee", 3, ["fotografie", "natuur", "creatief bezig zijn"],
      ["Fotograferen, vooral in de natuur, geeft {hem} energie."]),
    W("hardlopen", "nee", 6, ["hardlopen", "conditie opbouwen", "buiten sporten"],
      ["{Hij} wil weer gaan hardlopen, maar alleen lukt het niet om te beginnen."], ages=(18, 55)),
    W("tai chi", "nee", 4, ["tai chi", "rustig bewegen", "balans"],
      ["Rustige bewegingen zoals tai chi helpen {hem} tegen vallen en geven rust."], ages=(55, 120)),
    W("bingo", "nee", 5, ["bingo", "gezelligheid", "een middagje uit"],
      ["Een middag bingo met een kopje thee is voor {hem} het hoogtepunt van de week."], ages=(65, 120)),
    W("uitstapjes", "nee", 5, ["uitstapjes", "dagje uit", "samen op pad"],
      ["{Hij} zou graag weer eens een dagje uit gaan met een groep, naar een museum of de markt."], ages=(60, 120)),
    W("modelbouw", "nee", 3, ["modelbouw", "modeltreinen", "met de handen werken"],
      ["{Hij} bouwt al jaren aan een modelspoorbaan en zou dat graag met anderen delen."], ages=(50, 120), f=0.15),
]
WIJK_BOOST = {"Den Dolder": {"schaken": 8}}  # the village chess club closed; people ask for it


def weighted(rng, items, weights):
    return rng.choices(items, weights=weights)[0]


def pick_wish(rng, sit, kind, langs, age, gender, wijk):
    def weight(w):
        g = {"female": w["f"], "male": w["m"]}.get(gender, min(w["f"], w["m"]))
        ok = w["ages"][0] <= age <= w["ages"][1] and (w["kinds"] is None or kind in w["kinds"]) \
            and ("nl" in langs or not w["dutch"])
        return ok * g * w["weight"] * sit["boost"].get(w["key"], 1) * WIJK_BOOST.get(wijk, {}).get(w["key"], 1) \
            * w["lang_boost"].get(langs[0], 1)
    return weighted(rng, WISHES, [weight(w) for w in WISHES])


def intake(rng, postcode, wijk):
    """One fictional client living at `postcode`: (profile, wijk, wish, situation)."""
    rows = LANGUAGES.get(wijk, LANGUAGES["*"])
    langs, kind, _ = weighted(rng, rows, [r[2] for r in rows])
    langs = langs.split()
    situations = [s for s in SITUATIONS if kind in s["kinds"]]
    sit = weighted(rng, situations, [s["weight"] for s in situations])
    age = round(rng.triangular(*sit["ages"]))
    female = ORIGIN[langs[0]][0] if sit["key"] == "nieuwkomer" else sit["female"]
    gender = "female" if rng.random() < female else "male"
    wish = pick_wish(rng, sit, kind, langs, age, gender, wijk)
    recorded = "x" if rng.random() < 0.015 else None if rng.random() < 0.03 else gender  # a few x, a few not filled in
    words = dict(PRONOUNS[recorded or gender], partner=rng.choice(PARTNER[recorded or gender]), tijd=rng.choice(TIJD),
                 kind=rng.choice(("zoon", "dochter")), ouder=rng.choice(("moeder", "vader") if age < 68 else ("zus", "broer")),
                 taal=LANG_NAME.get(langs[0], ""))
    if age < 30 and recorded != "x":
        words["Subj"] = YOUNG[gender]
    text = ORIGIN[langs[0]][1] if sit["key"] == "nieuwkomer" else SETTLED[langs[0]] if sit["key"] == "oudere migrant" \
        else sit["text"]
    sentences = [rng.choice(text), rng.choice(sit["complaint"]), rng.choice(wish["energy"])]
    if rng.random() < 0.25:
        del sentences[1]  # two sentences: the situation says enough
    keywords = [k.format_map(words) for k in wish["keywords"]]
    interests = [keywords[0]] + rng.sample(keywords[1:], rng.randint(1, min(2, len(keywords) - 1)))
    if rng.random() < 0.45 and (extra := rng.choice(sit["extra"])) not in interests:
        interests.append(extra)
    profile = {"narrative": " ".join(s.format_map(words) for s in sentences), "interests": ", ".join(interests),
               "age": age, "gender": recorded, "languages": langs, "postcode": postcode, **limits(rng, sit, age)}
    if recorded is None:
        del profile["gender"]
    return profile, wijk, wish, sit


def limits(rng, sit, age):
    """How far, which days, what it may cost, wheelchair: the elderly stay closer to home."""
    wheelchair = rng.random() < (0.25 if age >= 80 else 0.1 if age >= 70 else 0.01) + 0.15 * (sit["key"] == "chronisch ziek")
    if wheelchair or age >= 80:
        distance = rng.choice((1.0, 1.5, 2.0, 2.0))
    elif age >= 70:
        distance = rng.choice((1.5, 2.0, 2.0, 2.5, 3.0))
    else:
        distance = rng.choice((1.5, 2.0, 2.5, 3.0, 3.0, 4.0) if age >= 40 else (2.0, 2.5, 3.0, 3.0, 4.0, 5.0))
    days = []
    if rng.random() > 0.3:  # else: any day
        week = list(DAYS[:5]) + (["za"] if age < 65 or rng.random() < 0.3 else []) + (["zo"] if rng.random() < 0.15 else [])
        chosen = rng.sample(week, min(rng.randint(*sit["days"]), len(week)))
        days = [d for d in DAYS if d in chosen]
    budgets = sit["budget"] or ((5, 10, 15, 15, 20, 25, 30) if age >= 60 else (0, 5, 10, 15, 20, 25))
    budget = None if rng.random() < 0.15 else rng.choice(budgets)
    return {"max_distance_km": distance, "availability": days, "budget_eur_month": budget, "needs_wheelchair_access": wheelchair}


def age_band(age):
    return next(b for lo, b in ((85, "85+"), (75, "75-84"), (65, "65-74"), (55, "55-64"), (40, "40-54"), (0, "18-39")) if age >= lo)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from matcher.profile import ClientProfile

    rng = random.Random(SEED)
    with POSTCODES.open(encoding="utf-8") as f:
        postcodes = [(r["postcode"], r["neighbourhood"]) for r in csv.DictReader(f) if r["municipality"] == "Zeist"]
    # Months by quota (intake i falls in the month where the cumulative share passes (i + 0.5) / N).
    bounds, total = [], 0.0
    for month, weight in MONTHS.items():
        total += weight
        bounds.append((total, month))
    pool = postcodes * (N // len(postcodes) + 1)  # every postcode two or three times: wijken in proportion
    rng.shuffle(pool)
    rows = []
    for i in range(N):
        month = next(m for b, m in bounds if (i + 0.5) / N * total < b)
        profile, wijk, wish, sit = intake(rng, *pool[i])
        ClientProfile.model_validate(profile)  # raises on anything the API would refuse
        rows.append((month, profile, wijk, wish, sit))
    with OUT.open("w", encoding="utf-8") as out:
        for month, profile, *_ in rows:
            out.write(json.dumps({"month": month, "profile": profile}, ensure_ascii=False) + "\n")

    def show(title, counter, limit=None, ordered=False):
        items = sorted(counter.items()) if ordered else counter.most_common(limit)
        print(f"{title}: " + ", ".join(f"{k} {v}" for k, v in items))

    print(f"wrote {len(rows)} intakes to {OUT.relative_to(ROOT)}")
    show("per month", Counter(r[0] for r in rows), ordered=True)
    show("per wijk", Counter(r[2] for r in rows))
    show("per age band", Counter(age_band(r[1]["age"]) for r in rows), ordered=True)
    show("per gender", Counter(r[1].get("gender", "(empty)") for r in rows))
    show("per languages", Counter("+".join(r[1]["languages"]) for r in rows))
    show("per situation", Counter(r[4]["key"] for r in rows))
    offers = Counter(r[3]["offer"] for r in rows)
    print(f"wish offered in Zeist: ja {offers['ja']}, deels {offers['deels']}, nee {offers['nee']} "
          f"({100 * (offers['ja'] + offers['deels']) / len(rows):.0f}% about something that exists somewhere in Zeist)")
    show("wishes (deels/nee)", Counter(r[3]["key"] for r in rows if r[3]["offer"] != "ja"))
    show("most common interests", Counter(k for r in rows for k in r[1]["interests"].split(", ")), 15)
    return 0


if __name__ == "__main__":
    sys.exit(main())

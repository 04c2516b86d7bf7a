"""Gap analysis: per wijk x wish (category) x group, the demand (recorded wishes), the share that
needed a tailored offer, and the supply within walking distance; the biggest gaps first, each with a
sentence a policy officer can read."""
from __future__ import annotations

from analysis.areas import Wijk
from analysis.intakes import UNKNOWN, language_group
from analysis.privacy import rank, shown, shown_share
from analysis.supply import DIMENSIONS, near, offer
from catalog.model import CATEGORY_LABELS, Activity
from catalog.records import IntakeRecord
from catalog.vocabulary import km, language_name
from matcher.categories import OTHER_WISH

LABELS = {**CATEGORY_LABELS, OTHER_WISH: "iets dat in geen categorie past"}
GENDER_WORDS = {"vrouw": "vrouwen", "man": "mannen", "x": "cliënten met gender x"}


def group_value(r: IntakeRecord, dimension: str) -> str:
    return {"alle": "alle", "leeftijd": r.age_band, "taal": language_group(r.languages), "gender": r.gender}[dimension]


def group_words(dimension: str, value: str) -> str:
    if dimension == "alle":
        return "cliënten"
    if dimension == "leeftijd":
        return f"cliënten van {value} jaar"
    if dimension == "gender":
        return GENDER_WORDS.get(value, "cliënten")
    if value == "nl":
        return "Nederlandstalige cliënten"
    return f"cliënten die {language_name(value)} spreken en geen Nederlands"


def gaps(wijken: dict[str, Wijk], activities: list[Activity], intakes: list[IntakeRecord],
         within_km: float, threshold: int) -> list[dict]:
    """Every wijk x wish x group with demand, biggest gap first (most intakes that needed a tailored
    offer, then the highest share, then the least open supply)."""
    cells: dict[tuple, list[IntakeRecord]] = {}
    for r in intakes:
        for wish in r.wishes:
            for dimension in DIMENSIONS:
                value = group_value(r, dimension)
                if value != UNKNOWN:   # an unknown age or gender is counted under all clients only
                    cells.setdefault((r.wijk, wish, dimension, value), []).append(r)
    nearby = {name: near(w, activities) for name, w in wijken.items()}
    rows = []
    for (wijk, wish, dimension, value), records in cells.items():
        tailored = sum(wish in r.tailored_for for r in records)
        supply = offer(nearby[wijk], wish, dimension, value, within_km) if wijk in nearby else None
        rows.append({"wijk": wijk, "wish": wish, "label": LABELS.get(wish, wish), "dimension": dimension,
                     "group": value, "_demand": len(records), "_tailored": tailored, "supply": supply})
    public = [_public(r, within_km, threshold) for r in rows]
    # Ordered by the figures as shown, so that the order gives away nothing the figures do not.
    public.sort(key=lambda r: (-rank(r["tailored"]), -(r["tailored_share"] or 0), (r["supply"] or {}).get("open", 0),
                               r["wijk"], r["wish"], r["dimension"], r["group"]))
    return public


def is_gap(row: dict) -> bool:
    """At least the small-number threshold of clients needed a tailored offer (a suppressed count
    may be zero, so it is no evidence of a gap)."""
    return isinstance(row["tailored"], int)


def _public(row: dict, within_km: float, threshold: int) -> dict:
    demand, tailored = row.pop("_demand"), row.pop("_tailored")
    row.update(demand=shown(demand, threshold), tailored=shown(tailored, threshold),
               tailored_share=shown_share(tailored, demand, threshold))
    row["sentence"] = sentence(row, within_km)
    return row


def _count(value) -> str:
    return f"minder dan {value[2:]}" if isinstance(value, str) else f"circa {value}"


def sentence(row: dict, within_km: float) -> str:
    """One Dutch sentence: which wijk, which group, what was asked, what is missing within how far."""
    s, who = row["supply"], group_words(row["dimension"], row["group"])
    text = f"In {row['wijk']} vroegen {_count(row['demand'])} {who} om {row['label']}"
    text += f"; voor {_count(row['tailored'])} van hen was er niets passends in de buurt"
    if row["wish"] == OTHER_WISH:
        return text + "; het gevraagde valt buiten de categorieën van de sociale kaart."
    if s is None:
        return text + f". Het aanbod is niet berekend: {row['wijk']} staat niet in de postcodetabel."
    reach = km(within_km)
    if s["open"]:
        text += f". Binnen {reach} " + ("is 1 open activiteit" if s["open"] == 1 else f"zijn {s['open']} open activiteiten")
        if is_gap(row):
            text += ", maar die pasten niet bij hen (dag, taal, kosten, toegankelijkheid of wat ze zochten)"
    elif s["waitlist"] or s["full"]:
        text += f". Binnen {reach} is alleen aanbod met een wachtlijst of vol ({s['waitlist'] + s['full']})"
    else:
        text += f". Binnen {reach} is geen aanbod"
    if not s["open"]:
        text += (f"; het dichtstbijzijnde open aanbod ligt op {km(s['nearest_open_km'])}" if s["nearest_open_km"]
                 is not None else "; in de hele gemeente is er geen open aanbod voor hen")
    return text + "."

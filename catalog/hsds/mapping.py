"""Our activity <-> HSDS 3.1 records, field by field.

An activity is one HSDS service of its organisation, at one location (its address and wheelchair
access), with weekly schedules, languages, a cost option in euro per month, a contact, and
attributes: its categories as terms of the taxonomy 'socialmap-categories', and the fields HSDS has
no place for (our id, kind, gender, culture, neighbourhood, capacity) as terms of the taxonomy
'socialmap-properties' with the value in the attribute; its activity types and target groups (the
matcher's knowledge, catalog/taxonomy.json) as terms of 'socialmap-activity-types' and
'socialmap-target-groups', so that another directory can read what kind of activity it is. Every id is a uuid5 of what the record
stands for, so the same catalog always exports the same ids.
"""
from __future__ import annotations

import re
import uuid
from typing import Callable

from catalog.model import CATEGORIES, CATEGORY_LABELS, WEEKDAYS, Activity
from catalog.store import Postcode
from catalog.taxonomy import taxonomy as activity_taxonomy
from catalog.vocabulary import DAY_NAMES, LANGUAGE_ALIASES, LANGUAGES

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:socialmap:hsds")  # never change: every id depends on it
CATEGORY_TAXONOMY = "socialmap-categories"
PROPERTY_TAXONOMY = "socialmap-properties"
TYPE_TAXONOMY = "socialmap-activity-types"
GROUP_TAXONOMY = "socialmap-target-groups"
# code: (name, description) of the terms whose attribute value holds an activity field.
PROPERTIES = {
    "activity_id": ("Activiteit-id", "De id van de activiteit op de sociale kaart; een import herkent de activiteit eraan."),
    "kind": ("Soort aanbod", "formal: aanbod van een organisatie; informal: van buurtbewoners of vrijwilligers."),
    "gender": ("Voor wie", "any: iedereen; female: alleen vrouwen; male: alleen mannen."),
    "culture": ("Culturele doelgroep", "De culturele gemeenschap waarop de activiteit zich richt."),
    "neighbourhood": ("Wijk", "De wijk waarin de activiteit plaatsvindt."),
    "capacity": ("Plaatsen", "open: er is plaats; waitlist: er is een wachtlijst; full: vol."),
}
BYDAY = dict(zip(WEEKDAYS, ("MO", "TU", "WE", "TH", "FR", "SA", "SU")))
WHEELCHAIR_TEXT = {"yes": "Toegankelijk voor rolstoelgebruikers.", "no": "Niet toegankelijk voor rolstoelgebruikers."}
UNKNOWN_PLACE = "onbekend"  # HSDS requires city and state_province; said plainly when the postcode table does not know
MONTHLY = "per maand"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
URL = re.compile(r"^https?://\S+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,}[0-9]$")
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?$")
PER_MONTH = re.compile(r"\b(per maand|maandelijks|p/m|per month|monthly|a month)\b", re.IGNORECASE)

Places = Callable[[str], Postcode | None]  # a postcode -> its row of the postcode table (store.postcode)


def hsds_id(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join((kind, *parts))))


def organization_id(name: str) -> str:
    return hsds_id("organization", name)


def service_id(activity_id: str) -> str:
    return hsds_id("service", activity_id)


def service_at_location_id(activity_id: str) -> str:
    return hsds_id("service_at_location", activity_id)


def taxonomy_id(taxonomy: str) -> str:
    return hsds_id("taxonomy", taxonomy)


def term_id(taxonomy: str, code: str) -> str:
    return hsds_id("taxonomy_term", taxonomy, code)


def taxonomy_records() -> dict[str, list[dict]]:
    """Our taxonomies and their terms, in Dutch."""
    taxonomies = [
        {"id": taxonomy_id(CATEGORY_TAXONOMY), "name": CATEGORY_TAXONOMY,
         "description": "Categorieën van activiteiten op de sociale kaart (Welzijn op Recept)."},
        {"id": taxonomy_id(PROPERTY_TAXONOMY), "name": PROPERTY_TAXONOMY,
         "description": "Eigenschappen van activiteiten op de sociale kaart waarvoor HSDS geen veld heeft; "
                        "de waarde staat in het attribuut."},
        {"id": taxonomy_id(TYPE_TAXONOMY), "name": TYPE_TAXONOMY,
         "description": "Soorten activiteiten op de sociale kaart (repair café, moestuin, koor, ...)."},
        {"id": taxonomy_id(GROUP_TAXONOMY), "name": GROUP_TAXONOMY,
         "description": "Doelgroepen waarvoor een activiteit bedoeld is (mantelzorgers, nieuwkomers, ...)."},
    ]
    known = activity_taxonomy()
    terms = [_term(CATEGORY_TAXONOMY, slug, CATEGORY_LABELS[slug],
                   f"Activiteiten in de categorie {CATEGORY_LABELS[slug]}.") for slug in CATEGORIES]
    terms += [_term(PROPERTY_TAXONOMY, code, name, description) for code, (name, description) in PROPERTIES.items()]
    terms += [_term(TYPE_TAXONOMY, key, t.label, f"Soort activiteit: {t.label}.") for key, t in known.types.items()]
    terms += [_term(GROUP_TAXONOMY, key, g.label, f"Bedoeld voor: {g.label}.") for key, g in known.groups.items()]
    return {"taxonomy": taxonomies, "taxonomy_term": terms}


def _term(taxonomy: str, code: str, name: str, description: str) -> dict:
    return {"id": term_id(taxonomy, code), "code": code, "name": name, "description": description,
            "taxonomy": taxonomy, "language": "nl", "taxonomy_id": taxonomy_id(taxonomy)}


def activity_records(a: Activity, place: Postcode | None) -> dict[str, list[dict]]:
    """The HSDS rows of one activity by table, its organisation and location included
    (activities at the same place with the same access share the location's rows)."""
    sid, sal = service_id(a.id), service_at_location_id(a.id)
    location = hsds_id("location", a.address, a.postcode, str(a.lat), str(a.lon), a.wheelchair)
    city = (place.municipality if place else None) or UNKNOWN_PLACE
    contact = contact_record(a.contact, sid)
    return {
        "organization": [{"id": organization_id(a.organisation), "name": a.organisation,
                          "description": organization_description(a.organisation)}],
        "service": [{"id": sid, "organization_id": organization_id(a.organisation), "name": a.title,
                     "description": a.description, "status": "temporarily closed" if a.paused else "active",
                     "minimum_age": a.min_age, "maximum_age": a.max_age,
                     "assured_date": a.last_verified.isoformat(), **contact.get("service", {})}],
        "location": [{"id": location, "location_type": "physical", "name": a.address,
                      "latitude": a.lat, "longitude": a.lon}],
        # HSDS requires state_province; a Dutch address has no province line and the postcode table
        # holds the municipality only, so the municipality stands in (never a guessed province).
        "address": [{"id": hsds_id("address", location), "location_id": location, "address_1": a.address,
                     "city": city, "state_province": city, "postal_code": a.postcode, "country": "NL",
                     "address_type": "physical"}],
        "accessibility": [{"id": hsds_id("accessibility", location), "location_id": location,
                           "description": WHEELCHAIR_TEXT[a.wheelchair]}] if a.wheelchair in WHEELCHAIR_TEXT else [],
        "service_at_location": [{"id": sal, "service_id": sid, "location_id": location}],
        "schedule": [{"id": hsds_id("schedule", a.id, str(n)), "service_id": sid, "service_at_location_id": sal,
                      "freq": "WEEKLY", "interval": 1, "byday": BYDAY[slot.day],
                      "opens_at": f"{slot.start}:00", "closes_at": f"{'00:00' if slot.end == '24:00' else slot.end}:00",
                      "description": schedule_description(str(slot))}
                     for n, slot in enumerate(a.schedule)],
        "language": [{"id": hsds_id("language", a.id, code), "service_id": sid,
                      "name": LANGUAGES.get(code, ("", code))[1], "code": code} for code in a.languages],
        "cost_option": [{"id": hsds_id("cost_option", a.id), "service_id": sid, "option": MONTHLY,
                         "currency": "EUR", "amount": a.cost_eur_month,
                         "amount_description": "gratis" if a.cost_eur_month == 0 else MONTHLY}],
        "phone": contact.get("phone", []),
        "contact": contact.get("contact", []),
        "attribute": [_attribute(sid, CATEGORY_TAXONOMY, slug, None) for slug in a.categories] + [
            _attribute(sid, PROPERTY_TAXONOMY, code, value) for code, value in (
                ("activity_id", a.id), ("kind", a.kind), ("gender", a.gender), ("culture", a.culture),
                ("neighbourhood", a.neighbourhood), ("capacity", a.capacity)) if value] + [
            _attribute(sid, TYPE_TAXONOMY, key, None) for key in (a.types or []) if key in activity_taxonomy().types] + [
            _attribute(sid, GROUP_TAXONOMY, key, None) for key in (a.target_groups or []) if key in activity_taxonomy().groups],
    }


def organization_description(name: str) -> str:
    return f"{name}: aanbieder van activiteiten op de sociale kaart."


def schedule_description(slot: str) -> str:
    """'di 10:00-11:30' -> 'Elke dinsdag 10:00-11:30 (Nederlandse tijd).'"""
    day, times = slot.split(" ", 1)
    return f"Elke {DAY_NAMES[day]} {times} (Nederlandse tijd)."


def contact_record(contact: str, sid: str) -> dict:
    """Where our free-text contact goes: an e-mail address or a web address on the service,
    a phone number as its phone, anything else as a named contact."""
    if EMAIL.match(contact):
        return {"service": {"email": contact}}
    if URL.match(contact):
        return {"service": {"url": contact}}
    if PHONE.match(contact):
        return {"phone": [{"id": hsds_id("phone", sid), "service_id": sid, "number": contact}]}
    return {"contact": [{"id": hsds_id("contact", sid), "service_id": sid, "name": contact}]}


def _attribute(sid: str, taxonomy: str, code: str, value: str | None) -> dict:
    term = term_id(taxonomy, code)
    known = activity_taxonomy()
    label, link_type = {CATEGORY_TAXONOMY: lambda: (CATEGORY_LABELS[code], "category"),
                        PROPERTY_TAXONOMY: lambda: (PROPERTIES[code][0], "property"),
                        TYPE_TAXONOMY: lambda: (known.label(code), "activity_type"),
                        GROUP_TAXONOMY: lambda: (known.groups[code].label, "target_group")}[taxonomy]()
    return {"id": hsds_id("attribute", sid, term), "link_id": sid, "taxonomy_term_id": term,
            "link_type": link_type,
            "link_entity": "service", "value": value, "label": label}


# --- HSDS -> our fields (for records that did not come from us; the importer reports every miss)

def weekly_slots(schedule: dict) -> tuple[list[str], str | None]:
    """The slots ('di 10:00-11:30') of an HSDS schedule row, or why it is not a plain weekly one."""
    freq = schedule.get("freq", "").upper()
    if freq != "WEEKLY":
        return [], f"freq '{freq}' is not WEEKLY" if freq else "no freq; only weekly schedules map"
    if schedule.get("interval", "") not in ("", "1", "1.0"):
        return [], f"every {schedule['interval']} weeks, not every week"
    limits = [c for c in ("byweekno", "bymonthday", "byyearday", "count") if schedule.get(c)]
    if limits:
        return [], f"limited by {', '.join(limits)}: not every week"
    by_code = {code: day for day, code in BYDAY.items()}
    days = [d.strip().upper() for d in schedule.get("byday", "").split(",") if d.strip()]
    if not days or any(d not in by_code for d in days):
        return [], f"byday '{schedule.get('byday', '')}' does not name days MO..SU"
    opens, closes = TIME.match(schedule.get("opens_at", "")), TIME.match(schedule.get("closes_at", ""))
    if not opens or not closes:
        return [], "opens_at/closes_at are not both times (HH:MM)"
    start, end = f"{opens[1]}:{opens[2]}", f"{closes[1]}:{closes[2]}"
    end = "24:00" if end == "00:00" else end  # closing at midnight
    return [f"{by_code[d]} {start}-{end}" for d in days], None


def language_code(code: str, name: str) -> str | None:
    """ISO 639-1 code of an HSDS language (code 'nl', 'nld', 'nl-NL', or a name we know), else None."""
    primary = code.strip().lower().split("-")[0].split("_")[0]
    if re.fullmatch(r"[a-z]{2}", primary):
        return primary
    return LANGUAGE_ALIASES.get(primary) or LANGUAGE_ALIASES.get(name.strip().lower())


def euros_per_month(option: dict) -> float | None:
    """The amount of an HSDS cost option when it is in euro per month (or free), else None."""
    try:
        amount = float(option.get("amount", ""))
    except ValueError:
        return None
    if option.get("currency", "").upper() != "EUR":
        return None
    wording = f"{option.get('option', '')} {option.get('amount_description', '')}"
    return amount if amount == 0 or PER_MONTH.search(wording) else None


def category_for(code: str, name: str) -> str | None:
    """Our category whose slug or Dutch label is exactly the term's code or name (case, spaces,
    '_' and '-' aside), else None."""
    def norm(text: str) -> str:
        return " ".join(re.sub(r"[_-]", " ", text).casefold().split())
    wanted = {norm(code), norm(name)} - {""}
    return next((slug for slug in CATEGORIES if {norm(slug), norm(CATEGORY_LABELS[slug])} & wanted), None)

"""Read an HSDS 3.1 tabular datapackage into activities, with a report of what did not map.

Each service at a location becomes one activity: its fields are gathered into a row of our CSV
exchange format and checked by catalog.validation.validate_row, so the rules are those of a CSV
import. What HSDS does not carry gets a documented fallback, each use of it noted in the report:
kind 'formal', gender 'any', capacity 'open' and wheelchair 'unknown' unless our attributes say
otherwise; Dutch when a service names no language; missing coordinates and neighbourhood from the
postcode table (`places`); the date of last_modified when assured_date is missing. A service whose
row still fails validation (no location, no cost in euro per month, coordinates outside the
Netherlands, ...) is not imported, and the report says why, field by field.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from catalog.hsds.mapping import (
    CATEGORY_TAXONOMY, PROPERTIES, PROPERTY_TAXONOMY, UNKNOWN_PLACE, WHEELCHAIR_TEXT, Places, category_for,
    euros_per_month, language_code, organization_description, schedule_description, weekly_slots,
)
from catalog.hsds.report import HsdsImportReport, Note, Outcome
from catalog.hsds.tabular import REFERENCES, DatapackageError, read_descriptor, read_table, required, tables
from catalog.model import CATEGORIES, Activity
from catalog.validation import ValidationError, normalise_postcode, parse_schedule, validate_row

# The columns read per table (those HSDS requires must be in the header).
READ = {
    "service": {"id", "organization_id", "name", "description", "status", "email", "url", "minimum_age",
                "maximum_age", "assured_date", "last_modified"},
    "organization": {"id", "name", "email", "website"},
    "service_at_location": {"id", "service_id", "location_id"},
    "location": {"id", "location_type", "latitude", "longitude"},
    "address": {"id", "location_id", "address_1", "city", "postal_code", "address_type"},
    "accessibility": {"id", "location_id", "description"},
    "schedule": {"id", "service_id", "service_at_location_id", "freq", "interval", "byday", "byweekno",
                 "bymonthday", "byyearday", "count", "opens_at", "closes_at"},
    "language": {"id", "service_id", "name", "code"},
    "cost_option": {"id", "service_id", "option", "currency", "amount", "amount_description"},
    "phone": {"id", "service_id", "number"},
    "contact": {"id", "service_id", "name", "email"},
    "attribute": {"id", "link_id", "link_entity", "taxonomy_term_id", "value"},
    "taxonomy_term": {"id", "code", "name", "taxonomy", "taxonomy_id"},
    "taxonomy": {"id", "name"},
}
# Columns that only restate what is read (or describe a vocabulary): not reported as lost.
RESTATED = {"address": {"state_province", "country"}, "attribute": {"link_type", "label"},
            "taxonomy_term": {"description", "language"}, "taxonomy": {"description"}}
WHEELCHAIR_VALUES = {text: value for value, text in WHEELCHAIR_TEXT.items()}  # our own accessibility texts
# Where each column of our row comes from, to say so when it is wrong.
SOURCES = {
    "id": "our activity_id attribute or the HSDS id", "title": "services name", "description": "services description",
    "organisation": "organizations name", "kind": "attribute kind", "categories": "attributes with taxonomy terms",
    "min_age": "services minimum_age", "max_age": "services maximum_age", "gender": "attribute gender",
    "languages": "languages", "culture": "attribute culture", "address": "addresses address_1",
    "postcode": "addresses postal_code", "neighbourhood": "attribute neighbourhood or the postcode table",
    "lat": "locations latitude", "lon": "locations longitude", "schedule": "schedules",
    "cost_eur_month": "cost_options in EUR per month", "wheelchair": "accessibility", "capacity": "attribute capacity",
    "last_verified": "services assured_date", "contact": "services email, phones, services url, contacts, "
                                                         "or the organization's email or website",
}


def import_datapackage(directory: str | Path, places: Places | None = None) -> tuple[list[Activity], HsdsImportReport]:
    """The activities of an HSDS tabular datapackage folder and the report; raises DatapackageError
    (a ValueError) when the package as a whole cannot be read. `places` (e.g. store.postcode) fills
    in missing coordinates and neighbourhoods."""
    directory = Path(directory)
    files, listed = read_descriptor(directory)
    report = HsdsImportReport(str(directory))
    report.notes += [Note(file, "", "", message) for file, message in listed]
    if "service" not in files:
        raise DatapackageError(f"{directory}: the datapackage has no services table (services.csv); nothing to import")
    data = _Tables({name: read_table(path, name, required(name) & READ[name])
                    for name, path in files.items() if name in READ})
    report.notes += [Note(tables()[name]["path"], "", "", f"not read: {name} records have no place in an activity")
                     for name in files if name not in READ]
    return _Mapper(data, places, report).activities(), report


class _Tables:
    """The rows read, by id and by the id a column points to."""

    def __init__(self, rows: dict[str, list[dict]]):
        self.rows = rows
        self.by_id = {name: {r["id"]: r for r in found} for name, found in self.rows.items()}
        self._links: dict[tuple[str, str], dict[str, list[dict]]] = {}

    def get(self, table: str, record_id: str) -> dict | None:
        return self.by_id.get(table, {}).get(record_id) if record_id else None

    def linked(self, table: str, column: str, value: str) -> list[dict]:
        if (table, column) not in self._links:
            index = defaultdict(list)
            for row in self.rows.get(table, []):
                index[row.get(column, "")].append(row)
            self._links[table, column] = index
        return self._links[table, column].get(value, []) if value else []


class _Mapper:
    def __init__(self, data: _Tables, places: Places | None, report: HsdsImportReport):
        self.data, self.places, self.report = data, places, report
        self.used: set[tuple[str, str]] = set()  # (table, id) of the records an activity was built from

    def activities(self) -> list[Activity]:
        activities, owners = [], {}
        for service in self.data.rows["service"]:
            for outcome, row in self._service(service):
                self.report.outcomes.append(outcome)
                if row is None:
                    continue
                try:
                    activity = validate_row(row)
                except ValidationError as e:
                    outcome.reasons += [f"{p.column} (from {SOURCES[p.column]}): {p.message}" for p in e.problems]
                    continue
                if activity.id in owners:
                    outcome.reasons.append(f"activity id '{activity.id}' is already that of service {owners[activity.id]}")
                    continue
                owners[activity.id] = service["id"]
                outcome.activity_id = activity.id
                activities.append(activity)
        self._note_unused()
        return activities

    def note(self, table: str, column: str, record: str, message: str) -> None:
        self.report.notes.append(Note(tables()[table]["path"], column, record, message))

    def use(self, table: str, row: dict, expected: dict[str, str] | None = None) -> dict:
        """Mark a record as read and note its columns that have no place in an activity
        (`expected`: columns that only restate what we map, e.g. our own generated descriptions;
        links to other records are not data of their own)."""
        if (table, row["id"]) in self.used:  # shared records (an organisation, a location) are noted once
            return row
        self.used.add((table, row["id"]))
        for column, value in row.items():
            if (value and column not in READ[table] | RESTATED.get(table, set()) and column not in REFERENCES
                    and (expected or {}).get(column) != value):
                self.note(table, column, row["id"], "no place in an activity; not imported")
        return row

    def _service(self, service: dict) -> list[tuple[Outcome, dict | None]]:
        """(outcome, row in our CSV format or None) for each location of the service."""
        sid, name, status = service["id"], service.get("name", ""), service.get("status", "")
        self.use("service", service)
        if status in ("inactive", "defunct"):
            return [(Outcome(sid, name, None, None, [f"status '{status}': no longer offered"]), None)]
        if status == "temporarily closed":
            self.note("service", "status", sid, "'temporarily closed' is not carried over (pause the activity in the catalog)")
        places = self.data.linked("service_at_location", "service_id", sid)
        if not places:
            return [(Outcome(sid, name, None, None, ["no service_at_location: without a location it cannot be "
                                                     "placed on the map"]), None)]
        common, properties = self._service_fields(service)
        several = len(places) > 1
        if several and "activity_id" in properties:
            self.note("attribute", "value", sid, f"activity_id ignored: the service has {len(places)} locations, "
                                                 "each becomes an activity with the service_at_location id")
        results = []
        for sal in places:
            self.use("service_at_location", sal)
            activity_id = sal["id"] if several else properties.get("activity_id") or sid
            row = {**common, "id": activity_id, **self._location_fields(sal, sid, properties)}
            results.append((Outcome(sid, name, sal["id"] if several else None, None), row))
        return results

    def _service_fields(self, service: dict) -> tuple[dict, dict]:
        """Our columns that come from the service itself, and our properties found in its attributes."""
        sid = service["id"]
        organization = self.data.get("organization", service.get("organization_id", ""))
        if organization:
            self.use("organization", organization, {"description": organization_description(organization.get("name", ""))})
        elif service.get("organization_id"):
            self.note("service", "organization_id", sid, "names no record of organizations.csv")
        categories, properties = self._attributes(sid)
        for column, fallback in (("kind", "formal"), ("gender", "any"), ("capacity", "open")):
            if not properties.get(column):
                properties[column] = fallback
                self.note("service", "", sid, f"{column} not given (no attribute of taxonomy {PROPERTY_TAXONOMY}): "
                                              f"'{fallback}' assumed")
        last_verified = service.get("assured_date", "")
        if not last_verified and service.get("last_modified"):
            last_verified = service["last_modified"][:10]
            self.note("service", "assured_date", sid, "empty: the date of last_modified used as last verified")
        row = {"title": service.get("name", ""), "description": service.get("description", ""),
               "organisation": (organization or {}).get("name", ""), "categories": ";".join(categories),
               "min_age": _whole(service.get("minimum_age", "")), "max_age": _whole(service.get("maximum_age", "")),
               "languages": ";".join(self._languages(sid)), "cost_eur_month": self._cost(sid),
               "last_verified": last_verified, "contact": self._contact(service, organization),
               **{c: properties[c] for c in ("kind", "gender", "capacity")},
               "culture": properties.get("culture", "")}
        return row, properties

    def _attributes(self, sid: str) -> tuple[list[str], dict[str, str]]:
        categories, properties = [], {}
        for attribute in self.data.linked("attribute", "link_id", sid):
            if attribute.get("link_entity", "") not in ("", "service"):
                continue  # a record of another table that happens to have the same id
            self.use("attribute", attribute)
            term = self.data.get("taxonomy_term", attribute.get("taxonomy_term_id", ""))
            if term is None:
                self.note("attribute", "taxonomy_term_id", attribute["id"], "names no record of taxonomy_terms.csv; left out")
                continue
            self.use("taxonomy_term", term)
            taxonomy = self.data.get("taxonomy", term.get("taxonomy_id", ""))
            if taxonomy:
                self.use("taxonomy", taxonomy)
            taxonomy_name = (taxonomy or {}).get("name") or term.get("taxonomy", "")
            code, name = term.get("code", ""), term.get("name", "")
            if taxonomy_name == PROPERTY_TAXONOMY and code in PROPERTIES:
                properties[code] = attribute.get("value", "")
            elif taxonomy_name == CATEGORY_TAXONOMY and code in CATEGORIES:
                categories.append(code)
            elif slug := category_for(code, name):
                categories.append(slug)
                self.note("attribute", "taxonomy_term_id", attribute["id"],
                          f"term '{name}' of taxonomy '{taxonomy_name}' taken as our category '{slug}'")
            else:
                self.note("attribute", "taxonomy_term_id", attribute["id"],
                          f"term '{name}' of taxonomy '{taxonomy_name}' matches none of our categories; left out")
        return list(dict.fromkeys(categories)), properties

    def _languages(self, sid: str) -> list[str]:
        rows = self.data.linked("language", "service_id", sid)
        if not rows:
            self.note("service", "", sid, "no language given: Dutch (nl) assumed")
            return ["nl"]
        codes = []
        for row in rows:
            self.use("language", row)
            code = language_code(row.get("code", ""), row.get("name", ""))
            if code is None:
                self.note("language", "code", row["id"], f"'{row.get('name', '')}' (code '{row.get('code', '')}') "
                                                         "is no language we know; left out")
            else:
                codes.append(code)
        return list(dict.fromkeys(codes))

    def _cost(self, sid: str) -> str:
        amounts = []
        for option in self.data.linked("cost_option", "service_id", sid):
            self.use("cost_option", option)
            amount = euros_per_month(option)
            if amount is None:
                self.note("cost_option", "amount", option["id"],
                          f"{option.get('amount', '')} {option.get('currency', '')} "
                          f"'{option.get('amount_description') or option.get('option', '')}' "
                          "is not an amount in euro per month; left out")
            else:
                amounts.append(amount)
        return str(min(amounts)) if amounts else ""  # the cheapest way in, as 'from ...'

    def _contact(self, service: dict, organization: dict | None) -> str:
        sid = service["id"]
        phones = [self.use("phone", p) for p in self.data.linked("phone", "service_id", sid)]
        contacts = [self.use("contact", c) for c in self.data.linked("contact", "service_id", sid)]
        choices = ([service.get("email", "")] + [p.get("number", "") for p in phones] + [service.get("url", "")]
                   + [c.get("email") or c.get("name", "") for c in contacts]
                   + [(organization or {}).get("email", ""), (organization or {}).get("website", "")])
        return next((c for c in choices if c), "")

    def _location_fields(self, sal: dict, sid: str, properties: dict) -> dict:
        """Our columns that come from the location, its address, access and schedules."""
        location = self.data.get("location", sal.get("location_id", ""))
        if location is None:
            self.note("service_at_location", "location_id", sal["id"], "names no record of locations.csv")
            location = {"id": ""}
        addresses = self.data.linked("address", "location_id", location["id"])
        address = next((a for a in addresses if a.get("address_type") == "physical"), addresses[0] if addresses else {})
        if address:
            self.use("address", address)
        if location["id"]:
            self.use("location", location, {"name": address.get("address_1", "")})
            if location.get("location_type") == "virtual":
                self.note("location", "location_type", location["id"], "virtual: an online service has no place on the map")
        row = {"address": address.get("address_1", ""), "postcode": address.get("postal_code", ""),
               "lat": location.get("latitude", ""), "lon": location.get("longitude", ""),
               "neighbourhood": properties.get("neighbourhood", ""), "wheelchair": self._wheelchair(location["id"]),
               "schedule": "; ".join(self._slots(sal["id"], sid))}
        self._fill_from_postcode(row, sal["id"], address.get("city", ""))
        return row

    def _fill_from_postcode(self, row: dict, record: str, city: str) -> None:
        """Missing coordinates and neighbourhood from the postcode table, else the neighbourhood from the city."""
        place = None
        if self.places and (not row["lat"] or not row["lon"] or not row["neighbourhood"]):
            try:
                place = self.places(normalise_postcode(row["postcode"]))
            except ValueError:
                place = None  # validation says what is wrong with the postcode
        if place and (not row["lat"] or not row["lon"]):
            row["lat"], row["lon"] = str(place.lat), str(place.lon)
            self.note("service_at_location", "", record, f"no coordinates: those of postcode {place.postcode} "
                                                         "from the postcode table used")
        if row["neighbourhood"]:
            return
        for value, source in ((place and place.neighbourhood, "the postcode table's neighbourhood"),
                              (place and place.municipality, "the postcode table's municipality"),
                              (city if city != UNKNOWN_PLACE else "", "the address's city")):
            if value:
                row["neighbourhood"] = value
                self.note("service_at_location", "", record, f"no neighbourhood given: {source} used")
                return

    def _wheelchair(self, location_id: str) -> str:
        for row in self.data.linked("accessibility", "location_id", location_id):
            self.use("accessibility", row)
            if row.get("description") in WHEELCHAIR_VALUES:
                return WHEELCHAIR_VALUES[row["description"]]
            self.note("accessibility", "description", row["id"], "free text is not read; wheelchair access 'unknown'")
        return "unknown"

    def _slots(self, sal_id: str, sid: str) -> list[str]:
        """The weekly slots of this service at this location and of the service as a whole."""
        rows = self.data.linked("schedule", "service_at_location_id", sal_id) + [
            s for s in self.data.linked("schedule", "service_id", sid) if not s.get("service_at_location_id")]
        slots = []
        for row in rows:
            found, reason = weekly_slots(row)
            try:
                parse_schedule("; ".join(found))
            except ValueError as e:
                reason = str(e)
            ours = schedule_description(found[0]) if len(found) == 1 and not reason else ""
            self.use("schedule", row, {"description": ours})
            if reason:
                self.note("schedule", "", row["id"], f"not a weekly slot ({reason}); left out")
            else:
                slots += found
        return slots

    def _note_unused(self) -> None:
        """Records no activity was built from (taxonomies are vocabularies: their unused terms are fine)."""
        for table, rows in self.data.rows.items():
            if table in ("taxonomy", "taxonomy_term"):
                continue
            for row in rows:
                if (table, row["id"]) not in self.used:
                    self.note(table, "", row["id"], "linked to no imported service; not imported")


def _whole(value: str) -> str:
    """'12.0' -> '12' (HSDS ages are numbers); anything else as it is, for validation to judge."""
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number.is_integer() else value

"""Activities as HSDS 3.1: a tabular datapackage (datapackage.json and one CSV per table) or nested
JSON objects as the compiled schemas describe them (the same nesting serves the HSDS API)."""
from __future__ import annotations

import functools
import itertools
import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from catalog.hsds.mapping import Places, activity_records, taxonomy_records
from catalog.hsds.tabular import DESCRIPTOR, descriptor, tables, write_table
from catalog.model import Activity

TABLES = ("organization", "service", "attribute", "service_at_location", "location", "phone", "contact",
          "address", "schedule", "language", "accessibility", "taxonomy_term", "cost_option", "taxonomy")


def records(activities: Iterable[Activity], places: Places | None = None) -> dict[str, list[dict]]:
    """Every HSDS row of the activities and of our taxonomies, by table, each record once."""
    found: dict[str, dict[str, dict]] = {name: {} for name in tables() if name in TABLES}
    lookup = functools.lru_cache(maxsize=None)(places) if places else (lambda postcode: None)
    parts = (activity_records(a, lookup(a.postcode)) for a in activities)
    for part in itertools.chain([taxonomy_records()], parts):
        for table, rows in part.items():
            for row in rows:
                found[table].setdefault(row["id"], row)
    return {name: list(rows.values()) for name, rows in found.items()}


def export_datapackage(activities: Iterable[Activity], out_dir: str | Path, places: Places | None = None) -> Path:
    """Write the tabular datapackage into out_dir; return the path of its datapackage.json.
    `places` (e.g. store.postcode) gives each address its municipality."""
    out, tables_rows = Path(out_dir), records(activities, places)
    path = out / DESCRIPTOR
    out.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # written last: a datapackage.json means every table it lists is complete
    for name, rows in tables_rows.items():
        write_table(out / tables()[name]["path"], name, rows)
    path.write_text(json.dumps(descriptor(list(tables_rows)), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def export_json(activities: Iterable[Activity], places: Places | None = None) -> list[dict]:
    """The activities as compiled HSDS service objects (organization, service_at_locations with
    location, address and schedules, languages, cost_options, contact, attributes with their term)."""
    package = Package(records(activities, places))
    return [service_object(package, row) for row in package.records["service"]]


class Package:
    """HSDS records indexed for nesting: by id, and by the id a column points to."""

    def __init__(self, tables_rows: dict[str, list[dict]]):
        self.records = tables_rows
        self.by_id = {name: {r["id"]: r for r in rows} for name, rows in tables_rows.items()}
        self._links: dict[tuple[str, str], dict[str, list[dict]]] = {}

    def linked(self, table: str, column: str, value: str) -> list[dict]:
        if (table, column) not in self._links:
            index = defaultdict(list)
            for row in self.records[table]:
                index[row.get(column)].append(row)
            self._links[table, column] = index
        return self._links[table, column].get(value, [])


def plain(row: dict) -> dict:
    """A record as JSON: unknown values are left out (the HSDS schemas allow no nulls)."""
    return {k: v for k, v in row.items() if v is not None and v != ""}


def service_object(p: Package, service: dict) -> dict:
    sid = service["id"]
    return {**service_list_item(p, service),
            "service_at_locations": [service_at_location_object(p, sal)
                                     for sal in p.linked("service_at_location", "service_id", sid)],
            "languages": [plain(r) for r in p.linked("language", "service_id", sid)],
            "cost_options": [plain(r) for r in p.linked("cost_option", "service_id", sid)],
            "phones": [plain(r) for r in p.linked("phone", "service_id", sid)],
            "contacts": [plain(r) for r in p.linked("contact", "service_id", sid)],
            "attributes": attributes(p, sid)}


def service_list_item(p: Package, service: dict) -> dict:
    """The service's one-to-one fields with its organization (the /services list item)."""
    return {**plain(service), "organization": plain(p.by_id["organization"][service["organization_id"]])}


def service_at_location_object(p: Package, sal: dict) -> dict:
    return {**plain(sal), "location": location_object(p, sal["location_id"]),
            "schedules": [plain(r) for r in p.linked("schedule", "service_at_location_id", sal["id"])]}


def service_at_location_list_item(p: Package, sal: dict) -> dict:
    return {**plain(sal), "location": plain(p.by_id["location"][sal["location_id"]]),
            "service": service_list_item(p, p.by_id["service"][sal["service_id"]])}


def location_object(p: Package, location_id: str) -> dict:
    return {**plain(p.by_id["location"][location_id]),
            "addresses": [plain(r) for r in p.linked("address", "location_id", location_id)],
            "accessibility": [plain(r) for r in p.linked("accessibility", "location_id", location_id)]}


def attributes(p: Package, link_id: str) -> list[dict]:
    return [{**plain(a), "taxonomy_term": term_object(p, a["taxonomy_term_id"])}
            for a in p.linked("attribute", "link_id", link_id)]


def term_object(p: Package, term_id: str) -> dict:
    term = p.by_id["taxonomy_term"][term_id]
    return {**plain(term), "taxonomy_detail": plain(p.by_id["taxonomy"][term["taxonomy_id"]])}

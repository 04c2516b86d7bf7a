"""Checks of HSDS output against the vendored HSDS 3.1 schemas, independent of the code under test:
JSON documents against the compiled schemas (every object closed, so a misspelt field fails too),
and datapackage tables row by row against the table schemas."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import re
import uuid
from pathlib import Path
from urllib.parse import urlparse

import jsonschema

SCHEMA = Path(__file__).resolve().parents[1] / "catalog" / "hsds" / "schema"
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")

FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("uri")
def _uri(value) -> bool:
    parts = urlparse(value)
    return bool(parts.scheme and parts.netloc)


@FORMATS.checks("date-time")
def _date_time(value) -> bool:
    dt.datetime.fromisoformat(value)
    return True


@FORMATS.checks("uuid")
def _uuid(value) -> bool:
    return str(uuid.UUID(value)) == value  # canonical: lower case, with hyphens


def load(name: str) -> dict:
    return json.loads((SCHEMA / name).read_text(encoding="utf-8"))


def closed(schema):
    """The schema with every object closed to the properties it names."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if "properties" in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schema)
    return schema


def _with_definitions(schema: dict) -> dict:
    return {**schema, "definitions": load("compiled/service_with_definitions.json")["definitions"]}


def service_schema() -> dict:
    return load("compiled/service_with_definitions.json")


def service_at_location_schema() -> dict:
    """compiled/service_at_location.json: the service_at_location with its service (without its
    service_at_locations), composed from service_with_definitions.json."""
    service = {k: v for k, v in service_schema().items() if k != "definitions"}
    service["properties"] = {k: v for k, v in service["properties"].items() if k != "service_at_locations"}
    sal = copy.deepcopy(service_schema()["definitions"]["service_at_location"])
    sal["properties"]["service"] = service
    return _with_definitions(sal)


def organization_schema() -> dict:
    """compiled/organization.json: the organization with its services, composed the same way."""
    organization = copy.deepcopy(service_schema()["definitions"]["organization"])
    organization["properties"]["services"] = {"type": "array",
                                              "items": {k: v for k, v in service_schema().items() if k != "definitions"}}
    return _with_definitions(organization)


def definition(name: str) -> dict:
    return _with_definitions({"$ref": f"#/definitions/{name}"})


def json_errors(document, schema: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(closed(schema), format_checker=FORMATS)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def page_errors(page: dict) -> list[str]:
    """The paging of HSDS's openapi.json: its Page schema, and no member besides it and contents."""
    schema = load("openapi.json")["components"]["schemas"]["Page"]
    errors = json_errors({k: v for k, v in page.items() if k != "contents"}, schema)
    missing = set(schema["properties"]) - set(page)
    return errors + ([f"page lacks {sorted(missing)}"] if missing else [])


def datapackage_errors(directory: Path) -> list[str]:
    """Every table of the datapackage, every row against its HSDS table schema: types, required
    fields, formats, enums, unique ids; and every foreign key resolves."""
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    errors, rows_by_table = [], {}
    for resource in package["resources"]:
        schema = load(f"{resource['name']}.json")
        if resource["path"] != schema["path"]:
            errors.append(f"{resource['name']}: path {resource['path']}, HSDS says {schema['path']}")
        with open(directory / resource["path"], encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
        scalar = [k for k, v in schema["properties"].items() if v.get("type") != "array" and "$ref" not in v]
        if reader.fieldnames != scalar:
            errors.append(f"{resource['path']}: columns {reader.fieldnames}, HSDS names {scalar}")
        if [f["name"] for f in resource["schema"]["fields"]] != scalar:
            errors.append(f"{resource['path']}: datapackage.json fields differ from the table's columns")
        rows_by_table[resource["name"]] = rows
        validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
        needed = set(schema.get("required", [])) | set(schema.get("tabular_required", []))
        for line, row in enumerate(rows, start=2):
            where = f"{resource['path']} line {line}"
            errors += [f"{where}: '{c}' is required" for c in needed if not row.get(c)]
            typed = {}
            for column, value in row.items():
                spec = schema["properties"][column]
                if value == "":
                    continue
                if spec["type"] == "number":
                    try:
                        typed[column] = float(value)
                    except ValueError:
                        errors.append(f"{where}: {column} '{value}' is not a number")
                    continue
                typed[column] = value
                kind = spec.get("datapackage_type")
                if kind in ("date", "datetime"):
                    try:
                        (dt.date if kind == "date" else dt.datetime).fromisoformat(value)
                    except ValueError:
                        errors.append(f"{where}: {column} '{value}' is not a {kind}")
                if kind == "time" and not TIME.match(value):
                    errors.append(f"{where}: {column} '{value}' is not a time (HH:MM:SS)")
            errors += [f"{where}: {e.message}" for e in validator.iter_errors(typed)]
        ids = [r["id"] for r in rows]
        if len(ids) != len(set(ids)):
            errors.append(f"{resource['path']}: ids are not unique")
    return errors + _references(package, rows_by_table)


def _references(package: dict, rows_by_table: dict[str, list[dict]]) -> list[str]:
    ids = {table: {r["id"] for r in rows} for table, rows in rows_by_table.items()}
    errors = []
    for resource in package["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"] or resource["name"]
            if target not in ids:
                errors.append(f"{resource['path']}: foreign key to {target}, which is not in the package")
            for row in rows_by_table[resource["name"]]:
                value = row.get(key["fields"])
                if value and value not in ids.get(target, ()):
                    errors.append(f"{resource['path']} {row['id']}: {key['fields']} {value} is no {target}")
    for row in rows_by_table.get("attribute", []):
        if row["link_id"] not in ids.get(row["link_entity"], ()):
            errors.append(f"attributes.csv {row['id']}: link_id {row['link_id']} is no {row['link_entity']}")
    return errors

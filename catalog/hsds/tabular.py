"""HSDS tables as files: the vendored table schemas, the datapackage.json built from them, and
reading and writing the CSV tables.

Incoming files are read strictly: anything malformed is a DatapackageError that names the file,
the line and what to fix, never a table read halfway.
"""
from __future__ import annotations

import csv
import functools
import io
import json
from pathlib import Path, PurePosixPath

from catalog.csv_cells import unescape, write_rows

SCHEMA_DIR = Path(__file__).parent / "schema"
DESCRIPTOR = "datapackage.json"
MAX_FILE_BYTES = 512 * 1024 * 1024  # far above a national catalog; stops a runaway file early
# Identifier columns and the table they point to (attribute.link_id and metadata.resource_id
# point to a table named in another column, so they get no foreign key).
REFERENCES = {
    "organization_id": "organization", "parent_organization_id": "organization",
    "program_id": "program", "service_id": "service", "location_id": "location",
    "service_at_location_id": "service_at_location", "contact_id": "contact", "phone_id": "phone",
    "taxonomy_term_id": "taxonomy_term", "parent_id": "taxonomy_term", "taxonomy_id": "taxonomy",
    "unit_id": "unit",
}


class DatapackageError(ValueError):
    """The datapackage cannot be read as a whole; the message says what to fix."""


@functools.cache
def tables() -> dict[str, dict]:
    """The HSDS table schemas by table name ('service', 'address', ...), in the datapackage order."""
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in SCHEMA_DIR.glob("*.json")
               if p.name != "openapi.json"]
    schemas.sort(key=lambda s: (s["datapackage_metadata"]["order"], s["name"]))
    return {s["name"]: s for s in schemas}


@functools.cache
def columns(table: str) -> tuple[str, ...]:
    """The table's CSV columns: its scalar fields (nested lists and objects are tables of their own)."""
    return tuple(name for name, spec in tables()[table]["properties"].items()
                 if spec.get("type") != "array" and "$ref" not in spec)


def required(table: str) -> set[str]:
    schema = tables()[table]
    return (set(schema.get("required", ())) | set(schema.get("tabular_required", ()))) & set(columns(table))


def field_type(spec: dict) -> str:
    """The Table Schema type of a field: dates and times are strings with a datapackage_type."""
    return spec.get("datapackage_type") or ("datetime" if spec.get("format") == "date-time" else spec["type"])


def descriptor(names: list[str]) -> dict:
    """datapackage.json for these tables, in the Frictionless layout of the HSDS datapackage."""
    return {"profile": "tabular-data-package", "name": "socialmap-hsds",
            "title": "Social map activities as Open Referral HSDS 3.1",
            "resources": [_resource(name, set(names)) for name in names]}


def _resource(name: str, present: set[str]) -> dict:
    schema, needed = tables()[name], required(name)
    fields = []
    for column in columns(name):
        spec = schema["properties"][column]
        field = {"name": column, "type": field_type(spec), "description": spec.get("description", "")}
        if field["type"] == "string" and spec.get("format") in ("uuid", "email", "uri"):
            field["format"] = spec["format"]
        constraints = {"required": column in needed,
                       "unique": column == "id" or spec.get("constraints", {}).get("unique", False)}
        if "enum" in spec:
            constraints["enum"] = spec["enum"]
        fields.append({**field, "constraints": constraints})
    keys = [{"fields": column, "reference": {"resource": "" if target == name else target, "fields": "id"}}
            for column in columns(name) if (target := REFERENCES.get(column)) in present]
    meta = schema["datapackage_metadata"]
    return {"name": name, "path": schema["path"], "description": schema["description"],
            "format": meta["format"], "mediatype": meta["mediatype"], "profile": meta["profile"],
            "schema": {"fields": fields, "primaryKey": "id", "foreignKeys": keys}}


def write_table(path: Path, table: str, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        names = columns(table)
        unknown = {k for row in rows for k in row} - set(names)
        if unknown:   # a key outside the schema: a mapping bug
            raise ValueError(f"{table}: columns outside the schema: {', '.join(sorted(unknown))}")
        write_rows(f, names, ([_whole(row.get(c)) for c in names] for row in rows))


def _whole(value):
    """HSDS numbers as their readers expect them: 12, not 12.0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def read_descriptor(directory: Path) -> tuple[dict[str, Path], list[tuple[str, str]]]:
    """The HSDS tables of a datapackage folder (table name -> CSV file), and notes on what was
    listed but is not read."""
    if not directory.is_dir():
        raise DatapackageError(f"{directory}: no such folder; give the folder that holds datapackage.json")
    path = directory / DESCRIPTOR
    if not path.is_file():
        raise DatapackageError(f"{directory}: no {DESCRIPTOR}; an HSDS tabular datapackage is a folder "
                               f"with {DESCRIPTOR} listing its tables and one CSV file per table")
    text = read_text(path)
    link = text.strip()
    if link.endswith(".json") and not link.startswith("{") and "\n" not in link and len(link) < 256:
        # A symbolic link saved as a plain file (git without symlinks; the HSDS examples ship so):
        # the tables carry their HSDS file names.
        found = {name: directory / s["path"] for name, s in tables().items() if (directory / s["path"]).is_file()}
        return found, [(DESCRIPTOR, f"holds only the link '{link}' (a symbolic link saved as a file); "
                                    "the tables were read by their HSDS 3.1 file names")]
    try:
        package = json.loads(text)
    except json.JSONDecodeError as e:
        raise DatapackageError(f"{path}: not JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise DatapackageError(f"{path}: no 'resources' list; it must list the tables, "
                               'e.g. {"resources": [{"name": "service", "path": "services.csv"}]}')
    by_path = {s["path"]: name for name, s in tables().items()}
    found, notes = {}, []
    for number, resource in enumerate(resources, start=1):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            raise DatapackageError(f"{path}: resource {number} has no 'path' naming its CSV file")
        name = resource.get("name") if resource.get("name") in tables() else by_path.get(resource["path"])
        if name is None:
            notes.append((resource["path"], f"resource '{resource.get('name')}' is no HSDS 3.1 table; not read"))
            continue
        if name in found:
            raise DatapackageError(f"{path}: the {name} table is listed twice; list each table once")
        found[name] = _inside(directory, resource["path"], path)
    return found, notes


def _inside(directory: Path, relative: str, descriptor_path: Path) -> Path:
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or ":" in relative:
        raise DatapackageError(f"{descriptor_path}: path '{relative}' must name a file inside {directory}")
    file = directory.joinpath(*parts)
    if not file.is_file():
        raise DatapackageError(f"{descriptor_path}: lists '{relative}', which is not in {directory}")
    return file


def read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DatapackageError(f"{path}: {size:,} bytes; at most {MAX_FILE_BYTES:,} are read")
    data = path.read_bytes()
    nul = data.find(b"\0")
    if nul >= 0:  # UTF-16 text, or no text at all
        raise DatapackageError(f"{path}: holds NUL bytes (byte {nul}); save the file as UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DatapackageError(f"{path}: not UTF-8 text (byte {e.start}); save the file as UTF-8") from None


def read_table(path: Path, table: str, needed: set[str]) -> list[dict[str, str]]:
    """Every record of an HSDS table; the header must hold the `needed` columns, every record an id
    of its own and as many fields as the header."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""), strict=True)
    line = 1
    try:
        header = [h.strip() for h in next(reader, [])]
        if not any(header):
            raise DatapackageError(f"{path}: empty; the first line must name the columns")
        doubled = sorted({h for h in header if header.count(h) > 1})
        if doubled:
            raise DatapackageError(f"{path}: the header names {', '.join(doubled)} more than once")
        missing = sorted(needed - set(header))
        if missing:
            raise DatapackageError(f"{path}: the header lacks column(s) {', '.join(missing)}; "
                                   f"HSDS 3.1 names them: {','.join(columns(table))}")
        rows, seen = [], {}
        while True:
            line = reader.line_num + 1  # a quoted field may span lines: say where the record starts
            values = next(reader, None)
            if values is None:
                return rows
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise DatapackageError(f"{path} line {line}: {len(values)} fields, the header has "
                                       f"{len(header)}; quote text that holds commas")
            row = dict(zip(header, (unescape(v.strip()) for v in values)))
            if "id" in row:
                if not row["id"]:
                    raise DatapackageError(f"{path} line {line}: the id is empty; every record needs one")
                if row["id"] in seen:
                    raise DatapackageError(f"{path} line {line}: id {row['id']} is already used on line {seen[row['id']]}")
                seen[row["id"]] = line
            rows.append(row)
    except csv.Error as e:
        hint = ("a field is longer than the 131,072 characters allowed" if "field limit" in str(e)
                else f"broken CSV ({e}); check the quotes")
        raise DatapackageError(f"{path} line {line}: {hint}") from None


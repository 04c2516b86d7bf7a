"""Hostile HSDS datapackages: each is one clear DatapackageError (a ValueError) that names the file,
the line and what to fix, never a traceback from deep inside and never a partial import."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.hsds.export import export_datapackage
from catalog.hsds.importer import import_datapackage
from catalog.hsds.tabular import DatapackageError
from catalog.validation import validate_row


@pytest.fixture
def package(tmp_path, rows6) -> Path:
    out = tmp_path / "p"
    export_datapackage([validate_row(r) for r in rows6], out)
    return out


def services_lines(package: Path) -> list[str]:
    return (package / "services.csv").read_text(encoding="utf-8").splitlines(keepends=True)


def write_services(package: Path, lines: list[str]) -> None:
    (package / "services.csv").write_text("".join(lines), encoding="utf-8")


def descriptor(package: Path) -> dict:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def fails(directory: Path, message: str) -> str:
    with pytest.raises(DatapackageError) as caught:
        import_datapackage(directory)
    assert isinstance(caught.value, ValueError)
    assert message in str(caught.value), str(caught.value)
    return str(caught.value)


def test_the_package_itself_imports(package):
    activities, report = import_datapackage(package)
    assert len(activities) == 6 and report.notes == []


def test_no_folder_and_no_datapackage_json(tmp_path, package):
    fails(tmp_path / "nope", "no such folder; give the folder that holds datapackage.json")
    (package / "datapackage.json").unlink()
    fails(package, "no datapackage.json; an HSDS tabular datapackage is a folder with datapackage.json")


def test_datapackage_json_that_is_not_json_or_lists_no_tables(package):
    path = package / "datapackage.json"
    path.write_text('{"resources": [', encoding="utf-8")
    fails(package, "datapackage.json: not JSON (line 1, column 16")
    path.write_bytes(b'{"name": "caf\xe9"}')
    fails(package, "datapackage.json: not UTF-8 text (byte 13); save the file as UTF-8")
    path.write_text('{"name": "x"}', encoding="utf-8")
    fails(package, "no 'resources' list")
    path.write_text('{"resources": [{"name": "organization"}]}', encoding="utf-8")
    fails(package, "resource 1 has no 'path' naming its CSV file")


def test_resources_that_point_outside_or_nowhere(package):
    path, original = package / "datapackage.json", descriptor(package)
    for bad in ("../services.csv", "/etc/passwd", "https://example.org/services.csv"):
        changed = {**original, "resources": [{**r, "path": bad} if r["name"] == "service" else r
                                             for r in original["resources"]]}
        path.write_text(json.dumps(changed), encoding="utf-8")
        fails(package, f"path '{bad}' must name a file inside")
    services = next(r for r in original["resources"] if r["name"] == "service")
    path.write_text(json.dumps({"resources": [services, services]}), encoding="utf-8")
    fails(package, "the service table is listed twice")
    path.write_text(json.dumps({"resources": [r for r in original["resources"] if r["name"] != "service"]}),
                    encoding="utf-8")
    fails(package, "the datapackage has no services table (services.csv); nothing to import")
    path.write_text(json.dumps(original), encoding="utf-8")
    (package / "schedules.csv").unlink()
    fails(package, "lists 'schedules.csv', which is not in")


def test_a_table_in_another_encoding(package):
    (package / "services.csv").write_bytes("id,name\nx,Caf\xe9\n".encode("latin-1"))
    fails(package, "services.csv: not UTF-8 text (byte 13); save the file as UTF-8")


def test_broken_csv_structure(package):
    lines = services_lines(package)
    write_services(package, [lines[0], lines[1].rstrip("\r\n") + ",extra\r\n", *lines[2:]])
    fails(package, "services.csv line 2: 24 fields, the header has 23; quote text that holds commas")
    write_services(package, [*lines[:3], 'x,"an open quote\r\n'])
    fails(package, "services.csv line 4: broken CSV (unexpected end of data); check the quotes")
    (package / "services.csv").write_bytes("".join(lines).encode("utf-16-le"))
    fails(package, "services.csv: holds NUL bytes (byte 1); save the file as UTF-8 text")
    write_services(package, [])
    fails(package, "services.csv: empty; the first line must name the columns")
    write_services(package, [lines[0].replace(",name,", ",title,"), *lines[1:]])
    fails(package, "services.csv: the header lacks column(s) name; HSDS 3.1 names them: id,organization_id,")
    write_services(package, [lines[0].replace(",description,", ",name,"), *lines[1:]])
    fails(package, "services.csv: the header names name more than once")


def test_huge_cells_and_bad_ids(package):
    lines = services_lines(package)
    write_services(package, [lines[0], lines[1].replace("Wandelgroep", "x" * 200_000)])
    fails(package, "services.csv line 2: a field is longer than the 131,072 characters allowed")
    write_services(package, [lines[0], lines[1], lines[1]])
    fails(package, "services.csv line 3: id 7a27ee67-c39e-5deb-9dd5-4bd03778b333 is already used on line 2")
    write_services(package, [lines[0], "," + lines[1].split(",", 1)[1]])
    fails(package, "services.csv line 2: the id is empty; every record needs one")

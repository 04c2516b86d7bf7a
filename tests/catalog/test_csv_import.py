"""read_catalog_csv: a whole file -> activities plus a per-line problem report; file-level errors."""
from __future__ import annotations

import pytest

from catalog.csv_import import CsvFormatError, parse_catalog_csv, read_catalog_csv
from catalog.model import CSV_COLUMNS
from tests.helpers import DEMO_CATALOG, csv_text, write_catalog


def problems_by_line(report) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for p in report.problems:
        out.setdefault(p.line, set()).add(p.column)
    return out


def test_demo_catalog_reads_cleanly(demo_rows):
    report = read_catalog_csv(DEMO_CATALOG)
    assert report.ok and report.problems == []
    assert report.rows == len(demo_rows) == len(report.activities)
    assert [a.id for a in report.activities] == [r["id"] for r in demo_rows]


def test_good_rows_parse_to_the_right_activities(tmp_path, rows6):
    report = read_catalog_csv(write_catalog(tmp_path / "c.csv", rows6))
    assert report.ok and report.rows == 6 and report.bad_lines == set()
    first = report.activities[0]
    raw = rows6[0]
    assert first.id == raw["id"] and first.title == raw["title"]
    assert first.description == raw["description"]
    assert first.categories == raw["categories"].split(";")
    assert first.lat == float(raw["lat"]) and first.lon == float(raw["lon"])
    assert first.to_row()["schedule"] == raw["schedule"]


@pytest.mark.parametrize("column,value", [
    ("categories", "wandelen;sjoelen"), ("kind", "semi"), ("lat", "5.2"), ("lon", "52.1"),
    ("schedule", "dinsdag 10:00-12:00"), ("max_age", "10"), ("last_verified", "31-12-2025"),
    ("wheelchair", "ja"), ("capacity", "vol"), ("postcode", "37O1 AB"),
])
def test_bad_value_reported_at_its_line_and_column(tmp_path, rows6, column, value):
    rows6[3][column] = value  # the fifth line of the file (line 1 is the header)
    if column == "max_age":
        rows6[3]["min_age"] = "18"
    report = read_catalog_csv(write_catalog(tmp_path / "c.csv", rows6))
    assert not report.ok
    assert problems_by_line(report) == {5: {column}}
    assert report.bad_lines == {5}
    assert [a.id for a in report.activities] == [r["id"] for i, r in enumerate(rows6) if i != 3]
    assert report.rows == 6
    assert str(report.problems[0]).startswith(f"line 5, column '{column}': ")


def test_swapped_coordinates_hint_in_file(tmp_path, rows6):
    rows6[0]["lat"], rows6[0]["lon"] = rows6[0]["lon"], rows6[0]["lat"]
    report = read_catalog_csv(write_catalog(tmp_path / "c.csv", rows6))
    lat = [p for p in report.problems if p.column == "lat"]
    assert len(lat) == 1 and lat[0].line == 2 and "swapped" in lat[0].message


def test_duplicate_id_names_the_first_line(tmp_path, rows6):
    rows6[4]["id"] = rows6[1]["id"]
    report = read_catalog_csv(write_catalog(tmp_path / "c.csv", rows6))
    assert len(report.problems) == 1
    p = report.problems[0]
    assert (p.line, p.column) == (6, "id")
    assert f"'{rows6[1]['id']}'" in p.message and "line 3" in p.message
    assert [a.id for a in report.activities].count(rows6[1]["id"]) == 1
    assert report.bad_lines == {6}


def test_too_many_fields(tmp_path, rows6):
    text = csv_text(rows6).splitlines(keepends=True)
    text[2] = text[2].rstrip("\n") + ",extra,more\n"  # line 3 gets two unquoted extra fields
    path = tmp_path / "c.csv"
    path.write_text("".join(text), encoding="utf-8")
    report = read_catalog_csv(path)
    assert len(report.problems) == 1
    p = report.problems[0]
    assert (p.line, p.column) == (3, "*")
    assert f"{len(CSV_COLUMNS) + 2} fields" in p.message and f"header has {len(CSV_COLUMNS)}" in p.message
    assert "quote" in p.message
    assert len(report.activities) == 5


def test_too_few_fields_reports_the_empty_required_columns(tmp_path, rows6):
    text = csv_text(rows6).splitlines(keepends=True)
    text[3] = ",".join(text[3].split(",")[:3]) + "\n"
    path = tmp_path / "c.csv"
    path.write_text("".join(text), encoding="utf-8")
    report = read_catalog_csv(path)
    assert 4 in problems_by_line(report)
    assert {"contact", "lat", "lon"} <= problems_by_line(report)[4]


def test_missing_header_column_is_a_format_error(tmp_path, rows6):
    columns = [c for c in CSV_COLUMNS if c not in ("wheelchair", "capacity")]
    path = write_catalog(tmp_path / "c.csv", rows6, columns=columns)
    with pytest.raises(CsvFormatError) as info:
        read_catalog_csv(path)
    assert "wheelchair, capacity" in str(info.value)
    assert "expected:" in str(info.value)


def test_empty_file_is_a_format_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(CsvFormatError, match="header lacks"):
        read_catalog_csv(path)


def test_non_utf8_file_is_a_format_error(tmp_path, rows6):
    rows6[0]["title"] = "Café Ontmoeting"
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_text(rows6).encode("cp1252"))
    with pytest.raises(CsvFormatError) as info:
        read_catalog_csv(path)
    assert "UTF-8" in str(info.value)


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(CsvFormatError, match="no such file"):
        read_catalog_csv(tmp_path / "nope.csv")


def test_utf8_bom_is_accepted(tmp_path, rows6):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(rows6).encode("utf-8"))
    report = read_catalog_csv(path)
    assert report.ok and len(report.activities) == 6


def test_crlf_line_endings(tmp_path, rows6):
    path = tmp_path / "crlf.csv"
    path.write_bytes(csv_text(rows6).replace("\n", "\r\n").encode("utf-8"))
    rows6[2]["kind"] = "x"
    report = read_catalog_csv(path)
    assert report.ok and len(report.activities) == 6
    path.write_bytes(csv_text(rows6).replace("\n", "\r\n").encode("utf-8"))
    assert problems_by_line(read_catalog_csv(path)) == {4: {"kind"}}


def test_multiline_quoted_field_reports_its_starting_line(tmp_path, rows6):
    rows6[1]["description"] = "Eerste regel.\nTweede regel.\nDerde regel."
    rows6[1]["kind"] = "semi"                   # the multi-line row is bad: it starts on line 3
    rows6[3]["capacity"] = "vol"                 # a later row: line 5 + the two extra lines = 7
    report = read_catalog_csv(write_catalog(tmp_path / "c.csv", rows6))
    assert problems_by_line(report) == {3: {"kind"}, 7: {"capacity"}}


def test_multiline_description_is_kept(tmp_path, rows6):
    rows6[0]["description"] = "Eerste regel.\nTweede regel."
    report = read_catalog_csv(write_catalog(tmp_path / "c.csv", rows6))
    assert report.ok and report.activities[0].description == "Eerste regel.\nTweede regel."


def test_rows_of_only_commas_are_skipped(tmp_path, rows6):
    text = csv_text(rows6).splitlines(keepends=True)
    text.insert(3, "," * (len(CSV_COLUMNS) - 1) + "\n")
    path = tmp_path / "c.csv"
    path.write_text("".join(text), encoding="utf-8")
    report = read_catalog_csv(path)
    assert report.ok and report.rows == 6 and len(report.activities) == 6


def test_blank_line_does_not_shift_later_line_numbers(tmp_path, rows6):
    rows6[1]["kind"] = "semi"
    rows6[2]["capacity"] = "vol"
    rows6[4]["gender"] = "vrouw"
    text = csv_text(rows6).splitlines(keepends=True)
    text.insert(2, "\n")                          # an empty line 3: the rows after it move down one
    path = tmp_path / "c.csv"
    path.write_text("".join(text), encoding="utf-8")
    lines = "".join(text).splitlines()
    assert "semi" in lines[3] and ",vol," in lines[4] and ",vrouw," in lines[6]
    report = read_catalog_csv(path)
    assert problems_by_line(report) == {4: {"kind"}, 5: {"capacity"}, 7: {"gender"}}
    assert report.bad_lines == {4, 5, 7}


@pytest.mark.parametrize("char", ["\u2028", "\x0b", "\x0c", "\x85"])
def test_unusual_line_separator_inside_a_field_stays_in_the_field(tmp_path, rows6, char):
    # Python's csv writer (like Excel) does not quote these characters: they are ordinary text
    # in CSV, where only CR and LF end a record. Text pasted from Word holds \x0b, for example.
    rows6[1]["description"] = f"Eerste zin.{char}Tweede zin."
    path = write_catalog(tmp_path / "c.csv", rows6)
    report = read_catalog_csv(path)
    assert report.problems == [], [str(p) for p in report.problems]
    assert report.activities[1].description == f"Eerste zin.{char}Tweede zin."


def test_parse_catalog_csv_takes_lines(rows6):
    report = parse_catalog_csv(csv_text(rows6).splitlines(keepends=True), source="mem")
    assert report.ok and len(report.activities) == 6
    with pytest.raises(CsvFormatError, match="^mem: "):
        parse_catalog_csv(["id,title\n", "a,b\n"], source="mem")

"""Read a catalog CSV (the exchange format in the README) into activities and a problem report.

Nothing is written here: the caller decides, from the report, whether to store anything.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from catalog.model import CSV_COLUMNS, Activity
from catalog.validation import Problem, ValidationError, validate_row


@dataclass
class CsvReport:
    activities: list[Activity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_lines: set[int] = field(default_factory=set)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (missing, not UTF-8, header wrong)."""


def read_catalog_csv(path: str | Path) -> CsvReport:
    path = Path(path)
    if not path.is_file():
        raise CsvFormatError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise CsvFormatError(f"{path}: not UTF-8 text (byte {e.start}); save the file as UTF-8") from None
    return parse_catalog_csv(text.splitlines(keepends=True), source=str(path))


def parse_catalog_csv(lines, source: str = "<csv>") -> CsvReport:
    reader = csv.DictReader(lines)
    header = reader.fieldnames or []
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise CsvFormatError(f"{source}: the header lacks column(s) {', '.join(missing)}; "
                             f"expected: {','.join(CSV_COLUMNS)}")
    report, seen = CsvReport(), {}
    line = 1
    for row in reader:
        start, line = line + 1, reader.line_num  # a quoted field may span lines: report where it starts
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        report.rows += 1
        if None in row:  # more fields than the header has
            report.problems.append(Problem(start, "*", f"{len(header) + len(row[None])} fields, "
                                           f"the header has {len(header)}; quote text that holds commas"))
            report.bad_lines.add(start)
            continue
        try:
            activity = validate_row(row, start)
        except ValidationError as e:
            report.problems.extend(e.problems)
            report.bad_lines.add(start)
            continue
        if activity.id in seen:
            report.problems.append(Problem(start, "id", f"'{activity.id}' already used on line {seen[activity.id]}"))
            report.bad_lines.add(start)
            continue
        seen[activity.id] = start
        report.activities.append(activity)
    return report

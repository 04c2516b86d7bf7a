"""Read a catalog CSV (the exchange format in the README) into activities and a problem report.

Nothing is written here: the caller decides, from the report, whether to store anything.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

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
    return parse_catalog_csv(read_text(path), source=str(path))


def read_text(path: str | Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise CsvFormatError(f"{path}: no such file")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise CsvFormatError(f"{path}: not UTF-8 text (byte {e.start}); save the file as UTF-8") from None


def records(text: str | Iterable[str]):
    """(header, iterator of (start line, row dict, extra fields)), blank lines skipped.
    The csv module splits the lines itself: characters such as \\x0b or \\u2028 stay inside fields."""
    source = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(source)
    header = next(reader, [])

    def rows():
        while True:
            start = reader.line_num + 1  # a quoted field may span lines: report where it starts
            values = next(reader, None)
            if values is None:
                return
            if not any(v.strip() for v in values):
                continue
            yield start, dict(zip(header, values)), values[len(header):]
    return header, rows()


def parse_catalog_csv(text: str | Iterable[str], source: str = "<csv>") -> CsvReport:
    header, rows = records(text)
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise CsvFormatError(f"{source}: the header lacks column(s) {', '.join(missing)}; "
                             f"expected: {','.join(CSV_COLUMNS)}")
    report, seen = CsvReport(), {}
    for start, row, extra in rows:
        report.rows += 1
        if extra:
            report.problems.append(Problem(start, "*", f"{len(header) + len(extra)} fields, "
                                           f"the header has {len(header)}; quote text that holds commas", "field_count"))
            report.bad_lines.add(start)
            continue
        try:
            activity = validate_row(row, start)
        except ValidationError as e:
            report.problems.extend(e.problems)
            report.bad_lines.add(start)
            continue
        if activity.id in seen:
            report.problems.append(Problem(start, "id", f"'{activity.id}' already used on line {seen[activity.id]}",
                                           "id_duplicate", {"id": activity.id, "line": seen[activity.id]}))
            report.bad_lines.add(start)
            continue
        seen[activity.id] = start
        report.activities.append(activity)
    return report

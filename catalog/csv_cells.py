"""The one CSV writer of the project (API downloads, CLI files, the HSDS tabular export).

Cells that come from listing text, a postcode table or an import may start with "=", "+", "-", "@",
a tab or a carriage return: a spreadsheet would run them as a formula (CSV injection, OWASP). Such
text cells get a leading apostrophe, which spreadsheets show as text; numbers stay numbers. Readers
of the project's own CSV files take the apostrophe off again (`unescape`).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import IO, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def unescape(text: str) -> str:
    """A cell as written by `cell` back to its text."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def write_rows(f: IO[str], header: Iterable[str], rows: Iterable[Iterable]) -> None:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows([cell(v) for v in row] for row in rows)


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    write_rows(out, header, rows)
    return out.getvalue()

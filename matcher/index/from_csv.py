"""A catalog CSV (the exchange format) through the index step."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from catalog.csv_import import read_catalog_csv
from catalog.kept_edits import EditConflict
from catalog.store import ImportRun, Store
from catalog.validation import Problem
from matcher.encoder import Encoder
from matcher.index.step import index_activities


@dataclass
class ImportResult:
    run: ImportRun | None   # None when nothing was written
    problems: list[Problem]
    rows: int
    notes: list[str] = field(default_factory=list)  # what was left out on purpose, and why
    conflicts: list[EditConflict] = field(default_factory=list)  # editors' changes the file would undo


def import_catalog(store: Store, path: str | Path, encoder: Encoder, skip_bad: bool = False,
                   progress: bool = False, overwrite_edits: bool = False,
                   move_organisations: bool = False) -> ImportResult:
    """Import a catalog CSV. With any bad row nothing is written, unless skip_bad."""
    report = read_catalog_csv(path)
    if report.problems and not skip_bad:
        return ImportResult(None, report.problems, report.rows)
    done = index_activities(store, report.activities, encoder, str(path), len(report.bad_lines), progress,
                            overwrite_edits, move_organisations)
    return ImportResult(done.run, report.problems, report.rows, done.notes, done.conflicts)

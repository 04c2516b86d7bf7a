"""An HSDS tabular datapackage through the index step, the same as a CSV import."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from catalog.hsds.importer import import_datapackage
from catalog.hsds.report import HsdsImportReport
from catalog.kept_edits import EditConflict
from catalog.store import ImportRun, Store
from matcher.encoder import Encoder
from matcher.index.step import index_activities


@dataclass
class HsdsImportResult:
    run: ImportRun | None   # None when nothing was written
    report: HsdsImportReport
    notes: list[str] = field(default_factory=list)  # what was left out on purpose, and why
    conflicts: list[EditConflict] = field(default_factory=list)  # editors' changes the files would undo


def import_hsds(store: Store, directory: str | Path, encoder: Encoder, skip_bad: bool = False,
                progress: bool = False, overwrite_edits: bool = False,
                move_organisations: bool = False) -> HsdsImportResult:
    """Import an HSDS tabular datapackage folder. With any service not imported nothing is written,
    unless skip_bad. The store's postcode table fills in missing coordinates and neighbourhoods."""
    activities, report = import_datapackage(directory, places=store.postcode)
    if report.skipped and not skip_bad:
        return HsdsImportResult(None, report)
    done = index_activities(store, activities, encoder, str(directory), len(report.skipped), progress,
                            overwrite_edits, move_organisations)
    return HsdsImportResult(done.run, report, done.notes, done.conflicts)

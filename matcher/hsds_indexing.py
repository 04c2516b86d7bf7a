"""The index step for an HSDS datapackage: the same path as a CSV import (embed what changed, store)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from catalog.csv_import import CsvReport
from catalog.hsds.importer import import_datapackage
from catalog.hsds.report import HsdsImportReport
from catalog.store import ImportRun, Store
from matcher.encoder import Encoder
from catalog.kept_edits import EditConflict
from matcher.indexing import assign_types, embed_changed, settle


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
    settled = settle(store, activities, overwrite_edits, move_organisations)
    activities = settled.activities
    run = ImportRun(source=str(directory), model=encoder.name, skipped=len(report.skipped) + len(settled.notes))
    run.embedded = embed_changed(store, CsvReport(activities=activities), encoder, progress)
    assign_types(store, activities)
    return HsdsImportResult(store.save_import(activities, run, settled.versions), report, settled.notes,
                            settled.conflicts)

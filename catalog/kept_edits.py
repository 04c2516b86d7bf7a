"""What a re-import may not undo: a field an editor changed through the API after the listing's last
import, and the organisation a listing belongs to.

An organisation's file is often older than the edits made in the page since it was last imported. So
an import keeps each such edit and reports it (listing, field, the kept value and the file's), unless
asked to overwrite them; and it leaves out a row that would give an existing listing to another
organisation, unless asked to move it. `last_verified` takes the later date: a confirmation in the
page is never undone by an older file, and that is no conflict.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from catalog.model import Activity
from catalog.validation import validate_row

TYPE_FIELDS = {"types", "target_groups", "types_source"}   # kept by the index step (corrected_types)


@dataclass(frozen=True)
class EditConflict:
    activity_id: str
    field: str
    kept: str          # the editor's value, still in the catalog
    file_value: str    # what the file says

    def __str__(self) -> str:
        return (f"'{self.activity_id}': {self.field} was changed in the catalog after the last import; kept "
                f"'{self.kept}', the file says '{self.file_value}' (--overwrite-edits to take the file's)")


@dataclass
class Reconciled:
    activities: list[Activity]
    conflicts: list[EditConflict]
    notes: list[str]               # rows left out, and why
    versions: dict[str, int]       # the versions the decisions were made on (save_import checks them)


def reconcile(store, activities: list[Activity], overwrite_edits: bool = False,
              move_organisations: bool = False) -> Reconciled:
    edited, owners = store.edited_since_import(), store.owners()
    kept, conflicts, notes = [], [], []
    for incoming in activities:
        if incoming.id not in owners:
            kept.append(incoming)
            continue
        organisation, _version = owners[incoming.id]
        if organisation.casefold() != incoming.organisation.casefold() and not move_organisations:
            notes.append(f"'{incoming.id}' belongs to {organisation}, the file gives it to "
                         f"{incoming.organisation}: left out (--move-organisations to move it)")
            continue
        if incoming.id in edited:   # only these need the stored listing itself
            incoming, found = _keep_edits(store.get(incoming.id), incoming, edited[incoming.id], overwrite_edits)
            conflicts += found
        kept.append(incoming)
    return Reconciled(kept, conflicts, notes, {a.id: owners[a.id][1] for a in kept if a.id in owners})


def _keep_edits(now: Activity, incoming: Activity, fields: set[str],
                overwrite: bool) -> tuple[Activity, list[EditConflict]]:
    theirs, ours = incoming.record(), now.record()
    changes, conflicts = {}, []
    for name in sorted(fields - TYPE_FIELDS - {"last_verified"}):
        if name in theirs and theirs[name] != ours.get(name):
            conflicts.append(EditConflict(incoming.id, name, ours.get(name, ""), theirs[name]))
            if not overwrite:
                changes[name] = ours.get(name, "")
    later = max(now.last_verified, incoming.last_verified)
    if not changes:
        return (incoming if later == incoming.last_verified else replace(incoming, last_verified=later)), conflicts
    row = {**incoming.to_row(), **changes, "last_verified": later.isoformat()}
    return validate_row(row), conflicts   # a kept text gets its vector in the index step

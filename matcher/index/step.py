"""The index step itself: a list of validated activities in, stored with vectors and kinds out.

Vectors are computed only for activities whose text or model changed since they were stored. The
kinds of activity and target groups (matcher/activity_types.py) are assigned from the listing's own
words at every import, so they follow its text and the taxonomy; an editor's correction is kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from catalog.kept_edits import EditConflict, Reconciled, reconcile
from catalog.model import Activity
from catalog.store import ImportRun, Store
from matcher.activity_types import assign
from matcher.encoder import Encoder


@dataclass
class Indexed:
    run: ImportRun                  # what was written
    notes: list[str] = field(default_factory=list)  # what was left out on purpose, and why
    conflicts: list[EditConflict] = field(default_factory=list)  # editors' changes the source would undo


def leave_out_merged(store: Store, activities: list[Activity]) -> tuple[list[Activity], list[str]]:
    """A listing an admin merged into another stays merged: when an organisation's file still holds
    the old id, that row is left out instead of bringing the duplicate back."""
    merged = store.merged_ids()
    notes = [f"'{a.id}' was merged into '{merged[a.id]}' and is left out; remove it from the file"
             for a in activities if a.id in merged]
    return [a for a in activities if a.id not in merged], notes


def embed_changed(store: Store, activities: list[Activity], encoder: Encoder, progress: bool) -> int:
    """Attach vectors to the activities that need new ones; return how many were computed."""
    states = store.embedding_states()
    todo = [a for a in activities
            if (s := states.get(a.id)) is None or s.text_hash != a.text_hash or s.model != encoder.name]
    if todo:
        # Chains list one text in many places: embed each distinct text once.
        texts = list(dict.fromkeys(a.text_for_embedding() for a in todo))
        vectors = dict(zip(texts, encoder.passages(texts, progress=progress)))
        for activity in todo:
            activity.embedding = vectors[activity.text_for_embedding()]
    return len(todo)


def assign_types(store: Store, activities: list[Activity]) -> None:
    """Each activity's types and target groups: the editor's where an editor corrected them (see
    editing.py), else assigned from its words."""
    corrected = store.corrected_types()
    done: dict[tuple, tuple[list[str], list[str]]] = {}   # chains list one text many times: assign it once
    for a in activities:
        if a.id in corrected:
            a.types, a.target_groups = (list(x) for x in corrected[a.id])
            a.types_source = "editor"
            continue
        key = (a.title, a.description, tuple(a.categories), a.min_age, a.max_age)   # all that assign() reads
        if key not in done:
            assigned = assign(a)
            done[key] = (assigned.types, assigned.groups)
        types, groups = done[key]
        a.types, a.target_groups, a.types_source = list(types), list(groups), "auto"


def settle(store: Store, activities: list[Activity], overwrite_edits: bool,
           move_organisations: bool) -> Reconciled:
    """What the file may change: merged listings stay merged, editors' edits and owners stay."""
    activities, merged_notes = leave_out_merged(store, activities)
    settled = reconcile(store, activities, overwrite_edits, move_organisations)
    settled.notes = merged_notes + settled.notes
    return settled


def index_activities(store: Store, activities: list[Activity], encoder: Encoder, source: str, skipped: int = 0,
                     progress: bool = False, overwrite_edits: bool = False,
                     move_organisations: bool = False) -> Indexed:
    """Store the activities with their vectors and kinds, in one transaction. A field an editor
    changed since the last import is kept (and reported) unless overwrite_edits; a listing is never
    given to another organisation unless move_organisations (catalog/kept_edits.py). `skipped`: the
    source's items already left out (bad rows)."""
    settled = settle(store, activities, overwrite_edits, move_organisations)
    run = ImportRun(source=source, model=encoder.name, skipped=skipped + len(settled.notes))
    run.embedded = embed_changed(store, settled.activities, encoder, progress)
    assign_types(store, settled.activities)
    return Indexed(store.save_import(settled.activities, run, settled.versions), settled.notes, settled.conflicts)

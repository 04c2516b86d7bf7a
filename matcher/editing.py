"""Editing one listing: the same validation as the import, and a new vector only when the text changed.

The store checks the version (optimistic concurrency) and writes the audit trail in the same
transaction; this module turns JSON fields into a validated Activity and decides on re-embedding.
"""
from __future__ import annotations

import datetime as dt

from catalog.model import Activity
from catalog.records import NotFound, VersionConflict
from catalog.store import Store
from catalog.validation import validate_row
from matcher.encoder import Encoder

LIST_SEPARATORS = {"categories": ";", "languages": ";", "schedule": "; "}


def as_row_values(fields: dict) -> dict[str, str]:
    """JSON values -> the strings of the CSV exchange format, which validate_row checks."""
    row = {}
    for name, value in fields.items():
        if value is None:
            row[name] = ""
        elif isinstance(value, list):
            row[name] = LIST_SEPARATORS.get(name, ";").join(str(v) for v in value)
        elif isinstance(value, dt.date):
            row[name] = value.isoformat()
        else:
            row[name] = str(value)
    return row


def _embed(activity: Activity, encoder: Encoder) -> None:
    activity.embedding = encoder.passages([activity.text_for_embedding()])[0]


def create_listing(store: Store, encoder: Encoder, fields: dict, actor: str, today: dt.date | None = None) -> Activity:
    fields = {"last_verified": today or dt.date.today(), **fields}
    activity = validate_row(as_row_values(fields))   # raises ValidationError naming each field
    _embed(activity, encoder)
    store.create_activity(activity, actor, encoder.name)
    return store.get(activity.id)


def proposed_change(current: Activity, fields: dict) -> Activity:
    """The listing as it would be with these fields changed (validated, not yet stored)."""
    row = current.to_row()
    row.update(as_row_values(fields))
    return validate_row(row)


def change_listing(store: Store, encoder: Encoder, current: Activity, fields: dict, expected_version: int,
                   actor: str, action: str = "update") -> Activity:
    changed = proposed_change(current, fields)
    if changed.text_hash != current.text_hash:
        _embed(changed, encoder)   # else the stored vector stays: no model call for a new phone number
    store.update_activity(changed, expected_version, actor, encoder.name, action=action)
    return store.get(current.id)


def confirm_listing(store: Store, encoder: Encoder, activity_id: str, actor: str,
                    today: dt.date | None = None, attempts: int = 3) -> Activity:
    """'Still current': last_verified becomes today. Needs no version from the caller; a concurrent
    edit is not overwritten, the confirmation is applied on top of it."""
    for _ in range(attempts):
        current = store.get(activity_id)
        if current is None:
            raise NotFound(f"no activity with id '{activity_id}'")
        try:
            return change_listing(store, encoder, current, {"last_verified": today or dt.date.today()},
                                  current.version, actor, action="confirm")
        except VersionConflict:
            continue
    raise VersionConflict(activity_id, current.version, current.version + 1)

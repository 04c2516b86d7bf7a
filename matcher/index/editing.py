"""Editing one listing: the same validation as the import, and a new vector only when the text changed.

The store checks the version (optimistic concurrency) and writes the audit trail in the same
transaction; this module turns JSON fields into a validated Activity and decides on re-embedding.
"""
from __future__ import annotations

import datetime as dt

from catalog.model import Activity
from catalog.errors import NotFound, VersionConflict
from catalog.store import Store
from catalog.taxonomy import taxonomy
from catalog.validation import Problem, ValidationError, validate_row
from matcher.activity_types import assign
from matcher.encoder import Encoder

LIST_SEPARATORS = {"categories": ";", "languages": ";", "schedule": "; "}
TYPE_FIELDS = ("types", "target_groups", "types_source")   # the editor's correction of the kinds


def _type_correction(fields: dict) -> dict:
    """The type fields of an edit, checked against the taxonomy (a ValidationError names each)."""
    t = taxonomy()
    correction = {k: fields.pop(k) for k in TYPE_FIELDS if k in fields}
    problems = []
    for name, known in (("types", t.types), ("target_groups", t.groups)):
        unknown = [k for k in correction.get(name) or [] if k not in known]
        if unknown:
            problems.append(Problem(None, name, f"unknown {', '.join(unknown)}; use keys of "
                                                f"GET /taxonomy ({len(known)} known)", "not_allowed",
                                    {"value": ", ".join(unknown)}))
    if correction.get("types_source") not in (None, "auto", "editor"):
        problems.append(Problem(None, "types_source", "use 'auto' (assign from the text again) or 'editor'",
                                    "not_allowed", {"value": str(correction["types_source"]), "allowed": ["auto", "editor"]}))
    if problems:
        raise ValidationError(problems)
    return correction


def _apply_types(activity: Activity, correction: dict, current: Activity | None = None) -> None:
    """An editor's types stay until the editor sets types_source back to 'auto'; otherwise the
    kinds follow the listing's words."""
    assigned = assign(activity)
    keep_editor = current is not None and current.types_source == "editor" and correction.get("types_source") != "auto"
    activity.types, activity.target_groups, activity.types_source = assigned.types, assigned.groups, "auto"
    if keep_editor:
        activity.types, activity.target_groups = list(current.types or []), list(current.target_groups or [])
        activity.types_source = "editor"
    if ("types" in correction or "target_groups" in correction) and correction.get("types_source") != "auto":
        activity.types = list(dict.fromkeys(correction.get("types", activity.types) or []))
        activity.target_groups = list(dict.fromkeys(correction.get("target_groups", activity.target_groups) or []))
        activity.types_source = "editor"


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
    correction = _type_correction(fields)
    activity = validate_row(as_row_values(fields))   # raises ValidationError naming each field
    _apply_types(activity, correction)
    _embed(activity, encoder)
    store.create_activity(activity, actor, encoder.name)
    return store.get(activity.id)


def proposed_change(current: Activity, fields: dict) -> Activity:
    """The listing as it would be with these fields changed (validated, not yet stored)."""
    fields = dict(fields)
    correction = _type_correction(fields)
    row = current.to_row()
    row.update(as_row_values(fields))
    changed = validate_row(row)
    _apply_types(changed, correction, current)
    return changed


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
            raise NotFound(f"no activity with id '{activity_id}'", "activity_unknown", id=activity_id)
        try:
            return change_listing(store, encoder, current, {"last_verified": today or dt.date.today()},
                                  current.version, actor, action="confirm")
        except VersionConflict:
            continue
    raise VersionConflict(activity_id, current.version, current.version + 1)

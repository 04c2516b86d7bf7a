"""Listings typed under older knowledge are typed again.

A listing's kinds and target groups are stored with it (the index step), so a new taxonomy or a
better reading of its words would otherwise reach only listings imported or edited after it. At
start-up the service compares the knowledge the store's listings were typed under (a store fact)
with its own, and re-types those it assigned itself (an editor's correction stays). Each change is
an edit by "socialmap" with the action "retype" in the audit trail.
"""
from __future__ import annotations

import dataclasses
import logging

from catalog.errors import NotFound, VersionConflict
from catalog.store import Store
from matcher.activity_types import assign, knowledge_version

TYPED_UNDER = "types_made_with"   # the store fact
ACTOR = "socialmap"
log = logging.getLogger("socialmap.retype")


def retype(store: Store) -> int | None:
    """Re-type what an older knowledge typed; the number of listings that changed, or None when
    the store was typed under this knowledge already."""
    current = knowledge_version()
    if store.fact(TYPED_UNDER) == current:
        return None
    changed = 0
    for a in store.activities():
        if a.types_source != "auto" or a.types is None:   # an editor's kinds stay; untyped ones are typed on use
            continue
        assigned = assign(a)
        if (a.types, a.target_groups) == (assigned.types, assigned.groups):
            continue
        new = dataclasses.replace(a, types=assigned.types, target_groups=assigned.groups, embedding=None)
        try:
            store.update_activity(new, a.version, ACTOR, None, action="retype")
            changed += 1
        except (VersionConflict, NotFound):   # edited or deleted meanwhile, and typed then
            continue
    store.set_fact(TYPED_UNDER, current)
    log.info("typed %d listing(s) again under knowledge %s", changed, current)
    return changed


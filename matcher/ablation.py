"""Parts of the matcher the matching benchmark switches off, to show what each one adds.

SOCIALMAP_ABLATE names them, comma separated: `taxonomy` (no knowledge signals), `weights` (the
hand-set weights instead of the learned ones), `stemmer` (words compared as written),
`adapter` (the intake's vectors as e5 makes them). Read once at
import: benchmarks/matching_eval.py sets it for a subprocess of its own. Never set in service.
"""
from __future__ import annotations

from catalog import config

KNOWN = ("taxonomy", "weights", "stemmer", "adapter")
_ACTIVE = config.ablated()
if _ACTIVE - set(KNOWN):
    raise ValueError(f"SOCIALMAP_ABLATE: unknown part(s) {', '.join(sorted(_ACTIVE - set(KNOWN)))}; "
                     f"use {', '.join(KNOWN)}")


def active(part: str) -> bool:
    return part in _ACTIVE

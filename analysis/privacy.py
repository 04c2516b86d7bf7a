"""Small numbers: a count under SOCIALMAP_MIN_COUNT (default 5) is shown as "< 5", never exactly,
so that no client can be singled out; a share is shown only where both of its counts may be."""
from __future__ import annotations

import os


def min_count() -> int:
    raw = os.environ.get("SOCIALMAP_MIN_COUNT", "").strip() or "5"
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 100:
        raise ValueError(f"SOCIALMAP_MIN_COUNT must be a whole number from 1 to 100, not '{raw}'")
    return value


def shown(count: int, threshold: int) -> int | str:
    return count if count == 0 or count >= threshold else f"< {threshold}"


def shown_share(part: int, whole: int, threshold: int) -> float | None:
    """part/whole, unless the whole, the part or the rest is a small number (any of them would
    let a reader work out a count under the threshold)."""
    if whole < threshold or 0 < part < threshold or 0 < whole - part < threshold:
        return None
    return round(part / whole, 3)

"""Small numbers: a count of clients under SOCIALMAP_MIN_COUNT (default 5), zero included, is shown
as "< 5", never exactly; larger counts are rounded to a multiple of 5 and shares to steps of 5%, so
that no small number can be worked out from two others (a total minus a part, or one group minus
another). A share is shown only where both its part and the rest reach the threshold."""
from __future__ import annotations


ROUND_TO = 5
SHARE_STEP = 0.05


def shown(count: int, threshold: int) -> int | str:
    if count < threshold:
        return f"< {threshold}"
    return max(threshold, ROUND_TO * round(count / ROUND_TO))


def shown_share(part: int, whole: int, threshold: int) -> float | None:
    if part < threshold or whole - part < threshold:
        return None
    return round(round(part / whole / SHARE_STEP) * SHARE_STEP, 2)


def rank(value: int | str) -> float:
    """A shown count as a number to sort by (a suppressed one below every shown one)."""
    return value if isinstance(value, int) else 0.5

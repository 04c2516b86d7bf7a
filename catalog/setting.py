"""Numbers from the environment (SOCIALMAP_...), checked, with a message that says what to write."""
from __future__ import annotations

import os


def number_setting(name: str, default: float, low: float, high: float, what: str, whole: bool = False,
                   above_low: bool = False) -> float:
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = None
    if value is None or not (low < value if above_low else low <= value) or value > high:
        raise ValueError(f"{name} must be {what} from {low} to {high}, not '{raw}'")
    return value

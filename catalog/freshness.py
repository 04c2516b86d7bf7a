"""When a listing counts as stale: not confirmed by its provider for longer than a setting.

SOCIALMAP_STALE_AFTER_MONTHS (default 12). Open Referral calls the confirmation date `assured_date`.
"""
from __future__ import annotations

import datetime as dt
import os

from catalog.model import Activity

DEFAULT_MONTHS = 12


def stale_after_days() -> int:
    raw = os.environ.get("SOCIALMAP_STALE_AFTER_MONTHS", "").strip() or str(DEFAULT_MONTHS)
    try:
        months = int(raw)
    except ValueError:
        months = 0
    if not 1 <= months <= 120:
        raise ValueError(f"SOCIALMAP_STALE_AFTER_MONTHS must be a whole number of months from 1 to 120, not '{raw}'")
    return round(months * 365.25 / 12)


def days_unverified(activity: Activity, today: dt.date | None = None) -> int:
    return ((today or dt.date.today()) - activity.last_verified).days


def is_stale(activity: Activity, today: dt.date | None = None, after_days: int | None = None) -> bool:
    return days_unverified(activity, today) > (stale_after_days() if after_days is None else after_days)

"""When a listing counts as stale: not confirmed by its provider for longer than a setting
(SOCIALMAP_STALE_AFTER_MONTHS, default 12: `Settings.stale_after_days`, passed in by the caller).
Open Referral calls the confirmation date `assured_date`.
"""
from __future__ import annotations

import datetime as dt

from catalog.model import Activity


def days_unverified(activity: Activity, today: dt.date | None = None) -> int:
    return ((today or dt.date.today()) - activity.last_verified).days


def is_stale(activity: Activity, after_days: int, today: dt.date | None = None) -> bool:
    return days_unverified(activity, today) > after_days


def stale_listings(activities: list[Activity], after_days: int, organisation: str | None = None,
                   today: dt.date | None = None) -> list[tuple[Activity, int]]:
    """The stale listings (of one organisation, any case) with their days unverified: grouped by
    organisation, the oldest first. The input of the reminder mail."""
    after, today = after_days, today or dt.date.today()
    wanted = organisation.casefold() if organisation else None
    found = [(a, days_unverified(a, today)) for a in activities if wanted is None or a.organisation.casefold() == wanted]
    return sorted(((a, days) for a, days in found if days > after),
                  key=lambda pair: (pair[0].organisation.casefold(), -pair[1], pair[0].id))

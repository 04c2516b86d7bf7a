"""Hard constraints: an activity that breaks one is never suggested."""
from __future__ import annotations

from catalog.model import Activity
from matcher.profile import ClientProfile


def too_far(a: Activity, p: ClientProfile, distance_km: float) -> str | None:
    return f"te ver ({distance_km:.1f} km)" if distance_km > p.max_distance_km else None


def outside_age(a: Activity, p: ClientProfile, distance_km: float) -> str | None:
    if p.age is None:
        return None
    if a.min_age is not None and p.age < a.min_age:
        return f"vanaf {a.min_age} jaar"
    if a.max_age is not None and p.age > a.max_age:
        return f"tot {a.max_age} jaar"
    return None


def other_gender_group(a: Activity, p: ClientProfile, distance_km: float) -> str | None:
    if a.gender in ("female", "male") and a.gender != p.gender:
        return "alleen voor vrouwen" if a.gender == "female" else "alleen voor mannen"
    return None


def not_wheelchair_accessible(a: Activity, p: ClientProfile, distance_km: float) -> str | None:
    if p.needs_wheelchair_access and a.wheelchair != "yes":
        return "niet rolstoeltoegankelijk" if a.wheelchair == "no" else "rolstoeltoegankelijkheid onbekend"
    return None


def full(a: Activity, p: ClientProfile, distance_km: float) -> str | None:
    return "vol" if a.capacity == "full" else None


HARD_CONSTRAINTS = (too_far, outside_age, other_gender_group, not_wheelchair_accessible, full)


def broken_constraints(a: Activity, p: ClientProfile, distance_km: float) -> list[str]:
    """Dutch reasons for every hard constraint the activity breaks for this client."""
    return [reason for check in HARD_CONSTRAINTS if (reason := check(a, p, distance_km))]

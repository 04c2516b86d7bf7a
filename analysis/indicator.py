"""The 80/20 indicator: the share of intakes for which a fitting activity existed nearby (no
tailored offer needed), against the field's norm of 80%, per wijk and per month."""
from __future__ import annotations

from analysis.privacy import shown, shown_share
from catalog.records import IntakeRecord

NORM = 0.8


def _row(group: dict, intakes: list[IntakeRecord], threshold: int) -> dict:
    fitting = sum(not r.tailored_needed for r in intakes)
    share = shown_share(fitting, len(intakes), threshold)
    if share is not None:
        verdict = "op of boven de norm" if share >= NORM else "onder de norm"
    else:  # hidden share: a verdict only where it holds for every count the hidden one could be
        low, high = _bounds(fitting, len(intakes), threshold)
        verdict = "op of boven de norm" if low >= NORM else "onder de norm" if high < NORM else None
    return {**group, "intakes": shown(len(intakes), threshold), "fitting_nearby": shown(fitting, threshold),
            "share": share, "norm": NORM, "verdict": verdict}


def _bounds(fitting: int, whole: int, threshold: int) -> tuple[float, float]:
    """The lowest and highest share a reader can tell from the shown figures (a count under the
    threshold could be anything from 0 to threshold - 1)."""
    if whole < threshold:
        return 0.0, 1.0
    if fitting < threshold:
        return 0.0, (threshold - 1) / whole
    if whole - fitting < threshold:
        return (whole - threshold + 1) / whole, 1.0
    return fitting / whole, fitting / whole


def indicator(intakes: list[IntakeRecord], threshold: int) -> dict:
    """Overall, per wijk, per month, and per wijk and month."""
    def by(key) -> dict:
        groups: dict = {}
        for r in intakes:
            groups.setdefault(key(r), []).append(r)
        return dict(sorted(groups.items()))
    return {
        "overall": _row({}, intakes, threshold),
        "per_wijk": [_row({"wijk": w}, rs, threshold) for w, rs in by(lambda r: r.wijk).items()],
        "per_month": [_row({"month": m}, rs, threshold) for m, rs in by(lambda r: r.month).items()],
        "per_wijk_month": [_row({"wijk": w, "month": m}, rs, threshold)
                           for (w, m), rs in by(lambda r: (r.wijk, r.month)).items()],
    }

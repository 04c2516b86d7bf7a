"""Short Dutch explanations a coach can read aloud: what matched, how far, and any compromise."""
from __future__ import annotations

from catalog.model import CATEGORY_LABELS, Activity
from matcher.keywords import keyword_hits
from matcher.signals import QueryContext

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "Engels", "tr": "Turks", "ar": "Arabisch", "pl": "Pools",
                  "de": "Duits", "fr": "Frans", "es": "Spaans", "uk": "Oekraïens", "ru": "Russisch",
                  "so": "Somalisch", "ti": "Tigrinya", "fa": "Perzisch", "ber": "Berbers", "pt": "Portugees"}


def km(distance: float) -> str:
    """Dutch notation: 1,3 km; below one km up to two decimals (0,35 km), so short walks differ."""
    text = f"{distance:.1f}" if distance >= 1 else f"{distance:.2f}".rstrip("0")
    return (text + "0" if text.endswith(".") else text).replace(".", ",") + " km"


def euro(amount: float) -> str:
    return "gratis" if amount == 0 else f"€ {amount:.2f}".replace(".", ",").replace(",00", "") + " per maand"


def compromises(ctx: QueryContext, a: Activity, signals: dict[str, float]) -> list[str]:
    """The soft compromises this suggestion asks of the client, in plain Dutch."""
    notes = []
    if signals["language_fit"] < 0:
        spoken = ", ".join(LANGUAGE_NAMES.get(code, code) for code in a.languages)
        notes.append(f"voertaal {spoken}")
    if signals["schedule_fit"] <= -1:
        notes.append("niet op de dagen dat de cliënt kan (" + ", ".join(sorted(a.days, key="ma di wo do vr za zo".split().index)) + ")")
    elif signals["schedule_fit"] < 0:
        notes.append("op afspraak")
    if signals["within_budget"] < 0:
        notes.append(f"kost {euro(a.cost_eur_month)}, boven het budget")
    if signals["open_place"] < 0:
        notes.append("wachtlijst")
    if signals["culture_fit"] < 0:
        notes.append(f"georganiseerd voor de {a.culture} gemeenschap")
    if (ctx.today - a.last_verified).days > ctx.stale_after_days:
        notes.append(f"gegevens niet bevestigd sinds {a.last_verified:%m-%Y}")
    return notes


def explain(ctx: QueryContext, a: Activity, distance_km: float, signals: dict[str, float],
            notes: list[str] | None = None) -> str:
    """`notes`: the compromises, when the caller has them already."""
    matched = []
    hits = keyword_hits(ctx.keywords, a, ctx.term_ids)
    if hits:
        matched.append("past bij " + ", ".join(f"'{h}'" for h in hits))
    top = [c for c in a.categories if ctx.category_affinity.get(c, 0.0) > 1.0]
    if top:
        matched.append("thema " + " en ".join(CATEGORY_LABELS[c] for c in top[:2]))
    if not matched:
        matched.append("sluit aan bij het verhaal van de intake" if signals["meaning"] > 0.5 else "algemeen aanbod in de buurt")
    if signals["language_fit"] > 0:
        shared = [LANGUAGE_NAMES.get(c, c) for c in a.languages if c in ctx.profile.languages and c != "nl"]
        matched.append("in het " + " en ".join(shared))
    if signals["culture_fit"] > 0:
        matched.append(f"voor de {a.culture} gemeenschap")
    when = "; ".join(str(s) for s in a.schedule) if a.schedule else "op afspraak"
    text = f"{matched[0][0].upper()}{matched[0][1:]}" + "".join(f"; {m}" for m in matched[1:])
    text += f". {km(distance_km)}, {when}, {euro(a.cost_eur_month)}."
    notes = compromises(ctx, a, signals) if notes is None else notes
    if notes:
        text += " Let op: " + "; ".join(notes) + "."
    return text

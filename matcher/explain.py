"""Short Dutch explanations a coach can read aloud: what matched, how far, and any compromise."""
from __future__ import annotations

from catalog.model import CATEGORY_LABELS, Activity
from catalog.taxonomy import taxonomy
from catalog.vocabulary import euro, km, language_name
from matcher.keywords import keyword_hits
from matcher.signals import QueryContext
from matcher.wish_fit import activity_types


def compromises(ctx: QueryContext, a: Activity, signals: dict[str, float]) -> list[str]:
    """The soft compromises this suggestion asks of the client, in plain Dutch."""
    notes = []
    if signals["language_fit"] < 0:
        spoken = ", ".join(language_name(code) for code in a.languages)
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
    if signals.get("group_outsider", 0) > 0 or signals.get("condition_unmentioned", 0) > 0:
        notes.append("bedoeld voor " + " en ".join(_group_labels(a, ctx, outsider=True)))
    if signals.get("refused", 0) > 0:
        notes.append("de cliënt wil geen " + ", ".join(_refused(ctx, a)))
    return notes


def _group_labels(a: Activity, ctx: QueryContext, outsider: bool) -> list[str]:
    t = taxonomy()
    _, groups = activity_types(a)
    chosen = [g for g in groups if g in t.groups and t.groups[g].kind != "age"
              and ((g not in ctx.intake.groups) == outsider)]
    return [t.groups[g].label for g in chosen] or ["een andere doelgroep"]


def _refused(ctx: QueryContext, a: Activity) -> list[str]:
    types, groups = activity_types(a)
    said = [ev[0] for key, ev in ctx.intake.refused_types.items() if key in types]
    said += [ev[0] for key, ev in ctx.intake.refused_categories.items() if key in a.categories]
    said += [ev[0] for key, ev in ctx.intake.refused_groups.items() if key in groups]
    return list(dict.fromkeys(said)) or ["activiteit van deze soort"]


def _kind_for(ctx: QueryContext, wish_text: str, a: Activity) -> str | None:
    """The activity type (or category) through which the listing meets the coach's wish."""
    t = taxonomy()
    types, _ = activity_types(a)
    for w in ctx.intake.wishes:
        if w.text == wish_text:
            shared = [k for k in types if k in w.types]
            if shared:
                return t.label(shared[0])
            cats = [c for c in a.categories if c in w.categories]
            if cats:
                return CATEGORY_LABELS[cats[0]]
    return t.label(types[0]) if types else None


def explain(ctx: QueryContext, a: Activity, distance_km: float, signals: dict[str, float],
            notes: list[str] | None = None, meets: list[str] | None = None) -> str:
    """`notes`: the compromises, when the caller has them already; `meets`: the wishes (coach's
    words) the verdict found it meets. "Past bij 'sleutelen': repair café; ..." """
    matched = []
    by_kind: dict[str, list[str]] = {}   # wishes met as the same kind are named together
    for wish in (meets or [])[:4]:
        kind = _kind_for(ctx, wish, a)
        by_kind.setdefault(kind if kind and kind.lower() != wish.lower() else "", []).append(f"'{wish}'")
    for kind, wishes in by_kind.items():
        said = wishes[0] if len(wishes) == 1 else ", ".join(wishes[:-1]) + " en " + wishes[-1]
        matched.append(f"past bij {said}" + (f": {kind}" if kind else ""))
    if not matched:
        hits = keyword_hits(ctx.keywords, a, ctx.term_ids)
        if hits:
            matched.append("past bij " + ", ".join(f"'{h}'" for h in hits))
        top = [c for c in a.categories if ctx.category_affinity.get(c, 0.0) > 1.0]
        if top:
            matched.append("thema " + " en ".join(CATEGORY_LABELS[c] for c in top[:2]))
    if signals.get("group_member", 0) > 0:
        matched.append("voor " + " en ".join(_group_labels(a, ctx, outsider=False)))
    if not matched:
        matched.append("sluit aan bij het verhaal van de intake" if signals["meaning"] > 0.5 else "algemeen aanbod in de buurt")
    if signals["language_fit"] > 0:
        shared = [language_name(c) for c in a.languages if c in ctx.profile.languages and c != "nl"]
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

"""The report of an HSDS import: which service became which activity, which did not and why, and
what in the datapackage had no place in an activity."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Note:
    """Something in the datapackage that did not map as it stands."""
    table: str    # the file, e.g. services.csv
    field: str    # a column, or '' for the whole record or table
    record: str   # the record's id, or '' for the whole table
    message: str


@dataclass
class Outcome:
    """What became of one service at one location."""
    service_id: str
    name: str
    service_at_location_id: str | None
    activity_id: str | None  # None: not imported, see reasons
    reasons: list[str] = field(default_factory=list)


@dataclass
class HsdsImportReport:
    source: str
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def mapped(self) -> dict[str, str]:
        """HSDS record (service, or service_at_location when a service has several) -> activity id."""
        return {o.service_at_location_id or o.service_id: o.activity_id for o in self.outcomes if o.activity_id}

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.activity_id is None]

    def lines(self) -> list[str]:
        """The report for people: what was not imported and why, then what did not map, grouped."""
        services = len({o.service_id for o in self.outcomes})
        out = [f"{self.source}: {services} service(s), {len(self.mapped)} became activities, "
               f"{len(self.skipped)} not imported"]
        for o in self.skipped:
            at = f" at {o.service_at_location_id}" if o.service_at_location_id else ""
            out.append(f"service {o.service_id} '{o.name}'{at}: not imported: {'; '.join(o.reasons)}")
        grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for note in self.notes:
            grouped[note.table, note.field, note.message].append(note.record)
        for (table, column, message), records in grouped.items():
            where = table + (f" field '{column}'" if column else "")
            ids = list(dict.fromkeys(r for r in records if r))
            shown = f" ({len(ids)} record(s): {', '.join(ids[:3])}{', ...' if len(ids) > 3 else ''})" if ids else ""
            out.append(f"{where}: {message}{shown}")
        return out

"""The store's anonymous intake records: what the municipality's gap analysis counts (analysis/)."""
from __future__ import annotations

from catalog.errors import NotFound
from catalog.records import Facet, IntakeRecord


class Intakes(Facet):
    def add(self, records: list[IntakeRecord]) -> int:
        """Store intake records in one transaction; ids already stored are left as they are (a
        re-imported file adds nothing twice). Returns how many were new."""
        added = 0
        with self._write() as sql:
            for r in records:
                added += sql.run(
                    "INSERT INTO intakes (id, month, pc4, wijk, age_band, gender, languages, wishes,"
                    " tailored_needed, tailored_for, outcome, outcome_activity, outcome_month)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    (r.id, r.month, r.pc4, r.wijk, r.age_band, r.gender, ";".join(r.languages),
                     ";".join(r.wishes), r.tailored_needed, ";".join(r.tailored_for), r.outcome,
                     r.outcome_activity, r.outcome_month)).rowcount
        return added

    def set_outcome(self, intake_id: str, outcome: str, activity_id: str | None, month: str) -> None:
        with self._write() as sql:
            if sql.run("UPDATE intakes SET outcome = %s, outcome_activity = %s, outcome_month = %s WHERE id = %s",
                       (outcome, activity_id, month, intake_id)).rowcount == 0:
                raise NotFound(f"no recorded intake with id '{intake_id}'", "intake_unknown", id=intake_id)

    def all(self) -> list[IntakeRecord]:
        with self._read() as sql:
            rows = sql.all("SELECT id, month, pc4, wijk, age_band, gender, languages, wishes, tailored_needed,"
                           " tailored_for, outcome, outcome_activity, outcome_month FROM intakes ORDER BY month, id")
        split = lambda text: text.split(";") if text else []  # noqa: E731
        return [IntakeRecord(r[0], r[1], r[2], r[3], r[4], r[5], split(r[6]), split(r[7]), bool(r[8]),
                             split(r[9]), r[10], r[11], r[12]) for r in rows]

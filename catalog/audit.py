"""The store's audit trail: who changed which listing when (the edits write it, catalog/records.py)."""
from __future__ import annotations

import json

from catalog.records import AuditEntry, Facet


class AuditLog(Facet):
    def history(self, activity_id: str) -> list[AuditEntry]:
        """The listing's changes, newest first, including those of listings merged into it."""
        with self._read() as sql:
            ids = [activity_id] + [r[0] for r in sql.all("SELECT dropped_id FROM merges WHERE kept_id = %s",
                                                         (activity_id,))]
            rows = sql.all("SELECT at, actor, action, activity_id, organisation, version, changes FROM audit_log"
                           f" WHERE activity_id IN ({', '.join(['%s'] * len(ids))}) ORDER BY id DESC", tuple(ids))
        return [AuditEntry(*r[:6], json.loads(r[6])) for r in rows]

    def trail(self, organisation: str | None = None, limit: int = 100) -> list[AuditEntry]:
        with self._read() as sql:
            where, args = ("WHERE lower(organisation) = lower(%s)", (organisation,)) if organisation else ("", ())
            rows = sql.all("SELECT at, actor, action, activity_id, organisation, version, changes FROM audit_log"
                           f" {where} ORDER BY id DESC LIMIT %s", (*args, limit))
        return [AuditEntry(*r[:6], json.loads(r[6])) for r in rows]

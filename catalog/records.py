"""What both stores keep in the same SQL, written once: the edits of single listings with their
audit entries, merges and duplicate decisions (`SqlRecords`, the base of both stores), the records
the facets keep (User, ApiKey, AuditEntry, IntakeRecord), and the `Facet` base of the store's other
parts (catalog/accounts.py, catalog/audit.py, catalog/intakes.py). Each store supplies a connection
adapter and the few steps that touch its own activity tables.
"""
from __future__ import annotations

import abc
import datetime as dt
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from catalog.errors import Conflict, NotFound, VersionConflict
from catalog.model import Activity

ROLES = ("admin", "editor", "coach", "analyst")


@dataclass
class User:
    username: str
    password_hash: str
    role: str
    organisation: str | None = None   # editors belong to exactly one organisation
    created_at: str = ""


@dataclass
class ApiKey:
    name: str
    key_hash: str
    role: str
    organisation: str | None = None
    created_at: str = ""
    revoked: bool = False


@dataclass
class AuditEntry:
    at: str
    actor: str
    action: str          # create, update, confirm, pause, resume, delete, merge, import, retype
    activity_id: str
    organisation: str
    version: int | None  # the listing's version after the change (None: it is gone)
    changes: dict = field(default_factory=dict)  # field -> [old, new]


@dataclass
class RowState:
    """A listing as stored, read inside the write transaction that may change it."""
    version: int
    row: dict
    paused: bool


OUTCOMES = ("started", "tailored_offer", "nothing")


@dataclass
class IntakeRecord:
    """One recorded match, anonymous by design: areas, bands and categories only. See analysis/."""
    id: str
    month: str                 # YYYY-MM, not the day
    pc4: str                   # the 4-digit postcode area, not the address
    wijk: str
    age_band: str
    gender: str
    languages: list[str]
    wishes: list[str]          # category slugs, not the coach's words
    tailored_needed: bool
    tailored_for: list[str]    # the wishes (categories) nothing fitting was found for
    outcome: str | None = None           # one of OUTCOMES, set later
    outcome_activity: str | None = None  # the activity the client started with
    outcome_month: str | None = None


@dataclass(frozen=True)
class LoginLimits:
    """How many logins under way or failed a window may hold: for one account from one address (the
    real user elsewhere is not locked out), from one address for any accounts (name spraying), and
    for one account from anywhere (a distributed guess)."""
    window_s: float = 900
    per_pair: int = 10
    per_address: int = 50
    per_account: int = 100


def check_versions(sql: Sql, expected: dict[str, int] | None) -> None:
    """Inside an import's transaction: the listings it decided on are as they were then."""
    for activity_id, version in (expected or {}).items():
        row = sql.one("SELECT version FROM activities WHERE id = %s", (activity_id,))
        if row is None or row[0] != version:
            raise Conflict(f"'{activity_id}' was changed while the file was being imported: import it again",
                           "changed_during_import", id=activity_id)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def changed_fields(old: dict, new: dict) -> dict:
    return {k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)}


class Sql:
    """One connection, with psycopg's %s placeholders turned into SQLite's ? where needed."""

    def __init__(self, conn, qmark: bool):
        self.conn, self.qmark = conn, qmark

    def run(self, statement: str, args: tuple = ()):
        return self.conn.execute(statement.replace("%s", "?") if self.qmark else statement, args)

    def one(self, statement: str, args: tuple = ()):
        return self.run(statement, args).fetchone()

    def all(self, statement: str, args: tuple = ()) -> list:
        return self.run(statement, args).fetchall()

    def many(self, statement: str, rows: list[tuple]) -> None:
        self.conn.cursor().executemany(statement.replace("%s", "?") if self.qmark else statement, rows)

    def serialize(self, table: str) -> None:
        """Let one transaction at a time change `table` (count, then insert, with no one in between).
        SQLite's write transactions (BEGIN IMMEDIATE) are one at a time already."""
        if not self.qmark:
            self.run(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


class Facet:
    """One part of a store's surface (its accounts, its audit trail, its intake records). The store
    owns the connections: a facet reads and writes through the store's own transactions."""

    def __init__(self, owner: "SqlRecords"):
        self._owner = owner

    def _read(self) -> AbstractContextManager[Sql]:
        return self._owner._read()

    def _write(self) -> AbstractContextManager[Sql]:
        return self._owner._write()


class SqlRecords(abc.ABC):
    """The base of both stores. They provide _read/_write (a Sql inside a transaction) and the
    activity-table steps _row_state, _put_row, _put_paused and _remove_row."""

    @abc.abstractmethod
    def _read(self) -> AbstractContextManager[Sql]: ...

    @abc.abstractmethod
    def _write(self) -> AbstractContextManager[Sql]: ...

    @abc.abstractmethod
    def _row_state(self, sql: Sql, activity_id: str) -> RowState | None: ...

    @abc.abstractmethod
    def _put_row(self, sql: Sql, a: Activity, model: str | None, exists: bool, paused: bool) -> int: ...

    @abc.abstractmethod
    def _put_paused(self, sql: Sql, activity_id: str, paused: bool) -> int: ...

    @abc.abstractmethod
    def _remove_row(self, sql: Sql, activity_id: str) -> None: ...

    # --- editing single listings, each change in one transaction with its audit entry ---

    def _checked(self, sql: Sql, activity_id: str, expected_version: int | None) -> RowState:
        state = self._row_state(sql, activity_id)
        if state is None:
            raise NotFound(f"no activity with id '{activity_id}'", "activity_unknown", id=activity_id)
        if expected_version is not None and expected_version != state.version:
            raise VersionConflict(activity_id, expected_version, state.version)
        return state

    def create_activity(self, a: Activity, actor: str, model: str) -> int:
        with self._write() as sql:
            if self._row_state(sql, a.id) is not None:
                raise Conflict(f"an activity with id '{a.id}' exists already: choose another id, or change that one",
                               "id_taken", id=a.id)
            merged = sql.one("SELECT kept_id FROM merges WHERE dropped_id = %s", (a.id,))
            if merged:
                raise Conflict(f"id '{a.id}' was merged into '{merged[0]}': choose another id", "id_merged",
                               id=a.id, merged_into=merged[0])
            version = self._put_row(sql, a, model, exists=False, paused=False)
            self._log(sql, actor, "create", a.id, a.organisation, version, changed_fields({}, a.record()))
        return version

    def update_activity(self, a: Activity, expected_version: int | None, actor: str, model: str | None,
                        action: str = "update") -> int:
        """Replace the listing. `a.embedding` None keeps the stored vector (the text did not change)."""
        with self._write() as sql:
            state = self._checked(sql, a.id, expected_version)
            changes = changed_fields(state.row, a.record())
            if not changes:
                return state.version
            version = self._put_row(sql, a, model, exists=True, paused=state.paused)
            self._log(sql, actor, action, a.id, a.organisation, version, changes)
        return version

    def set_paused(self, activity_id: str, paused: bool, expected_version: int | None, actor: str) -> int:
        with self._write() as sql:
            state = self._checked(sql, activity_id, expected_version)
            if state.paused == paused:
                return state.version
            version = self._put_paused(sql, activity_id, paused)
            self._log(sql, actor, "pause" if paused else "resume", activity_id, state.row["organisation"],
                      version, {"paused": [state.paused, paused]})
        return version

    def delete_activity(self, activity_id: str, expected_version: int | None, actor: str) -> None:
        with self._write() as sql:
            state = self._checked(sql, activity_id, expected_version)
            self._remove_row(sql, activity_id)
            # The last contents stay in the trail: a deletion can be looked up and undone by hand.
            self._log(sql, actor, "delete", activity_id, state.row["organisation"], None,
                      changed_fields(state.row, {}))

    def merge(self, keep: str, drop: str, actor: str) -> None:
        """`drop` is the same activity as `keep`: remove it, and let keep's history include it."""
        if keep == drop:
            raise Conflict("an activity cannot be merged with itself", "same_listing")
        with self._write() as sql:
            kept = self._checked(sql, keep, None)
            dropped = self._checked(sql, drop, None)
            self._remove_row(sql, drop)
            sql.run("UPDATE merges SET kept_id = %s WHERE kept_id = %s", (keep, drop))  # chains stay whole
            sql.run("INSERT INTO merges (dropped_id, kept_id, at, actor) VALUES (%s, %s, %s, %s)",
                    (drop, keep, now_iso(), actor))
            self._decide(sql, keep, drop, "merged", actor)
            self._log(sql, actor, "merge", drop, dropped.row["organisation"], None,
                      {"merged_into": [None, keep], **changed_fields(dropped.row, {})})
            self._log(sql, actor, "merge", keep, kept.row["organisation"], kept.version, {"absorbed": [None, drop]})

    def owners(self) -> dict[str, tuple[str, int]]:
        """Every listing's organisation and version, without decoding a row (an import's check)."""
        with self._read() as sql:
            return {r[0]: (r[1], r[2]) for r in sql.all("SELECT id, organisation, version FROM activities")}

    def edited_since_import(self) -> dict[str, set[str]]:
        """Per listing, the fields changed through the API (or the page) after its last import."""
        edited: dict[str, set[str]] = {}
        with self._read() as sql:
            for activity_id, action, changes in sql.all(
                    "SELECT activity_id, action, changes FROM audit_log"
                    " WHERE action IN ('create', 'update', 'confirm', 'import', 'delete') ORDER BY id"):
                if action in ("import", "delete"):
                    edited.pop(activity_id, None)
                else:
                    edited.setdefault(activity_id, set()).update(json.loads(changes))
        return edited

    def _log(self, sql: Sql, actor: str, action: str, activity_id: str, organisation: str,
             version: int | None, changes: dict) -> None:
        sql.run("INSERT INTO audit_log (at, actor, action, activity_id, organisation, version, changes)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (now_iso(), actor, action, activity_id, organisation, version,
                 json.dumps(changes, ensure_ascii=False, sort_keys=True)))

    # --- facts about the store as a whole (name -> text) ---

    def fact(self, name: str) -> str | None:
        with self._read() as sql:
            row = sql.one("SELECT value FROM store_facts WHERE name = %s", (name,))
        return row[0] if row else None

    def set_fact(self, name: str, value: str) -> None:
        with self._write() as sql:
            sql.run("INSERT INTO store_facts (name, value) VALUES (%s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))

    def merged_ids(self) -> dict[str, str]:
        """Every id merged away, with the id it was merged into."""
        with self._read() as sql:
            return dict(sql.all("SELECT dropped_id, kept_id FROM merges"))

    def merged_into(self, activity_id: str) -> str | None:
        with self._read() as sql:
            row = sql.one("SELECT kept_id FROM merges WHERE dropped_id = %s", (activity_id,))
        return row[0] if row else None

    # --- duplicate decisions ---

    def _decide(self, sql: Sql, a: str, b: str, decision: str, actor: str) -> None:
        first, second = sorted((a, b))
        sql.run("DELETE FROM duplicate_decisions WHERE id_a = %s AND id_b = %s", (first, second))
        sql.run("INSERT INTO duplicate_decisions (id_a, id_b, decision, actor, at) VALUES (%s, %s, %s, %s, %s)",
                (first, second, decision, actor, now_iso()))

    def dismiss_pair(self, a: str, b: str, actor: str) -> None:
        with self._write() as sql:
            self._decide(sql, a, b, "dismissed", actor)

    def decided_pairs(self) -> set[frozenset[str]]:
        """Pairs an admin dismissed or merged: the duplicate finder never shows them again."""
        with self._read() as sql:
            return {frozenset(r) for r in sql.all("SELECT id_a, id_b FROM duplicate_decisions")}

    def postcodes(self) -> list[tuple[str, float, float, str | None]]:
        """Every (postcode, lat, lon, neighbourhood) of the postcode table: the wijken's places."""
        with self._read() as sql:
            return [tuple(r) for r in sql.all("SELECT postcode, lat, lon, neighbourhood FROM postcodes ORDER BY postcode")]


"""The embedded default store: one SQLite file, radius search through an R*Tree index."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from catalog.activity_cache import ActivityCache
from catalog.geo import bounding_box, points_within
from catalog.model import Activity, stored_types
from catalog.records import RowState, Sql, changed_fields, check_versions
from catalog.store import (
    SCHEMA_VERSION, ActivityFilter, ImportRun, Postcode, SchemaError, Store, StoredEmbedding,
    like_pattern,
)
from catalog.validation import validate_row

# Migration N brings the schema from version N-1 to N. Never edit one that has shipped: add one.
MIGRATIONS = {
    1: """
    CREATE TABLE activities (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        row TEXT NOT NULL,              -- the activity in the CSV exchange format, as JSON
        title TEXT NOT NULL, organisation TEXT NOT NULL, neighbourhood TEXT NOT NULL,
        postcode TEXT NOT NULL, kind TEXT NOT NULL, capacity TEXT NOT NULL,
        categories TEXT NOT NULL,       -- slugs wrapped in separators, so LIKE finds one slug
        lat REAL NOT NULL, lon REAL NOT NULL,
        text_hash TEXT, model TEXT, embedding BLOB,
        version INTEGER NOT NULL DEFAULT 1,  -- raised on every change: caches and editors compare it
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE INDEX activities_organisation ON activities(organisation);
    CREATE INDEX activities_neighbourhood ON activities(neighbourhood);
    -- The R*Tree carries what radius search needs (+ columns), so a search never reads the wide rows.
    CREATE VIRTUAL TABLE activities_geo USING rtree(pk, min_lat, max_lat, min_lon, max_lon, +id, +version, +lat, +lon);
    CREATE TABLE import_runs (
        id INTEGER PRIMARY KEY, source TEXT NOT NULL, model TEXT NOT NULL,
        added INTEGER, updated INTEGER, unchanged INTEGER, skipped INTEGER, embedded INTEGER,
        started_at TEXT NOT NULL, finished_at TEXT
    );
    CREATE TABLE postcodes (
        postcode TEXT PRIMARY KEY, pc4 TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
        neighbourhood TEXT, municipality TEXT
    );
    CREATE INDEX postcodes_pc4 ON postcodes(pc4);
    """,
    2: """
    ALTER TABLE activities ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;  -- paused: not in the R*Tree
    CREATE TABLE users (
        username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
        organisation TEXT, created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,    -- sha256 of the token: a stolen database holds no live tokens
        username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE, expires_at TEXT NOT NULL
    );
    CREATE TABLE api_keys (
        name TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, organisation TEXT,
        created_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        activity_id TEXT NOT NULL, organisation TEXT NOT NULL, version INTEGER, changes TEXT NOT NULL
    );
    CREATE INDEX audit_log_activity ON audit_log(activity_id);
    CREATE INDEX audit_log_organisation ON audit_log(organisation COLLATE NOCASE);
    CREATE TABLE duplicate_decisions (
        id_a TEXT NOT NULL, id_b TEXT NOT NULL, decision TEXT NOT NULL, actor TEXT NOT NULL,
        at TEXT NOT NULL, PRIMARY KEY (id_a, id_b)
    );
    CREATE TABLE merges (
        dropped_id TEXT PRIMARY KEY, kept_id TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL
    );
    CREATE INDEX merges_kept ON merges(kept_id);
    """,
    3: """
    -- Anonymous by design: no name, birth date, narrative, keywords, exact address or exact date.
    CREATE TABLE intakes (
        id TEXT PRIMARY KEY, month TEXT NOT NULL, pc4 TEXT NOT NULL, wijk TEXT NOT NULL,
        age_band TEXT NOT NULL, gender TEXT NOT NULL, languages TEXT NOT NULL, wishes TEXT NOT NULL,
        tailored_needed INTEGER NOT NULL, tailored_for TEXT NOT NULL,
        outcome TEXT, outcome_activity TEXT, outcome_month TEXT
    );
    CREATE INDEX intakes_wijk ON intakes (wijk);
    """,
    4: """
    -- Logins under way or failed, counted before a password is checked (catalog/records.py).
    CREATE TABLE login_attempts (
        id INTEGER PRIMARY KEY, username TEXT NOT NULL, address TEXT NOT NULL, at REAL NOT NULL
    );
    CREATE INDEX login_attempts_address ON login_attempts (address);
    CREATE INDEX login_attempts_username ON login_attempts (username);
    """,
}
assert max(MIGRATIONS) == SCHEMA_VERSION


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _row_json(a: Activity) -> str:
    return json.dumps(a.record(), ensure_ascii=False, sort_keys=True)


class SqliteStore(Store):
    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path in ("", ":memory:"):
            # Each thread has its own connection, and so would have its own empty database.
            raise ValueError("the SQLite store needs a file: use sqlite:///path/to/catalog.db")
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._lock = threading.Lock()
        self.cache = ActivityCache()
        self.migrate()

    # One connection per thread: FastAPI serves sync endpoints from a thread pool.
    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    def _transaction(self):
        return _Transaction(self.db)

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> int:
        with self._lock, self._transaction() as db:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise SchemaError(f"{self.path} has schema version {current}; this code knows up to "
                                  f"{SCHEMA_VERSION}: upgrade the software")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {version}")
        return self.schema_version()

    def embedding_states(self) -> dict[str, StoredEmbedding]:
        rows = self.db.execute("SELECT id, text_hash, model FROM activities WHERE embedding IS NOT NULL")
        return {r["id"]: StoredEmbedding(r["text_hash"], r["model"]) for r in rows}

    def corrected_types(self) -> dict[str, tuple[list[str], list[str]]]:
        rows = self.db.execute("SELECT id, row FROM activities WHERE json_extract(row, '$.types_source') = 'editor'")
        return {r["id"]: stored_types(json.loads(r["row"])) for r in rows}

    def save_import(self, activities: list[Activity], run: ImportRun,
                    expected_versions: dict[str, int] | None = None) -> ImportRun:
        with self._transaction() as db:
            sql = Sql(db, qmark=True)
            check_versions(sql, expected_versions)
            for a in activities:
                old = db.execute("SELECT pk, row, paused FROM activities WHERE id = ?", (a.id,)).fetchone()
                row = _row_json(a)
                if old is None:
                    run.added += 1
                elif old["row"] == row and a.embedding is None:
                    run.unchanged += 1
                    continue
                else:
                    run.updated += 1
                version = self._write_row(db, a, run.model, old["pk"] if old else None, bool(old and old["paused"]))
                if old is None or old["row"] != row:  # a new vector alone is no change to the listing
                    changes = {} if old is None else changed_fields(json.loads(old["row"]), a.record())
                    self._log(sql, f"import:{run.source}", "import", a.id, a.organisation, version, changes)
            run.finished_at = dt.datetime.now(dt.timezone.utc)
            db.execute(
                "INSERT INTO import_runs (source, model, added, updated, unchanged, skipped, embedded,"
                " started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.source, run.model, run.added, run.updated, run.unchanged, run.skipped,
                 run.embedded, run.started_at.isoformat(timespec="seconds"),
                 run.finished_at.isoformat(timespec="seconds")))
        return run

    @staticmethod
    def _write_row(db: sqlite3.Connection, a: Activity, model: str | None, pk: int | None, paused: bool) -> int:
        """Insert (pk None) or update one listing and its R*Tree entry; return its new version."""
        columns = dict(row=_row_json(a), title=a.title, organisation=a.organisation,
                       neighbourhood=a.neighbourhood, postcode=a.postcode, kind=a.kind,
                       capacity=a.capacity, categories=f";{';'.join(a.categories)};",
                       lat=a.lat, lon=a.lon, updated_at=_now())
        if a.embedding is not None:
            columns.update(text_hash=a.text_hash, model=model,
                           embedding=np.asarray(a.embedding, dtype=np.float32).tobytes())
        if pk is None:
            columns.update(id=a.id, created_at=columns["updated_at"])
            pk, version = db.execute(f"INSERT INTO activities ({', '.join(columns)}) VALUES"
                                     f" ({', '.join('?' * len(columns))}) RETURNING pk, version",
                                     tuple(columns.values())).fetchone()
        else:
            sets = ", ".join(f"{k} = ?" for k in columns) + ", version = version + 1"
            version = db.execute(f"UPDATE activities SET {sets} WHERE pk = ? RETURNING version",
                                 (*columns.values(), pk)).fetchone()[0]
            db.execute("DELETE FROM activities_geo WHERE pk = ?", (pk,))
        if not paused:
            db.execute("INSERT INTO activities_geo VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (pk, a.lat, a.lat, a.lon, a.lon, a.id, version, a.lat, a.lon))
        return version

    # The steps of single-listing edits (catalog/records.py), inside its transaction.
    @contextmanager
    def _read(self):
        yield Sql(self.db, qmark=True)

    @contextmanager
    def _write(self):
        with self._transaction() as db:
            yield Sql(db, qmark=True)

    def _row_state(self, sql: Sql, activity_id: str) -> RowState | None:
        row = sql.one("SELECT version, row, paused FROM activities WHERE id = %s", (activity_id,))
        return RowState(row[0], json.loads(row[1]), bool(row[2])) if row else None

    def _put_row(self, sql: Sql, a: Activity, model: str | None, exists: bool, paused: bool) -> int:
        pk = sql.one("SELECT pk FROM activities WHERE id = %s", (a.id,))[0] if exists else None
        return self._write_row(sql.conn, a, model, pk, paused)

    def _put_paused(self, sql: Sql, activity_id: str, paused: bool) -> int:
        pk, version, lat, lon = sql.one("UPDATE activities SET paused = %s, version = version + 1, updated_at = %s"
                                        " WHERE id = %s RETURNING pk, version, lat, lon",
                                        (int(paused), _now(), activity_id))
        sql.run("DELETE FROM activities_geo WHERE pk = %s", (pk,))
        if not paused:
            sql.run("INSERT INTO activities_geo VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (pk, lat, lat, lon, lon, activity_id, version, lat, lon))
        return version

    def _remove_row(self, sql: Sql, activity_id: str) -> None:
        pk = sql.one("SELECT pk FROM activities WHERE id = %s", (activity_id,))[0]
        sql.run("DELETE FROM activities_geo WHERE pk = %s", (pk,))
        sql.run("DELETE FROM activities WHERE pk = %s", (pk,))

    @staticmethod
    def _activity(row: sqlite3.Row, with_embedding: bool = False) -> Activity:
        record = json.loads(row["row"])
        activity = validate_row(record, stored=True).restore_types(record)
        activity.paused, activity.version = bool(row["paused"]), row["version"]
        if with_embedding and row["embedding"] is not None:
            activity.embedding = np.frombuffer(row["embedding"], dtype=np.float32)
        return activity

    def get(self, activity_id: str) -> Activity | None:
        row = self.db.execute("SELECT row, paused, version FROM activities WHERE id = ?", (activity_id,)).fetchone()
        return self._activity(row) if row else None

    def list(self, filters: ActivityFilter, offset: int = 0, limit: int = 50) -> tuple[list[Activity], int]:
        where, args = [], []
        if filters.text:
            pattern = like_pattern(filters.text)
            where.append("(title LIKE ? ESCAPE '\\' OR json_extract(row, '$.description') LIKE ? ESCAPE '\\')")
            args += [pattern, pattern]
        if filters.category:
            where.append("categories LIKE ?")
            args.append(f"%;{filters.category};%")
        for column in ("neighbourhood", "organisation", "kind", "capacity", "postcode"):
            value = getattr(filters, column)
            if value:
                where.append(f"{column} = ? COLLATE NOCASE")
                args.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        self.db.execute("BEGIN")  # one snapshot: total and page agree
        try:
            total = self.db.execute(f"SELECT count(*) FROM activities {clause}", args).fetchone()[0]
            rows = self.db.execute(f"SELECT row, paused, version FROM activities {clause} ORDER BY id LIMIT ? OFFSET ?",
                                   (*args, limit, offset)).fetchall()
        finally:
            self.db.execute("COMMIT")
        return [self._activity(r) for r in rows], total

    def within_radius(self, lat: float, lon: float, radius_km: float) -> list[tuple[Activity, float]]:
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
        rows = self.db.execute(
            "SELECT id, version, lat, lon FROM activities_geo"
            " WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?",
            (min_lat, max_lat, min_lon, max_lon)).fetchall()
        inside = points_within(lat, lon, radius_km, [r[2] for r in rows], [r[3] for r in rows])
        near = [(rows[i][0], rows[i][1], d) for i, d in inside]
        activities = self.cache.resolve(((i, v) for i, v, _ in near), self._fetch)
        return sorted(((activities[i], d) for i, _, d in near), key=lambda pair: (pair[1], pair[0].id))

    def activities(self) -> list[Activity]:
        keys = self.db.execute("SELECT id, version FROM activities ORDER BY id").fetchall()
        found = self.cache.resolve(((k[0], k[1]) for k in keys), self._fetch)
        return [found[k[0]] for k in keys if k[0] in found]  # a row deleted meanwhile is gone

    def preload(self) -> int:
        return len(self.activities())

    def _fetch(self, ids: list[str]) -> dict[str, tuple[int, Activity]]:
        fetched = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.db.execute(f"SELECT id, version, row, paused, embedding FROM activities WHERE id IN "
                                   f"({', '.join('?' * len(chunk))})", chunk)
            fetched.update({r["id"]: (r["version"], self._activity(r, with_embedding=True)) for r in rows})
        return fetched

    def embedding_sample(self, limit: int) -> np.ndarray:
        rows = self.db.execute("SELECT embedding FROM activities WHERE embedding IS NOT NULL"
                               " ORDER BY text_hash, id LIMIT ?", (limit,)).fetchall()
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([np.frombuffer(r[0], dtype=np.float32) for r in rows])

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM activities").fetchone()[0]

    def import_runs(self, limit: int = 20) -> list[ImportRun]:
        rows = self.db.execute("SELECT * FROM import_runs ORDER BY id DESC LIMIT ?", (limit,))
        return [ImportRun(source=r["source"], model=r["model"], added=r["added"], updated=r["updated"],
                          unchanged=r["unchanged"], skipped=r["skipped"], embedded=r["embedded"],
                          started_at=dt.datetime.fromisoformat(r["started_at"]),
                          finished_at=dt.datetime.fromisoformat(r["finished_at"]) if r["finished_at"] else None)
                for r in rows]

    def save_postcodes(self, postcodes: list[Postcode]) -> int:
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO postcodes VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(postcode) DO UPDATE SET"
                " lat = excluded.lat, lon = excluded.lon, neighbourhood = excluded.neighbourhood,"
                " municipality = excluded.municipality",
                [(p.postcode, p.postcode[:4], p.lat, p.lon, p.neighbourhood, p.municipality) for p in postcodes])
        return len(postcodes)

    def postcode(self, postcode: str) -> Postcode | None:
        row = self.db.execute("SELECT * FROM postcodes WHERE postcode = ?", (postcode,)).fetchone()
        if row:
            return Postcode(row["postcode"], row["lat"], row["lon"], row["neighbourhood"], row["municipality"])
        row = self.db.execute("SELECT avg(lat) AS lat, avg(lon) AS lon, count(*) AS n, max(municipality) AS m"
                              " FROM postcodes WHERE pc4 = ?", (postcode[:4],)).fetchone()
        if row["n"]:
            return Postcode(postcode[:4], row["lat"], row["lon"], None, row["m"])
        return None

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: a write is all or nothing."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False

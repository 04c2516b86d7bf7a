"""The embedded default store: one SQLite file, radius search through an R*Tree index."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from catalog.activity_cache import ActivityCache
from catalog.codec import decode, row_json, vector_bytes
from catalog.geo import bounding_box
from catalog.model import Activity, stored_types
from catalog.migrations import migrations
from catalog.records import RowState, Sql, changed_fields, check_versions
from catalog.store import SCHEMA_VERSION, ActivityFilter, ImportRun, SchemaError, Store, like_pattern

MIGRATIONS = migrations("sqlite")   # catalog/migrations.py: one text per version for both stores
assert max(MIGRATIONS) == SCHEMA_VERSION


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


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
                row = row_json(a)
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
        columns = dict(row=row_json(a), title=a.title, organisation=a.organisation,
                       neighbourhood=a.neighbourhood, postcode=a.postcode, kind=a.kind,
                       capacity=a.capacity, categories=f";{';'.join(a.categories)};",
                       lat=a.lat, lon=a.lon, updated_at=_now())
        if a.embedding is not None:
            columns.update(text_hash=a.text_hash, model=model,
                           embedding=vector_bytes(a.embedding))
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
        return [decode(r["row"], r["paused"], r["version"]) for r in rows], total

    def _points_near(self, lat: float, lon: float, radius_km: float) -> list[tuple[str, int, float, float]]:
        # Paused listings are not in the R*Tree.
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
        return self.db.execute("SELECT id, version, lat, lon FROM activities_geo"
                               " WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?",
                               (min_lat, max_lat, min_lon, max_lon)).fetchall()

    def _fetch(self, ids: list[str]) -> dict[str, tuple[int, Activity]]:
        fetched = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.db.execute(f"SELECT id, version, row, paused, embedding FROM activities WHERE id IN "
                                   f"({', '.join('?' * len(chunk))})", chunk)
            fetched.update({r["id"]: (r["version"], decode(r["row"], r["paused"], r["version"], r["embedding"]))
                            for r in rows})
        return fetched

    def import_runs(self, limit: int = 20) -> list[ImportRun]:
        rows = self.db.execute("SELECT * FROM import_runs ORDER BY id DESC LIMIT ?", (limit,))
        return [ImportRun(source=r["source"], model=r["model"], added=r["added"], updated=r["updated"],
                          unchanged=r["unchanged"], skipped=r["skipped"], embedded=r["embedded"],
                          started_at=dt.datetime.fromisoformat(r["started_at"]),
                          finished_at=dt.datetime.fromisoformat(r["finished_at"]) if r["finished_at"] else None)
                for r in rows]

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

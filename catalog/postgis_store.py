"""The PostGIS store: PostgreSQL with PostGIS through psycopg 3 and a connection pool.

For regions and national deployments edited by many people at once. Radius search is
ST_DWithin on a geography column with a GiST index; embeddings are stored as bytes with the
activity (pgvector is not available) and the activities within reach are scored exactly.
"""
from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool

from catalog.activity_cache import ActivityCache
from catalog.codec import decode, row_json, vector_bytes
from catalog.errors import Conflict
from catalog.model import Activity, stored_types
from catalog.migrations import migrations
from catalog.records import RowState, Sql, changed_fields, check_versions, now_iso
from catalog.store import SCHEMA_VERSION, ActivityFilter, ImportRun, SchemaError, Store, like_pattern

MIGRATIONS = migrations("postgis")   # catalog/migrations.py: one text per version for both stores
assert max(MIGRATIONS) == SCHEMA_VERSION
SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS socialmap_schema (version int NOT NULL)"
STAGING = """
    CREATE TEMP TABLE incoming (
        id text, row text, title text, organisation text, neighbourhood text, postcode text,
        kind text, capacity text, categories text[], lat double precision, lon double precision,
        text_hash text, model text, embedding bytea
    ) ON COMMIT DROP
"""
COLUMNS = "id, row, title, organisation, neighbourhood, postcode, kind, capacity, categories, lat, lon, text_hash, model, embedding"


class PostgisStore(Store):
    def __init__(self, url: str, check_schema: bool = True, max_connections: int = 8):
        self.url = url
        self.cache = ActivityCache()
        self.pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=True,
                                   kwargs={"autocommit": False})
        try:
            self.pool.wait(timeout=10)  # fail fast on a wrong URL instead of on the first query
        except Exception:
            self.pool.close()
            raise
        if check_schema:
            version = self.schema_version()
            if version != SCHEMA_VERSION:
                self.pool.close()
                raise SchemaError(f"the database has schema version {version}, this code needs "
                                  f"{SCHEMA_VERSION}: run `socialmap --db URL migrate`")

    def schema_version(self) -> int:
        with self.pool.connection() as conn:
            exists = conn.execute("SELECT to_regclass('socialmap_schema')").fetchone()[0]
            if exists is None:
                return 0
            row = conn.execute("SELECT max(version) FROM socialmap_schema").fetchone()
            return row[0] or 0

    def migrate(self) -> int:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute(SCHEMA_TABLE)
            conn.execute("LOCK TABLE socialmap_schema IN EXCLUSIVE MODE")  # one migrator at a time
            current = conn.execute("SELECT coalesce(max(version), 0) FROM socialmap_schema").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise SchemaError(f"the database has schema version {current}; this code knows up to "
                                  f"{SCHEMA_VERSION}: upgrade the software")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                conn.execute(MIGRATIONS[version])
                conn.execute("INSERT INTO socialmap_schema VALUES (%s)", (version,))
        return self.schema_version()

    def corrected_types(self) -> dict[str, tuple[list[str], list[str]]]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT id, row FROM activities WHERE row::json ->> 'types_source' = 'editor'").fetchall()
        return {r[0]: stored_types(json.loads(r[1])) for r in rows}

    def save_import(self, activities: list[Activity], run: ImportRun,
                    expected_versions: dict[str, int] | None = None) -> ImportRun:
        with self.pool.connection() as conn, conn.transaction():
            # One import at a time (readers are not blocked): no deadlocks, honest counts.
            conn.execute("LOCK TABLE activities IN SHARE ROW EXCLUSIVE MODE")
            check_versions(Sql(conn, qmark=False), expected_versions)
            conn.execute(STAGING)
            with conn.cursor().copy(f"COPY incoming ({COLUMNS}) FROM STDIN") as copy:
                for a in sorted(activities, key=lambda a: a.id):
                    embedding = vector_bytes(a.embedding)
                    copy.write_row((a.id, row_json(a),
                                    a.title, a.organisation, a.neighbourhood, a.postcode, a.kind,
                                    a.capacity, a.categories, a.lat, a.lon,
                                    a.text_hash if embedding else None, run.model if embedding else None,
                                    embedding))
            added, updated = conn.execute("""
                SELECT count(*) FILTER (WHERE a.pk IS NULL),
                       count(*) FILTER (WHERE a.pk IS NOT NULL AND (a.row <> i.row OR i.embedding IS NOT NULL))
                FROM incoming i LEFT JOIN activities a ON a.id = i.id""").fetchone()
            old_rows = dict(conn.execute("SELECT i.id, a.row FROM incoming i JOIN activities a ON a.id = i.id"
                                         " WHERE a.row <> i.row").fetchall())
            written = conn.execute(f"""
                INSERT INTO activities ({COLUMNS}, geog)
                SELECT {COLUMNS}, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography FROM incoming
                ON CONFLICT (id) DO UPDATE SET
                    row = EXCLUDED.row, title = EXCLUDED.title, organisation = EXCLUDED.organisation,
                    neighbourhood = EXCLUDED.neighbourhood, postcode = EXCLUDED.postcode,
                    kind = EXCLUDED.kind, capacity = EXCLUDED.capacity, categories = EXCLUDED.categories,
                    lat = EXCLUDED.lat, lon = EXCLUDED.lon, geog = EXCLUDED.geog,
                    text_hash = coalesce(EXCLUDED.text_hash, activities.text_hash),
                    model = coalesce(EXCLUDED.model, activities.model),
                    embedding = coalesce(EXCLUDED.embedding, activities.embedding),
                    version = activities.version + 1, updated_at = now()
                WHERE activities.row <> EXCLUDED.row OR EXCLUDED.embedding IS NOT NULL
                RETURNING id, version, (xmax = 0) AS inserted""").fetchall()
            self._log_import(conn, run, activities, old_rows, written)
            run.added, run.updated = added, updated
            run.unchanged = len(activities) - added - updated
            run.finished_at = dt.datetime.now(dt.timezone.utc)
            conn.execute(
                "INSERT INTO import_runs (source, model, added, updated, unchanged, skipped, embedded,"
                " started_at, finished_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (run.source, run.model, run.added, run.updated, run.unchanged, run.skipped,
                 run.embedded, run.started_at, run.finished_at))
        return run

    def _log_import(self, conn, run: ImportRun, activities: list[Activity], old_rows: dict[str, str],
                    written: list[tuple]) -> None:
        """One audit entry per listing the import added or changed (not for a new vector only)."""
        by_id, actor, now = {a.id: a for a in activities}, f"import:{run.source}", now_iso()
        with conn.cursor().copy("COPY audit_log (at, actor, action, activity_id, organisation, version, changes)"
                                " FROM STDIN") as copy:
            for activity_id, version, inserted in written:
                if inserted or activity_id in old_rows:
                    a = by_id[activity_id]
                    changes = {} if inserted else changed_fields(json.loads(old_rows[activity_id]), a.record())
                    copy.write_row((now, actor, "import", activity_id, a.organisation, version,
                                    json.dumps(changes, ensure_ascii=False, sort_keys=True)))

    # The steps of single-listing edits (catalog/records.py), inside its transaction.
    @contextmanager
    def _read(self):
        with self.pool.connection() as conn:
            yield Sql(conn, qmark=False)

    @contextmanager
    def _write(self):
        try:
            with self.pool.connection() as conn, conn.transaction():
                # Taken first, so an import (SHARE ROW EXCLUSIVE) waits for the edit instead of deadlocking with it.
                conn.execute("LOCK TABLE activities IN ROW EXCLUSIVE MODE")
                yield Sql(conn, qmark=False)
        except psycopg.errors.UniqueViolation as e:  # two creators of one id or name at the same moment
            raise Conflict(f"that exists already ({e.diag.constraint_name}): choose another id or name",
                           "already_exists") from None

    def _row_state(self, sql: Sql, activity_id: str) -> RowState | None:
        # FOR UPDATE: a second editor waits here, then sees the first one's version.
        row = sql.one("SELECT version, row, paused FROM activities WHERE id = %s FOR UPDATE", (activity_id,))
        return RowState(row[0], json.loads(row[1]), row[2]) if row else None

    def _put_row(self, sql: Sql, a: Activity, model: str | None, exists: bool, paused: bool) -> int:
        values = dict(row=row_json(a), title=a.title,
                      organisation=a.organisation, neighbourhood=a.neighbourhood, postcode=a.postcode,
                      kind=a.kind, capacity=a.capacity, categories=a.categories, lat=a.lat, lon=a.lon)
        if a.embedding is not None:
            values.update(text_hash=a.text_hash, model=model,
                          embedding=vector_bytes(a.embedding))
        point = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
        if exists:
            sets = ", ".join(f"{k} = %s" for k in values)
            return sql.one(f"UPDATE activities SET {sets}, geog = {point}, version = version + 1, updated_at = now()"
                           " WHERE id = %s RETURNING version", (*values.values(), a.lon, a.lat, a.id))[0]
        return sql.one(f"INSERT INTO activities (id, {', '.join(values)}, geog) VALUES"
                       f" (%s, {', '.join(['%s'] * len(values))}, {point}) RETURNING version",
                       (a.id, *values.values(), a.lon, a.lat))[0]

    def _put_paused(self, sql: Sql, activity_id: str, paused: bool) -> int:
        return sql.one("UPDATE activities SET paused = %s, version = version + 1, updated_at = now()"
                       " WHERE id = %s RETURNING version", (paused, activity_id))[0]

    def _remove_row(self, sql: Sql, activity_id: str) -> None:
        sql.run("DELETE FROM activities WHERE id = %s", (activity_id,))

    def list(self, filters: ActivityFilter, offset: int = 0, limit: int = 50) -> tuple[list[Activity], int]:
        where, args = [], []
        if filters.text:
            pattern = like_pattern(filters.text)
            where.append("(title ILIKE %s OR (row::json ->> 'description') ILIKE %s)")
            args += [pattern, pattern]
        if filters.category:
            where.append("%s = ANY(categories)")
            args.append(filters.category)
        for column in ("neighbourhood", "organisation", "kind", "capacity", "postcode"):
            value = getattr(filters, column)
            if value:
                where.append(f"lower({column}) = lower(%s)")
                args.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self.pool.connection() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # total and page agree
            total = conn.execute(f"SELECT count(*) FROM activities {clause}", args).fetchone()[0]
            rows = conn.execute(f"SELECT row, paused, version FROM activities {clause} ORDER BY id LIMIT %s OFFSET %s",
                                (*args, limit, offset)).fetchall()
        return [decode(*r) for r in rows], total

    def _points_near(self, lat: float, lon: float, radius_km: float) -> list[tuple[str, int, float, float]]:
        # The index finds candidates a little generously (sphere, +1%); the exact cut is the base
        # class's haversine, the same as the SQLite store's, so both stores give the same answers.
        with self.pool.connection() as conn:
            return conn.execute(
                "SELECT id, version, lat, lon FROM activities"
                " WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, false)"
                " AND NOT paused",
                (lon, lat, radius_km * 1010.0)).fetchall()

    def _fetch(self, ids: list[str]) -> dict[str, tuple[int, Activity]]:
        fetched = {}
        with self.pool.connection() as conn:
            for start in range(0, len(ids), 5000):
                rows = conn.execute("SELECT id, version, row, embedding, paused FROM activities WHERE id = ANY(%s)",
                                    (ids[start:start + 5000],))
                fetched.update({i: (v, decode(r, p, v, e)) for i, v, r, e, p in rows})
        return fetched

    def import_runs(self, limit: int = 20) -> list[ImportRun]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT source, model, added, updated, unchanged, skipped, embedded,"
                                " started_at, finished_at FROM import_runs ORDER BY id DESC LIMIT %s",
                                (limit,)).fetchall()
        return [ImportRun(*r) for r in rows]

    def close(self) -> None:
        self.pool.close()

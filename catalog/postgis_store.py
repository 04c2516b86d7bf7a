"""The PostGIS store: PostgreSQL with PostGIS through psycopg 3 and a connection pool.

For regions and national deployments edited by many people at once. Radius search is
ST_DWithin on a geography column with a GiST index; embeddings are stored as bytes with the
activity (pgvector is not available) and the activities within reach are scored exactly.
"""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
from psycopg_pool import ConnectionPool

from catalog.activity_cache import ActivityCache
from catalog.geo import points_within
from catalog.model import Activity
from catalog.store import (
    SCHEMA_VERSION, ActivityFilter, ImportRun, Postcode, SchemaError, Store, StoredEmbedding,
    like_pattern,
)
from catalog.validation import validate_row

# Migration N brings the schema from version N-1 to N, the same versions as the SQLite store.
MIGRATIONS = {
    1: """
    CREATE EXTENSION IF NOT EXISTS postgis;
    CREATE TABLE activities (
        pk bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        row text NOT NULL,                       -- the activity in the CSV exchange format, as JSON
        title text NOT NULL, organisation text NOT NULL, neighbourhood text NOT NULL,
        postcode text NOT NULL, kind text NOT NULL, capacity text NOT NULL,
        categories text[] NOT NULL,
        lat double precision NOT NULL, lon double precision NOT NULL,
        geog geography(Point, 4326) NOT NULL,
        text_hash text, model text, embedding bytea,
        version integer NOT NULL DEFAULT 1,      -- raised on every change: caches and editors compare it
        created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX activities_geog ON activities USING gist (geog);
    CREATE INDEX activities_organisation ON activities (organisation);
    CREATE INDEX activities_neighbourhood ON activities (neighbourhood);
    CREATE TABLE import_runs (
        id bigserial PRIMARY KEY, source text NOT NULL, model text NOT NULL,
        added int, updated int, unchanged int, skipped int, embedded int,
        started_at timestamptz NOT NULL, finished_at timestamptz
    );
    CREATE TABLE postcodes (
        postcode text PRIMARY KEY, pc4 text NOT NULL, lat double precision NOT NULL,
        lon double precision NOT NULL, neighbourhood text, municipality text
    );
    CREATE INDEX postcodes_pc4 ON postcodes (pc4);
    """,
}
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

    def embedding_states(self) -> dict[str, StoredEmbedding]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT id, text_hash, model FROM activities WHERE embedding IS NOT NULL")
            return {r[0]: StoredEmbedding(r[1], r[2]) for r in rows}

    def save_import(self, activities: list[Activity], run: ImportRun) -> ImportRun:
        with self.pool.connection() as conn, conn.transaction():
            # One import at a time (readers are not blocked): no deadlocks, honest counts.
            conn.execute("LOCK TABLE activities IN SHARE ROW EXCLUSIVE MODE")
            conn.execute(STAGING)
            with conn.cursor().copy(f"COPY incoming ({COLUMNS}) FROM STDIN") as copy:
                for a in sorted(activities, key=lambda a: a.id):
                    embedding = None if a.embedding is None else np.asarray(a.embedding, np.float32).tobytes()
                    copy.write_row((a.id, json.dumps(a.to_row(), ensure_ascii=False, sort_keys=True),
                                    a.title, a.organisation, a.neighbourhood, a.postcode, a.kind,
                                    a.capacity, a.categories, a.lat, a.lon,
                                    a.text_hash if embedding else None, run.model if embedding else None,
                                    embedding))
            added, updated = conn.execute("""
                SELECT count(*) FILTER (WHERE a.pk IS NULL),
                       count(*) FILTER (WHERE a.pk IS NOT NULL AND (a.row <> i.row OR i.embedding IS NOT NULL))
                FROM incoming i LEFT JOIN activities a ON a.id = i.id""").fetchone()
            conn.execute(f"""
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
                WHERE activities.row <> EXCLUDED.row OR EXCLUDED.embedding IS NOT NULL""")
            run.added, run.updated = added, updated
            run.unchanged = len(activities) - added - updated
            run.finished_at = dt.datetime.now(dt.timezone.utc)
            conn.execute(
                "INSERT INTO import_runs (source, model, added, updated, unchanged, skipped, embedded,"
                " started_at, finished_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (run.source, run.model, run.added, run.updated, run.unchanged, run.skipped,
                 run.embedded, run.started_at, run.finished_at))
        return run

    @staticmethod
    def _activity(row_json: str, embedding: bytes | None = None) -> Activity:
        activity = validate_row(json.loads(row_json))
        if embedding is not None:
            activity.embedding = np.frombuffer(embedding, dtype=np.float32)
        return activity

    def get(self, activity_id: str) -> Activity | None:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT row FROM activities WHERE id = %s", (activity_id,)).fetchone()
        return self._activity(row[0]) if row else None

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
            rows = conn.execute(f"SELECT row FROM activities {clause} ORDER BY id LIMIT %s OFFSET %s",
                                (*args, limit, offset)).fetchall()
        return [self._activity(r[0]) for r in rows], total

    def within_radius(self, lat: float, lon: float, radius_km: float) -> list[tuple[Activity, float]]:
        # The index finds candidates a little generously (sphere, +1%); the exact cut is the same
        # haversine as the SQLite store's, so both stores give the same answers.
        with self.pool.connection() as conn:
            rows = conn.execute(
                "SELECT id, version, lat, lon FROM activities"
                " WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, false)",
                (lon, lat, radius_km * 1010.0)).fetchall()
        inside = points_within(lat, lon, radius_km, [r[2] for r in rows], [r[3] for r in rows])
        near = [(rows[i][0], rows[i][1], d) for i, d in inside]
        activities = self.cache.resolve(((i, v) for i, v, _ in near), self._fetch)
        return sorted(((activities[i], d) for i, _, d in near), key=lambda pair: (pair[1], pair[0].id))

    def preload(self) -> int:
        with self.pool.connection() as conn:
            keys = conn.execute("SELECT id, version FROM activities").fetchall()
        return len(self.cache.resolve(keys, self._fetch))

    def _fetch(self, ids: list[str]) -> dict[str, tuple[int, Activity]]:
        fetched = {}
        with self.pool.connection() as conn:
            for start in range(0, len(ids), 5000):
                rows = conn.execute("SELECT id, version, row, embedding FROM activities WHERE id = ANY(%s)",
                                    (ids[start:start + 5000],))
                fetched.update({i: (v, self._activity(r, e)) for i, v, r, e in rows})
        return fetched

    def embedding_sample(self, limit: int) -> np.ndarray:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT embedding FROM activities WHERE embedding IS NOT NULL"
                                " ORDER BY text_hash, id LIMIT %s", (limit,)).fetchall()
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([np.frombuffer(r[0], dtype=np.float32) for r in rows])

    def count(self) -> int:
        with self.pool.connection() as conn:
            return conn.execute("SELECT count(*) FROM activities").fetchone()[0]

    def import_runs(self, limit: int = 20) -> list[ImportRun]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT source, model, added, updated, unchanged, skipped, embedded,"
                                " started_at, finished_at FROM import_runs ORDER BY id DESC LIMIT %s",
                                (limit,)).fetchall()
        return [ImportRun(*r) for r in rows]

    def save_postcodes(self, postcodes: list[Postcode]) -> int:
        with self.pool.connection() as conn, conn.transaction():
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO postcodes VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (postcode) DO UPDATE SET"
                    " lat = EXCLUDED.lat, lon = EXCLUDED.lon, neighbourhood = EXCLUDED.neighbourhood,"
                    " municipality = EXCLUDED.municipality",
                    [(p.postcode, p.postcode[:4], p.lat, p.lon, p.neighbourhood, p.municipality) for p in postcodes])
        return len(postcodes)

    def postcode(self, postcode: str) -> Postcode | None:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT postcode, lat, lon, neighbourhood, municipality FROM postcodes"
                               " WHERE postcode = %s", (postcode,)).fetchone()
            if row:
                return Postcode(*row)
            row = conn.execute("SELECT avg(lat), avg(lon), count(*), max(municipality) FROM postcodes"
                               " WHERE pc4 = %s", (postcode[:4],)).fetchone()
        if row[2]:
            return Postcode(postcode[:4], row[0], row[1], None, row[3])
        return None

    def close(self) -> None:
        self.pool.close()

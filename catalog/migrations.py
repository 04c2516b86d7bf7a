"""The schema's versions, one text each for both stores, so that both have the same versions by
construction. Where SQLite and PostgreSQL/PostGIS differ, the difference has a name (DIALECTS).

Migration N brings the schema from version N-1 to N. Never edit one that has shipped: add one.
"""
from __future__ import annotations

DIALECTS = {
    "sqlite": {
        "setup": "",
        "pk": "INTEGER PRIMARY KEY",
        "real": "REAL",
        "bytes": "BLOB",
        "flag": "INTEGER",                     # SQLite has no boolean: 0 or 1
        "off": "0",
        "moment": "TEXT",                      # ISO 8601 text
        "categories": "TEXT NOT NULL",         # slugs wrapped in separators, so LIKE finds one slug
        "point": "",
        "created": "TEXT NOT NULL",
        # The R*Tree carries what radius search needs (+ columns), so a search never reads the wide rows.
        "spatial_index": "CREATE VIRTUAL TABLE activities_geo USING rtree(pk, min_lat, max_lat, min_lon, max_lon,"
                         " +id, +version, +lat, +lon)",
        "organisation_nocase": "organisation COLLATE NOCASE",
    },
    "postgis": {
        "setup": "CREATE EXTENSION IF NOT EXISTS postgis;",
        "pk": "bigserial PRIMARY KEY",
        "real": "double precision",
        "bytes": "bytea",
        "flag": "boolean",
        "off": "false",
        "moment": "timestamptz",
        "categories": "text[] NOT NULL",
        "point": "geog geography(Point, 4326) NOT NULL,",
        "created": "timestamptz NOT NULL DEFAULT now()",
        "spatial_index": "CREATE INDEX activities_geog ON activities USING gist (geog)",
        "organisation_nocase": "lower(organisation)",
    },
}

TEXTS = {
    1: """
    {setup}
    CREATE TABLE activities (
        pk {pk},
        id text NOT NULL UNIQUE,
        row text NOT NULL,              -- the activity in the CSV exchange format, as JSON
        title text NOT NULL, organisation text NOT NULL, neighbourhood text NOT NULL,
        postcode text NOT NULL, kind text NOT NULL, capacity text NOT NULL,
        categories {categories},
        lat {real} NOT NULL, lon {real} NOT NULL,
        {point}
        text_hash text, model text, embedding {bytes},
        version integer NOT NULL DEFAULT 1,  -- raised on every change: caches and editors compare it
        created_at {created}, updated_at {created}
    );
    {spatial_index};
    CREATE INDEX activities_organisation ON activities (organisation);
    CREATE INDEX activities_neighbourhood ON activities (neighbourhood);
    CREATE TABLE import_runs (
        id {pk}, source text NOT NULL, model text NOT NULL,
        added integer, updated integer, unchanged integer, skipped integer, embedded integer,
        started_at {moment} NOT NULL, finished_at {moment}
    );
    CREATE TABLE postcodes (
        postcode text PRIMARY KEY, pc4 text NOT NULL, lat {real} NOT NULL, lon {real} NOT NULL,
        neighbourhood text, municipality text
    );
    CREATE INDEX postcodes_pc4 ON postcodes (pc4);
    """,
    2: """
    ALTER TABLE activities ADD COLUMN paused {flag} NOT NULL DEFAULT {off};  -- paused: out of radius search
    CREATE TABLE users (
        username text PRIMARY KEY, password_hash text NOT NULL, role text NOT NULL,
        organisation text, created_at text NOT NULL
    );
    CREATE TABLE sessions (
        token_hash text PRIMARY KEY,    -- sha256 of the token: a stolen database holds no live tokens
        username text NOT NULL REFERENCES users(username) ON DELETE CASCADE, expires_at text NOT NULL
    );
    CREATE TABLE api_keys (
        name text PRIMARY KEY, key_hash text NOT NULL UNIQUE, role text NOT NULL, organisation text,
        created_at text NOT NULL, revoked {flag} NOT NULL DEFAULT {off}
    );
    CREATE TABLE audit_log (
        id {pk}, at text NOT NULL, actor text NOT NULL, action text NOT NULL,
        activity_id text NOT NULL, organisation text NOT NULL, version integer, changes text NOT NULL
    );
    CREATE INDEX audit_log_activity ON audit_log (activity_id);
    CREATE INDEX audit_log_organisation ON audit_log ({organisation_nocase});
    CREATE TABLE duplicate_decisions (
        id_a text NOT NULL, id_b text NOT NULL, decision text NOT NULL, actor text NOT NULL,
        at text NOT NULL, PRIMARY KEY (id_a, id_b)
    );
    CREATE TABLE merges (
        dropped_id text PRIMARY KEY, kept_id text NOT NULL, at text NOT NULL, actor text NOT NULL
    );
    CREATE INDEX merges_kept ON merges (kept_id);
    """,
    3: """
    -- Anonymous by design: no name, birth date, narrative, keywords, exact address or exact date.
    CREATE TABLE intakes (
        id text PRIMARY KEY, month text NOT NULL, pc4 text NOT NULL, wijk text NOT NULL,
        age_band text NOT NULL, gender text NOT NULL, languages text NOT NULL, wishes text NOT NULL,
        tailored_needed {flag} NOT NULL, tailored_for text NOT NULL,
        outcome text, outcome_activity text, outcome_month text
    );
    CREATE INDEX intakes_wijk ON intakes (wijk);
    """,
    4: """
    -- Logins under way or failed, counted before a password is checked (catalog/records.py).
    CREATE TABLE login_attempts (
        id {pk}, username text NOT NULL, address text NOT NULL, at {real} NOT NULL
    );
    CREATE INDEX login_attempts_address ON login_attempts (address);
    CREATE INDEX login_attempts_username ON login_attempts (username);
    """,
    5: """
    -- Facts about the store as a whole, such as under which knowledge its listings were typed
    -- (matcher/index/retype.py).
    CREATE TABLE store_facts (name text PRIMARY KEY, value text NOT NULL);
    """,
}


def migrations(dialect: str) -> dict[int, str]:
    """Each version's SQL for one store ("sqlite" or "postgis")."""
    return {version: text.format(**DIALECTS[dialect]) for version, text in TEXTS.items()}

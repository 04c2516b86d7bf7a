"""Backups of the embedded store: a consistent copy while the service runs, and putting one back.

SQLite's online backup API copies the database page by page under a read snapshot, so writes that
the service makes meanwhile are either wholly in the copy or not at all. (For PostGIS: pg_dump and
pg_restore, see the README.)
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from catalog.store import SCHEMA_VERSION, SchemaError

TABLES = ("activities", "users", "audit_log", "intakes")   # what every socialmap store holds


def backup(database: str | Path, target: str | Path) -> dict[str, int]:
    """Copy the store at `database` into the new file `target`; return its table counts."""
    database, target = Path(database), Path(target)
    if not database.is_file():
        raise FileNotFoundError(f"no database at {database}")
    if target.exists():
        raise FileExistsError(f"{target} exists already: choose a new file name, a backup never overwrites")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)   # all pages in one step: one consistent snapshot
    finally:
        source.close()
    try:
        return check(copy, target)
    finally:
        copy.close()


def restore(backup_file: str | Path, database: str | Path, replace: bool = False) -> dict[str, int]:
    """Put a backup back as the store at `database`. A store that holds data is only replaced
    with `replace`; stop the service first (it keeps its catalog in memory)."""
    backup_file, database = Path(backup_file), Path(database)
    if not backup_file.is_file():
        raise FileNotFoundError(f"no backup at {backup_file}")
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        counts = check(source, backup_file)
        if database.exists() and not replace:
            current = sqlite3.connect(database)
            try:
                held = {t: n for t, n in _counts(current).items() if n}
            finally:
                current.close()
            if held:
                raise FileExistsError(f"{database} holds data ({_describe(held)}): pass --replace to overwrite it "
                                      "with the backup")
        database.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(database, timeout=30)
        try:
            source.backup(target)   # page by page into the store, under its write lock: all or nothing
        finally:
            target.close()
    finally:
        source.close()
    return counts


def check(conn: sqlite3.Connection, path: Path) -> dict[str, int]:
    """That a file is a whole socialmap store this software can open; its table counts."""
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise SchemaError(f"{path} is no SQLite database: {e}") from None
    if ok != "ok":
        raise SchemaError(f"{path} is damaged: {ok}")
    if version == 0 or version > SCHEMA_VERSION:
        raise SchemaError(f"{path} has schema version {version}; this software reads 1 to {SCHEMA_VERSION}")
    counts = _counts(conn)
    if set(TABLES) - set(counts):
        raise SchemaError(f"{path} is no socialmap store: it lacks {', '.join(sorted(set(TABLES) - set(counts)))}")
    return counts


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES if t in present}


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {t}" for t, n in counts.items())

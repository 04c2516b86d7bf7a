"""Which store a database URL names, opened: the one place that knows both implementations (so
that neither imports its base class's module back)."""
from __future__ import annotations

from catalog.store import SchemaError, Store, StoreUnavailable, redact


def open_store(url: str, check_schema: bool = True) -> Store:
    """`sqlite:///path/to/file.db` (or a bare path) -> the embedded store (migrated on opening);
    `postgresql://user@host:port/db` -> the PostGIS store (its schema checked: `socialmap migrate`)."""
    if url.startswith("sqlite:///") or "://" not in url:
        from catalog.sqlite_store import SqliteStore
        return SqliteStore(url.removeprefix("sqlite:///"))
    if url.startswith(("postgresql://", "postgres://")):
        from catalog.postgis_store import PostgisStore
        try:
            return PostgisStore(url, check_schema=check_schema)
        except SchemaError:
            raise
        except Exception as e:  # connection refused, unknown database, bad credentials
            raise StoreUnavailable(f"cannot open {redact(url)}: {str(e).strip().splitlines()[0]}") from None
    raise ValueError(f"unsupported database URL '{redact(url)}': use sqlite:///path/to/catalog.db "
                     "or postgresql://user@host:5432/dbname")

"""The `socialmap` command. Each command module registers its own sub-commands (add_commands); this
one only builds the parser and turns the errors a user can fix into one line and exit code 2."""
from __future__ import annotations

import argparse
import sys

from api import catalog_cli, hsds_cli, upkeep_cli

COMMAND_MODULES = (catalog_cli, upkeep_cli, hsds_cli)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="socialmap", description="The social map: import catalogs and postcodes, match in batch, serve the API, keep listings current.")
    parser.add_argument("--db", help="database URL (default: $SOCIALMAP_DB or sqlite:///data/socialmap.db)")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.add_commands(sub)

    args = parser.parse_args(argv)
    if args.command == "match-batch" and not 1 <= args.limit <= 20:
        parser.error("--limit must be between 1 and 20")
    from catalog.config import Settings
    from catalog.csv_import import CsvFormatError
    from catalog.errors import Conflict
    from catalog.store import SchemaError, StoreUnavailable
    from matcher.encoder import ModelMissing
    try:
        args.settings = Settings.from_environment()   # once; every command gets them
        return args.func(args)
    except (CsvFormatError, SchemaError, StoreUnavailable, ModelMissing, Conflict, ValueError, OSError) as e:
        print(f"socialmap: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""What every `socialmap` command module shares: the store and the encoder a command works on, and
the flags of the two import commands. Command modules import this; none imports another. Every
command gets the settings, read once by cli.py, as `args.settings`."""
from __future__ import annotations

import sys

MAX_LINES = 200   # of problems printed; the rest is counted


def database_url(args) -> str:
    return args.db or args.settings.database_url


def store(args):
    from catalog.stores import open_store
    return open_store(database_url(args))


def encoder(settings):
    from matcher.encoder import Encoder
    return Encoder(settings.model, settings.query_prefix, settings.passage_prefix)


def add_edit_flags(p) -> None:
    p.add_argument("--overwrite-edits", action="store_true",
                   help="take the file's value also where an editor changed a field since the last import")
    p.add_argument("--move-organisations", action="store_true",
                   help="let the file give an existing listing to another organisation")


def print_capped(lines: list[str], what: str = "problems") -> None:
    """Lines for the user on standard error, at most MAX_LINES of them."""
    for line in lines[:MAX_LINES]:
        print(line, file=sys.stderr)
    if len(lines) > MAX_LINES:
        print(f"... and {len(lines) - MAX_LINES} more {what}", file=sys.stderr)


def print_kept(source: str, notes: list[str], conflicts: list) -> None:
    """What an import left out on purpose, and the editors' changes it kept (catalog/kept_edits.py)."""
    for line in notes + [str(c) for c in conflicts]:
        print(f"{source}: {line}", file=sys.stderr)

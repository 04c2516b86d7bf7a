"""What every `socialmap` command module shares: the store and the encoder a command works on, and
the flags of the two import commands. Command modules import this; none imports another."""
from __future__ import annotations

from api import settings


def store(url: str | None):
    from catalog.stores import open_store
    return open_store(url or settings.database_url())


def encoder():
    from matcher.encoder import Encoder
    return Encoder()


def add_edit_flags(p) -> None:
    p.add_argument("--overwrite-edits", action="store_true",
                   help="take the file's value also where an editor changed a field since the last import")
    p.add_argument("--move-organisations", action="store_true",
                   help="let the file give an existing listing to another organisation")

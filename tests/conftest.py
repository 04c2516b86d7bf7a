"""Shared fixtures: the real encoder (loaded once, with the network blocked) and the demo
catalog imported once into a temporary SQLite store. Tests must treat both as read-only."""
from __future__ import annotations

import os

# Before anything can import sentence_transformers / huggingface_hub: never reach for the hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
# The tests use the repository's own model with its default prefixes, whatever the shell says.
for _name in ("SOCIALMAP_MODEL", "SOCIALMAP_QUERY_PREFIX", "SOCIALMAP_PASSAGE_PREFIX"):
    os.environ.pop(_name, None)

import contextlib
import csv
import io
import socket
import tempfile
from pathlib import Path

import pytest

# Never let a test (e.g. a CLI command without --db) touch the repository's data/socialmap.db.
_SESSION_TMP = tempfile.mkdtemp(prefix="socialmap-tests-")
os.environ["SOCIALMAP_DB"] = f"sqlite:///{Path(_SESSION_TMP) / 'default.db'}"

ROOT = Path(__file__).resolve().parents[1]
DEMO_CATALOG = ROOT / "catalog" / "demo" / "zeist_activities.csv"
DEMO_POSTCODES = ROOT / "catalog" / "demo" / "zeist_postcodes.csv"
MODEL_DIR = ROOT / ".models" / "multilingual-e5-small"
# The Zeist town centre (Steynlaan), where the demo catalog is densest.
CENTRE = (52.08851, 5.23259)


class NetworkBlocked(AssertionError):
    pass


@contextlib.contextmanager
def no_network():
    """Any attempt to open a network connection fails loudly inside this block."""
    def refuse(*args, **kwargs):
        raise NetworkBlocked(f"network access attempted: {args[1:] if len(args) > 1 else args}")

    saved = socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo = saved


def read_rows(path: Path = DEMO_CATALOG) -> list[dict[str, str]]:
    """Raw CSV rows, read with the csv module alone: an oracle independent of the project's parser."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def csv_text(rows: list[dict], columns=None) -> str:
    from catalog.model import CSV_COLUMNS
    columns = list(columns or CSV_COLUMNS)
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def write_catalog(path: Path, rows: list[dict], columns=None) -> Path:
    path.write_text(csv_text(rows, columns), encoding="utf-8")
    return path


# Random client profiles over the demo area (seeded by the caller).
INTERESTS = [
    "wandelen, natuur", "koken, samen eten", "schilderen, tekenen", "zingen, muziek",
    "voetbal, sport", "mensen ontmoeten, koffie", "computer, smartphone", "tuinieren, moestuin",
    "vrijwilligerswerk, helpen", "kaarten, bridge, spelletjes", "fietsen", "zwemmen",
    "Nederlands leren, taal", "dansen", "lezen, boeken", "klussen, repareren", "dieren, honden",
    "geloof, bezinning", "rouw, lotgenoten", "handwerken, naaien", "yoga, bewegen",
]
NARRATIVES = [
    "", "Cliënt zit veel alleen thuis en wil er graag weer op uit.",
    "Sinds het overlijden van haar man heeft mevrouw weinig contacten.",
    "Meneer is net met pensioen en zoekt structuur in de week.",
    "Jonge moeder, weinig netwerk, spreekt nog beperkt Nederlands.",
]
LANGUAGES = [["nl"], ["nl"], ["nl", "en"], ["tr"], ["ar", "nl"], ["tr", "nl"], ["en"], ["uk"]]
DAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]


def random_profile(rng):
    from matcher.profile import ClientProfile
    return ClientProfile(
        interests=rng.choice(INTERESTS), narrative=rng.choice(NARRATIVES),
        age=rng.randint(16, 95), gender=rng.choice(["female", "male", None]),
        languages=rng.choice(LANGUAGES),
        lat=rng.uniform(52.065, 52.15), lon=rng.uniform(5.19, 5.32),
        max_distance_km=round(rng.uniform(0.5, 5.0), 2),
        availability=rng.sample(DAYS, rng.randint(0, 4)),
        budget_eur_month=rng.choice([None, 0, 5, 10, 25]),
        needs_wheelchair_access=rng.random() < 0.3)


@pytest.fixture(scope="session")
def encoder():
    from matcher.encoder import Encoder
    enc = Encoder()
    with no_network():
        enc.model  # load now, fully offline
        enc.query("opwarmen")
    return enc


@pytest.fixture(scope="session")
def demo_rows() -> list[dict[str, str]]:
    return read_rows()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory, encoder):
    """The demo catalog and postcode table in a SQLite store. Read-only for tests."""
    from catalog.postcode_import import read_postcode_csv
    from catalog.sqlite_store import SqliteStore
    from matcher.indexing import import_catalog

    store = SqliteStore(tmp_path_factory.mktemp("demo") / "demo.db")
    result = import_catalog(store, DEMO_CATALOG, encoder)
    assert result.problems == [], [str(p) for p in result.problems]
    postcodes, problems = read_postcode_csv(DEMO_POSTCODES)
    assert problems == []
    store.save_postcodes(postcodes)
    yield store
    store.close()


@pytest.fixture(scope="session")
def matcher(demo_store, encoder):
    from matcher.engine import Matcher
    return Matcher(demo_store, encoder)


@pytest.fixture
def rows6(demo_rows) -> list[dict[str, str]]:
    """Six good demo rows, as fresh copies a test may change."""
    return [dict(r) for r in demo_rows[:6]]

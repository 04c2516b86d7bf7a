"""Helpers shared by the test modules (plain functions and constants, no fixtures)."""
from __future__ import annotations

import contextlib
import csv
import io
import socket
from pathlib import Path

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

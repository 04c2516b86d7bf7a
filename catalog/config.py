"""Every setting of the project, read from the environment (SOCIALMAP_...) in this one module.

The service and the commands read them all once at start-up into one `Settings` object
(`Settings.from_environment()`: every wrong value is reported at once, with what to write) and pass
it down. The functions below read one setting each; `Settings` is made of them.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL_DIR = ROOT / ".models" / "multilingual-e5-small"   # built by setup (matcher/model_build.py)


def number(name: str, default: float, low: float, high: float, what: str, whole: bool = False,
           above_low: bool = False) -> float:
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = None
    if value is None or not (low < value if above_low else low <= value) or value > high:
        raise ValueError(f"{name} must be {what} from {low} to {high}, not '{raw}'")
    return value


def database_url() -> str:
    """SOCIALMAP_DB: sqlite:///path/to/file.db (the default, embedded store) or postgresql://..."""
    return os.environ.get("SOCIALMAP_DB") or f"sqlite:///{ROOT / 'data' / 'socialmap.db'}"


def model() -> str:
    """SOCIALMAP_MODEL: a sentence-transformers folder (default: the one setup builds) or hub name."""
    return os.environ.get("SOCIALMAP_MODEL") or str(DEFAULT_MODEL_DIR)


def query_prefix() -> str:
    return os.environ.get("SOCIALMAP_QUERY_PREFIX", "query: ")


def passage_prefix() -> str:
    return os.environ.get("SOCIALMAP_PASSAGE_PREFIX", "passage: ")


def stale_after_months() -> int:
    return int(number("SOCIALMAP_STALE_AFTER_MONTHS", 12, 1, 120, "a whole number of months", whole=True))


def session_hours() -> float:
    return number("SOCIALMAP_SESSION_HOURS", 8, 0, 720, "a number of hours", above_low=True)


def max_body_bytes() -> int:
    return int(number("SOCIALMAP_MAX_BODY_BYTES", 1024 * 1024, 1024, 1024 ** 3, "a number of bytes", whole=True))


def walking_km() -> float:
    return number("SOCIALMAP_WALKING_KM", 1.0, 0.1, 10, "a distance in km")


def min_count() -> int:
    return int(number("SOCIALMAP_MIN_COUNT", 5, 1, 100, "a whole number", whole=True))


def demo_password() -> str:
    return os.environ.get("SOCIALMAP_DEMO_PASSWORD", "demo-wachtwoord")


def ablated() -> frozenset[str]:
    """SOCIALMAP_ABLATE: parts of the matcher switched off, for the benchmark's ablations only."""
    return frozenset(p.strip() for p in os.environ.get("SOCIALMAP_ABLATE", "").split(",") if p.strip())


@dataclasses.dataclass(frozen=True)
class Settings:
    database_url: str
    model: str
    query_prefix: str
    passage_prefix: str
    stale_after_months: int
    session_hours: float
    max_body_bytes: int
    walking_km: float
    min_count: int
    demo_password: str

    @property
    def stale_after_days(self) -> int:
        return round(self.stale_after_months * 365.25 / 12)

    @classmethod
    def from_environment(cls) -> "Settings":
        """Every setting, checked; a ValueError names every wrong one."""
        values, problems = {}, []
        for f in dataclasses.fields(cls):
            try:
                values[f.name] = globals()[f.name]()
            except ValueError as e:
                problems.append(str(e))
        if problems:
            raise ValueError("; ".join(problems))
        return cls(**values)

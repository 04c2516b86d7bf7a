"""The activity-type taxonomy: the kinds of activity on a Dutch social map, the needs they serve and
the target groups listings are for (data in taxonomy.json; how its terms match: matcher/terms.py).

A type has the words listings use (`activity_terms`), words that count only in a listing's text
because in an intake they mean something else (`context_terms`: "ziekenhuis" in a hospital volunteer
job, where a client's "lag in het ziekenhuis" is no wish), the words clients and coaches use that
point to it (`wish_terms`), its categories, the needs it serves and the groups it is for. A group's kind
says how it counts in matching: a `condition` (dementia, cancer) is offered only when the intake
mentions it, a `situation` (carers, the bereaved, newcomers) ranks up for clients in it and down for
others, an `age` group follows the client's age.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from catalog.model import CATEGORIES

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.json")
GROUP_KINDS = ("condition", "situation", "age")


@dataclass(frozen=True)
class ActivityType:
    key: str
    label: str
    categories: tuple[str, ...]
    activity_terms: tuple[str, ...]
    wish_terms: tuple[str, ...]
    needs: tuple[str, ...]
    groups: tuple[str, ...]
    context_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Need:
    key: str
    label: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    kind: str
    listing_terms: tuple[str, ...]
    client_terms: tuple[str, ...]
    min_age: int | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class Taxonomy:
    types: dict[str, ActivityType]
    needs: dict[str, Need]
    groups: dict[str, Group]
    version: str   # a hash of the file: stored type assignments made under another one are redone

    def label(self, type_key: str) -> str:
        return self.types[type_key].label if type_key in self.types else type_key


class TaxonomyError(ValueError):
    pass


def load(path: Path = TAXONOMY_FILE) -> Taxonomy:
    raw = path.read_bytes()
    data = json.loads(raw)
    needs = {k: Need(k, v["label"], tuple(v["terms"])) for k, v in data["needs"].items()}
    groups = {k: Group(k, v["label"], v["kind"], tuple(v.get("listing_terms", ())),
                       tuple(v.get("client_terms", ())), v.get("min_age"), v.get("max_age"))
              for k, v in data.get("groups", {}).items()}
    types = {k: ActivityType(k, v["label"], tuple(v["categories"]), tuple(v["activity_terms"]),
                             tuple(v["wish_terms"]), tuple(v.get("needs", ())), tuple(v.get("groups", ())),
                             tuple(v.get("context_terms", ())))
             for k, v in data["types"].items()}
    taxonomy = Taxonomy(types, needs, groups, hashlib.sha256(raw).hexdigest()[:12])
    check(taxonomy)
    return taxonomy


def check(t: Taxonomy) -> None:
    """Every reference points to something that exists: a typo in the data fails at start-up."""
    problems = []
    for key, typ in t.types.items():
        problems += [f"type {key}: unknown category {c}" for c in typ.categories if c not in CATEGORIES]
        problems += [f"type {key}: unknown need {n}" for n in typ.needs if n not in t.needs]
        problems += [f"type {key}: unknown group {g}" for g in typ.groups if g not in t.groups]
        if not typ.categories or not typ.activity_terms:
            problems.append(f"type {key}: needs categories and activity_terms")
    problems += [f"group {k}: kind must be one of {', '.join(GROUP_KINDS)}"
                 for k, g in t.groups.items() if g.kind not in GROUP_KINDS]
    if problems:
        raise TaxonomyError("taxonomy.json: " + "; ".join(problems[:10]))


@functools.lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """The project's taxonomy, loaded once per process."""
    return load()

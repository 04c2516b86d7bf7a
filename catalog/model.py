"""The activity model: what one listing on the social map holds."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

CATEGORIES = (
    "bewegen", "wandelen", "fietsen", "zwemmen", "dansen", "balsport", "tuinieren", "natuur",
    "koken_eten", "creatief", "muziek", "cultuur", "lezen_schrijven", "taal", "spel", "ontmoeting",
    "vrijwilligerswerk", "klussen", "digitaal", "educatie", "lotgenoten", "levensbeschouwing",
    "dieren", "maatje", "werk_dagbesteding",
)
# Dutch labels, used in explanations and as the category's text for embedding.
CATEGORY_LABELS = {
    "bewegen": "sport en bewegen", "wandelen": "wandelen", "fietsen": "fietsen",
    "zwemmen": "zwemmen", "dansen": "dansen", "balsport": "balsport",
    "tuinieren": "tuinieren", "natuur": "natuur", "koken_eten": "koken en samen eten",
    "creatief": "creatief bezig zijn", "muziek": "muziek", "cultuur": "cultuur",
    "lezen_schrijven": "lezen en schrijven", "taal": "taal leren en oefenen", "spel": "spelletjes",
    "ontmoeting": "mensen ontmoeten", "vrijwilligerswerk": "vrijwilligerswerk",
    "klussen": "klussen en repareren", "digitaal": "digitale vaardigheden",
    "educatie": "cursus en leren", "lotgenoten": "lotgenotencontact",
    "levensbeschouwing": "geloof en levensbeschouwing", "dieren": "dieren",
    "maatje": "een maatje", "werk_dagbesteding": "werk en dagbesteding",
}
WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
KINDS = ("formal", "informal")
GENDERS = ("any", "female", "male")
WHEELCHAIR = ("yes", "no", "unknown")
CAPACITY = ("open", "waitlist", "full")

# The CSV exchange format, in column order (see README: catalog CSV).
CSV_COLUMNS = (
    "id", "title", "description", "organisation", "kind", "categories", "min_age", "max_age",
    "gender", "languages", "culture", "address", "postcode", "neighbourhood", "lat", "lon",
    "schedule", "cost_eur_month", "wheelchair", "capacity", "last_verified", "contact",
)


def stored_types(record: dict) -> tuple[list[str], list[str]]:
    """(types, target groups) of a stored record (Activity.record)."""
    return ([t for t in record.get("types", "").split(";") if t],
            [g for g in record.get("target_groups", "").split(";") if g])


@dataclass(frozen=True, slots=True)
class Slot:
    """One weekly time slot, e.g. di 14:00-16:00."""
    day: str
    start: str
    end: str

    def __str__(self) -> str:
        return f"{self.day} {self.start}-{self.end}"


@dataclass(slots=True)  # a national catalog keeps 100,000 of these in memory
class Activity:
    id: str
    title: str
    description: str
    organisation: str
    kind: str
    categories: list[str]
    min_age: int | None
    max_age: int | None
    gender: str
    languages: list[str]
    culture: str | None
    address: str
    postcode: str
    neighbourhood: str
    lat: float
    lon: float
    schedule: list[Slot]
    cost_eur_month: float
    wheelchair: str
    capacity: str
    last_verified: dt.date
    contact: str
    embedding: object = field(default=None, repr=False, compare=False)  # numpy float32 vector
    word_ids: object = field(default=None, repr=False, compare=False)   # see matcher/keywords.py
    # Kinds of activity (taxonomy keys, catalog/taxonomy.json) and the target groups it is for: set
    # by the store, assigned at import from the listing's words unless its editor set them.
    types: list[str] | None = field(default=None, compare=False)
    target_groups: list[str] | None = field(default=None, compare=False)
    types_source: str = field(default="auto", compare=False)   # "auto" or "editor"
    # The row of its knowledge bits (matcher/wish_fit.py); never copied by dataclasses.replace, since
    # a changed listing may be of other kinds.
    knowledge_bits: object = field(default=None, init=False, repr=False, compare=False)
    paused: bool = False  # set by the store: kept, but offered to nobody until resumed
    version: int = field(default=0, compare=False)  # set by the store: raised on every change

    @property
    def days(self) -> set[str]:
        return {slot.day for slot in self.schedule}

    def text_for_embedding(self) -> str:
        """The text whose meaning is matched: title, description and category labels."""
        labels = ", ".join(CATEGORY_LABELS[c] for c in self.categories)
        return f"{self.title}. {self.description} ({labels})"

    @property
    def text_hash(self) -> str:
        """Changes exactly when the embedded text changes, so vectors are recomputed only then."""
        return hashlib.sha256(self.text_for_embedding().encode()).hexdigest()[:32]

    def record(self) -> dict[str, str]:
        """What the stores keep of the listing: the exchange row, and its types when it has them
        (so an import or edit that changes them is a change, and the audit trail shows it)."""
        row = self.to_row()
        if self.types is not None:
            row.update(types=";".join(self.types), target_groups=";".join(self.target_groups or []),
                       types_source=self.types_source)
        return row

    def restore_types(self, record: dict) -> "Activity":
        """Set the types kept in a stored record (see record()); a record without them leaves None."""
        if "types" in record:
            self.types, self.target_groups = stored_types(record)
            self.types_source = record.get("types_source", "auto")
        return self

    def to_row(self) -> dict[str, str]:
        """The activity as a CSV row of the exchange format."""
        def num(x):
            return "" if x is None else (str(int(x)) if float(x).is_integer() else str(x))
        return {
            "id": self.id, "title": self.title, "description": self.description,
            "organisation": self.organisation, "kind": self.kind,
            "categories": ";".join(self.categories), "min_age": num(self.min_age),
            "max_age": num(self.max_age), "gender": self.gender,
            "languages": ";".join(self.languages), "culture": self.culture or "",
            "address": self.address, "postcode": self.postcode,
            "neighbourhood": self.neighbourhood, "lat": str(self.lat), "lon": str(self.lon),
            "schedule": "; ".join(str(s) for s in self.schedule),
            "cost_eur_month": num(self.cost_eur_month), "wheelchair": self.wheelchair,
            "capacity": self.capacity, "last_verified": self.last_verified.isoformat(),
            "contact": self.contact,
        }

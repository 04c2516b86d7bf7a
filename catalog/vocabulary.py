"""The names of things every part of the project shows in Dutch, written once: languages, weekdays,
capacity, and how distances and amounts are written. (Category labels: catalog/model.py; kinds of
activity and target groups: the taxonomy.) The pages get the same tables from GET /vocabulary."""
from __future__ import annotations

from catalog.model import CATEGORY_LABELS, WEEKDAYS

# ISO 639-1 code: (ISO 639-3 code, Dutch name, English name) of languages spoken in Dutch neighbourhoods.
LANGUAGES = {
    "nl": ("nld", "Nederlands", "Dutch"), "fy": ("fry", "Fries", "Frisian"), "en": ("eng", "Engels", "English"),
    "de": ("deu", "Duits", "German"), "fr": ("fra", "Frans", "French"), "es": ("spa", "Spaans", "Spanish"),
    "it": ("ita", "Italiaans", "Italian"), "pt": ("por", "Portugees", "Portuguese"), "pl": ("pol", "Pools", "Polish"),
    "ro": ("ron", "Roemeens", "Romanian"), "bg": ("bul", "Bulgaars", "Bulgarian"), "hu": ("hun", "Hongaars", "Hungarian"),
    "el": ("ell", "Grieks", "Greek"), "ru": ("rus", "Russisch", "Russian"), "uk": ("ukr", "Oekraïens", "Ukrainian"),
    "tr": ("tur", "Turks", "Turkish"), "ar": ("ara", "Arabisch", "Arabic"), "ku": ("kur", "Koerdisch", "Kurdish"),
    "fa": ("fas", "Perzisch", "Persian"), "ps": ("pus", "Pasjtoe", "Pashto"), "ur": ("urd", "Urdu", "Urdu"),
    "hi": ("hin", "Hindi", "Hindi"), "zh": ("zho", "Chinees", "Chinese"), "so": ("som", "Somalisch", "Somali"),
    "ti": ("tir", "Tigrinya", "Tigrinya"), "am": ("amh", "Amhaars", "Amharic"), "ms": ("msa", "Maleis", "Malay"),
    "id": ("ind", "Indonesisch", "Indonesian"), "vi": ("vie", "Vietnamees", "Vietnamese"),
    "sq": ("sqi", "Albanees", "Albanian"), "bs": ("bos", "Bosnisch", "Bosnian"), "hr": ("hrv", "Kroatisch", "Croatian"),
    "sr": ("srp", "Servisch", "Serbian"),
    # no ISO 639-1 code: the ISO 639-3 one stands in
    "ber": ("ber", "Tamazight (Berbers)", "Berber"), "pap": ("pap", "Papiaments", "Papiamento"),
}
# Any code or name of the table above, lower case -> ISO 639-1 (the ISO 639-2/B codes included).
LANGUAGE_ALIASES = {alias.lower(): code for code, names in LANGUAGES.items() for alias in names} | {
    "dut": "nl", "ger": "de", "fre": "fr", "rum": "ro", "gre": "el", "per": "fa", "chi": "zh", "may": "ms", "alb": "sq"}

DAY_NAMES = dict(zip(WEEKDAYS, ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")))
CAPACITY_NAMES = {"open": "plaats vrij", "waitlist": "wachtlijst", "full": "vol"}
WHEELCHAIR_NAMES = {"yes": "toegankelijk met een rolstoel", "no": "niet toegankelijk met een rolstoel",
                    "unknown": "rolstoeltoegang onbekend"}


def km(distance: float) -> str:
    """Dutch notation: 1,3 km; below one km up to two decimals (0,35 km), so short walks differ."""
    text = f"{distance:.1f}" if distance >= 1 else f"{distance:.2f}".rstrip("0")
    return (text + "0" if text.endswith(".") else text).replace(".", ",") + " km"


def euro(amount: float) -> str:
    return "gratis" if amount == 0 else f"€ {amount:.2f}".replace(".", ",").replace(",00", "") + " per maand"


def for_pages() -> dict:
    """The tables the web pages show names from (GET /vocabulary)."""
    return {"languages": {code: names[1] for code, names in LANGUAGES.items()}, "days": DAY_NAMES,
            "categories": CATEGORY_LABELS, "capacity": CAPACITY_NAMES, "wheelchair": WHEELCHAIR_NAMES}


def language_name(code: str) -> str:
    """The Dutch name of a language code ("tr" -> "Turks"); an unknown code as it is."""
    return LANGUAGES[code][1] if code in LANGUAGES else code

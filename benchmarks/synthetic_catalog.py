"""A synthetic national catalog for load benchmarks: N activities spread over the Netherlands.

    python benchmarks/synthetic_catalog.py --n 100000 --out /tmp/catalog.csv [--seed 1] \
        [--postcodes-out /tmp/postcodes.csv] [--cases-out /tmp/cases.jsonl] [--cases 200]

Density is realistic in shape: ~85% of the activities lie around the centres of ~40 Dutch cities
and towns (share by population, spread growing with city size), ~15% are scattered over the
countryside inside a rough outline of the Dutch land (no North Sea, no IJsselmeer/Markermeer,
no Wadden islands, no Wester- and Oosterschelde).

Texts repeat on purpose so embedding stays affordable: title, description and categories (the
embedded text) are copied from the demo catalog (catalog/demo/zeist_activities.csv, 194 distinct
texts). Everything else varies deterministically with the seed: ids, organisation (its town),
addresses, postcodes (valid Dutch format, 4-digit areas per city), coordinates, schedule, cost,
capacity, wheelchair access, ages and last_verified. The postcode table (--postcodes-out) holds
every 6-character postcode used by an activity or a case; the cases (--cases-out, the format of
../shared/eval/README.md cases.jsonl) are client profiles placed where the activities are.

Output depends on --n and --seed only (dates count back from a fixed reference day).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from catalog.model import CSV_COLUMNS  # noqa: E402
from catalog.validation import validate_row  # noqa: E402

DEMO = ROOT / "catalog" / "demo" / "zeist_activities.csv"
REFERENCE_DAY = min(dt.date(2026, 11, 1), dt.date.today())  # fixed, so the output is reproducible
COUNTRYSIDE_SHARE = 0.15
KM_PER_DEG_LAT = 111.2

# name, lat, lon, population, first and last 4-digit postcode area of the town
CITIES = [
    ("Amsterdam", 52.3728, 4.8936, 920_000, 1011, 1109),
    ("Rotterdam", 51.9225, 4.4792, 660_000, 3011, 3089),
    ("Den Haag", 52.0786, 4.2887, 560_000, 2491, 2599),
    ("Utrecht", 52.0907, 5.1214, 370_000, 3511, 3585),
    ("Eindhoven", 51.4416, 5.4697, 240_000, 5611, 5658),
    ("Groningen", 53.2194, 6.5665, 235_000, 9711, 9747),
    ("Tilburg", 51.5555, 5.0913, 225_000, 5011, 5049),
    ("Almere", 52.3702, 5.2141, 220_000, 1311, 1364),
    ("Breda", 51.5719, 4.7683, 185_000, 4811, 4839),
    ("Nijmegen", 51.8426, 5.8528, 180_000, 6511, 6546),
    ("Apeldoorn", 52.2112, 5.9699, 165_000, 7311, 7339),
    ("Arnhem", 51.9851, 5.8987, 165_000, 6811, 6846),
    ("Haarlem", 52.3874, 4.6462, 165_000, 2011, 2037),
    ("Enschede", 52.2215, 6.8937, 160_000, 7511, 7548),
    ("Amersfoort", 52.1561, 5.3878, 160_000, 3811, 3829),
    ("'s-Hertogenbosch", 51.6978, 5.3037, 160_000, 5211, 5249),
    ("Zaanstad", 52.4391, 4.8275, 155_000, 1501, 1509),
    ("Zwolle", 52.5168, 6.0830, 130_000, 8011, 8047),
    ("Leeuwarden", 53.2012, 5.7999, 125_000, 8911, 8939),
    ("Leiden", 52.1601, 4.4970, 125_000, 2311, 2334),
    ("Zoetermeer", 52.0575, 4.4931, 125_000, 2711, 2729),
    ("Maastricht", 50.8514, 5.6910, 120_000, 6211, 6229),
    ("Dordrecht", 51.8133, 4.6901, 120_000, 3311, 3319),
    ("Ede", 52.0402, 5.6649, 118_000, 6711, 6718),
    ("Alkmaar", 52.6324, 4.7534, 110_000, 1811, 1827),
    ("Emmen", 52.7858, 6.8975, 107_000, 7811, 7824),
    ("Delft", 52.0116, 4.3571, 105_000, 2611, 2629),
    ("Venlo", 51.3704, 6.1724, 102_000, 5911, 5928),
    ("Deventer", 52.2550, 6.1639, 101_000, 7411, 7422),
    ("Helmond", 51.4793, 5.6570, 93_000, 5701, 5709),
    ("Oss", 51.7650, 5.5181, 93_000, 5341, 5351),
    ("Hilversum", 52.2292, 5.1669, 92_000, 1211, 1223),
    ("Amstelveen", 52.3114, 4.8701, 92_000, 1181, 1189),
    ("Heerlen", 50.8882, 5.9795, 87_000, 6411, 6419),
    ("Lelystad", 52.5185, 5.4714, 80_000, 8211, 8245),
    ("Roosendaal", 51.5308, 4.4653, 77_000, 4701, 4709),
    ("Hoorn", 52.6424, 5.0602, 74_000, 1621, 1628),
    ("Gouda", 52.0115, 4.7105, 74_000, 2801, 2809),
    ("Assen", 52.9925, 6.5649, 69_000, 9401, 9409),
    ("Zeist", 52.0893, 5.2330, 65_000, 3701, 3709),
    ("Roermond", 51.1942, 5.9875, 58_000, 6041, 6046),
    ("Middelburg", 51.4988, 3.6136, 49_000, 4331, 4339),
]

# A rough outline of the Dutch mainland (lon, lat), coast points a little inland.
NL_OUTLINE = [
    (3.38, 51.27), (3.39, 51.36), (3.46, 51.53), (3.70, 51.70), (3.87, 51.82), (4.05, 51.92),
    (4.13, 51.98), (4.28, 52.10), (4.44, 52.24), (4.54, 52.38), (4.60, 52.47), (4.64, 52.62),
    (4.68, 52.78), (4.77, 52.94), (5.03, 52.93), (5.40, 53.07), (5.43, 53.18), (5.60, 53.32),
    (5.90, 53.38), (6.20, 53.39), (6.50, 53.42), (6.83, 53.43), (6.93, 53.32), (7.10, 53.24),
    (7.20, 53.17), (7.07, 52.88), (7.05, 52.65), (6.75, 52.65), (6.72, 52.58), (7.05, 52.45),
    (7.02, 52.38), (7.05, 52.23), (6.75, 52.13), (6.82, 51.97), (6.40, 51.84), (6.25, 51.86),
    (6.05, 51.86), (5.96, 51.78), (6.05, 51.68), (6.21, 51.40), (6.10, 51.20), (5.88, 51.05),
    (6.05, 50.91), (6.02, 50.76), (5.70, 50.76), (5.65, 50.85), (5.77, 51.00), (5.82, 51.15),
    (5.55, 51.27), (5.45, 51.29), (5.10, 51.43), (4.93, 51.43), (4.77, 51.50), (4.40, 51.44),
    (4.25, 51.37), (3.95, 51.22), (3.80, 51.23),
]
CITY_CENTRES = {c[0]: (c[1], c[2]) for c in CITIES}
WATER = [
    # IJsselmeer and Markermeer
    [(5.02, 52.38), (5.06, 52.64), (5.29, 52.70), (5.11, 52.77), (5.03, 52.93), (5.40, 53.06),
     (5.40, 52.90), (5.71, 52.84), (5.60, 52.66), (5.45, 52.55), (5.15, 52.37), (5.07, 52.33)],
    # Westerschelde
    [(3.45, 51.42), (3.60, 51.46), (3.85, 51.45), (4.00, 51.43), (4.20, 51.40), (4.25, 51.36),
     (4.00, 51.38), (3.80, 51.39), (3.60, 51.40)],
    # Oosterschelde
    [(3.70, 51.62), (4.00, 51.60), (4.15, 51.55), (4.05, 51.52), (3.85, 51.55), (3.70, 51.58)],
]
STREETS = ["Dorpsstraat", "Kerkstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianalaan",
           "Beatrixstraat", "Wilhelminapark", "Lindelaan", "Eikenlaan", "Beukenlaan", "Marktplein",
           "Nieuwstraat", "Hoofdstraat", "Parkweg", "Oranjestraat", "Prins Hendrikstraat",
           "Van Goghlaan", "Rembrandtplein", "Vondelstraat", "Tulpstraat", "Rozenlaan",
           "Spoorstraat", "Havenweg", "Sportlaan", "Burgemeester de Withstraat", "Zuiderweg",
           "Noorderweg", "Emmaplein", "Kastanjelaan", "Dahliastraat", "Wijkplein"]
# Dutch postcodes never end in SA, SD or SS.
LETTERS = [a + b for a in "ABCDEFGHJKLMNPRSTVWXZ" for b in "ABCDEFGHJKLMNPRSTVWXZ"
           if a + b not in ("SA", "SD", "SS")]
CELL_KM = 0.25  # one 6-character postcode covers about one 250 m cell

NARRATIVES = [
    "Mevrouw is sinds vorig jaar weduwe en zit veel alleen thuis. Ze wandelde altijd met haar man en houdt van de natuur.",
    "Meneer is met pensioen en mist de collega's. Hij was timmerman en wil graag iets met zijn handen doen.",
    "Mevrouw heeft last van somberheid en slaapt slecht. Ze zong vroeger in een koor en wil weer onder de mensen komen.",
    "Meneer is na een burn-out thuis komen te zitten. Hij zoekt structuur in de week en wil zich nuttig maken.",
    "Mevrouw kwam drie jaar geleden uit Syrië en spreekt nog weinig Nederlands. Ze wil de taal oefenen en vrouwen ontmoeten.",
    "Meneer is mantelzorger voor zijn vrouw met dementie en komt nauwelijks nog aan zichzelf toe.",
    "Mevrouw is net verhuisd naar de wijk en kent niemand. Ze houdt van koken en samen eten.",
    "Meneer heeft schulden en schaamt zich daarvoor. Hij trekt zich terug en komt weinig buiten.",
    "Mevrouw heeft chronische pijn en beweegt weinig. De huisarts raadt rustig bewegen aan, het liefst in het water.",
    "Meneer is alleenstaand, rookt veel en zit de hele dag achter de computer. Hij wil meer bewegen en mensen leren kennen.",
    "Mevrouw is Turks en woont al lang in Nederland. Sinds de kinderen het huis uit zijn voelt ze zich eenzaam.",
    "Meneer houdt van tuinieren maar heeft geen tuin meer sinds hij in een flat woont.",
    "Mevrouw schildert graag en zoekt een plek om creatief bezig te zijn met anderen.",
    "Meneer is jong, werkloos en zit veel thuis te gamen. Hij wil ritme in zijn week en werkervaring opdoen.",
    "Mevrouw is slecht ter been en zit in een rolstoel. Ze wil graag naar buiten en andere mensen spreken.",
    "Meneer kaartte vroeger elke week in het café. Nu zijn vrienden overleden zijn mist hij de gezelligheid.",
    "Mevrouw is Pools en werkt in de kassen. Ze wil haar Nederlands verbeteren en iets naast het werk doen.",
    "Meneer is gelovig en zoekt steun na het overlijden van zijn broer.",
    "Mevrouw heeft angstklachten en durft nauwelijks de deur uit. Een maatje zou haar helpen de eerste stap te zetten.",
    "Meneer is gek op dieren sinds zijn hond is overleden en wil graag met dieren werken.",
]
INTERESTS = [
    "wandelen, natuur, mensen ontmoeten", "klussen, houtbewerken", "zingen, muziek",
    "vrijwilligerswerk, structuur", "taal leren, vrouwen, ontmoeten", "lotgenoten, mantelzorg",
    "koken, samen eten", "schulden, hulp", "zwemmen, bewegen", "sport, bewegen, gezelligheid",
    "koffie, gezelligheid, Türkçe", "tuinieren, moestuin", "schilderen, creatief",
    "werk, dagbesteding, ritme", "naar buiten, praten", "kaarten, klaverjassen, spelletjes",
    "Nederlands leren, taalcafé", "kerk, rouw, geloof", "maatje, samen op pad", "dieren, honden",
    "fietsen, fietstocht", "dansen, muziek", "lezen, boeken, leesclub", "computer, smartphone",
]
LANGUAGE_PROFILES = [(["nl"], None)] * 14 + [(["tr", "nl"], "Turks"), (["ar"], "Marokkaans"),
                                             (["ar", "nl"], "Syrisch"), (["pl", "en"], "Pools"),
                                             (["ti"], "Eritrees"), (["uk", "ru"], "Oekraïens")]


def inside(lon: float, lat: float, polygon: list[tuple[float, float]]) -> bool:
    """Ray casting point-in-polygon on (lon, lat) pairs."""
    result, j = False, len(polygon) - 1
    for i, (xi, yi) in enumerate(polygon):
        xj, yj = polygon[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            result = not result
        j = i
    return result


def on_land(lat: float, lon: float) -> bool:
    return inside(lon, lat, NL_OUTLINE) and not any(inside(lon, lat, w) for w in WATER)


def spread_km(population: int) -> float:
    """Standard deviation of activities around a centre: ~0.9 km for a town of 65k, ~3.7 km for Amsterdam."""
    return 0.8 * (population / 50_000) ** 0.45


def offset(lat: float, lon: float, dx_km: float, dy_km: float) -> tuple[float, float]:
    return lat + dy_km / KM_PER_DEG_LAT, lon + dx_km / (KM_PER_DEG_LAT * math.cos(math.radians(lat)))


def distance_km(lat1, lon1, lat2, lon2) -> float:
    dy = (lat2 - lat1) * KM_PER_DEG_LAT
    dx = (lon2 - lon1) * KM_PER_DEG_LAT * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


class Geography:
    """Cities, their 4-digit postcode areas, rural areas and the 6-character postcodes used."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.areas: list[tuple[int, float, float, str, str]] = []  # pc4, lat, lon, city, district
        used: set[int] = set()
        for name, lat, lon, pop, first, last in CITIES:
            sigma = spread_km(pop)
            for pc4 in range(first, last + 1):
                if pc4 == first:  # the first area is the centre
                    a_lat, a_lon = lat, lon
                else:
                    a_lat, a_lon = self.city_point(lat, lon, sigma * 1.1)
                self.areas.append((pc4, a_lat, a_lon, name, ""))
                used.add(pc4)
        # Rural 4-digit areas, numbered after the nearest town's.
        next_code = {name: last + 1 for name, *_rest, last in CITIES}
        for _ in range(1500):
            lat, lon = self.countryside_point()
            city = self.nearest_city(lat, lon)
            code = next_code[city[0]]
            while code in used:
                code += 1
            if code > 9999:
                continue
            used.add(code)
            next_code[city[0]] = code + 1
            self.areas.append((code, lat, lon, city[0], f"Buitengebied {city[0]}"))
        # A coarse grid over the areas so that finding the nearest one is cheap.
        self.grid: dict[tuple[int, int], list[int]] = {}
        for i, (_pc4, lat, lon, *_x) in enumerate(self.areas):
            self.grid.setdefault(self._bucket(lat, lon), []).append(i)
        self.cells: dict[tuple[int, int, int], str] = {}          # (pc4, row, col) -> postcode
        self.letters_used: dict[int, int] = {}
        self.postcodes: dict[str, tuple[float, float, str, str]] = {}  # postcode -> lat, lon, wijk, town

    @staticmethod
    def _bucket(lat: float, lon: float) -> tuple[int, int]:
        return int(lat * 10), int(lon * 6)   # ~11 x 11 km

    def city_point(self, lat: float, lon: float, sigma: float) -> tuple[float, float]:
        for _ in range(50):
            r = sigma * math.sqrt(-2 * math.log(1 - self.rng.random() * 0.989))  # Rayleigh, cut at 3 sigma
            angle = self.rng.random() * 2 * math.pi
            p = offset(lat, lon, r * math.cos(angle), r * math.sin(angle))
            if on_land(*p):
                return p
        return lat, lon

    def countryside_point(self) -> tuple[float, float]:
        while True:
            lat, lon = self.rng.uniform(50.75, 53.45), self.rng.uniform(3.35, 7.22)
            if on_land(lat, lon):
                return lat, lon

    @staticmethod
    def nearest_city(lat: float, lon: float):
        return min(CITIES, key=lambda c: distance_km(lat, lon, c[1], c[2]))

    def nearest_area(self, lat: float, lon: float):
        b_lat, b_lon = self._bucket(lat, lon)
        best, best_d = None, float("inf")
        for ring in range(0, 8):
            for i in range(b_lat - ring, b_lat + ring + 1):
                for j in range(b_lon - ring, b_lon + ring + 1):
                    if max(abs(i - b_lat), abs(j - b_lon)) != ring:
                        continue
                    for k in self.grid.get((i, j), ()):
                        d = distance_km(lat, lon, self.areas[k][1], self.areas[k][2])
                        if d < best_d:
                            best, best_d = self.areas[k], d
            if best is not None and best_d < ring * 11:
                break
        return best

    def postcode_at(self, lat: float, lon: float) -> tuple[str, str, str]:
        """(postcode, neighbourhood, municipality) of a point; registers the postcode's cell centre."""
        pc4, a_lat, a_lon, town, district = self.nearest_area(lat, lon)
        row = math.floor(lat * KM_PER_DEG_LAT / CELL_KM)
        col = math.floor(lon * KM_PER_DEG_LAT * math.cos(math.radians(52.0)) / CELL_KM)
        key = (pc4, row, col)
        code = self.cells.get(key)
        if not district:
            city_lat, city_lon = CITY_CENTRES[town]
            if distance_km(a_lat, a_lon, city_lat, city_lon) < 1.0:
                district = f"{town}-Centrum"
            else:
                bearing = math.degrees(math.atan2((a_lon - city_lon) * math.cos(math.radians(city_lat)),
                                                  a_lat - city_lat)) % 360
                district = ["Noord", "Noordoost", "Oost", "Zuidoost", "Zuid", "Zuidwest", "West",
                            "Noordwest"][int((bearing + 22.5) // 45) % 8]
                district = f"{town}-{district}"
        if code is None:
            n = self.letters_used.get(pc4, 0)
            self.letters_used[pc4] = n + 1
            code = f"{pc4} {LETTERS[n % len(LETTERS)]}"
            self.cells[key] = code
            c_lat = (row + 0.5) * CELL_KM / KM_PER_DEG_LAT
            c_lon = (col + 0.5) * CELL_KM / (KM_PER_DEG_LAT * math.cos(math.radians(52.0)))
            if code not in self.postcodes:  # past 438 cells an area reuses letters: keep the first
                self.postcodes[code] = (round(c_lat, 5), round(c_lon, 5), district, town)
        return code, district, town


def read_templates() -> list[dict]:
    with open(DEMO, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def slug(text: str) -> str:
    return "".join(ch for ch in text.lower().replace(" ", "-") if ch.isalnum() or ch == "-").strip("-")[:40]


def vary_ages(rng: random.Random, min_age: str, max_age: str) -> tuple[str, str]:
    if rng.random() < 0.7:
        return min_age, max_age
    lo = int(min_age) if min_age else None
    hi = int(max_age) if max_age else None
    if lo is not None:
        lo = max(0, min(100, lo + rng.choice((-5, -2, 0, 3, 5))))
    elif rng.random() < 0.2:
        lo = rng.choice((16, 18, 50, 55, 65))
    if hi is not None:
        hi = max(lo or 0, min(120, hi + rng.choice((-3, 0, 5))))
    return ("" if lo is None else str(lo)), ("" if hi is None else str(hi))


def schedule(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return ""  # by appointment
    days = rng.sample(["ma", "di", "wo", "do", "vr", "za", "zo"], k=rng.choice((1, 1, 1, 2, 2, 3)))
    order = "ma di wo do vr za zo".split()
    slots = []
    for day in sorted(days, key=order.index):
        start = rng.choice((9, 10, 10, 13, 14, 14, 15, 19, 19, 20))
        minutes = rng.choice((0, 0, 30))
        length = rng.choice((60, 90, 90, 120, 120, 180))
        end_total = min(start * 60 + minutes + length, 23 * 60 + 30)
        slots.append(f"{day} {start:02d}:{minutes:02d}-{end_total // 60:02d}:{end_total % 60:02d}")
    return "; ".join(slots)


def make_activity(rng: random.Random, i: int, template: dict, lat: float, lon: float, geo: Geography) -> dict:
    postcode, district, town = geo.postcode_at(lat, lon)
    organisation = template["organisation"].replace("Zeist", town)
    if "Zeist" not in template["organisation"]:
        organisation = f"{organisation} {town}" if rng.random() < 0.5 else organisation
    min_age, max_age = vary_ages(rng, template["min_age"], template["max_age"])
    org_slug = slug(organisation) or "organisatie"
    contact = (f"info@{org_slug}.example" if rng.random() < 0.75
               else f"0{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}")
    capacity = rng.choices(("open", "waitlist", "full"), weights=(75, 18, 7))[0]
    cost = template["cost_eur_month"] if rng.random() < 0.6 else rng.choice(
        ("0", "0", "0", "2", "3", "5", "5", "10", "12.5", "15", "20", "25", "40"))
    last_verified = REFERENCE_DAY - dt.timedelta(days=int(rng.random() ** 1.5 * 1000))
    return {
        "id": f"s{i:07d}", "title": template["title"], "description": template["description"],
        "organisation": organisation[:200], "kind": template["kind"], "categories": template["categories"],
        "min_age": min_age, "max_age": max_age, "gender": template["gender"],
        "languages": template["languages"], "culture": template["culture"],
        "address": f"{rng.choice(STREETS)} {rng.randint(1, 250)}", "postcode": postcode,
        "neighbourhood": district[:100], "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
        "schedule": schedule(rng), "cost_eur_month": cost,
        "wheelchair": rng.choices(("yes", "no", "unknown"), weights=(60, 15, 25))[0],
        "capacity": capacity, "last_verified": last_verified.isoformat(), "contact": contact,
    }


def make_case(rng: random.Random, i: int, anchor: dict, geo: Geography) -> dict:
    for _ in range(20):
        r = rng.random() * 0.6
        angle = rng.random() * 2 * math.pi
        lat, lon = offset(float(anchor["lat"]), float(anchor["lon"]), r * math.cos(angle), r * math.sin(angle))
        if on_land(lat, lon):
            break
    else:
        lat, lon = float(anchor["lat"]), float(anchor["lon"])
    postcode, _district, _town = geo.postcode_at(lat, lon)
    languages, culture = rng.choice(LANGUAGE_PROFILES)
    narrative = rng.choice(NARRATIVES)
    days = "ma di wo do vr za zo".split()
    return {
        "id": f"b{i:03d}", "narrative": narrative, "interests": rng.choice(INTERESTS),
        "age": rng.choice((19, 24, 31, 38, 45, 52, 58, 63, 67, 71, 74, 78, 83, 88)),
        "gender": None if rng.random() < 0.05 else ("female" if narrative.startswith("Mevrouw") else "male"),
        "languages": languages, "culture": culture, "postcode": postcode,
        "lat": round(lat, 5), "lon": round(lon, 5),
        "max_distance_km": rng.choice((1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)),
        "availability": [] if rng.random() < 0.3 else sorted(rng.sample(days, k=rng.randint(2, 5)), key=days.index),
        "budget_eur_month": rng.choice((0, 5, 10, 10, 20, None)),
        "needs_wheelchair_access": rng.random() < 0.08,
    }


def generate(n: int, seed: int = 1, n_cases: int = 200) -> tuple[list[dict], list[tuple], list[dict]]:
    """(activity rows, postcode rows, cases), all deterministic from n and seed."""
    rng = random.Random(seed)
    geo = Geography(random.Random(seed * 7919 + 1))
    templates = read_templates()
    total_pop = sum(c[3] for c in CITIES)
    n_city = n - round(n * COUNTRYSIDE_SHARE)
    # Largest-remainder split of the city share by population.
    quotas = [n_city * c[3] / total_pop for c in CITIES]
    counts = [int(q) for q in quotas]
    for k in sorted(range(len(CITIES)), key=lambda k: quotas[k] - counts[k], reverse=True)[: n_city - sum(counts)]:
        counts[k] += 1
    points: list[tuple[float, float]] = []
    for (name, lat, lon, pop, *_), count in zip(CITIES, counts):
        sigma = spread_km(pop)
        points += [geo.city_point(lat, lon, sigma) for _ in range(count)]
    points += [geo.countryside_point() for _ in range(n - n_city)]
    rng.shuffle(points)
    rows = [make_activity(rng, i + 1, rng.choice(templates), lat, lon, geo) for i, (lat, lon) in enumerate(points)]
    case_rng = random.Random(seed * 104729 + 3)
    cases = [make_case(case_rng, i + 1, case_rng.choice(rows), geo) for i in range(n_cases)]
    postcodes = [(code, lat, lon, wijk, town) for code, (lat, lon, wijk, town) in sorted(geo.postcodes.items())]
    return rows, postcodes, cases


def write_catalog(rows: list[dict], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def write_postcodes(postcodes: list[tuple], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["postcode", "lat", "lon", "neighbourhood", "municipality"])
        writer.writerows(postcodes)


def write_cases(cases: list[dict], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")


def validate_sample(rows: list[dict], k: int = 500, seed: int = 0) -> None:
    """Raise on the first row of a sample that the project's own validation rejects."""
    for row in random.Random(seed).sample(rows, min(k, len(rows))):
        validate_row(row)


def distinct_texts(rows: list[dict]) -> int:
    return len({(r["title"], r["description"], r["categories"]) for r in rows})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, required=True, help="number of activities")
    parser.add_argument("--out", required=True, help="catalog CSV to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postcodes-out", help="postcode table CSV to write (postcode,lat,lon,neighbourhood,municipality)")
    parser.add_argument("--cases-out", help="client profiles JSONL to write (eval cases.jsonl format)")
    parser.add_argument("--cases", type=int, default=200, help="number of client profiles")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    rows, postcodes, cases = generate(args.n, args.seed, args.cases)
    validate_sample(rows)
    write_catalog(rows, args.out)
    if args.postcodes_out:
        write_postcodes(postcodes, args.postcodes_out)
    if args.cases_out:
        write_cases(cases, args.cases_out)
    print(f"wrote {len(rows)} activities ({distinct_texts(rows)} distinct texts) to {args.out}"
          + (f", {len(postcodes)} postcodes to {args.postcodes_out}" if args.postcodes_out else "")
          + (f", {len(cases)} cases to {args.cases_out}" if args.cases_out else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The duplicate-listing finder (catalog/duplicates.py) with the real encoder: the planted pairs of
the demo catalog and the hand-found pairs of the judged dev catalog (a copy in tests/fixtures, so
CI needs no ../shared), dismissals, reasons, and what must not be a pair.

Quality floors are the figures measured with benchmarks/duplicates_eval.py."""
from __future__ import annotations

import dataclasses
import itertools
import json
import sys

import numpy as np
import pytest

from catalog import duplicates
from catalog.csv_import import read_catalog_csv
from catalog.duplicates import Candidate, find_duplicates
from catalog.geo import haversine_km
from catalog.model import Slot
from tests.helpers import DEMO_CATALOG, ROOT

FIXTURES = ROOT / "tests" / "fixtures"


def judged(name: str) -> set[frozenset[str]]:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return {frozenset((p["a"], p["b"])) for p in data["pairs"]}


def embedded(path, encoder):
    report = read_catalog_csv(path)
    assert report.problems == []
    vectors = encoder.passages([a.text_for_embedding() for a in report.activities])
    for activity, vector in zip(report.activities, vectors):
        activity.embedding = vector
    return report.activities


@pytest.fixture(scope="module")
def demo(encoder):
    """The demo catalog with vectors; read-only: tests that change listings copy them."""
    return embedded(DEMO_CATALOG, encoder)


@pytest.fixture(scope="module")
def dev(encoder):
    return embedded(FIXTURES / "eval_dev_catalog.csv", encoder)


def by_id(activities, ident):
    return next(a for a in activities if a.id == ident)


def precision_recall(found: list[Candidate], truth: set[frozenset[str]]) -> tuple[float, float]:
    hits = sum(c.pair in truth for c in found)
    return (hits / len(found) if found else 0.0), hits / len(truth)


def test_demo_planted_pairs_are_found(demo):
    truth = judged("demo_near_duplicates.json")
    planted = (("z005", "z006"), ("z007", "z008"), ("z044", "z045"), ("z063", "z064"))
    assert truth == {frozenset(p) for p in planted}
    found = find_duplicates(demo)
    precision, recall = precision_recall(found, truth)
    assert recall == 1.0, [c.pair for c in found]
    assert precision >= 1.0, [(c.a, c.b, c.score) for c in found if c.pair not in truth]  # measured: 1.00


def test_dev_hand_found_pairs(dev):
    truth = judged("dev_near_duplicates.json")
    found = find_duplicates(dev)
    precision, recall = precision_recall(found, truth)
    assert recall >= 1.0, [c.pair for c in found]  # measured: 4/4
    assert precision >= 1.0, [(c.a, c.b, c.score, c.reasons) for c in found if c.pair not in truth]  # 4/4


def test_candidates_are_sorted_and_well_formed(demo):
    found = find_duplicates(demo, min_score=0.0)
    assert len(found) > 10
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert len({c.pair for c in found}) == len(found)
    for c in found:
        assert c.a < c.b and 0.0 <= c.score <= 1.0
        assert c.distance_km <= duplicates.RADIUS_KM and c.reasons


def test_a_dismissed_pair_does_not_come_back(demo):
    before = find_duplicates(demo)
    dismissed = {frozenset(("z063", "z064"))}
    after = find_duplicates(demo, dismissed)
    assert frozenset(("z063", "z064")) in {c.pair for c in before}
    assert {c.pair for c in after} == {c.pair for c in before} - dismissed
    # nor at any threshold
    assert all(c.pair not in dismissed for c in find_duplicates(demo, dismissed, min_score=0.0))


def test_reasons_name_the_organisations_the_distance_and_the_slot(demo, dev):
    c = next(c for c in find_duplicates(demo) if c.pair == {"z005", "z006"})
    assert "andere organisatie: Welzijn Zeist (demo) en Bibliotheek Zeist" in c.reasons
    assert "0 m uit elkaar, zelfde adres (Slotlaan 150)" in c.reasons
    assert "zelfde dag en tijd: wo 13:30-15:30" in c.reasons
    assert any(r.startswith("titels lijken sterk op elkaar (") for r in c.reasons)
    assert c.slots == ["wo 13:30-15:30"] and c.categories == ["digitaal"] and not c.same_organisation
    assert set(c.words) >= {"digitaal", "cafe"}

    d = next(c for c in find_duplicates(dev) if c.pair == {"a093", "a094"})
    assert "330 m uit elkaar, zelfde postcode (3435 TK)" in d.reasons
    assert "andere organisatie: Repair Café Nieuwegein en MOvactor" in d.reasons
    assert {"repair", "cafe"} <= set(d.words)  # "Repair Café" = "Repair Cafe"

    e = next(c for c in find_duplicates(dev) if c.pair == {"a010", "a147"})
    assert "1,0 km uit elkaar" in e.reasons  # the organiser's office and the venue
    assert "alzheimer" in e.words  # "Alzheimer Café" = "Alzheimercafé"


def copy_of(activity, ident, **changes):
    return dataclasses.replace(activity, id=ident, **changes)


def test_one_organisation_listing_twice_is_a_pair_but_not_far_apart(demo):
    walk = by_id(demo, "z001")  # Wandelgroep Zeist Centrum, Steynlaan 19, di 10:00-11:30
    here = copy_of(walk, "z001-copy")
    far = copy_of(walk, "z001-far", lat=walk.lat + 0.045)  # 5 km north; even the postcode the same
    assert haversine_km(walk.lat, walk.lon, far.lat, far.lon) > 4.9
    found = {c.pair: c for c in find_duplicates(demo + [here, far])}
    assert frozenset(("z001", "z001-far")) not in found
    assert frozenset(("z001-copy", "z001-far")) not in found
    same = found[frozenset(("z001", "z001-copy"))]
    # everything the same but the organisation signal: 1 - its weight
    assert same.score == pytest.approx(1 - duplicates.WEIGHTS["organisation"]) and same.same_organisation
    assert "zelfde organisatie: Welzijn Zeist (demo)" in same.reasons
    assert "titels lijken sterk op elkaar (100%)" in same.reasons


def test_two_activities_in_one_buurthuis_are_not_a_pair(demo, encoder):
    repair = by_id(demo, "z044")  # Repair Café Zeist-West in De Clomp, za 10:00-13:00
    sewing = copy_of(
        repair, "z044-naai", title="Naaicafé De Clomp", organisation="Buurthuis De Clomp",
        description="Elke dinsdagavond naaien we samen in buurthuis De Clomp: kleding vermaken, "
                    "een zoom of rits repareren. Neem je eigen naaimachine mee als je die hebt.",
        categories=["creatief", "ontmoeting"], schedule=[Slot("di", "19:00", "21:30")])
    sewing.embedding = encoder.passages([sewing.text_for_embedding()])[0]
    everyone = demo + [sewing]
    pairs = {c.pair for c in find_duplicates(everyone)}
    assert not any("z044-naai" in p for p in pairs), pairs
    assert frozenset(("z044", "z045")) in pairs  # the real duplicate in that buurthuis still is
    # Nor any other two listings at one address (several buurthuizen hold eight or more)
    same_address = {frozenset((a.id, b.id)) for a, b in itertools.combinations(demo, 2)
                    if a.address == b.address}
    assert len(same_address) > 300
    assert pairs & same_address == judged("demo_near_duplicates.json")


def test_empty_and_single_catalogs(demo):
    assert find_duplicates([]) == []
    assert find_duplicates(demo[:1]) == []
    assert find_duplicates(demo[:1], min_score=0.0) == []


def test_listing_without_embedding_is_refused(demo):
    bare = copy_of(demo[0], "bare", embedding=None)
    with pytest.raises(ValueError, match="bare"):
        find_duplicates([demo[1], bare])


def test_grid_finds_exactly_the_pairs_brute_force_finds():
    """Points around and across cell borders: the grid must neither miss nor repeat a pair."""
    rng = np.random.default_rng(7)
    n = 600
    lat = 52.09 + rng.uniform(-0.03, 0.03, n)   # ~6.7 x 4 km: many cells
    lon = 5.23 + rng.uniform(-0.03, 0.03, n)
    base = rng.standard_normal((40, 384)).astype(np.float32)
    vectors = base[rng.integers(0, 40, n)] + 0.02 * rng.standard_normal((n, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    I, J, dist, cos = duplicates._near_pairs(lat, lon, vectors)
    got = {(min(i, j), max(i, j)) for i, j in zip(I.tolist(), J.tolist())}
    assert len(got) == len(I)
    want = {(i, j) for i in range(n) for j in range(i + 1, n)
            if float(vectors[i] @ vectors[j]) >= duplicates.MIN_COSINE
            and haversine_km(lat[i], lon[i], lat[j], lon[j]) <= duplicates.RADIUS_KM}
    assert 100 < len(want) and got == want
    for i, j, d in zip(I.tolist(), J.tolist(), dist.tolist()):
        assert d == pytest.approx(haversine_km(lat[i], lon[i], lat[j], lon[j]), abs=1e-6)


def test_synthetic_20000_listings():
    """A national-style catalog (benchmarks/synthetic_catalog.py) with a random unit vector per
    distinct text: nearby copies of one text are the only pairs that can pass the cosine filter.
    Sanity only; the timings are in benchmarks/duplicates_eval.py."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synthetic_catalog
    from catalog.validation import validate_row

    rows, _postcodes, _cases = synthetic_catalog.generate(20_000, seed=3, n_cases=0)
    activities = [validate_row(row) for row in rows]
    rng = np.random.default_rng(3)
    vectors = {}
    for a in activities:
        key = a.text_for_embedding()
        if key not in vectors:
            v = rng.standard_normal(384).astype(np.float32)
            vectors[key] = v / np.linalg.norm(v)
        a.embedding = vectors[key]
    found = find_duplicates(activities)
    index = {a.id: a for a in activities}
    assert found, "nearby copies of one text on the same day and time exist at this size"
    for c in found[:: max(1, len(found) // 200)]:
        a, b = index[c.a], index[c.b]
        assert a.title == b.title and c.distance_km <= duplicates.RADIUS_KM
    dismissed = {found[0].pair}
    assert found[0].pair not in {c.pair for c in find_duplicates(activities, dismissed)}

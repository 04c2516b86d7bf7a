"""The municipality's view, on small hand-made data: small-number suppression, supply, demand and
the gap order, coverage, the 80/20 indicator, the wijk areas and the intake records' CSV."""
from __future__ import annotations

import datetime as dt

import pytest

from analysis.areas import wijk_cells, wijken
from analysis.coverage import coverage
from analysis.gaps import gaps, is_gap
from analysis.indicator import indicator
from analysis.intakes import age_band, language_group, read_intakes_csv, write_intakes_csv
from analysis.privacy import shown, shown_share
from catalog.config import Settings
from catalog.model import Activity
from tests.factories import intake, make_activity, weekly

# Two wijken 3 km apart, each with three postcodes around its centre.
POSTCODES = [(f"3701 A{c}", 52.090 + 0.001 * i, 5.230, "Noord") for i, c in enumerate("ABC")] + \
            [(f"3702 B{c}", 52.063 + 0.001 * i, 5.230, "Zuid") for i, c in enumerate("ABC")] + \
            [("3703", 52.0, 5.2, None)]  # a 4-digit area without a wijk: no place of any wijk


def activity(i: str, lat: float, categories: list[str], **changes) -> Activity:
    return make_activity(**{"id": i, "title": f"Activiteit {i}", "categories": categories, "neighbourhood": "Noord",
                            "lat": lat, "lon": 5.230, "schedule": weekly(), "last_verified": dt.date(2026, 10, 1),
                            **changes})


AREAS = wijken(POSTCODES)
ACTIVITIES = [
    activity("walk", 52.0905, ["wandelen"]),                                   # in Noord
    activity("dance", 52.0905, ["dansen"], max_age=60),                       # in Noord, not for 75+
    activity("dance-far", 52.064, ["dansen"]),                                 # in Zuid: 2.9 km from Noord
    activity("chess", 52.0905, ["spel"], capacity="waitlist"),
    activity("paused", 52.0905, ["spel"], paused=True),
]


def test_small_numbers_are_never_shown_exactly():
    assert [shown(n, 5) for n in (0, 1, 4, 5, 6, 8, 12, 13, 26)] == ["< 5", "< 5", "< 5", 5, 5, 10, 10, 15, 25]
    assert shown_share(6, 10, 5) is None          # 4 of them did not: a small number would leak
    assert shown_share(3, 20, 5) is None and shown_share(0, 8, 5) is None and shown_share(8, 8, 5) is None
    assert shown_share(5, 10, 5) == 0.5 and shown_share(10, 15, 5) == 0.65   # in steps of 5%
    assert shown(30, 5) - shown(26, 5) == 5      # 30 intakes, 26 fitting: the 4 others do not show


def test_the_small_number_setting(monkeypatch):
    assert Settings.from_environment().min_count == 5
    monkeypatch.setenv("SOCIALMAP_MIN_COUNT", "10")
    assert Settings.from_environment().min_count == 10
    monkeypatch.setenv("SOCIALMAP_MIN_COUNT", "vijf")
    monkeypatch.setenv("SOCIALMAP_WALKING_KM", "ver")
    with pytest.raises(ValueError, match="SOCIALMAP_WALKING_KM.*SOCIALMAP_MIN_COUNT"):   # every wrong one at once
        Settings.from_environment()


def test_wijken_come_from_the_postcode_table_and_get_cells():
    assert list(AREAS) == ["Noord", "Zuid"] and AREAS["Noord"].postcodes == ["3701 AA", "3701 AB", "3701 AC"]
    cells = wijk_cells(AREAS)
    assert cells["Noord"] and cells["Zuid"]
    for polygons in cells.values():
        for (ring,) in polygons:
            assert len(ring) == 5 and ring[0] == ring[-1]          # closed GeoJSON rings, lon/lat
            assert all(5.1 < lon < 5.4 and 52.0 < lat < 52.2 for lon, lat in ring)


def test_bands_and_groups():
    assert [age_band(a) for a in (None, 12, 18, 30, 50, 70, 90)] == ["onbekend", "0-17", "18-26", "27-44", "45-64",
                                                                     "65-74", "75+"]
    assert language_group(["tr", "nl"]) == "nl" and language_group(["ar", "en"]) == "ar"


def test_gaps_biggest_first_with_demand_supply_and_a_sentence():
    records = [intake("Noord", ["dansen"], True) for _ in range(6)] + \
              [intake("Noord", ["wandelen"], False) for _ in range(7)] + \
              [intake("Noord", ["spel"], True) for _ in range(2)]
    rows = gaps(AREAS, ACTIVITIES, records, within_km=1.0, threshold=5)
    first = rows[0]
    assert (first["wijk"], first["wish"], first["demand"], first["tailored"]) == ("Noord", "dansen", 5, 5)
    by_group = {(r["wish"], r["dimension"], r["group"]): r for r in rows}
    dance_75 = by_group[("dansen", "leeftijd", "75+")]
    assert dance_75["supply"] == {"open": 0, "waitlist": 0, "full": 0, "nearest_open_km": 2.9}  # max_age 60
    assert by_group[("dansen", "alle", "alle")]["supply"]["open"] == 1
    assert "In Noord vroegen circa 5 cliënten van 75+ jaar om dansen; voor circa 5 van hen" in dance_75["sentence"]
    assert "binnen 1,0 km is geen aanbod; het dichtstbijzijnde open aanbod ligt op 2,9 km" in dance_75["sentence"].lower()
    walking = by_group[("wandelen", "alle", "alle")]
    assert walking["tailored"] == "< 5" and walking["tailored_share"] is None and walking["supply"]["open"] == 1
    assert "Binnen 1,0 km is 1 open activiteit." in walking["sentence"]
    chess = by_group[("spel", "alle", "alle")]
    assert chess["demand"] == "< 5" and chess["tailored"] == "< 5" and chess["tailored_share"] is None
    assert chess["supply"] == {"open": 0, "waitlist": 1, "full": 0, "nearest_open_km": None}   # paused not counted
    assert "minder dan 5" in chess["sentence"] and "wachtlijst" in chess["sentence"]
    tailored = [r["tailored"] for r in rows if isinstance(r["tailored"], int)]
    assert tailored == sorted(tailored, reverse=True) and rows[:len(tailored)] == [r for r in rows if is_gap(r)]


def test_groups_by_language_and_gender():
    records = [intake("Noord", ["wandelen"], True, languages=("ar",), gender="man") for _ in range(5)]
    rows = {(r["dimension"], r["group"]): r for r in gaps(AREAS, ACTIVITIES, records, 1.0, 5)}
    arabic = rows[("taal", "ar")]
    assert arabic["supply"]["open"] == 0          # the walk is in Dutch only
    assert "cliënten die Arabisch spreken en geen Nederlands" in arabic["sentence"]
    assert rows[("gender", "man")]["supply"]["open"] == 1
    assert rows[("leeftijd", "75+")]["demand"] == 5


def test_coverage_from_the_catalog_alone():
    rows = {(r["wijk"], r["category"]): r for r in coverage(AREAS, ACTIVITIES, within_km=1.0)}
    assert rows[("Noord", "wandelen")]["covered"] == 3 and rows[("Noord", "wandelen")]["share"] == 1.0
    assert rows[("Zuid", "wandelen")]["share"] == 0.0
    assert rows[("Noord", "spel")]["share"] == 0.0           # waitlist and paused do not cover
    assert rows[("Zuid", "dansen")]["share"] == 1.0
    assert len(rows) == 2 * 25


def test_the_80_20_indicator_per_wijk_and_month():
    records = [intake("Noord", ["wandelen"], False, month="2026-09") for _ in range(9)] + \
              [intake("Noord", ["dansen"], True, month="2026-09") for _ in range(1)] + \
              [intake("Zuid", ["wandelen"], False, month="2026-10") for _ in range(6)] + \
              [intake("Zuid", ["dansen"], True, month="2026-10") for _ in range(6)]
    result = indicator(records, threshold=5)
    assert result["overall"] == {"intakes": 20, "fitting_nearby": 15, "share": 0.7, "norm": 0.8,
                                 "verdict": "onder de norm"}
    noord, zuid = result["per_wijk"]
    assert noord["intakes"] == 10 and noord["fitting_nearby"] == 10 and noord["share"] is None  # 1 would leak
    assert noord["verdict"] is None                # 6/10 to 10/10: it could be either side of the norm
    assert zuid["intakes"] == 10 and zuid["share"] == 0.5 and zuid["verdict"] == "onder de norm"
    assert [m["month"] for m in result["per_month"]] == ["2026-09", "2026-10"]
    assert indicator([], 5)["overall"]["intakes"] == "< 5"


def test_a_hidden_share_still_gets_a_verdict_when_every_possible_count_agrees():
    good = [intake("Noord", ["wandelen"], False) for _ in range(30)] + [intake("Noord", ["dansen"], True)]
    bad = [intake("Zuid", ["wandelen"], False) for _ in range(2)] + [intake("Zuid", ["dansen"], True) for _ in range(20)]
    noord, zuid = indicator(good + bad, threshold=5)["per_wijk"]
    assert noord["share"] is None and noord["verdict"] == "op of boven de norm"    # at least 27/31
    assert zuid["share"] is None and zuid["verdict"] == "onder de norm"            # at most 4/22


def test_a_wijk_missing_from_the_postcode_table_gets_no_made_up_supply():
    rows = gaps(AREAS, ACTIVITIES, [intake("Elders", ["dansen"], True) for _ in range(5)], 1.0, 5)
    assert rows[0]["supply"] is None and "Elders staat niet in de postcodetabel" in rows[0]["sentence"]


def test_unknown_groups_count_under_all_clients_only():
    rows = gaps(AREAS, ACTIVITIES, [intake("Noord", ["dansen"], True, age="onbekend", gender="onbekend")], 1.0, 5)
    assert {(r["dimension"], r["group"]) for r in rows} == {("alle", "alle"), ("taal", "nl")}


def test_intake_records_round_trip_through_csv(tmp_path):
    records = [intake("Noord", ["dansen", "overig"], True, languages=("tr", "nl"))]
    write_intakes_csv(records, tmp_path / "i.csv")
    assert read_intakes_csv(tmp_path / "i.csv") == records


@pytest.mark.parametrize("column,value,message", [
    ("month", "2026-13", "YYYY-MM"), ("pc4", "3701 AB", "4-digit"), ("age_band", "83", "age_band"),
    ("wishes", "zeilen op de plassen", "category"), ("outcome", "heel goed", "outcome"),
    ("languages", "nederlands", "ISO 639 codes"),
])
def test_intake_records_csv_refuses_anything_else(tmp_path, column, value, message):
    write_intakes_csv([intake("Noord", ["dansen"], True)], tmp_path / "i.csv")
    text = (tmp_path / "i.csv").read_text()
    header, row = text.splitlines()
    cells = row.split(",")
    cells[header.split(",").index(column)] = value
    (tmp_path / "i.csv").write_text(header + "\n" + ",".join(cells) + "\n")
    with pytest.raises(ValueError, match=message):
        read_intakes_csv(tmp_path / "i.csv")


def test_an_intake_csv_with_extra_columns_is_refused(tmp_path):
    (tmp_path / "i.csv").write_text("id,month,narrative\n1,2026-01,Mevrouw is weduwe\n")
    with pytest.raises(ValueError, match="header must be exactly"):
        read_intakes_csv(tmp_path / "i.csv")


def test_the_record_reads_its_wishes_off_the_per_wish_verdict():
    from analysis.intakes import recorded_wishes
    from matcher.tailored import TailoredVerdict, WishVerdict
    met = WishVerdict("wandelen", "keyword", "met", ["Wandelgroep"], ["wandelen"], ["a1"])
    unmet = WishVerdict("zweefvliegen", "keyword", "unmet", ["de woorden zelf"], [])
    puzzling = WishVerdict("asdfgh", "keyword", "not_understood", [], [])
    need = WishVerdict("onder de mensen komen", "need", "unmet", ["onder de mensen komen"], [])
    assert recorded_wishes(TailoredVerdict(False, "", [met, unmet, puzzling, need])) == (["wandelen", "overig"], None)
    dancing = WishVerdict("dansen", "keyword", "unmet", ["Dansen"], ["dansen"])
    assert recorded_wishes(TailoredVerdict(True, "", [dancing, unmet, puzzling])) == (["dansen", "overig"],
                                                                                     ["dansen", "overig"])
    # nothing understood: no demand of any kind is counted
    assert recorded_wishes(TailoredVerdict(True, "", [puzzling])) == ([], [])

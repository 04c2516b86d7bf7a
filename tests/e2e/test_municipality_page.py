"""The municipality's page (/gemeente) in a real browser against the running service: the 80/20
indicator, the gap sentences and the wijk map for a filter, coverage, the CSV download, a tablet, and
a coach who may not see it. Reads only; every expected figure is taken from the API itself."""
from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, check_accessibility, login, screenshot

WAIT = 15_000  # ms
HATCH = "url(#niet-getoond)"


def analyst_get(live_server: str, path: str, raw: bool = False):
    login_request = urllib.request.Request(f"{live_server}/auth/login", method="POST",
                                           data=json.dumps({"username": "demo-analyst", "password": PASSWORD}).encode(),
                                           headers={"content-type": "application/json"})
    with urllib.request.urlopen(login_request, timeout=30) as r:
        token = json.load(r)["access_token"]
    request = urllib.request.Request(f"{live_server}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as r:
        body = r.read()
    return body.decode("utf-8") if raw else json.loads(body)


def open_page(page) -> None:
    page.goto("/gemeente")
    login(page, "demo-analyst")
    page.locator("#kaart-tabel").wait_for(timeout=WAIT)
    page.locator("#filter-status").filter(has_text="Getoond").wait_for(timeout=WAIT)


def fills(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#kaart path.wijk')]
        .map(p => [p.dataset.wijk, p.getAttribute('fill')]))""")


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def choose(page, label: str, value: str) -> None:
    """Choose in a filter and wait until the page shows it."""
    page.get_by_label(label, exact=True).select_option(value)
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bbusy\b"), timeout=WAIT)


def test_the_indicator_and_the_map_of_the_wijken(page, live_server):
    indicator = analyst_get(live_server, "/indicator")
    geojson = analyst_get(live_server, "/wijken.geojson")
    open_page(page)
    overall = indicator["overall"]
    expect(page.locator("#indicator .overall")).to_contain_text(percent(overall["share"]))
    expect(page.locator("#indicator .overall")).to_contain_text("norm: 80%")
    expect(page.locator("#indicator .overall")).to_contain_text(overall["verdict"])
    table = page.locator("#indicator-per-wijk")
    expect(table.locator("tbody tr")).to_have_count(len(indicator["per_wijk"]))
    for r in indicator["per_wijk"]:
        cells = table.locator("tbody tr", has=page.locator("th", has_text=r["wijk"])).first
        expect(cells).to_contain_text(str(r["intakes"]))
        expect(cells).to_contain_text("niet getoond (kleine aantallen)" if r["share"] is None else percent(r["share"]))
    den_dolder = next(r for r in indicator["per_wijk"] if r["wijk"] == "Den Dolder")
    expect(table.locator("tr", has_text="Den Dolder")).to_contain_text(percent(den_dolder["share"]))
    # One area per wijk on the map (13 in the demo), coloured by the indicator; hidden shares hatched grey.
    names = {f["properties"]["wijk"] for f in geojson["features"]}
    assert len(names) == 13
    expect(page.locator("#kaart path.wijk")).to_have_count(len(names))
    colours = fills(page)
    assert set(colours) == names
    for r in indicator["per_wijk"]:
        if r["share"] is None:
            assert colours[r["wijk"]] == HATCH, r
        else:
            assert colours[r["wijk"]].startswith("#"), r
    # The same figures beside the map, as a table, and a legend in words.
    expect(page.locator("#kaart-tabel tbody tr")).to_have_count(len(names))
    expect(page.locator("#kaart-tabel tr", has_text="Den Dolder")).to_contain_text(percent(den_dolder["share"]))
    expect(page.locator(".legend")).to_contain_text("80% of meer (norm gehaald)")
    expect(page.locator(".legend")).to_contain_text("niet getoond (kleine aantallen)")
    # The biggest gaps for everyone, biggest first, as the API orders them.
    gaps = analyst_get(live_server, "/gaps?only_gaps=true&dimension=alle&limit=5000")["items"]
    sentences = page.locator("ol.sentences li")
    expect(sentences).to_have_count(min(len(gaps), 15))
    expect(sentences.first).to_have_text(gaps[0]["sentence"])
    check_accessibility(page, "municipality page with indicator, map and gaps")
    screenshot(page, "gemeente-map")


def test_filters_update_the_sentences_the_map_and_coverage(page, live_server):
    gaps = analyst_get(live_server, "/gaps?only_gaps=true&limit=5000")["items"]
    assert gaps, "the demo has gaps"
    wish, wijk, label = gaps[0]["wish"], gaps[0]["wijk"], gaps[0]["label"]      # lotgenoten, Den Dolder
    open_page(page)
    before = fills(page)

    choose(page, "Wens (categorie)", wish)
    expect(page.locator("#filter-status")).to_contain_text(f"Getoond: {label}, alle cliënten", timeout=WAIT)
    expected = [r for r in gaps if r["wish"] == wish and r["dimension"] == "alle"]
    sentences = page.locator("ol.sentences li")
    expect(sentences).to_have_count(len(expected))
    expect(sentences.first).to_contain_text(wijk)
    for i, r in enumerate(expected):
        expect(sentences.nth(i)).to_have_text(r["sentence"])
        expect(sentences.nth(i)).to_contain_text(label)
    after = fills(page)
    assert after != before, "the map is coloured by the chosen wish now"
    demand = {r["wijk"]: r["demand"] for r in analyst_get(live_server, f"/gaps?wish={wish}&dimension=alle&limit=5000")["items"]}
    shown = page.locator(f"#kaart path.wijk[data-wijk='{wijk}']")
    expect(shown).to_have_attribute("data-waarde", f"circa {demand[wijk]}")
    expect(page.locator("#kaart-tabel tr", has_text=wijk)).to_contain_text(f"circa {demand[wijk]}")
    # Coverage of that category, from the catalog.
    coverage = analyst_get(live_server, f"/coverage?category={wish}")["items"]
    section = page.locator("#bereik")
    expect(section.get_by_role("heading", name="Bereik: aandeel postcodes binnen loopafstand van open aanbod")).to_be_visible()
    expect(section.locator("tbody tr")).to_have_count(len(coverage))
    c = next(r for r in coverage if r["wijk"] == wijk)
    expect(section.locator("tr", has_text=wijk)).to_contain_text(percent(c["share"]))

    # The map can show the share instead; hidden shares are hatched.
    choose(page, "Kleur op de kaart", "share")
    expect(page.locator("#kaart-titel")).to_contain_text("aandeel cliënten voor wie niets passends")
    rows = {r["wijk"]: r for r in analyst_get(live_server, f"/gaps?wish={wish}&dimension=alle&limit=5000")["items"]}
    for name, fill in fills(page).items():
        share = rows.get(name, {}).get("tailored_share")
        assert (fill == HATCH) == (share is None), (name, fill, share)
    choose(page, "Kleur op de kaart", "demand")

    # Per age band: the group select fills with the bands; the sentences follow.
    choose(page, "Groep", "leeftijd")
    group = page.get_by_label("Welke groep")
    expect(group).to_be_visible()
    expect(group.locator("option", has_text="65-74 jaar")).to_have_count(1)
    expect(page.locator("#filter-status")).to_contain_text("elke groep per leeftijdsgroep", timeout=WAIT)
    by_age = [r for r in gaps if r["wish"] == wish and r["dimension"] == "leeftijd"]
    if by_age:
        expect(sentences).to_have_count(len(by_age))
    else:
        expect(page.locator("#zinnen")).to_contain_text("Geen tekorten voor deze keuze")
    expect(page.locator("#kaart-uitleg")).to_contain_text("kies een groep")

    # Per language, Dutch speakers: sentences name the group, the map shows that group.
    choose(page, "Groep", "taal")
    choose(page, "Welke groep", "nl")
    expect(page.locator("#filter-status")).to_contain_text(f"Getoond: {label}, Nederlandstalig", timeout=WAIT)
    by_language = [r for r in gaps if r["wish"] == wish and r["dimension"] == "taal" and r["group"] == "nl"]
    expect(sentences).to_have_count(len(by_language))
    if by_language:
        expect(sentences.first).to_contain_text("Nederlandstalige cliënten")
        expect(sentences.first).to_contain_text(by_language[0]["wijk"])
    nl_rows = {r["wijk"]: r for r in analyst_get(live_server, f"/gaps?wish={wish}&dimension=taal&limit=5000")["items"]
               if r["group"] == "nl"}
    expected_text = (f"circa {nl_rows[wijk]['demand']}" if isinstance(nl_rows.get(wijk, {}).get("demand"), int)
                     else None)
    if expected_text:
        expect(shown).to_have_attribute("data-waarde", expected_text)
    expect(page.locator("#kaart-uitleg")).to_contain_text("groep: Nederlandstalig")
    check_accessibility(page, "municipality page with a category and a group chosen")

    # Back to all wishes: the indicator colours come back.
    choose(page, "Groep", "alle")
    choose(page, "Wens (categorie)", "")
    expect(page.locator("#filter-status")).to_contain_text("Getoond: alle wensen, alle cliënten", timeout=WAIT)
    assert fills(page) == before
    expect(page.locator("#bereik")).to_be_hidden()


def test_the_csv_download_carries_the_token_and_the_header(page, live_server):
    expected = analyst_get(live_server, "/gaps.csv", raw=True)
    open_page(page)
    with page.expect_download(timeout=WAIT) as info:
        page.get_by_role("link", name="Alle cijfers downloaden (CSV)").click()
    download = info.value
    assert download.suggested_filename == "gaps.csv"
    assert download.url.startswith("blob:")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == expected.splitlines()[0]
    assert text.splitlines()[0].startswith("wijk,wish,label,dimension,group,demand,tailored,tailored_share")
    assert len(text.splitlines()) == len(expected.splitlines())
    # The selection only: the same header, fewer rows.
    page.get_by_label("Wens (categorie)", exact=True).select_option("lotgenoten")
    expect(page.locator("#filter-status")).to_contain_text("lotgenotencontact", timeout=WAIT)
    with page.expect_download(timeout=WAIT) as info:
        page.get_by_role("link", name="Alleen deze selectie (CSV)").click()
    selection = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert selection[0] == expected.splitlines()[0]
    assert 1 < len(selection) < len(expected.splitlines())
    assert all(",lotgenoten,lotgenotencontact,alle,alle," in line for line in selection[1:])


def test_on_a_tablet_the_columns_stack_and_nothing_scrolls_sideways(page, live_server):
    page.set_viewport_size({"width": 820, "height": 1180})
    open_page(page)
    page.get_by_label("Wens (categorie)", exact=True).select_option("lotgenoten")
    expect(page.locator("#filter-status")).to_contain_text("lotgenotencontact", timeout=WAIT)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    sentences = page.locator("#tekorten").bounding_box()
    map_box = page.locator("#kaart").bounding_box()
    assert map_box["y"] >= sentences["y"] + sentences["height"] - 1, "the map comes below the sentences"
    assert map_box["width"] > 700
    check_accessibility(page, "municipality page on a tablet")
    screenshot(page, "gemeente-tablet")


def test_a_coach_is_refused_readably(page):
    page.goto("/gemeente")
    login(page, "demo-coach")
    expect(page.get_by_role("alert")).to_contain_text("Dit account (coach) kan deze pagina niet gebruiken.")
    expect(page.locator("#indicator")).to_have_count(0)
    expect(page.get_by_label("Gebruikersnaam")).to_be_visible()

"""The coach's main screen against the real service: intake, verdict, map, suggestions, a second
search without retyping, errors, the busy state, the printable Welzijnsrecept and privacy."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, check_accessibility, login, screenshot

NARRATIVE = ("Mevrouw is sinds vorig jaar weduwe en zit veel alleen thuis. "
             "Ze wandelde altijd met haar man en houdt van de natuur.")
KEYWORDS = "wandelen, natuur"


@pytest.fixture
def coach(page):
    """The coach page, logged in as the demo coach; fails the test on any script error."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/")
    login(page, "demo-coach")
    expect(page.get_by_label("Verhaal van de cliënt")).to_be_visible()
    yield page
    assert not errors, f"script errors on the coach page: {errors}"


def fill_widow(page, keywords: str = KEYWORDS) -> None:
    page.get_by_label("Verhaal van de cliënt").fill(NARRATIVE)
    page.get_by_label("Waar krijgt de cliënt energie van?").fill(keywords)
    page.get_by_label("Leeftijd").fill("71")
    page.get_by_label("Gender").select_option(label="vrouw")
    page.get_by_label("Postcode").fill("3701 DT")
    page.get_by_label("dinsdag").check()
    page.get_by_label("donderdag").check()
    page.get_by_label("Budget").fill("10")


def search(page) -> None:
    page.get_by_role("button", name="Zoek activiteiten").click()
    expect(page.get_by_role("status")).to_contain_text("Klaar", timeout=30_000)


def titles(page) -> list[str]:
    return page.locator("#suggestions > li h3").all_inner_texts()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_suggestions_with_verdict_map_and_details(coach):
    page = coach
    fill_widow(page)
    search(page)

    verdict = page.locator(".verdict")
    expect(verdict).to_be_visible()
    expect(verdict.locator("h3")).to_have_text(re.compile("^(Er is passend aanbod|Maatwerk nodig)$"))
    expect(verdict).to_contain_text("binnen 3,0 km")

    items = page.locator("#suggestions > li")
    n = items.count()
    assert 1 <= n <= 10
    for i in range(n):
        item = items.nth(i)
        assert item.locator(".explanation").inner_text().strip()
        expect(item.locator(".facts")).to_contain_text(re.compile(r"Afstand\s*\d+,\d km"))
        expect(item.locator(".facts")).to_contain_text(re.compile(r"Kosten\s*(gratis|€ \d+,\d\d per maand)"))
        expect(item.locator(".facts")).to_contain_text(re.compile(r"Contact\s*\S+"))
        expect(item.get_by_label("Kies voor het recept")).not_to_be_checked()
    # Within the client's reach: the nearest suggestion is within the maximum distance.
    expect(items.first).to_contain_text("Wandel")

    # One marker per suggestion, numbered like the list; the client and the radius are not clickable.
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(n)
    assert page.locator("#map .rank-label").all_inner_texts() == [str(r) for r in range(1, n + 1)]
    assert page.locator("#suggestions .rank").all_inner_texts() == [str(r) for r in range(1, n + 1)]
    expect(page.locator("#map .home-label")).to_have_text("Cliënt")
    check_accessibility(page, "coach results")
    assert no_horizontal_scroll(page)
    screenshot(page, "coach-suggestions")

    page.set_viewport_size({"width": 820, "height": 1180})
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(n)
    assert no_horizontal_scroll(page), "horizontal scrolling on a tablet"
    intake, results = page.locator(".intake").bounding_box(), page.locator("#results").bounding_box()
    assert results["y"] >= intake["y"] + intake["height"], "the columns should stack on a tablet"
    check_accessibility(page, "coach results on a tablet")
    screenshot(page, "coach-tablet")

    # A marker works from the keyboard: Enter brings its suggestion into focus.
    page.locator("#map path.leaflet-interactive").nth(1).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#s-2")).to_be_focused()


def test_change_one_wish_and_search_again(coach):
    page = coach
    fill_widow(page)
    search(page)
    first = titles(page)

    page.get_by_label("Waar krijgt de cliënt energie van?").fill("wandelen, tuinieren")
    search(page)
    # Nothing else had to be typed again.
    expect(page.get_by_label("Verhaal van de cliënt")).to_have_value(NARRATIVE)
    expect(page.get_by_label("Leeftijd")).to_have_value("71")
    expect(page.get_by_label("Gender")).to_have_value("female")
    expect(page.get_by_label("Postcode")).to_have_value("3701 DT")
    expect(page.get_by_label("Maximale afstand")).to_have_value("3")
    expect(page.get_by_label("dinsdag")).to_be_checked()
    expect(page.get_by_label("donderdag")).to_be_checked()
    expect(page.get_by_label("maandag")).not_to_be_checked()
    expect(page.get_by_label("Budget")).to_have_value("10")
    expect(page.get_by_label("Nederlands")).to_be_checked()
    second = titles(page)
    assert second and second != first
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(len(second))


def test_a_wish_nobody_offers_needs_a_tailored_offer(coach):
    page = coach
    page.get_by_label("Waar krijgt de cliënt energie van?").fill("zeilen op zee")
    page.get_by_label("Postcode").fill("3701 DT")
    page.get_by_label("Maximale afstand").fill("1")
    search(page)
    verdict = page.locator(".verdict")
    expect(verdict.locator("h3")).to_have_text("Maatwerk nodig")
    expect(verdict).to_contain_text("Binnen 1,0 km is geen passend aanbod voor 'zeilen op zee'")
    expect(verdict).to_contain_text("Geen passend aanbod voor: zeilen op zee.")
    check_accessibility(page, "tailored verdict")


def test_unknown_postcode_gives_a_readable_error(coach):
    page = coach
    fill_widow(page)
    page.get_by_label("Postcode").fill("9999 ZZ")
    page.get_by_role("button", name="Zoek activiteiten").click()
    alert = page.locator("#intake-error").get_by_role("alert")
    expect(alert).to_contain_text("Postcode 9999 ZZ staat niet in de postcodetabel")
    expect(page.get_by_label("Postcode")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#suggestions > li")).to_have_count(0)
    expect(page.get_by_role("button", name="Zoek activiteiten")).to_be_enabled()
    check_accessibility(page, "error message")

    # Corrected, the same intake just works.
    page.get_by_label("Postcode").fill("3701 DT")
    search(page)
    expect(alert).to_have_count(0)
    assert titles(page)


def test_missing_postcode_is_caught_before_asking_the_service(coach):
    page = coach
    requests = []
    page.on("request", lambda r: requests.append(r.url) if r.url.endswith("/match") else None)
    page.get_by_label("Waar krijgt de cliënt energie van?").fill("wandelen")
    page.get_by_role("button", name="Zoek activiteiten").click()
    expect(page.get_by_label("Postcode")).to_be_focused()
    assert page.get_by_label("Postcode").evaluate("e => e.validity.valueMissing")
    assert not requests


def test_a_long_search_shows_it_is_busy(coach):
    page = coach
    fill_widow(page)
    held = []  # the request waits here until the test has seen the busy state
    page.route("**/match", lambda route: held.append(route))
    page.get_by_role("button", name="Zoek activiteiten").click()
    button = page.get_by_role("button", name="Zoek activiteiten")
    expect(button).to_be_disabled()
    expect(page.get_by_role("status")).to_have_text("Bezig met zoeken…")
    expect(page.locator("#results")).to_have_attribute("aria-busy", "true")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the search never reached the service"
    expect(page.locator("#suggestions > li")).to_have_count(0)

    held[0].continue_()
    expect(page.get_by_role("status")).to_contain_text("Klaar", timeout=30_000)
    expect(button).to_be_enabled()
    expect(page.locator("#results")).to_have_attribute("aria-busy", "false")
    assert titles(page)
    page.unroute("**/match")


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_welzijnsrecept_fits_one_a4_page(coach):
    page = coach
    fill_widow(page)
    search(page)
    page.evaluate("window.print = () => { window.__printed = true }")
    choose = page.get_by_label("Kies voor het recept")
    print_button = page.get_by_role("button", name="Welzijnsrecept afdrukken")
    recipe = page.locator("#recipe")

    # Nothing chosen: the top three.
    print_button.click()
    expect(recipe.locator(".recipe-item")).to_have_count(3)

    # Four at most fit on one page; a fifth is refused with a reason.
    for i in range(5):
        choose.nth(i).check()
    print_button.click()
    expect(page.locator("#recipe-error").get_by_role("alert")).to_contain_text("hooguit 4")
    choose.nth(4).uncheck()
    print_button.click()
    expect(recipe.locator(".recipe-item")).to_have_count(4)
    assert pdf_pages(page.pdf(format="A4")) == 1, "four activities should fit on one A4 page"

    # The coach's choice: two.
    for i in range(4):
        choose.nth(i).uncheck()
    choose.nth(1).check()
    choose.nth(2).check()
    chosen = [page.locator(f"#s-{r}-title span").nth(1).inner_text() for r in (2, 3)]
    page.evaluate("window.__printed = false")
    print_button.click()
    assert page.evaluate("window.__printed") is True

    page.emulate_media(media="print")
    expect(page.locator("main")).to_be_hidden()
    expect(recipe).to_be_visible()
    expect(recipe.locator(".recipe-item")).to_have_count(2)
    printed = page.evaluate("document.body.innerText")
    assert "Welzijnsrecept" in printed and "Datum:" in printed
    for title in chosen:
        assert title in printed
    for field in ("Waar", "Wanneer", "Kosten", "Contact", "Hoe kom ik er?"):
        assert field in printed
    assert "vanaf postcode 3701 DT" in printed or "Vlak bij postcode 3701 DT" in printed
    assert "weduwe" not in printed and NARRATIVE[:40] not in printed
    screenshot(page, "welzijnsrecept")
    pdf_path = SCREENSHOTS / "welzijnsrecept.pdf"
    page.pdf(path=str(pdf_path), format="A4")
    assert pdf_pages(pdf_path.read_bytes()) == 1


def test_no_client_data_stays_in_the_browser(coach):
    page = coach
    fill_widow(page)
    page.get_by_label("Vastleggen voor de gemeente (anoniem)").check()
    search(page)
    expect(page.locator(".summary")).to_contain_text("Anoniem vastgelegd voor de gemeente")

    # Every intake input tells the browser not to remember it.
    fields = page.locator("#intake input, #intake select, #intake textarea")
    assert fields.count() >= 20
    assert set(fields.evaluate_all("els => els.map(e => e.getAttribute('autocomplete'))")) == {"off"}
    assert page.locator("#intake").get_attribute("autocomplete") == "off"

    stores = page.evaluate("JSON.stringify([Object.assign({}, localStorage), Object.assign({}, sessionStorage)])")
    for secret in [NARRATIVE, "weduwe", KEYWORDS, "3701 DT", "3701DT"]:
        assert secret not in stores, f"{secret!r} is kept in browser storage"
    assert json.loads(stores)[0] == {}
    assert set(json.loads(stores)[1]) <= {"socialmap.token", "socialmap.who"}
    assert page.context.cookies() == []

    # Leaving the page wipes the intake and the results.
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))")
    expect(page.get_by_label("Verhaal van de cliënt")).to_have_value("")
    expect(page.get_by_label("Postcode")).to_have_value("")
    expect(page.get_by_label("dinsdag")).not_to_be_checked()
    expect(page.locator("#suggestions > li")).to_have_count(0)
    expect(page.locator(".verdict")).to_have_count(0)

    # And really leaving and coming back (back button) brings nothing back either.
    fill_widow(page)
    search(page)
    page.goto("/organisatie")
    page.go_back()
    expect(page.get_by_label("Verhaal van de cliënt")).to_be_visible()
    expect(page.get_by_label("Verhaal van de cliënt")).to_have_value("")
    expect(page.get_by_label("Waar krijgt de cliënt energie van?")).to_have_value("")
    expect(page.locator("#suggestions > li")).to_have_count(0)

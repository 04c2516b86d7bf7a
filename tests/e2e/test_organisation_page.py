"""The organisation's page (/organisatie) in a real browser against the running service: the library's
editor sees its listings, stale ones first, confirms, edits (validation errors and a conflict included),
pauses and resumes; the duplicates section; an admin dismisses a pair. Listings changed here are only
Bibliotheek Zeist's z009, z010, z011, z012 (unchanged), z013, the pair z005/z006, and two listings of
a test organisation that one test makes and removes again: other tests must not rely on them."""
from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, check_accessibility, login, screenshot

WAIT = 15_000  # ms: the service shares two cores with the browser


# ---------------------------------------------------------------- helpers

def call(live_server: str, method: str, path: str, body: dict | None = None, token: str | None = None,
         headers: dict | None = None) -> tuple[int, object]:
    request = urllib.request.Request(f"{live_server}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"content-type": "application/json", **(headers or {})})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def token(live_server: str, user: str) -> str:
    status, answer = call(live_server, "POST", "/auth/login", {"username": user, "password": PASSWORD})
    assert status == 200, answer
    return answer["access_token"]


def listing(live_server: str, activity_id: str) -> dict:
    status, answer = call(live_server, "GET", f"/activities/{activity_id}")
    assert status == 200, answer
    return answer


def open_as(page, user: str = "demo-editor") -> None:
    page.goto("/organisatie")
    login(page, user)
    if user != "demo-admin":
        page.locator("table.listings").wait_for(timeout=WAIT)


def row(page, activity_id: str):
    return page.locator(f"tr[data-id='{activity_id}']")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# ---------------------------------------------------------------- tests

def test_editor_sees_own_listings_stale_first_and_the_duplicates(page, live_server):
    open_as(page)
    expect(page.get_by_role("heading", name="Activiteiten van Bibliotheek Zeist")).to_be_visible()
    _, catalog = call(live_server, "GET", "/activities?organisation=Bibliotheek%20Zeist&limit=200")
    rows = page.locator("table.listings tbody tr")
    expect(rows).to_have_count(catalog["total"])
    # z151 is stale in the demo (nobody confirms it in these tests): badge, highlighted, first.
    expect(row(page, "z151").locator(".badge.stale")).to_have_text("verouderd")
    stale = [a for a in catalog["items"] if a["stale"]]
    assert stale, "the demo has stale listings of Bibliotheek Zeist"
    expect(page.locator("#samenvatting")).to_contain_text(
        f"{len(stale)} {'activiteit' if len(stale) == 1 else 'activiteiten'} niet bevestigd in 12 maanden")
    first_ids = [rows.nth(i).get_attribute("data-id") for i in range(len(stale))]
    assert set(first_ids) == {a["id"] for a in stale}, "stale listings come first"
    assert "is-stale" in (row(page, "z151").get_attribute("class") or "")
    # Every column the editor needs.
    z151 = row(page, "z151")
    expect(z151).to_contain_text("Boeken aan huis")
    expect(z151).to_contain_text("Hoge Dennen")
    expect(z151).to_contain_text("4 oktober 2023")
    expect(row(page, "z007")).to_contain_text("ma 14:00-15:30")
    # Duplicates that involve the library, with score and reasons; the editor cannot decide them.
    pair = page.locator("li.pair[data-pair='z007|z008']")
    expect(pair).to_be_visible(timeout=WAIT)
    expect(pair).to_contain_text("score 0,")
    expect(pair).to_contain_text("zelfde dag en tijd")
    expect(pair.locator("ul.reasons li").first).to_be_visible()
    expect(page.locator("#dubbel")).to_contain_text("De beheerder van de sociale kaart beslist")
    expect(page.get_by_role("button", name="Geen dubbel")).to_have_count(0)
    expect(page.get_by_role("button", name="Samenvoegen (houd A)")).to_have_count(0)
    check_accessibility(page, "organisation page, editor, listings and duplicates")
    screenshot(page, "organisatie-listings")


def test_confirming_a_stale_listing_removes_its_badge_for_good(page, live_server):
    assert listing(live_server, "z009")["stale"], "z009 is stale in the demo"
    open_as(page)
    z009 = row(page, "z009")
    expect(z009.locator(".badge.stale")).to_be_visible()
    z009.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("#melding")).to_contain_text("Bevestigd: Leesclub Zeist", timeout=WAIT)
    expect(page.locator("#melding")).to_have_attribute("role", "status")
    expect(row(page, "z009").locator(".badge.stale")).to_have_count(0)
    # Focus stays on the row's button, so a keyboard user carries on where they were.
    assert page.evaluate("document.activeElement.closest('tr')?.dataset.id") == "z009"
    after = listing(live_server, "z009")
    assert not after["stale"] and after["last_verified"] == dt.date.today().isoformat()
    page.reload()
    page.locator("table.listings").wait_for(timeout=WAIT)
    expect(row(page, "z009")).to_be_visible()
    expect(row(page, "z009").locator(".badge.stale")).to_have_count(0)
    expect(row(page, "z009")).to_contain_text("actueel")


def test_editing_a_listing_saves_it_with_the_version_read(page, live_server):
    before = listing(live_server, "z011")
    open_as(page)
    row(page, "z011").get_by_role("button", name="Bewerken").click()
    form = page.locator("form#bewerk-formulier")
    expect(form).to_be_visible(timeout=WAIT)
    # Labelled fields with the listing's current values.
    expect(page.get_by_label("Titel")).to_have_value(before["title"])
    expect(page.get_by_label("Dagen en tijden")).to_have_value("; ".join(before["schedule"]))
    expect(page.get_by_label("Plaatsen")).to_have_value(before["capacity"])
    expect(page.get_by_label("Adres")).to_have_value(before["address"])
    expect(page.get_by_label("Beschrijving")).to_have_value(before["description"])
    page.get_by_label("Plaatsen").select_option("open")
    page.get_by_label("Contact").fill("schrijfgroep@bibliotheek-zeist.example")
    page.get_by_label("Dagen en tijden").fill("vr 10:00-12:00; di 14:00-16:00")
    check_accessibility(page, "organisation page, edit form open")
    screenshot(page, "organisatie-edit")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#melding")).to_contain_text("Opgeslagen: Schrijfgroep Mijn Levensverhaal", timeout=WAIT)
    expect(form).to_have_count(0)
    expect(row(page, "z011").locator("td[data-col='plaatsen']")).to_have_text("open")
    after = listing(live_server, "z011")
    assert after["version"] == before["version"] + 1
    assert after["capacity"] == "open" and after["contact"] == "schrijfgroep@bibliotheek-zeist.example"
    assert after["schedule"] == ["vr 10:00-12:00", "di 14:00-16:00"]
    assert after["title"] == before["title"] and after["cost_eur_month"] == before["cost_eur_month"]
    page.reload()
    page.locator("table.listings").wait_for(timeout=WAIT)
    expect(row(page, "z011").locator("td[data-col='plaatsen']")).to_have_text("open")
    expect(row(page, "z011")).to_contain_text("di 14:00-16:00")
    row(page, "z011").get_by_role("button", name="Bewerken").click()
    expect(page.get_by_label("Contact")).to_have_value("schrijfgroep@bibliotheek-zeist.example", timeout=WAIT)
    expect(page.locator("form#bewerk-formulier")).to_contain_text(f"versie {after['version']}")


def test_an_invalid_edit_shows_what_to_fix_and_changes_nothing(page, live_server):
    before = listing(live_server, "z012")
    open_as(page)
    edit = row(page, "z012").get_by_role("button", name="Bewerken")
    # Keyboard: Enter opens the form (focus moves into it), Escape closes it and focus returns.
    edit.focus()
    page.keyboard.press("Enter")
    form = page.locator("form#bewerk-formulier")
    expect(form).to_be_visible(timeout=WAIT)
    expect(edit).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("document.activeElement.id") == "bewerk-titel"
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
    assert page.evaluate("document.activeElement.closest('tr')?.dataset.id") == "z012"
    page.keyboard.press("Enter")
    expect(form).to_be_visible(timeout=WAIT)
    page.get_by_label("Dagen en tijden").fill("maandag de hele dag")
    page.keyboard.press("Escape")            # typed changes are never dropped by Escape
    expect(form).to_contain_text("wijzigingen die nog niet zijn opgeslagen")
    form.get_by_role("button", name="Opslaan").click()
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("Niet opgeslagen", timeout=WAIT)
    expect(alert).to_contain_text("Dagen en tijden: 'maandag de hele dag' is geen vast tijdstip")
    expect(alert).to_contain_text("di 14:00-16:00")
    schedule = page.get_by_label("Dagen en tijden")
    expect(schedule).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#bewerk-schedule-fout")).to_be_visible()
    assert "bewerk-schedule-fout" in schedule.get_attribute("aria-describedby")
    check_accessibility(page, "organisation page, edit form with a validation error")
    after = listing(live_server, "z012")
    assert after["version"] == before["version"] and after["schedule"] == before["schedule"]
    # The message links to the field.
    alert.get_by_role("link", name="Dagen en tijden").click()
    assert page.evaluate("document.activeElement.id") == "bewerk-schedule"


def test_a_conflicting_edit_shows_the_dutch_message_and_offers_to_reload(page, live_server):
    before = listing(live_server, "z013")
    open_as(page)
    row(page, "z013").get_by_role("button", name="Bewerken").click()
    form = page.locator("form#bewerk-formulier")
    expect(form).to_contain_text(f"versie {before['version']}", timeout=WAIT)
    # Meanwhile somebody else changes the listing.
    status, changed = call(live_server, "PATCH", "/activities/z013", {"contact": "taalhuis@bibliotheek-zeist.example"},
                           token=token(live_server, "demo-admin"), headers={"If-Match": f'"{before["version"]}"'})
    assert status == 200, changed
    page.get_by_label("Plaatsen").select_option("waitlist")
    form.get_by_role("button", name="Opslaan").click()
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("Iemand anders heeft deze activiteit intussen gewijzigd", timeout=WAIT)
    assert listing(live_server, "z013")["capacity"] == before["capacity"]
    # Reload: the form shows the other person's change and the new version; saving again works.
    form.get_by_role("button", name="Opnieuw laden").click()
    expect(form).to_contain_text(f"versie {changed['version']}", timeout=WAIT)
    expect(page.get_by_label("Contact")).to_have_value("taalhuis@bibliotheek-zeist.example")
    expect(form).to_contain_text("Plaatsen: wachtlijst")      # what the editor wanted to change
    page.get_by_label("Plaatsen").select_option("waitlist")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#melding")).to_contain_text("Opgeslagen", timeout=WAIT)
    after = listing(live_server, "z013")
    assert after["version"] == changed["version"] + 1
    assert after["capacity"] == "waitlist" and after["contact"] == "taalhuis@bibliotheek-zeist.example"


def test_pausing_and_resuming_a_listing(page, live_server):
    open_as(page)
    z010 = row(page, "z010")
    z010.get_by_role("button", name="Pauzeren").click()
    expect(row(page, "z010").locator(".badge.paused")).to_have_text("gepauzeerd", timeout=WAIT)
    expect(page.locator("#melding")).to_contain_text("Gepauzeerd")
    assert listing(live_server, "z010")["paused"] is True
    resume = row(page, "z010").get_by_role("button", name="Hervatten")
    expect(resume).to_be_focused()
    page.keyboard.press("Enter")
    expect(row(page, "z010").locator(".badge.paused")).to_have_count(0, timeout=WAIT)
    expect(page.locator("#melding")).to_contain_text("Hervat")
    assert listing(live_server, "z010")["paused"] is False


def test_an_admin_chooses_the_organisation_and_dismisses_a_pair(page, live_server):
    open_as(page, "demo-admin")
    page.get_by_label("Organisatie", exact=True).fill("Bibliotheek Zeist")
    page.get_by_role("button", name="Tonen").click()
    page.locator("table.listings").wait_for(timeout=WAIT)
    expect(row(page, "z151")).to_be_visible()
    assert "organisatie=Bibliotheek+Zeist" in page.url
    pair = page.locator("li.pair[data-pair='z005|z006']")
    expect(pair).to_be_visible(timeout=WAIT)
    expect(pair.get_by_role("button", name="Samenvoegen (houd A)")).to_be_visible()
    expect(pair.get_by_role("button", name="Samenvoegen (houd B)")).to_be_visible()
    check_accessibility(page, "organisation page, admin")
    pair.get_by_role("button", name="Geen dubbel").click()
    expect(pair).to_have_count(0, timeout=WAIT)
    expect(page.locator("#dubbel-melding")).to_contain_text("Geen dubbel")
    expect(page.locator("li.pair[data-pair='z007|z008']")).to_be_visible()
    _, pairs = call(live_server, "GET", "/duplicates?organisation=Bibliotheek%20Zeist",
                    token=token(live_server, "demo-admin"))
    ids = {(p["a"]["id"], p["b"]["id"]) for p in pairs}
    assert ("z005", "z006") not in ids and ("z007", "z008") in ids
    page.reload()        # the chosen organisation is in the address, the pair stays gone
    expect(page.locator("li.pair[data-pair='z007|z008']")).to_be_visible(timeout=WAIT)
    expect(page.locator("li.pair[data-pair='z005|z006']")).to_have_count(0)


def test_an_admin_merges_a_pair_of_throwaway_listings(page, live_server):
    """Two listings of a test organisation, made and removed here (nothing else sees them)."""
    admin = token(live_server, "demo-admin")
    template = {k: v for k, v in listing(live_server, "z011").items() if k not in ("stale", "paused", "version", "id")}
    ours = {**template, "organisation": "E2E Testorganisatie", "title": "E2E Wandelgroep Testpad",
            "description": "Een testactiviteit van de browsertest; wordt meteen weer verwijderd.",
            "categories": ["wandelen"], "address": "Testpad 1", "schedule": ["za 09:00-10:00"], "contact": "test@e2e.example"}
    try:
        for activity_id in ("e2e-dup-a", "e2e-dup-b"):
            status, answer = call(live_server, "POST", "/activities", {**ours, "id": activity_id}, token=admin)
            assert status == 201, answer
        page.goto("/organisatie?organisatie=E2E%20Testorganisatie")
        login(page, "demo-admin")
        pair = page.locator("li.pair[data-pair='e2e-dup-a|e2e-dup-b']")
        expect(pair).to_be_visible(timeout=WAIT)
        expect(page.locator("table.listings tbody tr")).to_have_count(2)
        page.once("dialog", lambda dialog: dialog.accept())       # "z... blijft, ... verdwijnt. Doorgaan?"
        pair.get_by_role("button", name="Samenvoegen (houd A)").click()
        expect(page.locator("#dubbel-melding")).to_contain_text("Samengevoegd", timeout=WAIT)
        expect(pair).to_have_count(0)
        expect(page.locator("table.listings tbody tr")).to_have_count(1)
        expect(row(page, "e2e-dup-a")).to_be_visible()
        status, answer = call(live_server, "GET", "/activities/e2e-dup-b")
        assert status == 404 and "merged into 'e2e-dup-a'" in answer["error"]
    finally:
        for activity_id in ("e2e-dup-a", "e2e-dup-b"):
            call(live_server, "DELETE", f"/activities/{activity_id}", token=admin)
    assert call(live_server, "GET", "/activities?organisation=E2E%20Testorganisatie")[1]["total"] == 0


def test_on_a_tablet_nothing_scrolls_sideways(page, live_server):
    page.set_viewport_size({"width": 820, "height": 1180})
    open_as(page)
    row(page, "z011").get_by_role("button", name="Bewerken").click()
    expect(page.locator("form#bewerk-formulier")).to_be_visible(timeout=WAIT)
    assert no_horizontal_scroll(page)
    screenshot(page, "organisatie-tablet")


def test_a_coach_is_refused_readably(page):
    page.goto("/organisatie")
    login(page, "demo-coach")
    expect(page.get_by_role("alert")).to_contain_text("Dit account (coach) kan deze pagina niet gebruiken.")
    expect(page.locator("table.listings")).to_have_count(0)

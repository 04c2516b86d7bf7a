"""Every page loads, is in Dutch, offers a login form and passes axe before anyone logs in."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, login


@pytest.mark.parametrize("path", ["/", "/organisatie", "/gemeente"])
def test_each_page_opens_with_a_login_form(page, path):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_label("Gebruikersnaam").wait_for()
    check_accessibility(page, f"login form on {path}")


@pytest.mark.parametrize("path", ["/", "/organisatie", "/gemeente"])
def test_a_wrong_password_is_said_in_dutch_only(page, path):
    """The page shows the Dutch text of the answer's code, never the service's English message."""
    page.goto(path)
    login(page, "demo-coach", "niet-het-goede-wachtwoord")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Gebruikersnaam of wachtwoord klopt niet.")
    assert "wrong" not in alert.inner_text()

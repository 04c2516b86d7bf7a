"""Every page loads, is in Dutch, offers a login form and passes axe before anyone logs in."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import check_accessibility


@pytest.mark.parametrize("path", ["/", "/organisatie", "/gemeente"])
def test_each_page_opens_with_a_login_form(page, path):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_label("Gebruikersnaam").wait_for()
    check_accessibility(page, f"login form on {path}")

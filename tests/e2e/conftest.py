"""Browser tests: Debian's chromium driven by Playwright against the real service, started as a
process (`socialmap serve`) on a copy of the demo database with the demo accounts and intakes.

With CI=true they must run: a missing chromium fails them. Elsewhere they are skipped with the reason.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import add_user, copy_store

ROOT = Path(__file__).resolve().parents[2]
# Into an ignored folder: a test run never changes a tracked file. scripts/screenshots.sh points
# this at docs/screenshots/ to refresh the README's pictures.
SCREENSHOTS = Path(os.environ.get("SOCIALMAP_SCREENSHOTS") or ROOT / ".cache" / "screenshots")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("SOCIALMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "demo-wachtwoord"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(demo_store, tmp_path_factory):
    """The service on a free port, over the demo catalog, demo intakes and demo accounts."""
    from analysis.intakes import read_intakes_csv
    from api.settings import DEMO_INTAKES
    path = tmp_path_factory.mktemp("live") / "live.db"
    store = copy_store(demo_store, path)
    store.intakes.add(read_intakes_csv(DEMO_INTAKES))
    for name, role, organisation in (("demo-coach", "coach", None), ("demo-editor", "editor", "Bibliotheek Zeist"),
                                     ("demo-analyst", "analyst", None), ("demo-admin", "admin", None)):
        add_user(store, name, role, organisation, password=PASSWORD)
    store.close()
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    log = open(path.parent / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "--db", f"sqlite:///{path}", "serve", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if json.load(r)["status"] == "ok":
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise AssertionError(f"the service did not start: {(path.parent / 'server.log').read_text()[-2000:]}")
        time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=30)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            raise AssertionError(f"browser tests must run in CI, but there is no chromium at {CHROMIUM}")
        pytest.skip(f"no chromium at {CHROMIUM}: install Debian's chromium (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies, no storage) on a laptop-sized screen."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server, locale="nl-NL")
    # Offline by design: any request that leaves the service fails the test that made it.
    outside = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server)
                  or route.request.url.startswith(("data:", "blob:")) else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    # The pages run under the service's Content-Security-Policy: anything it blocks fails the test.
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not outside, f"the page reached outside the service: {outside[:5]}"
    assert not blocked, f"the Content-Security-Policy blocked: {blocked[:3]}"


def login(page, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def check_accessibility(page, context: str = "") -> None:
    """axe-core with the WCAG 2.1 A and AA rules: no violations."""
    page.evaluate(AXE.read_text(encoding="utf-8"))   # not a <script> tag: the pages' CSP allows no inline script
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    problems = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]]
    assert not problems, f"accessibility {context}: " + "; ".join(problems)


def screenshot(page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path

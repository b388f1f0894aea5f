"""Every role's first hour on the real demo: log in from the login page, land on the role's
home, follow every entry of its menu, in English and in French, with no error page and no
horizontal overflow; the top bar stays on one line at 1280 px.

The demo is built the way `make run` builds it (migrate, then `load_demo`, in a fresh var
directory) and served by `manage.py runserver` on a free port, once for this module: a few
minutes. Set DEMO_VAR_DIR to a var directory that already holds a loaded demo to skip that
(the directory is used as it is, not copied: its database may change).

Screenshots of every page go to var/screenshots/ (git-ignored), for review.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "hotline-demo"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(*args, env, timeout=900) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def demo_site(_browser, tmp_path_factory):
    """Return (base URL, load_demo's output) of a demo served like `make run` serves it."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "SITE_URL", "DEBUG",
                          "DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND", "SMS_BACKEND")}
    prepared = os.environ.get("DEMO_VAR_DIR")
    var_dir = Path(prepared) if prepared else tmp_path_factory.mktemp("demo-var")
    env.update({"HOTLINE_VAR_DIR": str(var_dir), "PORT": str(port), "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1"})
    # On a prepared demo both are quick: migrate applies only what is new, load_demo is
    # idempotent (and prints the tracking link again).
    _manage("migrate", "--noinput", "--verbosity", "0", env=env)
    output = _manage("load_demo", env=env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(120):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the demo server did not start")
        yield base, output
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def site_page(_browser, demo_site):
    base, _output = demo_site
    contexts = []

    def open_page(viewport=DESKTOP):
        context = _browser.new_context(base_url=base, viewport=viewport, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _choose_language(page, language):
    """Pick `language` with the top bar's switch (as a visitor would), unless already shown."""
    if page.eval_on_selector("select[name=language]", "s => s.value") != language:
        with page.expect_navigation():
            page.select_option("select[name=language]", language)


def _log_in(page, username, language):
    page.goto("/login/")
    _choose_language(page, language)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state()


def _problems(page, name, language, status):
    """Return what is wrong with the page shown now, and write its screenshot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(SHOTS / f"{slug}-{language}.png"), full_page=True)
    where = f"{name} ({language}, {page.url})"
    found = []
    if status >= 400:
        found.append(f"{where}: HTTP {status}")
    if page.locator("[data-testid=error-page]").count():
        found.append(f"{where}: an error page")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        found.append(f"{where}: {width[0] - width[1]} px wider than the window")
    if page.evaluate("document.documentElement.lang") != language:
        found.append(f"{where}: page language is not {language}")
    return found


def _walk_the_menu(page, role, language):
    """Visit the home and every menu entry; return the problems seen."""
    found = _problems(page, f"{role} home", language, 200)
    entries = page.eval_on_selector_all(
        ".mainnav a[data-nav]", "links => links.map(a => [a.dataset.nav, a.getAttribute('href')])")
    assert entries, f"{role} has no menu"
    for name, href in entries:
        if name in ("admin:index", "api-docs"):  # Django's admin and ReDoc: not our shell
            continue
        response = page.goto(href)
        found += _problems(page, f"{role} {name}", language, response.status)
    return found


ROLES = [
    # username, role's home (path), viewport
    ("operator", "/console/", DESKTOP),
    ("supervisor", "/console/", DESKTOP),
    ("qa", "/quality/", DESKTOP),
    ("technician", "/exchanges/visits/day/", PHONE),
    ("telcomarket-admin", "/partners/telcomarket/", DESKTOP),
    ("servicepoint", "/repairs/counter/", DESKTOP),
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("username", "home", "viewport"), ROLES,
                         ids=[role[0] for role in ROLES])
def test_each_role_logs_in_lands_home_and_walks_its_menu_without_an_error_or_overflow(
        site_page, username, home, viewport, language):
    page = site_page(viewport)

    _log_in(page, username, language)

    assert page.url.endswith(home), f"{username} landed on {page.url}"
    problems = _walk_the_menu(page, username, language)
    assert problems == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_operator_opens_a_case_from_the_list_without_overflow(site_page, language):
    page = site_page()
    _log_in(page, "operator", language)

    page.goto("/console/cases/")
    page.locator("table a[href*='/console/cases/']").first.click()
    page.wait_for_load_state()

    assert "/console/cases/HL-" in page.url
    assert _problems(page, "operator case page", language, 200) == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_customer_opens_the_tracking_page_from_the_demos_signed_link(site_page, demo_site,
                                                                       language):
    _base, output = demo_site
    link = re.search(r"https?://[^/\s]+(/track/[^\s]+/)", output)
    assert link, "load_demo printed no tracking link"
    problems = []
    for viewport in (DESKTOP, PHONE):
        page = site_page(viewport)
        page.goto(link.group(1))
        _choose_language(page, language)

        expect(page.get_by_test_id("public-status")).to_be_visible()
        name = f"customer tracking {viewport['width']}"
        problems += _problems(page, name, language, 200)
        assert page.locator(".mainnav").count() == 0
    assert problems == []


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("username", ["supervisor", "admin"])
def test_the_top_bar_stays_on_one_line_at_1280_px(site_page, username, language):
    page = site_page()

    _log_in(page, username, language)

    tops = page.eval_on_selector_all(
        ".topbar > *, .mainnav > ul > li", "items => items.map(i => i.getBoundingClientRect().top)")
    height = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height")
    assert len(tops) > 6
    assert max(tops) - min(tops) < 20, f"the top bar wraps: {tops}"
    assert height < 64, f"the top bar is {height} px high"


def test_the_menus_open_and_close_with_the_keyboard(site_page):
    page = site_page()
    _log_in(page, "supervisor", "en")
    calls = page.locator("[data-navgroup=calls]")
    wallboard = page.locator("[data-nav='calls:wallboard']")

    calls.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(wallboard).to_be_visible()
    page.keyboard.press("Escape")
    expect(wallboard).to_be_hidden()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/calls/wallboard/"))

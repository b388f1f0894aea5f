"""Browser tests: Playwright drives Debian's chromium (/usr/bin/chromium); never a download.

Run by `make test-browser` (and .ci/run, which installs chromium with apt-get). Without the
browser the tests skip with the reason locally and fail in CI.
"""

import os
import shutil
from pathlib import Path

import pytest

from conftest import service_missing

HERE = Path(__file__).parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _browser():
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (Path(executable).exists() or shutil.which(executable)):
        service_missing(f"browser tests need Debian's chromium at {executable} "
                        "(apt-get install chromium)")
    # Playwright's sync API runs an event loop; let Django's ORM run beside it in tests.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    context = _browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login(page):
    def do(username, password="pw"):
        page.goto("/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        # The login form's own button (a signed-in user's page also has the Log out button),
        # and wait for the answer: a page.goto right after would cancel the post.
        with page.expect_navigation():
            page.click("form:has(input[name=username]) button[type=submit]")

    return do

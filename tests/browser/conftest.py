"""Browser fixtures: one Chromium per session, the built site served on 127.0.0.1, a fresh
context per test.

Chromium comes from the system (`/usr/bin/chromium`, or the browser the `BROWSER_PATH`
environment variable names, like GitHub's /usr/bin/google-chrome): Playwright's own browser
download is not used. Without Chromium the browser tests are skipped with the reason,
unless `REQUIRE_BROWSER=1` (CI), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from bench.chromium import LAUNCH_ARGS, chromium_path
from browser.site_server import SiteServer, serve_site
from conftest import REPO_ROOT
from guide.stages import STAGES_FILE, StageProgram, load_stages

# Sub-path the site is also served under: its links must all be relative.
SUB_PATH = "/guide/"


def installed_chromium() -> Path:
    """Where Chromium is, or skip (fail when REQUIRE_BROWSER=1) with what to install."""
    path = chromium_path()
    if not path.is_file():
        reason = (
            f"Chromium not found at {path}: install it with `sudo apt-get install chromium` "
            "(Debian) or set BROWSER_PATH to a Chromium or Chrome, to run the browser tests"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives Chromium: mark it, so `-m "not browser"` skips them."""
    folder = Path(__file__).parent
    for item in items:
        if folder in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    installed_chromium()  # skip (or fail) before starting Playwright's driver
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """One Chromium for the whole session."""
    chromium = playwright_driver.chromium.launch(
        executable_path=str(installed_chromium()), args=LAUNCH_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def site(built_site: Path) -> Iterator[SiteServer]:
    """The real build, served at the root of 127.0.0.1:<free port>."""
    with serve_site(built_site, mount="/") as server:
        yield server


@pytest.fixture(scope="session")
def site_in_sub_path(built_site: Path) -> Iterator[SiteServer]:
    """The same build, served only under /guide/ (nothing answers at the root)."""
    with serve_site(built_site, mount=SUB_PATH) as server:
        yield server


@pytest.fixture(scope="session")
def program() -> StageProgram:
    """The stages in the order of docs/_data/stages.yml."""
    return load_stages(REPO_ROOT / "docs" / STAGES_FILE)


ContextOpener = Callable[..., BrowserContext]


@pytest.fixture
def open_context(browser: Browser) -> Iterator[ContextOpener]:
    """Open fresh contexts (no cookies, storage or cache) with Playwright's options;
    all are closed after the test. Defaults: 1280 x 800, light palette."""
    opened: list[BrowserContext] = []

    def open_(**options: object) -> BrowserContext:
        options = {"viewport": {"width": 1280, "height": 800}, "color_scheme": "light", **options}
        opened.append(browser.new_context(**options))
        # Everything here is local and quick: a missing element should fail in seconds.
        opened[-1].set_default_timeout(5000)
        return opened[-1]

    yield open_
    for context in opened:
        context.close()


@pytest.fixture
def context(open_context: ContextOpener) -> BrowserContext:
    """A fresh context for the test: 1280 x 800, light palette."""
    return open_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()

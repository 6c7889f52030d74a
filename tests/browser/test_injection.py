"""A script that reaches a page through Markdown does not run; the site's own scripts do.

The validator refuses such content, so this builds with MkDocs alone (as an attacker who
got past review would): the Content-Security-Policy is the last line, and here the browser
itself shows that it holds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page

from browser.conftest import ContextOpener
from browser.site_server import SiteServer, serve_site
from conftest import build_or_fail, copy_site_sources

# Each one would set a flag on `window` if it ran: an inline script, an event attribute,
# a javascript: address followed by a click, and an inline script copied from the theme
# but changed (its hash is not the theme's).
INJECTIONS = """

<script>window.injectedInline = true;</script>

<img src="missing.png" alt="" onerror="window.injectedAttribute = true">

<a id="injected-link" href="javascript:window.injectedLink = true">Read more</a>

<script>__md_scope=new URL(".",location);window.injectedCopy = true;</script>
"""
FLAGS = ("injectedInline", "injectedAttribute", "injectedLink", "injectedCopy")


def policy_reports(page: Page) -> list[str]:
    """Chromium's console reports of content the policy blocked, collected as the page runs."""
    reports: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            reports.append(message.text)

    page.on("console", keep)
    return reports


@pytest.fixture(scope="module")
def injected_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    project = copy_site_sources(tmp_path_factory.mktemp("injected") / "project")
    page = project / "docs" / "stages" / "tolerance.md"
    page.write_text(page.read_text(encoding="utf-8") + INJECTIONS, encoding="utf-8")
    built = build_or_fail(project, project.parent / "site")
    with serve_site(built, mount="/") as server:
        yield server


def test_an_injected_script_is_blocked_and_the_sites_scripts_still_run(
    injected_site: SiteServer, open_context: ContextOpener
) -> None:
    page = open_context(viewport={"width": 360, "height": 800}).new_page()
    violations = policy_reports(page)
    page.goto(injected_site.url_of("stages/tolerance/"))
    page.wait_for_load_state("load")
    page.click("#injected-link")

    ran = page.evaluate(f"{list(FLAGS)}.filter(flag => window[flag] !== undefined)")
    assert ran == [], f"injected code ran: {ran}"

    # One report per blocked inline script, event attribute and javascript: address.
    assert len(violations) >= len(FLAGS), violations
    assert all("script-src" in text for text in violations), violations

    # The theme's inline script (scope for saved settings), Material's bundle (the search
    # worker's input) and the project's own header buttons all ran under the same policy.
    assert page.evaluate("window.__md_scope instanceof URL")
    assert page.evaluate("typeof window.document$ === 'object'")
    menu = page.locator(".md-header button.menu-button")
    assert menu.inner_text().strip() == "Menu"
    assert page.get_by_role("button", name="Dark mode").is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"


def test_the_site_itself_reports_no_policy_violation(
    site: SiteServer, open_context: ContextOpener
) -> None:
    """The policy blocks nothing of the site's own: every page loads without a report."""
    page = open_context().new_page()
    violations = policy_reports(page)
    for path in sorted(site.root.rglob("index.html")):
        page.goto(site.url_of(path.parent.relative_to(site.root).as_posix() + "/"))
        page.wait_for_load_state("load")
    assert violations == []

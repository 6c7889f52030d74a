"""The 404 page, served at any missing address under a sub-path: styled, and its home link
leads to the guide."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page

from browser.conftest import SUB_PATH
from browser.site_server import SiteServer, serve_site
from conftest import REPO_ROOT, build_or_fail

# Only the path of site_url matters to the 404 page's links; the host is never contacted.
SITE_URL = f"https://guide.example.org{SUB_PATH}"


@pytest.fixture(scope="module")
def published_in_sub_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The site built as it is published under /guide/ (SITE_URL says so), served there."""
    site = build_or_fail(
        REPO_ROOT, tmp_path_factory.mktemp("sub-path") / "site", env={"SITE_URL": SITE_URL}
    )
    with serve_site(site, mount=SUB_PATH) as server:
        yield server


# The stylesheets' rules are in use: Material's header is sticky only with Material's CSS,
# the care-team note has a border only with site.css. (A stylesheet answered with the 404
# page still gets a `sheet`, so that alone would prove nothing.)
_STYLED = """() => [
  getComputedStyle(document.querySelector(".md-header")).position,
  getComputedStyle(document.querySelector(".care-team-note")).borderLeftStyle,
]"""


@pytest.mark.parametrize("missing", ["no-such-page/", "stages/no-such-stage/deeper/page.html"])
def test_a_missing_page_under_a_sub_path_is_styled_and_leads_home(
    page: Page, published_in_sub_path: SiteServer, missing: str
) -> None:
    server = published_in_sub_path
    problems: list[str] = []
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status}: {response.url}")
            if response.status >= 400 and response.url != server.url_of(missing)
            else None
        ),
    )

    def console_error(message: ConsoleMessage) -> None:
        # Includes Chromium's reports of Content Security Policy refusals; not its report of
        # the 404 status itself, which is what a missing page must answer.
        if message.type == "error" and message.location["url"] != server.url_of(missing):
            problems.append(f"console error: {message.text}")

    page.on("console", console_error)

    response = page.goto(server.url_of(missing))
    assert response is not None and response.status == 404
    assert page.locator("article h1").inner_text() == "Page not found"
    assert page.evaluate(_STYLED) == ["sticky", "solid"]

    home = page.get_by_role("link", name="Go to the start of the guide")
    assert home.get_attribute("href") == SUB_PATH  # written as a reader would, not "/guide/."
    home.click()
    page.wait_for_load_state()
    assert page.url == server.url
    assert page.locator(".md-header").evaluate("(header) => getComputedStyle(header).position") == (
        "sticky"
    )
    assert not problems, "\n".join(problems)

"""The guide tracks no one and loads nothing from other websites: every request of every
page (the search worker and its index included) goes to the site's own server."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from browser.pages import site_pages
from browser.site_server import SiteServer

# Material keeps the reader's palette choice in localStorage under "<site path>.__palette"
# (and other "<site path>.__<name>" keys); nothing else may be stored.
MATERIAL_STORAGE_KEY = re.compile(r"/(?:[^/]+/)*\.__\w+")


def visit_every_page(
    context: BrowserContext, page: Page, server: SiteServer, paths: list[str], *, until: str
) -> tuple[list[Request], list[str]]:
    """Load each page (`until` a Playwright load state); every request made, every failure."""
    requests: list[Request] = []
    failures: list[str] = []
    # A lambda, not requests.append: Playwright cannot wrap a builtin method as a listener.
    context.on("request", lambda request: requests.append(request))  # noqa: PLW0108

    def failed(request: Request) -> None:
        # ERR_ABORTED: the browser dropped the request because the test moved to the next page.
        if request.failure != "net::ERR_ABORTED":
            failures.append(f"failed ({request.failure}): {request.url}")

    context.on("requestfailed", failed)

    def bad_status(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/404.html"):
            failures.append(f"{response.status}: {response.url}")

    def console_error(message: ConsoleMessage) -> None:
        # Includes the browser's own reports of Content Security Policy refusals.
        if message.type == "error":
            failures.append(f"console error on {page.url}: {message.text}")

    context.on("response", bad_status)
    page.on("console", console_error)
    page.on("pageerror", lambda error: failures.append(f"script error on {page.url}: {error}"))
    for path in paths:
        page.goto(server.url_of(path), wait_until=until)
    # Use search too, so its worker and index are surely loaded.
    page.locator("input.md-search__input").click()
    page.keyboard.type("kidney")  # typed, as Material's search listens to key presses
    try:
        page.locator("a.md-search-result__link").first.wait_for(timeout=5000)
    except PlaywrightTimeoutError:
        failures.append(f"search shows no results on {page.url}")
    return requests, failures


def test_every_request_goes_to_the_site_itself(
    context: BrowserContext, page: Page, site: SiteServer, built_site: Path
) -> None:
    requests, failures = visit_every_page(
        context, page, site, site_pages(built_site), until="networkidle"
    )
    elsewhere = sorted(
        {request.url for request in requests if not request.url.startswith(site.origin + "/")}
    )
    assert not elsewhere, "requests to other origins:\n" + "\n".join(elsewhere)
    assert any("search_index" in request.url for request in requests), "search index never loaded"
    assert not failures, "\n".join(failures)


def test_no_cookies_and_only_material_settings_in_storage(
    context: BrowserContext, page: Page, site: SiteServer
) -> None:
    page.goto(site.url, wait_until="networkidle")
    page.get_by_role("button", name="Dark mode").click()  # Material stores this choice
    stored = page.evaluate("[...Object.keys(localStorage), ...Object.keys(sessionStorage)]")
    assert context.cookies() == []
    assert [key for key in stored if not MATERIAL_STORAGE_KEY.fullmatch(key)] == []


def test_every_page_works_from_a_sub_path(
    context: BrowserContext, page: Page, site_in_sub_path: SiteServer, built_site: Path
) -> None:
    # 404.html is left out: its links are absolute (site_url), as it is served at any depth.
    paths = [path for path in site_pages(built_site) if path != "404.html"]
    requests, failures = visit_every_page(context, page, site_in_sub_path, paths, until="load")
    outside = sorted(
        {request.url for request in requests if not request.url.startswith(site_in_sub_path.url)}
    )
    assert not outside, "requests outside the sub-path:\n" + "\n".join(outside)
    assert not failures, "\n".join(failures)

"""Reading the guide in Chromium: stage by stage with "Next", by keyboard, from a sub-path,
on a 320 px screen, with search and with the dark palette."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from browser.conftest import ContextOpener
from browser.pages import site_pages, stage_path, tab_to, wait_for_palette
from browser.site_server import SiteServer
from guide.stages import StageProgram


@pytest.mark.parametrize("served_from", ["site", "site_in_sub_path"])
def test_next_walks_every_stage_in_the_order_of_the_yaml(
    request: pytest.FixtureRequest, page: Page, program: StageProgram, served_from: str
) -> None:
    server: SiteServer = request.getfixturevalue(served_from)
    stages = list(program)
    page.goto(server.url_of(stage_path(stages[0])))
    for stage in stages:
        assert page.url == server.url_of(stage_path(stage))
        assert (
            page.locator(".stage-position").inner_text() == f"Stage {stage.number} of {len(stages)}"
        )
        assert page.locator("article h1 .stage-heading__title").inner_text() == stage.title
        if stage is stages[-1]:
            break
        page.locator("a[rel=next]", has_text="Next:").click()
        page.wait_for_load_state()
    assert page.locator("a", has_text="Next:").count() == 0


@pytest.mark.parametrize(
    ("start", "link", "lands_on"),
    [
        (0, "article a[rel=next]", 1),  # Next
        (-1, "article a[rel=prev]", -2),  # Previous
        (0, "nav.stage-list li:last-child a", -1),  # a stage in the list of all stages
    ],
    ids=["next", "previous", "stage-list"],
)
def test_stage_links_work_with_tab_and_enter(
    page: Page, site: SiteServer, program: StageProgram, *, start: int, link: str, lands_on: int
) -> None:
    stages = list(program)
    page.goto(site.url_of(stage_path(stages[start])))
    tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(site.url_of(stage_path(stages[lands_on])))


def test_no_page_scrolls_sideways_at_320_px(
    open_context: ContextOpener, site: SiteServer, built_site: Path
) -> None:
    # 320 CSS px is what a 1280 px window shows at 400 % zoom (WCAG 1.4.10, Reflow).
    page = open_context(viewport={"width": 320, "height": 640}).new_page()
    too_wide = []
    for path in site_pages(built_site):
        page.goto(site.url_of(path))
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll_width > client_width:
            too_wide.append(f"/{path}: {scroll_width}px of content in {client_width}px")
    assert not too_wide, "pages that scroll sideways at 320px:\n" + "\n".join(too_wide)


def test_search_finds_the_tolerance_stage(page: Page, site: SiteServer) -> None:
    page.goto(site.url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("tolerance")
    results = page.locator("a.md-search-result__link")
    results.first.wait_for()
    # Material adds ?h=<term> (search.highlight) and #section; the page is what matters.
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    found = {urlsplit(href)._replace(query="", fragment="").geturl() for href in hrefs}
    assert site.url_of("stages/tolerance/") in found


def test_dark_palette_toggle_changes_colours_and_is_remembered(
    page: Page, site: SiteServer
) -> None:
    page.goto(site.url)
    wait_for_palette(page, "light")
    light_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    toggle = page.get_by_role("button", name="Dark mode")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    wait_for_palette(page, "dark")  # data-md-color-scheme="slate" and a dark background
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light_background
    assert toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    wait_for_palette(page, "dark")
    assert toggle.get_attribute("aria-pressed") == "true"

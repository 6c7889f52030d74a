"""Where am I, what comes next: on a phone's first screen (360 x 800), before any scrolling.

Measured as a reader sees the page: each thing must be inside the first screen and not
covered by anything (the header, a drawer), and the heading is read from the
accessibility tree, as a screen reader moving by headings announces it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page

from browser.conftest import ContextOpener
from browser.pages import stage_path
from browser.site_server import SiteServer
from guide.stages import StageProgram

PHONE = {"width": 360, "height": 800}

# Whether the reader can see the element without scrolling: inside the viewport, and its
# middle (each line's, for text that wraps) not covered by anything else.
ON_FIRST_SCREEN = """(element) => {
  const boxes = [...element.getClientRects()].filter((box) => box.width && box.height);
  if (!boxes.length) return "not shown";
  for (const box of boxes) {
    if (box.top < 0 || box.bottom > innerHeight || box.left < 0 || box.right > innerWidth)
      return `at ${Math.round(box.top)}-${Math.round(box.bottom)}px, below the first screen`;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (!hit || !(hit === element || element.contains(hit)))
      return `covered by <${hit?.tagName.toLowerCase()} class="${hit?.className}">`;
  }
  return "";
}"""


def where_it_falls_short(locator: Locator) -> str:
    return locator.evaluate(ON_FIRST_SCREEN)


def spoken(name: str) -> str:
    """An accessible name as spoken: Chromium puts a space where a block ends (" :")."""
    return re.sub(r"\s+([:,])", r"\1", " ".join(name.split()))


@pytest.fixture
def phone(open_context: ContextOpener) -> Page:
    return open_context(viewport=PHONE).new_page()


def test_a_stage_page_shows_where_you_are_and_what_comes_next_on_the_first_screen(
    phone: Page, site: SiteServer, program: StageProgram
) -> None:
    program_name = "Immunotherapy for kidney disease"
    problems = []
    for stage in program:
        phone.goto(site.url_of(stage_path(stage)))
        article = phone.locator("article")
        contents = article.get_by_role("navigation", name="Stages of the program", exact=True)
        must_show = {
            "the program's name": article.get_by_text(program_name, exact=True),
            "the heading": article.get_by_role("heading", level=1),
            "the list of stages": contents.get_by_role("list"),
        }
        following = program.next(stage)
        if following is not None:
            must_show["the next stage"] = contents.get_by_role(
                "link", name=f"Next: Stage {following.number}, {following.title}"
            )
        for what, locator in must_show.items():
            if shortfall := where_it_falls_short(locator):
                problems.append(f"/{stage_path(stage)}: {what} is {shortfall}")

        heading = must_show["the heading"].evaluate("h => h.textContent")
        headings = [
            spoken(name)
            for name in phone.get_by_role("heading", level=1).evaluate_all(
                "hs => hs.map(h => h.innerText)"
            )
        ]
        assert heading and headings == [f"Stage {stage.number} of {len(program)}: {stage.title}"]
        items = contents.get_by_role("listitem")
        assert items.count() == len(program)
        assert items.nth(stage.number - 1).locator("[aria-current=page]").count() == 1
    assert not problems, "\n".join(problems)


def test_the_position_is_in_the_heading_a_screen_reader_announces(
    page: Page, site: SiteServer, program: StageProgram
) -> None:
    stage = program.stages[3]
    page.goto(site.url_of(stage_path(stage)))
    snapshot = page.locator("article").aria_snapshot()
    level_one = re.findall(r'heading "([^"]+)" \[level=1\]', snapshot)
    assert [spoken(name) for name in level_one] == [
        f"Stage {stage.number} of {len(program)}: {stage.title}"
    ]


def test_the_home_page_starts_with_a_link_to_stage_one(
    phone: Page, site: SiteServer, program: StageProgram
) -> None:
    first = program.stages[0]
    phone.goto(site.url)
    start = phone.locator("article").get_by_role(
        "link", name=f"Start: Stage {first.number}, {first.title}"
    )
    assert where_it_falls_short(start) == ""
    start.click()
    phone.wait_for_url(site.url_of(stage_path(first)))


@pytest.mark.parametrize("width", [360, 1280])
def test_the_skip_link_lands_on_the_stage_heading(
    open_context: ContextOpener, site: SiteServer, program: StageProgram, width: int
) -> None:
    page = open_context(viewport={"width": width, "height": 800}).new_page()
    stage = program.stages[3]
    page.goto(site.url_of(stage_path(stage)))
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text().strip() == "Skip to content"
    page.keyboard.press("Enter")
    focused = page.locator(":focus")
    assert focused.evaluate("e => e.tagName") == "H1"
    assert spoken(focused.inner_text()) == f"Stage {stage.number} of {len(program)}: {stage.title}"
    # Below the sticky header, where the reader can see it.
    heading_top = focused.evaluate("e => e.getBoundingClientRect().top")
    header_bottom = page.locator(".md-header").evaluate("e => e.getBoundingClientRect().bottom")
    assert header_bottom <= heading_top < 800
    # The next Tab goes on from the heading: to the contents (phone) or the next stage.
    page.keyboard.press("Tab")
    after = page.locator(":focus")
    assert after.evaluate("e => e.closest('nav.stage-contents') !== null")

"""Keyboard use of the stage pages: every focused element can be seen (not under the sticky
header, not off screen), the menu and its drawer work from the keyboard alone, and the
palette switch is one named toggle."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from browser.conftest import ContextOpener
from browser.pages import stage_path, tab_to
from browser.site_server import SiteServer
from guide.stages import Stage, StageProgram

# Where the focused element is, and whether the reader can see it. An element counts as
# hidden under the header when its top is above the header's bottom, unless it is inside
# the header or drawn on top of it (the "Skip to content" link is, by design).
FOCUS = """async (first) => {
  const element = document.activeElement;
  if (element === null || element === document.body) return null;
  // The first stop of a round; meeting it again ends the round.
  if (first) window.__firstFocusStop = element;
  else if (element === window.__firstFocusStop) return {done: true};
  // Let scrolling and sliding panels settle before measuring: the drawer, or the search
  // box, sliding away as focus leaves them may pass over the newly focused control.
  // Only movement matters here; colour transitions on focus are left to run.
  const moving = document.getAnimations().filter((animation) =>
    animation.playState === "running"
    && !/color|shadow|opacity/.test(animation.transitionProperty ?? ""));
  const settled = moving.map((animation) => animation.finished.catch(() => {}));
  await Promise.race([Promise.all(settled), new Promise((done) => setTimeout(done, 1000))]);
  const box = element.getBoundingClientRect();
  const header = document.querySelector(".md-header").getBoundingClientRect();
  const onTop = (x, y) => {
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (element === hit || element.contains(hit));
  };
  const inHeader = element.closest(".md-header") !== null;
  const underHeader = !inHeader && box.top < header.bottom - 0.5
    && !onTop(box.left + box.width / 2, Math.max(box.top, 0) + 1);
  // In the header too: a control there must be on screen and not covered.
  const offScreen = box.right <= 0 || box.left >= innerWidth || box.bottom <= 0
    || box.top >= innerHeight
    || (inHeader && !onTop(box.left + box.width / 2, box.top + box.height / 2));
  const label = (element.getAttribute("aria-label") || element.innerText || element.tagName)
    .replace(/\\s+/g, " ").trim().slice(0, 60);
  return {label, top: Math.round(box.top), headerBottom: Math.round(header.bottom),
          underHeader, offScreen, done: false};
}"""

MAX_TAB_STOPS = 150


def tab_through(page: Page, key: str) -> list[dict]:
    """Press `key` until focus has been everywhere once; what was focused at each stop."""
    stops: list[dict] = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS, not stops)
        if focus is None:  # focus is on the page itself, between two rounds
            if stops:
                break
            continue
        if focus["done"]:
            break
        stops.append(focus)
    return stops


def focus_problems(
    page: Page, site: SiteServer, stages: list[Stage], width: int
) -> dict[str, list[str]]:
    """Tab, then Shift+Tab, through each stage page; the stops where focus cannot be seen,
    as {"under header": [...], "off screen": [...]}."""
    problems: dict[str, list[str]] = {"under header": [], "off screen": []}
    for stage in stages:
        page.goto(site.url_of(stage_path(stage)))
        for key in ("Tab", "Shift+Tab"):
            for stop in tab_through(page, key):
                where = f"/{stage_path(stage)} at {width}px ({key}): {stop['label']!r}"
                if stop["underHeader"]:
                    problems["under header"].append(
                        f"{where} top {stop['top']}px is under the header "
                        f"(bottom {stop['headerBottom']}px)"
                    )
                if stop["offScreen"]:
                    problems["off screen"].append(f"{where} is focused but off screen")
    return problems


def test_focus_is_never_hidden_under_the_header_or_off_screen(
    open_context: ContextOpener, site: SiteServer, program: StageProgram
) -> None:
    page = open_context(viewport={"width": 1280, "height": 700}).new_page()
    problems = focus_problems(page, site, list(program), width=1280)
    found = problems["under header"] + problems["off screen"]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", [320, 360])
def test_focus_is_never_hidden_or_off_screen_on_a_narrow_screen(
    open_context: ContextOpener, site: SiteServer, program: StageProgram, width: int
) -> None:
    page = open_context(viewport={"width": width, "height": 700}).new_page()
    stages = list(program)
    problems = focus_problems(page, site, [stages[0], stages[3]], width=width)
    found = problems["under header"] + problems["off screen"]
    assert not found, "\n".join(found)


def test_menu_opens_and_closes_from_the_keyboard_on_a_narrow_screen(
    open_context: ContextOpener, site: SiteServer, program: StageProgram
) -> None:
    page = open_context(viewport={"width": 360, "height": 700}).new_page()
    page.goto(site.url_of(stage_path(program.stages[3])))
    menu = page.get_by_role("button", name="Menu")
    tab_to(page, "button.menu-button", max_presses=5)  # after "Skip to content" and the logo
    assert menu.get_attribute("aria-expanded") == "false"

    page.keyboard.press("Enter")
    page.locator(".md-sidebar--primary a:focus").wait_for()
    assert menu.get_attribute("aria-expanded") == "true"
    focused_is_visible = page.evaluate(
        """() => {
          const box = document.activeElement.getBoundingClientRect();
          const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
          return box.width > 0 && document.activeElement.contains(hit);
        }"""
    )
    assert focused_is_visible, "focus moved into the menu, but to a link the reader cannot see"

    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert menu.evaluate("button => button === document.activeElement")


# Every link in the open drawer, and whether the reader can see it (not under another
# pane, not off screen).
DRAWER_LINKS = """() => [...document.querySelectorAll(".md-sidebar--primary a[href]")]
  .filter((link) => link.getClientRects().length)
  .map((link) => {
    const box = link.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {text: link.innerText.trim() || link.getAttribute("aria-label"),
            seen: box.right > 0 && box.left < innerWidth && hit !== null && link.contains(hit)};
  })"""


def test_the_drawer_opens_at_its_top_level_with_every_page_in_sight(
    open_context: ContextOpener, site: SiteServer, program: StageProgram
) -> None:
    page = open_context(viewport={"width": 360, "height": 800}).new_page()
    page.goto(site.url_of(stage_path(program.stages[3])))
    menu = page.get_by_role("button", name="Menu", exact=True)
    assert menu.inner_text().strip() == "Menu"  # the word, not only an icon
    menu.focus()
    page.keyboard.press("Enter")
    page.locator(".md-sidebar--primary a:focus").wait_for()
    links = page.evaluate(DRAWER_LINKS)
    stage_titles = [f"{stage.number}. {stage.title}" for stage in program]
    expected = [
        "Home",
        *stage_titles,
        "Glossary",
        "About this information",
        "All stages on one page",
    ]
    assert [link["text"] for link in links][1:] == expected  # after the site's own name
    hidden = [link["text"] for link in links if not link["seen"]]
    assert not hidden, f"links in the open drawer that cannot be seen: {hidden}"
    # Every control in the drawer can be named: nothing announced as a bare arrow or icon.
    nameless = page.locator(".md-sidebar--primary").evaluate(
        """(drawer) => [...drawer.querySelectorAll("a[href], button, [tabindex]")]
          .filter((control) => control.getClientRects().length)
          .filter((control) => !(control.getAttribute("aria-label") || control.innerText.trim()))
          .map((control) => control.outerHTML.slice(0, 80))"""
    )
    assert not nameless


def test_the_palette_switch_is_one_toggle_that_works_from_the_keyboard(
    page: Page, site: SiteServer
) -> None:
    page.goto(site.url)
    header = page.locator(".md-header").aria_snapshot()
    assert "radio" not in header, header
    toggle = page.get_by_role("button", name="Dark mode", exact=True)
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert toggle.evaluate("t => t === document.activeElement")  # focus stays on it
    page.keyboard.press("Space")
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'default'")
    assert toggle.get_attribute("aria-pressed") == "false"


def test_search_opens_from_the_keyboard_on_a_narrow_screen(
    open_context: ContextOpener, site: SiteServer
) -> None:
    page = open_context(viewport={"width": 360, "height": 800}).new_page()
    page.goto(site.url)
    search = page.get_by_role("button", name="Search", exact=True)
    tab_to(page, 'button[aria-controls="__search"]', max_presses=8)  # after menu and palette
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('input.md-search__input')")
    assert search.get_attribute("aria-expanded") == "true"
    page.keyboard.type("tolerance")
    page.locator("a.md-search-result__link").first.wait_for()
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('__search').checked")
    assert search.get_attribute("aria-expanded") == "false"
    assert search.evaluate("button => button === document.activeElement")

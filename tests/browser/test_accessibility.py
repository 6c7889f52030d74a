"""Accessibility of every built page, checked in Chromium: axe-core (WCAG 2.2 A/AA) at two
widths in both palettes, heading order, and link names."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from browser.conftest import ContextOpener
from browser.pages import (
    AXE_SCRIPT,
    describe_violations,
    inject_axe,
    run_axe,
    site_pages,
    wait_for_palette,
)
from browser.site_server import SiteServer

WIDTHS = (360, 1280)


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_axe_finds_no_wcag_violations_on_any_page(
    open_context: ContextOpener, site: SiteServer, built_site: Path, palette: str
) -> None:
    # The dark palette comes from the reader's system setting (prefers-color-scheme), as
    # mkdocs.yml configures it; wait_for_palette makes sure its colours are what axe sees.
    context = open_context(color_scheme=palette)
    context.add_init_script(path=AXE_SCRIPT)  # axe-core in every page from the start
    page = context.new_page()
    problems: list[str] = []
    for path in site_pages(built_site):
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        page.goto(site.url_of(path), wait_until="domcontentloaded")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            wait_for_palette(page, palette)
            where = f"/{path} at {width}px, {palette} palette"
            problems += describe_violations(run_axe(page), where)
    assert not problems, "axe-core found WCAG violations:\n" + "\n".join(problems)


# Every heading in the page (hidden with display:none excepted), as [level, text].
HEADINGS = """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
  .filter((heading) => heading.checkVisibility())
  .map((heading) => [Number(heading.tagName[1]), heading.textContent.trim()])"""


def heading_problems(headings: list[list]) -> list[str]:
    """Exactly one h1, first; going down, no level is skipped (h2 -> h4)."""
    problems = []
    h1_count = sum(1 for level, _ in headings if level == 1)
    if h1_count != 1:
        problems.append(f"{h1_count} h1 headings instead of one")
    previous = 0
    for level, text in headings:
        if level > previous + 1:
            problems.append(
                f"h{level} {text!r} follows h{previous}"
                if previous
                else f"first heading is h{level} {text!r}"
            )
        previous = level
    return problems


def test_headings_are_in_order_on_every_page(
    page: Page, site: SiteServer, built_site: Path
) -> None:
    problems = []
    for path in site_pages(built_site):
        page.goto(site.url_of(path))
        problems += [f"/{path}: {problem}" for problem in heading_problems(page.evaluate(HEADINGS))]
    assert not problems, "\n".join(problems)


# Every link a reader can meet (display:none and visibility:hidden excepted), with its
# accessible name as axe-core computes it, its visible text and where it goes.
LINKS = """() => {
  axe.setup();
  try {
    return [...document.querySelectorAll("a[href]")]
      .filter((link) => link.checkVisibility({visibilityProperty: true}))
      .map((link) => {
        const heading = link.closest("h1, h2, h3, h4, h5, h6");
        return {
          name: axe.commons.text.accessibleText(link).trim(),
          text: link.innerText.replace(/\\s+/g, " ").trim(),
          href: link.href,
          html: link.outerHTML.slice(0, 120),
          // A heading's own permalink: its purpose comes from the heading around it.
          permalink: heading !== null && link.getAttribute("href") === "#" + heading.id,
          // In running text, a link must not stand out by colour alone (WCAG 1.4.1).
          inText: link.matches(".md-typeset :is(p, li, dd, td) a:not(.headerlink)"),
          underlined: getComputedStyle(link).textDecorationLine.includes("underline"),
        };
      });
  } finally {
    axe.teardown();
  }
}"""


def link_problems(links: list[dict]) -> list[str]:
    """Links without a name or underline, and same-text links that go to different places."""
    problems = [
        f"link without an accessible name: {link['html']}" for link in links if not link["name"]
    ]
    problems += [
        f"link in text told apart by colour alone (not underlined): {link['html']}"
        for link in links
        if link["inText"] and not link["underlined"]
    ]
    targets: dict[str, set[str]] = {}
    for link in links:
        if link["text"] and not link["permalink"]:
            targets.setdefault(link["text"].casefold(), set()).add(link["href"])
    problems += [
        f"links reading {text!r} go to different places: {', '.join(sorted(hrefs))}"
        for text, hrefs in targets.items()
        if len(hrefs) > 1
    ]
    return problems


def page_link_problems(page: Page, site: SiteServer, paths: list[str]) -> list[str]:
    problems = []
    for path in paths:
        page.goto(site.url_of(path))
        inject_axe(page)
        problems += [f"/{path}: {problem}" for problem in link_problems(page.evaluate(LINKS))]
    return problems


def test_every_link_has_a_name_and_same_text_means_same_place(
    page: Page, site: SiteServer, built_site: Path
) -> None:
    problems = page_link_problems(page, site, site_pages(built_site))
    assert not problems, "\n".join(problems)

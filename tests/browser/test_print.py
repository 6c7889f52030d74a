"""Printed pages, as Chromium lays them out for paper: what each link prints after its words."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

from browser.pages import site_pages, stage_path
from browser.site_server import SiteServer
from guide.stages import StageProgram

# An address that names its own scheme ("https:", "mailto:") is complete on paper.
ABSOLUTE = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)

# Every link that is printed (laid out at all under print media), with what the browser
# generates after it; Chromium resolves attr() in the computed `content`.
_PRINTED_LINKS = """() => [...document.querySelectorAll("a[href]")]
  .filter((link) => link.getClientRects().length > 0)
  .map((link) => [link.getAttribute("href"), getComputedStyle(link, "::after").content])"""


def test_printed_links_show_a_page_title_or_nothing_and_other_sites_in_full(
    page: Page, site: SiteServer, built_site: Path
) -> None:
    page.emulate_media(media="print")
    internal: list[str] = []
    external: list[str] = []
    wrong: list[str] = []
    for path in site_pages(built_site):
        page.goto(site.url_of(path))
        for href, after in page.evaluate(_PRINTED_LINKS):
            if ABSOLUTE.match(href):
                external.append(href)
                if after != f'" ({href})"':
                    wrong.append(f"{path or 'home'}: {href} prints {after}, not its address")
            else:
                internal.append(href)
                # The words of the link name the page; nothing else is printed after them.
                if after not in {"none", "normal", '""'}:
                    wrong.append(f"{path or 'home'}: {href} prints {after}")
    # Both kinds were seen: the test is not passing on pages without links.
    assert any("../stages/" in href for href in internal), internal
    assert any(href.startswith("https://") for href in external), external
    assert not wrong, "\n".join(wrong)


def test_a_printed_stage_page_is_its_heading_and_its_text(
    page: Page, site: SiteServer, program: StageProgram
) -> None:
    """Paper cannot be clicked: the contents, the list of stages and previous/next are not
    printed; the heading with "Stage N of M" and the care-team note are."""
    page.emulate_media(media="print")
    page.goto(site.url_of(stage_path(program.stages[3])))
    shown = page.evaluate(
        """() => Object.fromEntries(["nav.stage-contents", "nav.stage-list", "nav.stage-pager",
          "article h1", ".care-team-note"].map((selector) => [selector,
          document.querySelector(selector).getClientRects().length > 0]))"""
    )
    assert shown == {
        "nav.stage-contents": False,
        "nav.stage-list": False,
        "nav.stage-pager": False,
        "article h1": True,
        ".care-team-note": True,
    }

"""The glossary for everyone: a marked term's definition opens with the keyboard, a mouse and
a finger, is read out by screen readers, closes with Escape (WCAG 1.4.13), and is written
at the size of the text it explains."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

from browser.conftest import ContextOpener
from browser.site_server import SiteServer
from conftest import REPO_ROOT
from guide.glossary import GLOSSARY_FILE, capitalized, read_glossary

TERMS, _ = read_glossary(REPO_ROOT / "docs" / GLOSSARY_FILE)
DEFINITIONS = {term.anchor: term.definition for term in TERMS}
PAGE = "stages/tolerance/"


def first_term(page: Page) -> tuple[Locator, Locator, str]:
    """The first marked term in the article, its definition, and the term's glossary anchor."""
    link = page.locator("article .glossary-term__link").first
    anchor = urlsplit(link.get_attribute("href") or "").fragment
    definition = page.locator(f"#{link.get_attribute('aria-describedby')}")
    return link, definition, anchor


def text_size(locator: Locator) -> str:
    return locator.evaluate("(element) => getComputedStyle(element).fontSize")


def test_keyboard_tab_reaches_the_first_term_opens_it_and_escape_closes_it(
    page: Page, site: SiteServer
) -> None:
    page.goto(site.url_of(PAGE))
    link, definition, anchor = first_term(page)
    expect(definition).to_be_hidden()
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("(element) => element === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the first glossary term")
    expect(definition).to_be_visible()
    expect(definition).to_have_text(DEFINITIONS[anchor])
    paragraph = link.locator("xpath=ancestor::p[1]")
    assert text_size(definition) == text_size(paragraph)
    page.keyboard.press("Escape")
    expect(definition).to_be_hidden()
    expect(link).to_be_focused()  # dismissed without moving focus
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    expect(definition).to_be_visible()  # back on the term, it opens again
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/glossary/#{anchor}")


def test_hover_opens_the_definition_and_it_stays_while_the_pointer_is_on_it(
    page: Page, site: SiteServer
) -> None:
    page.goto(site.url_of(PAGE))
    link, definition, _ = first_term(page)
    link.hover()
    expect(definition).to_be_visible()
    box = definition.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2, steps=25)
    expect(definition).to_be_visible()  # hoverable: the pointer can move onto it
    page.keyboard.press("Escape")
    expect(definition).to_be_hidden()
    page.mouse.move(0, box["y"] + 400)
    link.hover()
    expect(definition).to_be_visible()
    page.mouse.move(0, box["y"] + 400)
    expect(definition).to_be_hidden()


def test_a_tap_opens_the_definition_in_place_and_a_second_tap_follows_the_link(
    open_context: ContextOpener, site: SiteServer
) -> None:
    page = open_context(viewport={"width": 360, "height": 800}, has_touch=True).new_page()
    page.goto(site.url_of(PAGE))
    link, definition, anchor = first_term(page)
    link.tap()
    expect(definition).to_be_visible()
    assert urlsplit(page.url).path.endswith(PAGE)  # the reader stays where they were
    assert text_size(definition) == text_size(link.locator("xpath=ancestor::p[1]"))
    box = definition.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.locator("article h1").tap()
    expect(definition).to_be_hidden()
    link.tap()
    expect(definition).to_be_visible()
    link.tap()
    page.wait_for_url(f"**/glossary/#{anchor}")
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()


def test_screen_readers_hear_the_definition_as_the_terms_description(
    page: Page, site: SiteServer
) -> None:
    page.goto(site.url_of(PAGE))
    links = page.locator("article .glossary-term__link")
    assert links.count() >= 3
    for index in range(links.count()):
        link = links.nth(index)
        anchor = urlsplit(link.get_attribute("href") or "").fragment
        expect(link).to_have_accessible_description(DEFINITIONS[anchor])
        expect(link).to_have_accessible_name(link.inner_text())
    # Read in order, the page does not say each definition in the middle of its sentence.
    tree = page.locator("article").aria_snapshot()
    for anchor in {urlsplit(links.nth(i).get_attribute("href") or "").fragment
                   for i in range(links.count())}:  # fmt: skip
        assert DEFINITIONS[anchor] not in tree


def test_only_the_first_use_on_a_page_is_a_term(page: Page, site: SiteServer) -> None:
    page.goto(site.url_of(PAGE))
    article = page.locator("article")
    uses = article.get_by_text("immune complexes", exact=False)
    assert uses.count() >= 2  # the tolerance page says it many times
    terms = article.locator(".glossary-term__link", has_text="immune complexes")
    expect(terms).to_have_count(1)
    before = terms.evaluate(
        """(term) => {
          const range = document.createRange();
          range.setStart(term.closest("article"), 0);
          range.setEndBefore(term);
          return range.toString();
        }"""
    )
    assert "immune complex" not in before.lower()


def test_the_glossary_page_headings_are_not_glossed(page: Page, site: SiteServer) -> None:
    page.goto(site.url_of("glossary/"))
    headings = page.locator("article h2")
    expect(headings).to_have_count(len(TERMS))
    expect(page.locator("article .glossary-term")).to_have_count(0)
    for index, term in enumerate(TERMS):
        heading = headings.nth(index)
        expect(heading).to_have_attribute("id", term.anchor)
        expect(heading.locator("a:not(.headerlink)")).to_have_count(0)
        expect(heading).to_contain_text(capitalized(term.term))

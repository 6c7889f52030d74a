"""Glossary terms in pages: only the first use of each term is marked, never inside code,
headings or links; every mark links to an entry the glossary page really has."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import markdown
import pytest

from conftest import REPO_ROOT
from guide.glossary import GLOSSARY_FILE, GLOSSARY_PAGE, Term, read_glossary
from html_pages import parse
from render.glossary_terms import GlossaryTerms

TERMS = [
    Term("immune complex", "A tiny clump.", ("immune complexes",)),
    Term("immune system", "The body's defence."),
    Term("renal", "To do with the kidneys."),
]
SITE_TERMS, _ = read_glossary(REPO_ROOT / "docs" / GLOSSARY_FILE)


def marked(source: str, page: str = "stages/example.md") -> lxml.html.HtmlElement:
    """`source` rendered with the glossary extension (and the site's attr_list), as a tree."""
    glossary = GlossaryTerms(TERMS, GLOSSARY_PAGE)
    glossary.page = page
    html = markdown.markdown(source, extensions=["attr_list", "toc", glossary])
    return lxml.html.fragment_fromstring(html, create_parent="div")


def marks(tree: lxml.html.HtmlElement) -> list[str]:
    return [link.text_content() for link in tree.xpath("//a[@class='glossary-term__link']")]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("The immune system and the immune system.", ["immune system"]),
        # Forms of one term count as one: the plural after the singular stays plain.
        ("An immune complex, then immune complexes.", ["immune complex"]),
        ("Immune complexes first. Then an immune complex.", ["Immune complexes"]),
        ("Renal cells.\n\nMore renal cells, and the immune system.", ["Renal", "immune system"]),
        # Whole words only.
        ("Adrenal glands, renally, nonrenal, renal-cell.", []),
        # Inside emphasis and list items, terms are still words in a sentence.
        ("- *The immune system* helps.\n- So does the immune system.", ["immune system"]),
        # After a link, in the link's tail.
        ("See [the page](other.md) about the renal unit.", ["renal"]),
        # Several terms in one run of text, each once, in order.
        (
            "renal, immune system, renal, immune complex.",
            ["renal", "immune system", "immune complex"],
        ),
        # Inline HTML that is not code or a link is still text around the term.
        ("Raw <span>immune system</span> in a span.", ["immune system"]),
        ('<a href="x.md">renal</a> then renal <code>renal</code>.', ["renal"]),
    ],
)
def test_only_the_first_use_of_each_term_is_marked(source: str, expected: list[str]) -> None:
    assert marks(marked(source)) == expected


@pytest.mark.parametrize(
    "source",
    [
        "## The immune system\n\nText.",
        "# Renal care { #renal-care }",
        "Use `immune system` in code.",
        "    the immune system, in an indented code block",
        "[The immune system](other.md) is a link already.",
        '<div markdown="0">The immune system in raw HTML.</div>',
        'Raw <a href="other.md">the immune system</a> link.',
        "Raw <code>immune system</code> and <kbd>renal</kbd>.",
    ],
)
def test_code_headings_links_and_html_are_never_glossed(source: str) -> None:
    tree = marked(source)
    assert marks(tree) == []
    assert "immune system" in tree.text_content().lower() or "renal" in tree.text_content().lower()


def test_a_term_first_used_in_a_heading_is_marked_at_its_first_use_in_text() -> None:
    tree = marked("## The immune system\n\nYour immune system protects you.")
    assert marks(tree) == ["immune system"]
    assert tree.xpath("//h2//a[@class='glossary-term__link']") == []


def test_the_mark_links_to_the_entry_and_is_described_by_the_definition() -> None:
    tree = marked("The renal unit.", page="stages/deep/example.md")
    (link,) = tree.xpath("//a[@class='glossary-term__link']")
    assert link.get("href") == "../../glossary.md#renal"
    (definition,) = tree.xpath(f"//*[@id='{link.get('aria-describedby')}']")
    assert definition.text_content() == "To do with the kidneys."
    assert definition.get("role") == "tooltip"
    assert link.getparent() is definition.getparent()


def test_definition_ids_do_not_take_an_id_the_page_already_has() -> None:
    tree = marked("## Kidneys { #glossary-renal }\n\nThe renal unit.")
    (link,) = tree.xpath("//a[@class='glossary-term__link']")
    assert link.get("aria-describedby") == "glossary-renal-2"
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))


def test_the_glossary_page_is_left_as_it_is() -> None:
    assert marks(marked("The immune system.", page=GLOSSARY_PAGE)) == []


def test_text_around_the_marks_is_kept_word_for_word() -> None:
    source = "Before immune complexes, between; renal after, and immune system end."
    tree = marked(source)
    words = [
        node
        for node in tree.xpath("//p//text()")
        if not node.getparent().get("class", "").endswith("definition")
    ]
    assert "".join(words) == source


def test_every_mark_in_the_site_links_to_its_entry_on_the_glossary_page(built_site: Path) -> None:
    definitions = {term.anchor: term.definition for term in SITE_TERMS}
    glossary = parse(built_site / "glossary" / "index.html")
    entries = {h2.get("id"): h2 for h2 in glossary.xpath("//article//h2")}
    assert set(entries) == set(definitions)
    assert glossary.xpath("//*[contains(@class,'glossary-term')]") == []
    pages = [path for path in built_site.rglob("index.html") if path.parent.name != "print"]
    total = 0
    for path in pages:
        links = parse(path).xpath("//article//a[@class='glossary-term__link']")
        anchors = [link.get("href").rpartition("#")[2] for link in links]
        assert len(anchors) == len(set(anchors)), f"{path}: a term is marked twice"
        for link, anchor in zip(links, anchors, strict=True):
            target = (path.parent / link.get("href").partition("#")[0]).resolve()
            assert target == (built_site / "glossary").resolve(), path
            described = parse(path).xpath(f"//*[@id='{link.get('aria-describedby')}']")
            assert described[0].text_content() == definitions[anchor]
        total += len(links)
    assert total >= len(pages)  # the stage pages do use the glossary's words


def test_search_finds_a_page_by_its_own_words_not_by_the_definitions_it_marks(
    built_site: Path,
) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    # Not the glossary page (the definitions are its own words) nor the print page (which
    # repeats the stage pages).
    entries = [
        entry
        for entry in index["docs"]
        if not entry["location"].startswith(("glossary/", "print/"))
    ]
    leaked = [
        (entry["location"], term.term)
        for entry in entries
        for term in SITE_TERMS
        if term.definition in lxml.html.fromstring(f"<div>{entry['text']}</div>").text_content()
    ]
    assert leaked == []

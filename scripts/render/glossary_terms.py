"""Glossary terms in the pages: the first use of each term on a page becomes a link to its
glossary entry, described by its definition.

A Python-Markdown extension, so it works on the engine's own tree: text inside code,
headings, links and raw HTML is never touched, and MkDocs checks and rewrites the link it
writes like any link an editor wrote (so a missing glossary entry stops the strict build).
What the reader gets, for the first "immune complexes" on a page:

    <span class="glossary-term"><a class="glossary-term__link" href="../../glossary/#immune-complex"
      aria-describedby="glossary-immune-complex">immune complexes</a><span
      class="glossary-term__definition" id="glossary-immune-complex" role="tooltip"
      data-search-exclude="">A tiny
      clump ...</span></span>

Screen readers announce the definition as the link's description; site.css shows it on
hover and focus; glossary-terms.js closes it with Escape and opens it with a first tap.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from itertools import chain

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER, AtomicString

from guide.glossary import Term

# Nothing inside these is glossed: code is code, a heading is a name (and the table of
# contents), a link already goes somewhere.
UNGLOSSED_TAGS = frozenset(
    {"a", "abbr", "button", "code", "dfn", "kbd", "pre", "samp", "script", "style"}
    | {f"h{level}" for level in range(1, 7)}
)
ID_PREFIX = "glossary-"
# The class of the links this extension writes (the validator leaves them out of the links
# an editor wrote).
LINK_CLASS = "glossary-term__link"
# Where Python-Markdown left an inline HTML tag an editor wrote (kept aside, not in the tree).
_RAW_HTML = re.compile(HTML_PLACEHOLDER % r"(\d+)")
# After attr_list (8) and abbr (7), so ids and classes an editor set are in place; before
# MkDocs' anchor collection and link rewriting (5 and 0), which then treat the link as theirs.
PRIORITY = 6


class GlossaryTerms(Extension):
    """The extension. `page` is the page being rendered (its path under docs/), set by the
    hook before each page: links are relative to it, and the glossary page is left alone."""

    def __init__(self, terms: Iterable[Term], glossary_page: str) -> None:
        super().__init__()
        self.terms = tuple(terms)
        self.glossary_page = glossary_page
        self.page: str | None = None

    def __repr__(self) -> str:
        # What the page's HTML depends on (the page itself is keyed separately): the render
        # cache keys on the Markdown settings' text, which must not hold an address in memory.
        return f"GlossaryTerms({self.terms!r}, {self.glossary_page!r})"

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_MarkFirstUses(md, self), "glossary_terms", PRIORITY)


def term_pattern(terms: Iterable[Term]) -> tuple[re.Pattern[str], dict[str, Term]]:
    """One expression for every form of every term (longest first, whole words only), and
    the term each form belongs to."""
    by_form = {form: term for term in terms for form in term.forms}
    forms = sorted(by_form, key=len, reverse=True)
    if not forms:
        return re.compile(r"(?!)"), by_form
    alternatives = "|".join(map(re.escape, forms))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), by_form


class _MarkFirstUses(Treeprocessor):
    def __init__(self, md: markdown.Markdown, extension: GlossaryTerms) -> None:
        super().__init__(md)
        self.extension = extension
        self.pattern, self.by_form = term_pattern(extension.terms)

    def run(self, root: etree.Element) -> None:
        page = self.extension.page
        if page is None or page == self.extension.glossary_page or not self.by_form:
            return
        self.link_base = posixpath.relpath(
            self.extension.glossary_page, posixpath.dirname(page) or "."
        )
        self.taken_ids = {element.get("id") for element in root.iter() if element.get("id")}
        self.marked: set[str] = set()
        self.raw_tags = _RawTags()
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        children = list(element)
        if element.tag not in UNGLOSSED_TAGS:
            element.text, marks = self._marked(element.text)
            for index, mark in enumerate(marks):
                element.insert(index, mark)
        for child in children:
            if child.tag not in UNGLOSSED_TAGS:
                self._walk(child)
            if element.tag not in UNGLOSSED_TAGS:
                child.tail, marks = self._marked(child.tail)
                position = list(element).index(child) + 1
                for offset, mark in enumerate(marks):
                    element.insert(position + offset, mark)

    def _marked(self, text: str | None) -> tuple[str | None, list[etree.Element]]:
        """The text before the first new mark, and the marks (each carrying the text after it)."""
        if not text or isinstance(text, AtomicString):
            return text, []
        uses = list(self._first_uses(text))
        if not uses:
            return text, []
        marks = []
        for use, following in zip(uses, [*uses[1:], None], strict=True):
            mark = self._mark(self.by_form[use.group()], use.group())
            mark.tail = text[use.end() : following.start() if following else None]
            marks.append(mark)
        return text[: uses[0].start()], marks

    def _first_uses(self, text: str) -> Iterator[re.Match[str]]:
        """New terms in `text`, except between inline HTML tags an editor wrote around text
        that is not glossed (`<a href=...>immune system</a>`)."""
        start = 0
        for raw in chain(_RAW_HTML.finditer(text), [None]):
            end = raw.start() if raw else len(text)
            if not self.raw_tags.depth:
                for match in self.pattern.finditer(text, start, end):
                    anchor = self.by_form[match.group()].anchor
                    if anchor not in self.marked:
                        self.marked.add(anchor)
                        yield match
            if raw:
                stashed = self.md.htmlStash.rawHtmlBlocks[int(raw.group(1))]
                if isinstance(stashed, str):
                    self.raw_tags.feed(stashed)
                start = raw.end()

    def _mark(self, term: Term, text: str) -> etree.Element:
        definition_id = self._new_id(f"{ID_PREFIX}{term.anchor}")
        wrapper = etree.Element("span", {"class": "glossary-term"})
        link = etree.SubElement(
            wrapper,
            "a",
            {
                "class": LINK_CLASS,
                "href": f"{self.link_base}#{term.anchor}",
                "aria-describedby": definition_id,
            },
        )
        link.text = AtomicString(text)
        # Out of the search index (Material's search skips data-search-exclude): a result
        # would otherwise show the definition run into the sentence around the term.
        definition = etree.SubElement(
            wrapper,
            "span",
            {
                "class": "glossary-term__definition",
                "id": definition_id,
                "role": "tooltip",
                "data-search-exclude": "",
            },
        )
        definition.text = AtomicString(term.definition)
        return wrapper

    def _new_id(self, wanted: str) -> str:
        candidate, number = wanted, 1
        while candidate in self.taken_ids:
            number += 1
            candidate = f"{wanted}-{number}"
        self.taken_ids.add(candidate)
        return candidate


class _RawTags(HTMLParser):
    """How deep the editor's own inline HTML is inside tags whose text is not glossed."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in UNGLOSSED_TAGS:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in UNGLOSSED_TAGS and self.depth:
            self.depth -= 1

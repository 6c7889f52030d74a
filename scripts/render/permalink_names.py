"""Heading permalinks that say what they are.

Python-Markdown's toc extension writes, after each heading, a link whose only text is "¶":
a screen reader announces "link, pilcrow", and a keyboard user tabbing to it hears nothing
useful. They stay in the Tab order, so that anyone can copy a link to a section (to send it
to family or a care team); this extension names each one after its heading, from the
table of contents the toc extension has just made:

    <a class="headerlink" href="#why-this-stage-is-needed" title="Link to this section"
       aria-label="Link to section: Why this stage is needed">¶</a>
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree
from collections.abc import Iterator

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

NAME_PREFIX = "Link to section: "
# Right after the toc extension (5), which adds the permalinks and makes md.toc_tokens.
PRIORITY = 4


class PermalinkNames(Extension):
    def __repr__(self) -> str:
        # Part of the render cache's key (the Markdown settings' text): no memory address.
        return "PermalinkNames()"

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_NamePermalinks(md), "permalink_names", PRIORITY)


def _headings(tokens: list[dict]) -> Iterator[dict]:
    for token in tokens:
        yield token
        yield from _headings(token["children"])


class _NamePermalinks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        if "toc" not in self.md.treeprocessors:
            return
        toc = self.md.treeprocessors["toc"]
        permalink_class = getattr(toc, "permalink_class", "headerlink")
        # The token's name is the heading's text as HTML (entities escaped).
        names = {
            "#" + token["id"]: html.unescape(token["name"])
            for token in _headings(getattr(self.md, "toc_tokens", []))
        }
        for link in root.iter("a"):
            name = names.get(link.get("href", ""))
            if name and link.get("class") == permalink_class:
                link.set("aria-label", NAME_PREFIX + name)

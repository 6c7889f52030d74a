"""Heading permalinks are named after their heading ("Link to section: Why this stage is
needed"), whatever the heading holds, in every page of the real build.

The expected name is read back from the HTML the engine wrote (the heading's text without
its permalink), not computed the way the extension computes it.
"""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import lxml.html
import markdown
import pytest

from conftest import markdown_engine
from render.permalink_names import NAME_PREFIX, PermalinkNames

HEADINGS = [
    "## Why this stage is needed",
    '## What "accepting" means',
    "## Code `x < y` & entities &amp; &lt;tag&gt;",
    "## *Emphasis*, __strong__ and <em>raw</em> HTML",
    "## A [link in a heading](other.md) too",
    "## Same words\n\n## Same words",
    "## Custom id { #chosen-id }",
    "Setext heading\n--------------",
    "### Ünïcödé — dashes and “quotes”",
    "## Closing hashes ##",
    '<div markdown="1">\n\n## Inside raw HTML\n\n</div>',
    "## Footnote[^1]\n\n[^1]: A note.",
]


def with_names(text: str) -> lxml.html.HtmlElement:
    """Python-Markdown with the site's extensions and options, and this one."""
    config = markdown_engine().config
    md = markdown.Markdown(
        extensions=[*config.markdown_extensions, PermalinkNames()],
        extension_configs=config.mdx_configs,
    )
    return lxml.html.fragment_fromstring(md.convert(text), create_parent="div")


def heading_text(heading: lxml.html.HtmlElement) -> str:
    shown = deepcopy(heading)
    for extra in shown.xpath(".//a[@class='headerlink'] | .//sup"):
        extra.drop_tree()
    return shown.text_content().strip()


@pytest.mark.parametrize("text", HEADINGS)
def test_each_permalink_is_named_after_its_heading(text: str) -> None:
    tree = with_names(text)
    headings = tree.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6")
    assert headings
    for heading in headings:
        [link] = heading.xpath("./a[@class='headerlink']")
        assert link.get("aria-label") == NAME_PREFIX + heading_text(heading)


def test_without_the_toc_extension_nothing_changes() -> None:
    md = markdown.Markdown(extensions=[PermalinkNames()])
    assert md.convert("## Plain") == "<h2>Plain</h2>"


def test_every_permalink_of_the_built_site_has_a_name(built_site: Path) -> None:
    unnamed = []
    for path in built_site.rglob("*.html"):
        for link in lxml.html.parse(str(path)).xpath("//a[contains(@class, 'headerlink')]"):
            heading = link.getparent()
            if link.get("aria-label") != NAME_PREFIX + heading_text(heading):
                unnamed.append(f"{path.relative_to(built_site)}: {heading_text(heading)!r}")
    assert not unnamed

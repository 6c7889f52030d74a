"""Differential tests: the validator accepts exactly the links the build's Markdown makes work.

The oracle is Python-Markdown itself, configured with mkdocs.yml's own extensions and
options, its HTML read back with lxml: an independent path from the validator's (which
goes through MkDocs' Page.render and its own line finding). Hypothesis writes the pages
from the pieces editors really use in headings and around links.
"""

from __future__ import annotations

import functools
import re

import lxml.html
import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import slugify

from checks.links import DocsIndex, link_problems
from checks.markdown import scan_page
from conftest import markdown_engine
from guide.stages import StageProgram

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = st.sampled_from(
    ["Using", "make", "safely", "a_b_c", "Café", "naïve", "日本語", "step", "2", "x", "Why"]
)
INLINE = st.one_of(
    WORDS,
    WORDS.map(lambda w: f"`{w}`"),
    WORDS.map(lambda w: f"*{w}*"),
    WORDS.map(lambda w: f"__{w}__"),
    WORDS.map(lambda w: f"<em>{w}</em>"),
    st.sampled_from(["&amp;", "&copy;", "&#169;", "&", "<", "'", '"', "--", "_", "[^1]", "—"]),
    WORDS.map(lambda w: f"[{w}](index.md)"),
)
HEADING_TEXT = st.lists(INLINE, min_size=1, max_size=5).map(" ".join)
ATTR_ID = st.sampled_from(["", "", "", " { #own-id }", " { #x .wide }", " {: #other }"])


@st.composite
def heading_block(draw: st.DrawFn) -> str:
    text = draw(HEADING_TEXT) + draw(ATTR_ID)
    form = draw(st.sampled_from(["atx", "atx-closed", "setext", "list", "quote", "indented"]))
    level = draw(st.integers(2, 4))
    if form == "setext":
        return f"{text}\n{'-' * max(3, len(text))}"
    atx = f"{'#' * level} {text}"
    return {
        "atx": atx,
        "atx-closed": f"{atx} {'#' * level}",
        "list": f"- item\n\n    {atx}",
        "quote": f"> {atx}",
        "indented": f"1. item\n\n   {atx}",
    }[form]


PLAIN = st.sampled_from(["Some text.", "More words here.", "[^1]: A footnote.", "---"])
PAGE = st.lists(st.one_of(heading_block(), PLAIN), min_size=1, max_size=6).map("\n\n".join)


@functools.cache
def oracle() -> markdown.Markdown:
    """Python-Markdown with exactly the extensions and options the build uses."""
    config = markdown_engine().config
    return markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )


def oracle_ids(text: str) -> set[str]:
    md = oracle()
    md.reset()
    html = md.convert(text)
    if not html.strip():
        return set()
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return {element.get("id") for element in tree.iter() if element.get("id")} | {
        element.get("name") for element in tree.iter("a") if element.get("name")
    }


def broken_fragments(text: str) -> set[str]:
    """The fragments the validator reports, for a page that links to each of its guesses."""
    page = scan_page(text, "index.md", "docs/index.md", markdown_engine())
    index = DocsIndex(
        pages={"index.md": page},
        assets=frozenset(),
        unpublished=frozenset(),
        folders=frozenset(),
        program=StageProgram(()),
    )
    anchors = markdown_engine().anchor_warnings(page.path, page.rendered, {page.path: page.ids})
    problems, _ = link_problems(page, index, anchors)
    return {re.search(r"'#([^']*)'", p.message).group(1) for p in problems}


def guesses(text: str, ids: set[str]) -> list[str]:
    """Fragments an editor might write: the real ids and naive slugs of each line."""
    naive = {slugify(line.strip("#>-=* 0123456789."), "-") for line in text.splitlines()}
    return sorted((ids | naive | {"nowhere"}) - {""})


@SETTINGS
@given(body=PAGE)
def test_the_validator_accepts_exactly_the_anchors_the_build_makes(body: str) -> None:
    ids = oracle_ids(body)
    fragments = guesses(body, ids)
    links = "\n\n".join(f"[to {n}](#{fragment})" for n, fragment in enumerate(fragments))
    # The links go first, so that they cannot change the headings' ids.
    text = f"{links}\n\n{body}"
    expected = {fragment for fragment in fragments if fragment not in oracle_ids(text)}
    assert broken_fragments(text) == expected


CONTEXTS = st.sampled_from(
    [
        "[link]({target})",
        "`[in code]({target})`",
        "```\n[in a fence]({target})\n```",
        "    [indented code]({target})",
        "- item\n\n    [in a list item]({target})",
        "> [in a quote]({target})",
        "<!-- [in a comment]({target}) -->",
        "[by reference][r{n}]\n\n[r{n}]: {target}",
        "[r{n}]: {target}",
        "![an image]({target})",
        "<{target}>",
        "\\[not a link\\]({target})",
        '<a href="{target}">raw HTML</a>',
    ]
)


@SETTINGS
@given(contexts=st.lists(CONTEXTS, min_size=1, max_size=6))
def test_a_broken_link_is_reported_exactly_when_the_build_makes_it_a_link(
    contexts: list[str],
) -> None:
    parts = [c.format(target=f"missing-{n}.md", n=n) for n, c in enumerate(contexts)]
    text = "\n\n".join(parts)
    md = oracle()
    md.reset()
    html = md.convert(text)
    made = set(re.findall(r'(?:href|src)="(missing-\d+\.md)"', html))
    page = scan_page(text, "index.md", "docs/index.md", markdown_engine())
    index = DocsIndex({"index.md": page}, frozenset(), frozenset(), frozenset(), StageProgram(()))
    problems, _ = link_problems(page, index)
    reported = {re.search(r"'(missing-\d+\.md)'", p.message).group(1) for p in problems}
    # Raw HTML links are not Markdown links: MkDocs leaves them alone, and so does the check.
    assert reported == made - set(re.findall(r'<a href="(missing-\d+\.md)">raw', text))
    lines = text.split("\n")
    for problem in problems:
        name = re.search(r"'(missing-\d+\.md)'", problem.message).group(1)
        assert name in lines[problem.line - 1], (problem, text)

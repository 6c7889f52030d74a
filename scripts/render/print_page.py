"""The print page: every stage page's rendered HTML, in order, on one page.

Built from what MkDocs made of each stage page (`Page.content`), not from its
Markdown: whatever an editor writes that builds on the stage page (reference
links, code blocks, attribute lists, new extensions) prints the same way, and
MkDocs has already checked its links where the editor wrote them.

Moving HTML from one page to another changes three things, each done here on
the parsed tree (lxml), never with regular expressions over the markup:

- headings go one level down, under a "Stage N of M" heading;
- ids get the stage's id in front, so six pages' "why-it-matters" stay apart,
  and everything that points at an id (fragment links, permalinks, `for`,
  `aria-*`) follows;
- relative URLs are rewritten from the stage page's URL to the print page's,
  so they reach the same file whatever `use_directory_urls` is and wherever
  the site is served from.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from render.permalink_names import NAME_PREFIX

# The Markdown of the print page holds `<div class="print-stages"></div>`; the stages replace it.
PLACEHOLDER_CLASS = "print-stages"
SECTION_CLASS = "print-stage"

_PLACEHOLDER = (
    f"//div[contains(concat(' ', normalize-space(@class), ' '), ' {PLACEHOLDER_CLASS} ')]"
)
_SHIFTED_HEADINGS = {f"h{level}": f"h{level + 1}" for level in range(1, 6)}  # h6 stays h6
_URL_ATTRIBUTES = ("href", "src", "poster", "xlink:href")
# Attributes naming one id, and attributes naming several (space-separated).
_ID_REFERENCE = ("for", "list", "form", "aria-activedescendant", "aria-details", "popovertarget")
_ID_REFERENCES = ("aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "headers")


@dataclass(frozen=True)
class StageForPrint:
    """One stage as the print page needs it: what it is called and what its page rendered to."""

    id: str  # the stage's id from stages.yml; prefixes the ids of its page
    title: str  # plain text, shown as written
    url: str  # the stage page's URL relative to the site root (MkDocs' `Page.url`)
    html: str  # the stage page's rendered body (MkDocs' `Page.content`)


@dataclass(frozen=True)
class Permalink:
    """The "link to this section" anchor the toc extension adds to every heading."""

    text: str
    title: str
    css_class: str = "headerlink"


def toc_permalink(toc_config: Mapping[str, object]) -> Permalink | None:
    """The permalink the toc extension is configured to add, so stage headings get the same one.

    Mirrors Python-Markdown's toc defaults: `permalink: true` means a pilcrow.
    """
    permalink = toc_config.get("permalink", False)
    if not permalink:
        return None
    return Permalink(
        text="¶" if permalink is True else str(permalink),
        title=str(toc_config.get("permalink_title", "Permanent link")),
        css_class=str(toc_config.get("permalink_class", "headerlink")),
    )


def holds_placeholder(content: str) -> bool:
    """Whether a page's HTML has a place for the stages (cheap: no parsing for other pages)."""
    return PLACEHOLDER_CLASS in content and bool(_fragment(content).xpath(_PLACEHOLDER))


def with_stages(
    content: str,
    page_url: str,
    stages: Sequence[StageForPrint],
    permalink: Permalink | None = None,
) -> str:
    """The page's HTML with its placeholder replaced by one `<section>` per stage, in order.

    `page_url` is where the result is served (MkDocs' `Page.url`); links are rewritten for it.
    Ids stay unique across the whole page, including the page's own.
    """
    root = _fragment(content)
    placeholders = root.xpath(_PLACEHOLDER)
    if not placeholders:
        return content
    taken = {element.get("id") for element in root.iter(etree.Element) if element.get("id")}
    for placeholder in placeholders:
        sections = [
            _section(
                stage,
                number=number,
                total=len(stages),
                page_url=page_url,
                taken=taken,
                permalink=permalink,
            )
            for number, stage in enumerate(stages, start=1)
        ]
        _replace(placeholder, sections)
    return _inner_html(root)


def moved_url(url: str, from_url: str, to_url: str, ids: Mapping[str, str] | None = None) -> str:
    """`url`, written on the page at `from_url`, rewritten to mean the same on the page at `to_url`.

    Page URLs are relative to the site root, as in MkDocs' `Page.url` ("stages/x/" or
    "stages/x.html"). Absolute URLs (with a scheme, a host or a leading slash) are left alone.
    A link into the page itself becomes an in-page link when `ids` knows its fragment (its new
    name; "" stands for the page as a whole); any other link keeps pointing where it pointed.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        return url
    ids = ids or {}
    here = _resolved("", from_url)
    target = _resolved(_directory(from_url), parts.path) if parts.path else here
    if target == here and not parts.query and parts.fragment in ids:
        return f"#{ids[parts.fragment]}"
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return _relative(target, _directory(to_url)) + query + fragment


def _section(
    stage: StageForPrint,
    *,
    number: int,
    total: int,
    page_url: str,
    taken: set[str],
    permalink: Permalink | None,
) -> lxml.html.HtmlElement:
    """One stage: its "Stage N of M" heading, then its page's body, made to fit this page."""
    body = _fragment(stage.html)
    section_id = _claim(stage.id, taken)
    ids = {"": section_id}
    for element in body.iter(etree.Element):
        if old := element.get("id"):
            new = _claim(f"{stage.id}-{old}", taken)
            ids.setdefault(old, new)  # a repeated id still gets a name of its own
            element.set("id", new)
    for element in body.iter(etree.Element):
        _adapt(element, stage.url, page_url, ids)

    section = lxml.html.Element("section", {"class": SECTION_CLASS})
    section.text = "\n"
    heading = etree.SubElement(section, "h2", {"id": section_id})
    heading.text = f"Stage {number} of {total}: {stage.title}"  # lxml escapes it on output
    if permalink is not None:
        anchor = etree.SubElement(
            heading,
            "a",
            {
                "class": permalink.css_class,
                "href": f"#{section_id}",
                "title": permalink.title,
                "aria-label": NAME_PREFIX + heading.text,
            },
        )
        anchor.text = permalink.text
    heading.tail = "\n" + (body.text or "")
    section.extend(list(body))
    if len(section) > 1 and not (section[-1].tail or "").endswith("\n"):
        section[-1].tail = (section[-1].tail or "") + "\n"
    return section


def _adapt(element: etree._Element, from_url: str, to_url: str, ids: dict[str, str]) -> None:
    """One element of a stage page, as it must be on the print page."""
    element.tag = _SHIFTED_HEADINGS.get(element.tag, element.tag)
    for name in _ID_REFERENCE:
        if value := element.get(name):
            element.set(name, ids.get(value, value))
    for name in _ID_REFERENCES:
        if value := element.get(name):
            element.set(name, " ".join(ids.get(ref, ref) for ref in value.split()))
    for name in _URL_ATTRIBUTES:
        if (value := element.get(name)) is not None:
            element.set(name, moved_url(value.strip(), from_url, to_url, ids))
    if srcset := element.get("srcset"):
        element.set("srcset", ", ".join(_moved_candidates(srcset.split(","), from_url, to_url)))


def _moved_candidates(candidates: Iterable[str], from_url: str, to_url: str) -> Iterable[str]:
    """Entries of a srcset ("image.png 2x"): the URL moved, the descriptor kept."""
    for candidate in candidates:
        url, _, descriptor = candidate.strip().partition(" ")
        yield f"{moved_url(url, from_url, to_url)} {descriptor}".strip()


def _claim(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted_1`, `wanted_2`... (as the toc extension does): the first one free."""
    candidate, n = wanted, 0
    while candidate in taken:
        n += 1
        candidate = f"{wanted}_{n}"
    taken.add(candidate)
    return candidate


def _directory(page_url: str) -> str:
    """What a browser resolves relative links on `page_url` against: up to its last slash."""
    return page_url.rpartition("/")[0]


def _resolved(directory: str, path: str) -> tuple[tuple[str, ...], bool]:
    """`path` followed from `directory`: its segments from the site root, and whether it ends
    in a slash (which a browser keeps, and which decides what later links resolve against)."""
    last = path.rstrip("/").rpartition("/")[2]
    is_folder = path.endswith("/") or last in {"", ".", ".."}
    segments: list[str] = []
    for segment in posixpath.join(directory, path).split("/"):
        if segment == "..":
            # Above the site root: kept, so the link leaves the site as it did before.
            if segments and segments[-1] != "..":
                segments.pop()
            else:
                segments.append(segment)
        elif segment not in {"", "."}:
            segments.append(segment)
    return tuple(segments), is_folder


def _relative(target: tuple[tuple[str, ...], bool], directory: str) -> str:
    """A relative path from `directory` to `target` (as returned by `_resolved`)."""
    segments, is_folder = target
    start = _resolved(directory, "./")[0]
    # A file is named even when it is an ancestor of `directory` ("../a", not "..").
    shared = min(len(segments) - (0 if is_folder else 1), len(start))
    common = 0
    while common < shared and segments[common] == start[common]:
        common += 1
    parts = [".."] * (len(start) - common) + list(segments[common:])
    if not parts:
        return "./"
    return "/".join(parts) + ("/" if is_folder else "")


def _replace(placeholder: lxml.html.HtmlElement, sections: list[lxml.html.HtmlElement]) -> None:
    """Put `sections` where `placeholder` is, keeping the text that followed it."""
    for section in sections:
        section.tail = "\n"
        placeholder.addprevious(section)
    placeholder.drop_tree()  # its tail joins the last section


def _fragment(content: str) -> lxml.html.HtmlElement:
    """HTML that is part of a page, parsed into one wrapping <div> (which is not serialised)."""
    return lxml.html.fragment_fromstring(content, create_parent="div")


def _inner_html(root: lxml.html.HtmlElement) -> str:
    """The wrapper's contents as HTML: its leading text (escaped again), then each child."""
    leading = html.escape(root.text or "", quote=False)
    return leading + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)

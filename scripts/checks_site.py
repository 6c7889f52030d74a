"""Checks of the built site: every internal href, src and srcset resolves, every fragment too.

This sees what a Markdown check cannot: links written by templates, overrides and
macros. HTML is scanned with regular expressions over the attributes that matter
(a full HTML parse of 3,000 pages would miss the one-second target), which is
safe for what MkDocs writes: attribute values are always quoted and escaped.
"""

from __future__ import annotations

import bisect
import html
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from checks_source import ExternalLink

from problems import Problem

# Built pages are bigger than sources (navigation, search index links), but not this big.
MAX_HTML_BYTES = 10 * 1024 * 1024
_ATTRIBUTE = re.compile(r"""\s(href|src|srcset|id)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ANCHOR_NAME = re.compile(r"""<a\s[^>]*?\bname\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
# Text that is not markup: attributes seen inside it are not links.
_NOT_MARKUP = re.compile(
    r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_SKIPPED_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "blob:", "about:")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Reference:
    """A URL in an attribute of a built page."""

    line: int
    attribute: str
    url: str


@dataclass
class HtmlPage:
    """The ids a built page defines and the URLs it refers to."""

    ids: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)


def scan_html(text: str) -> HtmlPage:
    """Ids and references of one HTML page; never raises, whatever the text."""
    page = HtmlPage()
    skipped: list[int] = []  # start, end, start, end, ... of comments and script bodies
    for match in _NOT_MARKUP.finditer(text):
        opening_end = text.find(">", match.start()) + 1 if match.group(1) else match.start()
        skipped += [opening_end, match.end()]
    line, counted = 1, 0
    for match in _ATTRIBUTE.finditer(text):
        position = match.start()
        if skipped and bisect.bisect(skipped, position) % 2:
            continue
        attribute = match.group(1).lower()
        value = html.unescape(match.group(2) if match.group(2) is not None else match.group(3))
        if attribute == "id":
            page.ids.add(value)
            continue
        line += text.count("\n", counted, position)
        counted = position
        if attribute == "srcset":
            urls = [part.split()[0] for part in value.split(",") if part.split()]
        else:
            urls = [value.strip()]
        page.references.extend(Reference(line, attribute, url) for url in urls)
    if "name=" in text:
        page.ids.update(html.unescape(m.group(1)) for m in _ANCHOR_NAME.finditer(text))
    return page


@dataclass
class SiteIndex:
    """Every file of the built site, and how root-absolute and full URLs map onto it."""

    files: frozenset[str]
    folders: frozenset[str]
    pages: dict[str, HtmlPage]
    site_url: str = ""  # like 'https://example.org/guide/'; links under it are internal

    @property
    def base_path(self) -> str:
        """The path part of site_url, like '/guide/': where root-absolute links start."""
        path = urlsplit(self.site_url).path or "/"
        return path if path.endswith("/") else path + "/"


def reference_problem(  # noqa: PLR0911 - one early return per way a URL can fail
    page_path: str, reference: Reference, index: SiteIndex
) -> str | None:
    """Why an internal reference does not resolve (None when it does or is external)."""
    url = reference.url
    if not url or url.lower().startswith(_SKIPPED_SCHEMES):
        return None
    site_url = index.site_url.rstrip("/") + "/" if index.site_url else ""
    if site_url and (url + "/").startswith(site_url):
        # The canonical link and other full URLs of this very site: check them here.
        url = index.base_path + url[len(site_url) :]
    elif url.startswith("//") or _SCHEME.match(url):
        return None
    raw_path, _, fragment = url.partition("#")
    path = unquote(raw_path.partition("?")[0])
    shown = f"{reference.attribute} '{reference.url}'"
    if path.startswith("/"):
        # Material writes root-absolute URLs on 404.html (it must work at any depth); they
        # start with the path of site_url, so that is where they resolve.
        if not path.startswith(index.base_path) and path + "/" != index.base_path:
            return f"{shown} is outside this site's path '{index.base_path}' (from site_url)"
        joined = path[len(index.base_path) :]
    else:
        joined = posixpath.join(posixpath.dirname(page_path), path) if path else page_path
    target = posixpath.normpath(joined) if joined else "."
    if target == ".." or target.startswith("../"):
        return f"{shown} points outside the site"
    if target == "." or path.endswith("/") or target in index.folders:
        target = "index.html" if target == "." else f"{target}/index.html"
    if target not in index.files:
        return f"{shown} does not resolve: there is no file '{target}'"
    fragment = unquote(fragment)
    linked = index.pages.get(target)
    if fragment and linked is not None and fragment not in linked.ids:
        where = "this page" if target == page_path else f"'{target}'"
        return f"{shown}: there is no id '{fragment}' in {where}"
    return None


@dataclass
class SiteReport:
    """What the site check found."""

    problems: list[Problem]
    files_checked: int
    external_links: list[ExternalLink]


def check_site(site: Path, shown_as: str, site_url: str = "") -> SiteReport:
    """Check every internal link, image, script and fragment of the site built in `site`."""
    files, folders = _walk(site)
    problems: list[Problem] = []
    pages: dict[str, HtmlPage] = {}
    for path in sorted(f for f in files if f.endswith(".html")):
        text, problem = _read_html(site / path, f"{shown_as}/{path}")
        if problem:
            problems.append(problem)
        pages[path] = scan_html(text) if text else HtmlPage()
    index = SiteIndex(frozenset(files), frozenset(folders), pages, site_url)
    external: list[ExternalLink] = []
    for path, page in pages.items():
        shown = f"{shown_as}/{path}"
        for reference in page.references:
            message = reference_problem(path, reference, index)
            if message:
                problems.append(Problem(shown, reference.line, message))
            elif reference.url.startswith(("http://", "https://")) and not (
                site_url and reference.url.startswith(site_url.rstrip("/"))
            ):
                external.append(ExternalLink(shown, reference.line, reference.url))
    return SiteReport(problems, len(pages), external)


def _read_html(path: Path, shown: str) -> tuple[str | None, Problem | None]:
    try:
        if path.stat().st_size > MAX_HTML_BYTES:
            return None, Problem(shown, 1, f"file is larger than {MAX_HTML_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as error:
        return None, Problem(shown, 1, f"cannot read file: {error.strerror}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, Problem(shown, line, "not valid UTF-8")


def _walk(site: Path) -> tuple[set[str], set[str]]:
    files: set[str] = set()
    folders: set[str] = set()
    for directory, subdirectories, names in os.walk(site):
        relative = Path(directory).relative_to(site).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        folders.update(prefix + d for d in subdirectories)
        files.update(prefix + name for name in names)
    return files, folders

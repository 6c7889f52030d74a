"""Checks of the built site: every internal href, src and srcset resolves, every fragment too.

This sees what a Markdown check cannot: links written by templates, overrides and
macros. HTML is scanned with regular expressions over the attributes that matter
(a full HTML parse of 3,000 pages would miss the one-second target), which is
safe for what MkDocs writes: attribute values are always quoted and escaped.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import json
import os
import posixpath
import re
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from checks.report import Report
from checks.workers import map_pages
from guide.problems import ExternalLink, Problem

# Built pages are bigger than sources (navigation, search index links), but not this big.
MAX_HTML_BYTES = 10 * 1024 * 1024
# Attribute names in lower case, as MkDocs, Material and Python-Markdown write them. The
# whitespace before the name is checked apart (see _scan): a pattern that starts with a
# letter is searched for by the regular expression engine several times faster.
_ATTRIBUTE = re.compile(r"""(href|src|srcset|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# What starts text that is not markup, and what ends a script or a style (ASCII case only,
# as HTML's own tag names: a long s before 'cript' makes no script).
_NOT_MARKUP = re.compile(r"<(!--|script|style)", re.IGNORECASE | re.ASCII)
_CLOSER = {name: re.compile(f"</{name}", re.IGNORECASE | re.ASCII) for name in ("script", "style")}
# How far back an attribute's tag may start: no tag MkDocs or Material writes is longer.
_LONGEST_TAG = 10_000
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


def _not_markup(text: str) -> list[int]:
    """start, end, start, end, ... of comments and script and style bodies, in one pass.

    Each search starts where the last region ended, so text full of unclosed '<!--' or
    '<script ' costs linear time, not quadratic."""
    skipped: list[int] = []
    position = 0
    while opener := _NOT_MARKUP.search(text, position):
        start, kind = opener.start(), opener.group(1).lower()
        if kind == "!--":
            end = text.find("-->", start + 4)
            body_start, body_end = start, (len(text) if end < 0 else end + 3)
        else:
            body_start = text.find(">", start) + 1
            if body_start == 0:
                return skipped
            closer = _CLOSER[kind].search(text, body_start)
            body_end = len(text) if closer is None else closer.start()
        skipped += [body_start, body_end]
        position = max(body_end, start + 1)
    return skipped


def _scan(text: str) -> tuple[set[str], list[tuple[int, str, str]]]:
    """Ids, and (position, attribute, url) of every reference, in document order."""
    ids: set[str] = set()
    references: list[tuple[int, str, str]] = []
    skipped = _not_markup(text) if "<" in text else []
    search = _ATTRIBUTE.search
    match = search(text)
    while match is not None:
        name_at = match.start()
        if not name_at or not text[name_at - 1].isspace():
            match = search(text, name_at + 1)  # part of a longer name, like 'data-id'
            continue
        position = name_at - 1  # the whitespace before the name, where the match once began
        next_from = match.end()
        if skipped and bisect.bisect(skipped, position) % 2:
            match = search(text, next_from)
            continue
        attribute, double, single = match.groups()
        value = double if double is not None else single
        if "&" in value:
            value = html.unescape(value)
        if attribute == "id":
            ids.add(value)
        elif attribute == "name":
            tag = text.rfind("<", max(0, position - _LONGEST_TAG), position)
            if tag >= 0 and text[tag + 1 : tag + 3].lower() in ("a ", "a\t", "a\n"):
                ids.add(value)
        elif attribute == "srcset":
            for part in value.split(","):
                if part.split():
                    references.append((position, attribute, part.split()[0]))
        else:
            references.append((position, attribute, value.strip()))
        match = search(text, next_from)
    return ids, references


class _Lines:
    """Line numbers of increasing positions in a text, counted once."""

    def __init__(self, text: str) -> None:
        self.text, self.line, self.counted = text, 1, 0

    def at(self, position: int) -> int:
        if position < self.counted:
            return self.text.count("\n", 0, position) + 1
        self.line += self.text.count("\n", self.counted, position)
        self.counted = position
        return self.line


def scan_html(text: str) -> HtmlPage:
    """Ids and references of one HTML page; never raises, whatever the text."""
    ids, found = _scan(text)
    lines = _Lines(text)
    references = [Reference(lines.at(position), attr, url) for position, attr, url in found]
    return HtmlPage(ids, references)


@dataclass
class SiteIndex:
    """Every file of the built site, and how root-absolute and full URLs map onto it."""

    files: frozenset[str]
    folders: frozenset[str]
    pages: dict[str, HtmlPage] = field(default_factory=dict)
    site_url: str = ""  # like 'https://example.org/guide/'; links under it are internal

    @property
    def base_path(self) -> str:
        """The path part of site_url, like '/guide/': where root-absolute links start."""
        path = urlsplit(self.site_url).path or "/"
        return path if path.endswith("/") else path + "/"


def resolve(page_path: str, url: str, index: SiteIndex) -> tuple[str | None, str, str | None]:
    """Where an internal URL of a page leads: (file, fragment, why it does not resolve).

    The file is None for external and non-web URLs (mailto:, data:, ...), which are
    not checked here; the reason is None when the file exists.
    """
    if not url or url.lower().startswith(_SKIPPED_SCHEMES):
        return None, "", None
    site_url = index.site_url.rstrip("/") + "/" if index.site_url else ""
    if site_url and (url + "/").startswith(site_url):
        # The canonical link and other full URLs of this very site: check them here.
        url = index.base_path + url[len(site_url) :]
    elif url.startswith("//") or _SCHEME.match(url):
        return None, "", None
    raw_path, _, fragment = url.partition("#")
    path = unquote(raw_path.partition("?")[0])
    if path.startswith("/"):
        # Material writes root-absolute URLs on 404.html (it must work at any depth); they
        # start with the path of site_url, so that is where they resolve.
        if not path.startswith(index.base_path) and path + "/" != index.base_path:
            return None, "", f"is outside this site's path '{index.base_path}' (from site_url)"
        joined = path[len(index.base_path) :]
    else:
        joined = posixpath.join(posixpath.dirname(page_path), path) if path else page_path
    target = posixpath.normpath(joined) if joined else "."
    if target == ".." or target.startswith("../"):
        return None, "", "points outside the site"
    if target == "." or path.endswith("/") or target in index.folders:
        target = "index.html" if target == "." else f"{target}/index.html"
    if target not in index.files:
        return None, "", f"does not resolve: there is no file '{target}'"
    return target, unquote(fragment), None


def reference_problem(page_path: str, reference: Reference, index: SiteIndex) -> str | None:
    """Why an internal reference does not resolve (None when it does or is external)."""
    target, fragment, reason = resolve(page_path, reference.url, index)
    shown = f"{reference.attribute} '{reference.url}'"
    if reason:
        return f"{shown} {reason}"
    linked = index.pages.get(target) if target else None
    if fragment and linked is not None and fragment not in linked.ids:
        return _no_id(shown, fragment, target == page_path, target)
    return None


def _no_id(shown: str, fragment: str, same_page: bool, target: str | None) -> str:
    where = "this page" if same_page else f"'{target}'"
    return f"{shown}: there is no id '{fragment}' in {where}"


@dataclass
class _PageResult:
    """One page checked on its own: what needs the other pages (fragments) comes back too."""

    path: str
    ids: set[str]
    problems: list[tuple[int, str]]  # (line, message)
    fragments: list[tuple[int, str, str, str]]  # (line, shown reference, target, fragment)
    external: list[tuple[int, str]]  # (line, url)


def _split_up(url: str) -> tuple[int, str, bool]:
    """How many folders a relative URL goes up, the rest of it, and whether every page
    that many folders below one base resolves the rest alike (no '.', no scheme)."""
    rest = url
    while rest.startswith("../"):
        rest = rest[3:]
    up = (len(url) - len(rest)) // 3
    return up, rest, rest[:1].isalnum() and "/." not in rest


def _check_pages(paths: list[str], site: Path, index: SiteIndex) -> list[_PageResult]:
    """Read, scan and resolve some pages. Runs in a worker process for big sites."""
    results = []
    # Many pages share relative URLs ('../../assets/x.css' from every page two folders
    # deep): resolving each distinct (base folder, rest of URL) once keeps this linear.
    cache: dict[tuple[str, str], tuple[str | None, str, str | None]] = {}
    split: dict[str, tuple[int, str, bool]] = {}
    own_url = index.site_url.rstrip("/")
    for path in paths:
        text, problem = _read_html(site / path)
        result = _PageResult(path, set(), [problem] if problem else [], [], [])
        results.append(result)
        if text is None:
            continue
        result.ids, references = _scan(text)
        lines = _Lines(text)
        folders = path.split("/")[:-1]
        # The folder `up` levels above this page's, for each `up` that stays in the site.
        bases = ["/".join(folders[: len(folders) - up]) for up in range(len(folders) + 1)]
        for position, attribute, url in references:
            if url.startswith("#"):
                fragment = unquote(url[1:])
                if fragment and fragment not in result.ids:
                    message = _no_id(f"{attribute} '{url}'", fragment, True, None)
                    result.problems.append((lines.at(position), message))
                continue
            if url.startswith(("http://", "https://")) and not (
                own_url and url.startswith(own_url)
            ):
                result.external.append((lines.at(position), url))
                continue
            if url not in split:
                split[url] = _split_up(url)
            up, rest, alike = split[url]
            if alike and up < len(bases):
                key = bases[up], rest
                if key not in cache:
                    # Any page in `base` resolves `rest` the same way.
                    cache[key] = resolve(f"{key[0]}/-" if key[0] else "-", rest, index)
                target, fragment, reason = cache[key]
            else:
                target, fragment, reason = resolve(path, url, index)
            if reason:
                result.problems.append((lines.at(position), f"{attribute} '{url}' {reason}"))
            elif fragment and target:
                shown = f"{attribute} '{url}'"
                result.fragments.append((lines.at(position), shown, target, fragment))
    return results


def check_site(site: Path, shown_as: str, site_url: str = "", cache: Path | None = None) -> Report:
    """Check every internal link, image, script and fragment of the site built in `site`.

    With `cache` (a file; make build's), a page whose bytes and path were checked by the
    last run against the same files and site_url is not scanned again."""
    files, folders = _walk(site)
    index = SiteIndex(frozenset(files), frozenset(folders), site_url=site_url)
    paths = sorted(f for f in files if f.endswith(".html"))
    if cache is None:
        results = map_pages(_check_pages, paths, site, index)
    else:
        results = _check_pages_cached(paths, site, index, cache)
    ids = {result.path: result.ids for result in results}
    problems: list[Problem] = []
    external: list[ExternalLink] = []
    for result in results:
        shown = f"{shown_as}/{result.path}"
        problems += [Problem(shown, line, message) for line, message in result.problems]
        external += [ExternalLink(shown, line, url) for line, url in result.external]
        for line, reference, target, fragment in result.fragments:
            if target in ids and fragment not in ids[target]:
                message = _no_id(reference, fragment, target == result.path, target)
                problems.append(Problem(shown, line, message))
    return Report(problems, len(paths), external)


def _check_pages_cached(
    paths: list[str], site: Path, index: SiteIndex, cache: Path
) -> list[_PageResult]:
    context = hashlib.sha256(Path(__file__).read_bytes())
    for part in (sorted(index.files), sorted(index.folders), index.site_url):
        context.update(repr(part).encode("utf-8", "surrogatepass"))
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        known = data["pages"] if data.get("context") == context.hexdigest() else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        known = {}
    keys = {}
    for path in paths:
        try:
            keys[path] = hashlib.sha256(
                path.encode() + b"\0" + (site / path).read_bytes()
            ).hexdigest()
        except OSError:
            keys[path] = ""  # checked, and reported, as usual
    results = [
        _PageResult(path, set(entry[0]), *(list(map(tuple, part)) for part in entry[1:]))
        for path in paths
        if isinstance(entry := known.get(keys[path]), list)
    ]
    done = {result.path for result in results}
    results += map_pages(_check_pages, [path for path in paths if path not in done], site, index)
    pages = {
        keys[result.path]: [sorted(result.ids), result.problems, result.fragments, result.external]
        for result in results
        if keys[result.path]
    }
    if len(done) < len(paths) or pages.keys() != known.keys():
        with suppress(OSError):  # a cache that cannot be written only makes the next run slower
            cache.parent.mkdir(parents=True, exist_ok=True)
            temporary = cache.with_name(f".{cache.name}.{os.getpid()}")
            temporary.write_text(
                json.dumps({"context": context.hexdigest(), "pages": pages}), "utf-8"
            )
            temporary.replace(cache)
    return results


def _read_html(path: Path) -> tuple[str | None, tuple[int, str] | None]:
    try:
        if path.stat().st_size > MAX_HTML_BYTES:
            return None, (1, f"file is larger than {MAX_HTML_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as error:
        return None, (1, f"cannot read file: {error.strerror}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return None, (data[: error.start].count(b"\n") + 1, "not valid UTF-8")


def _walk(site: Path) -> tuple[set[str], set[str]]:
    files: set[str] = set()
    folders: set[str] = set()
    for directory, subdirectories, names in os.walk(site):
        relative = Path(directory).relative_to(site).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        folders.update(prefix + d for d in subdirectories)
        files.update(prefix + name for name in names)
    return files, folders

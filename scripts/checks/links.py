"""Relative links, anchors and assets in the source, with suggestions for what was meant."""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath
from urllib.parse import unquote

from markdown.extensions.toc import slugify

from checks.markdown import Link, Page
from guide.problems import ExternalLink, Problem
from guide.stages import STAGES_FILE, StageProgram

# Left out of the published site by `exclude_docs` in mkdocs.yml.
DATA_DIR = PurePosixPath(STAGES_FILE).parts[0]
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
_DOC_FILE_PREFIX = re.compile(r"^Doc file '[^']*' contains ")


@dataclass
class DocsIndex:
    """Every file in the docs folder, as the link check sees it."""

    pages: Mapping[str, Page]  # published Markdown pages by path under docs/
    assets: frozenset[str]  # every other published file
    unpublished: frozenset[str]  # files in docs/ that are left out of the site
    folders: frozenset[str]
    program: StageProgram

    @cached_property
    def unpublished_names(self) -> frozenset[str]:
        return frozenset(PurePosixPath(path).name for path in self.unpublished)


def link_problems(
    page: Page, index: DocsIndex, anchor_warnings: Sequence[tuple[str | None, str]] = ()
) -> tuple[list[Problem], list[ExternalLink]]:
    """Every broken relative link and anchor in a page; its http(s) links are returned apart.

    The build decides what is broken: a link is reported only when MkDocs warns about it
    (rendering the page, or checking `anchor_warnings`), or when it points at a file the
    build leaves out, which the check of the built site would reject. The message is
    this module's own where it knows the case, with a suggestion; otherwise MkDocs' own.
    """
    warned: dict[str, str] = {}
    unmatched: list[str] = []
    for target, message in (*page.rendered.warnings, *anchor_warnings):
        if target is None:
            unmatched.append(message)
        else:
            warned.setdefault(target, message)
    problems: list[Problem] = []
    external: list[ExternalLink] = []
    for link in page.links:
        target = link.target
        if target.startswith("//") or _SCHEME.match(target):
            if target.startswith(("http://", "https://", "//")):
                external.append(ExternalLink(page.shown_as, link.line, target))
            continue
        if target not in warned and not _is_unpublished(page, link, index):
            continue
        message = _link_message(page, link, index) or _engine_message(warned[target])
        problems.append(Problem(page.shown_as, link.line, message))
        warned.pop(target, None)
    problems += [Problem(page.shown_as, 1, _engine_message(m)) for m in unmatched]
    return problems, external


def _engine_message(message: str) -> str:
    """MkDocs' warning, without the file name it starts with (the line already says it)."""
    return _DOC_FILE_PREFIX.sub("", message)


def _is_unpublished(page: Page, link: Link, index: DocsIndex) -> bool:
    path = unquote(link.target.partition("#")[0].partition("?")[0])
    name = path.rpartition("/")[2]
    if name not in ("", ".", "..") and name not in index.unpublished_names:
        return False  # the path resolves to a file of that name, and none is unpublished
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.path), path))
    return bool(path) and resolved in index.unpublished


def _link_message(  # noqa: PLR0911 - one early return per kind of broken link reads best
    page: Page, link: Link, index: DocsIndex
) -> str | None:
    kind = "image" if link.image else "link"
    raw_path, _, fragment = link.target.partition("#")
    path = unquote(raw_path.partition("?")[0])
    here = posixpath.dirname(page.path)
    if not path:
        return _anchor_message(kind, link.target, page, fragment, "this page")
    if path.startswith("/"):
        relative = posixpath.relpath(path.lstrip("/") or ".", here or ".")
        return (
            f"{kind} '{link.target}' starts with '/': write it relative to this page, "
            f"like '{relative}'"
        )
    resolved = posixpath.normpath(posixpath.join(here, path))
    if resolved == ".." or resolved.startswith("../"):
        return f"{kind} '{link.target}' points outside the docs folder"
    if resolved in index.pages:
        target = index.pages[resolved]
        return _anchor_message(kind, link.target, target, fragment, target.shown_as)
    if resolved in index.assets:
        return None
    if resolved in index.unpublished:
        return (
            f"{kind} '{link.target}' points at a file that is not published "
            f"(docs/{DATA_DIR}/ is left out of the site)"
        )
    suggestion = _suggest(page, path, resolved, index)
    if path.endswith("/") or resolved in index.folders or resolved == ".":
        message = f"{kind} '{link.target}' points at a folder, not a page: link to a .md file"
        return message + (f", like {suggestion}" if suggestion else "")
    message = f"{kind} '{link.target}' does not exist"
    return message + (f"; did you mean {suggestion}?" if suggestion else "")


def _anchor_message(kind: str, target: str, page: Page, fragment: str, where: str) -> str | None:
    # Pages using macros may get headings from them: the --site check sees those.
    if not fragment or fragment in page.ids or page.has_macros:
        return None
    message = f"{kind} '{target}': there is no heading with id '{fragment}' in {where}"
    close = difflib.get_close_matches(fragment, sorted(page.ids), n=1, cutoff=0.6)
    if close:
        message += f"; did you mean '#{close[0]}'?"
    return message


def _suggest(page: Page, path: str, resolved: str, index: DocsIndex) -> str | None:
    """The page a broken link probably meant, written relative to the linking page."""
    here = posixpath.dirname(page.path)
    stem = resolved.rstrip("/")
    # The built-URL form ('../blockage/') is relative to the page's URL, one folder deeper.
    url_here = (
        posixpath.splitext(page.path)[0] if posixpath.basename(page.path) != "index.md" else here
    )
    url_form = posixpath.normpath(posixpath.join(url_here, path)).rstrip("/")
    candidates = [f"{stem}.md", f"{stem}/index.md", f"{url_form}.md", f"{url_form}/index.md"]
    found = next((c for c in candidates if c in index.pages), None)
    if found is None:
        found = _similar_file(stem, index) or _stage_by_name(stem, index.program)
    if found is None:
        return None
    shown = posixpath.relpath(found, here or ".")
    stage = index.program.stage_for(found)
    return f"'{shown}' ({stage.title})" if stage else f"'{shown}'"


def _similar_file(path: str, index: DocsIndex) -> str | None:
    """A file in the same folder, of the same type, whose name is spelt almost the same."""
    folder, name = posixpath.split(path)
    stem, suffix = posixpath.splitext(name)
    suffix = suffix or ".md"
    pool = {
        posixpath.splitext(posixpath.basename(other))[0]: other
        for other in (*index.pages, *index.assets)
        if posixpath.dirname(other) == folder and other.endswith(suffix)
    }
    close = difflib.get_close_matches(stem, sorted(pool), n=1, cutoff=0.6)
    return pool[close[0]] if close else None


def _stage_by_name(stem: str, program: StageProgram) -> str | None:
    name = slugify(PurePosixPath(stem).stem.replace("_", " "), "-")
    keys: dict[str, str] = {}
    for stage in program:
        keys.setdefault(stage.id, stage.page)
        for other in stage.names:
            keys.setdefault(slugify(other, "-"), stage.page)
    close = difflib.get_close_matches(name, list(keys), n=1, cutoff=0.6)
    return keys[close[0]] if close else None


# --- The whole source tree ------------------------------------------------------------------

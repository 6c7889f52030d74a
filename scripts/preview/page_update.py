"""Showing a saved page before the full rebuild: the page alone is rendered again, with the
last build's site (its config, plugins, files, nav and templates), and written over its old
output in the build on screen.

Only when nothing that another page shows can have changed: since the last build started,
the only files saved are a few existing pages (not a stage page: the print page holds the
stages' text), and each page's title, address and front matter come out as in that build
(other pages show its title in the sidebar, and previous/next). Then every other page of a
full build is what is on screen already. In every other case, and whenever the update
stops for any reason, the preview takes the full rebuild alone.

The full rebuild runs after it all the same, and its output is compared with what is on
screen (`differences`): the browsers reload again if a file differs. So a missed dependency
shows as a warning in the log and a second reload a few seconds later, never as a page left
stale.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from speed.levers import untested_packages

log = logging.getLogger("mkdocs.preview")
# More saved pages at once (a checkout, a search-and-replace) take the full rebuild.
MOST_PAGES = 5
# Rewritten by the full rebuild that follows; the page's JavaScript asks for it once.
SEARCH_INDEX = "search/search_index.json"

# Each file under the watched paths: (modification time, size, inode).
Snapshot = dict[str, tuple[int, int, int]]


def snapshot(paths: Iterable[str]) -> Snapshot:
    """Every file under `paths` (files or folders), with what changes when it is saved."""
    found: Snapshot = {}

    def visit(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                visit(entry.path)
            else:
                with suppress(OSError):
                    found[entry.path] = _state(entry.stat())

    for path in paths:
        if Path(path).is_dir():
            visit(path)
        else:
            with suppress(OSError):
                found[path] = _state(Path(path).stat())
    return found


def _state(status: os.stat_result) -> tuple[int, int, int]:
    return (status.st_mtime_ns, status.st_size, status.st_ino)


def saved_since(before: Snapshot, now: Snapshot) -> set[str]:
    """Files added, removed or saved between the two snapshots."""
    return {path for path in before.keys() | now.keys() if before.get(path) != now.get(path)}


def _face(page: Page, meta: dict[str, Any]) -> tuple[Any, ...]:
    """What other pages show of a page: its title and address (the sidebar, previous and
    next) and its front matter (the sidebar's icons; the template it asks for). Its
    headings are not among them: the links to them are checked by the full rebuild."""
    return (page.title, page.url, meta)


@dataclass
class LastBuild:
    """What a full build left: the site that is on screen, as MkDocs held it."""

    config: MkDocsConfig
    sources: Snapshot  # taken before the build read anything
    files: Files | None = None
    nav: Navigation | None = None
    env: Environment | None = None
    faces: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # Each page's attributes before the build read it: a plugin may pin what it read then
    # (mkdocs-macros sets page.title), which must be read again.
    unread: dict[str, dict[str, Any]] = field(default_factory=dict)

    def update(self, saved: set[str]) -> list[tuple[Path, bytes]] | None:
        """Render the saved pages again into the build on screen; what each output held
        before (to put back if the full rebuild fails), or None when a full rebuild is
        needed (nothing is then written)."""
        pages = self._updatable(saved)
        # MkDocs' private page functions are used as the versions pinned for the levers.
        if pages is None or untested_packages():
            return None
        try:
            return self._render(pages)
        except Exception as error:  # the full rebuild then says what went wrong
            log.debug(f"The saved page alone could not be rendered again: {error}")
            return None

    def _updatable(self, saved: set[str]) -> list[Page] | None:
        if self.files is None or self.nav is None or self.env is None:
            return None  # the build stopped before its pages were written
        if not saved or len(saved) > MOST_PAGES:
            return None
        pages = [self._page_alone(path) for path in saved]
        return None if None in pages else pages  # type: ignore[return-value]

    def _page_alone(self, path: str) -> Page | None:
        """The page saved at `path`, if it can be rendered alone."""
        assert self.files is not None
        docs = Path(self.config.docs_dir)
        if not path.endswith(".md") or not Path(path).is_relative_to(docs):
            return None
        if path not in self.sources or not Path(path).is_file():
            return None  # added or removed: the nav changes
        file = self.files.get_file_from_path(Path(path).relative_to(docs).as_posix())
        stage_pages = {stage.page for stage in self.config.extra["stage_program"]}
        if file is None or file.page is None or file.src_uri in stage_pages:
            return None
        # Not among the faces: its HTML is made from other pages' (the print page).
        known = file.src_uri in self.faces and file.src_uri in self.unread
        return file.page if known else None

    def _render(self, pages: list[Page]) -> list[tuple[Path, bytes]] | None:
        assert self.files is not None and self.nav is not None and self.env is not None
        for page in pages:
            unread = self.unread[page.file.src_uri]
            vars(page).clear()
            vars(page).update(unread)
            mkdocs_build._populate_page(page, self.config, self.files)
            if _face(page, dict(page.meta)) != self.faces[page.file.src_uri]:
                return None
        doc_files = self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        replaced: list[tuple[Path, bytes]] = []
        try:
            for page in pages:
                output = Path(page.file.abs_dest_path)
                before = output.read_bytes()
                mkdocs_build._build_page(
                    page,
                    self.config,
                    doc_files,
                    self.nav,
                    self.env,
                    excluded=page.file.inclusion.is_excluded(),
                )
                replaced.append((output, before))
        except BaseException:
            put_back(replaced)
            raise
        return replaced


def put_back(replaced: list[tuple[Path, bytes]]) -> None:
    """The outputs as they were before the update."""
    for path, content in replaced:
        path.write_bytes(content)


class Recorder(BasePlugin):
    """Added to the preview's own builds only: keeps what LastBuild needs."""

    def __init__(self, last: LastBuild) -> None:
        super().__init__()
        self.last = last
        self._content: dict[str, str | None] = {}

    @event_priority(-100)  # after every hook has changed it
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.last.nav = nav
        for file in files.documentation_pages():
            if file.page is not None:
                self.last.unread[file.src_uri] = dict(vars(file.page))
        return nav

    @event_priority(100)  # before any hook or lever changes a page at this event
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        self.last.files = files
        self.last.env = env
        self._content = {}
        for file in files.documentation_pages():
            if file.page is not None:
                self.last.faces[file.src_uri] = _face(file.page, dict(file.page.meta))
                self._content[file.src_uri] = file.page.content
        return env

    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """A page whose HTML was changed after the env event (by a hook: the print page's
        is made from the stages') is not to be rendered alone."""
        assert self.last.files is not None
        for uri, content in self._content.items():
            file = self.last.files.get_file_from_path(uri)
            if file is None or file.page is None or file.page.content is not content:
                del self.last.faces[uri]


def differences(shown: Path, built: Path) -> list[str]:
    """Files (relative paths) that differ between two builds, but the search index."""
    found = []
    for folder, _, names in os.walk(built):
        for name in names:
            path = Path(folder, name)
            relative = path.relative_to(built).as_posix()
            if relative == SEARCH_INDEX:
                continue
            try:
                same = (shown / relative).read_bytes() == path.read_bytes()
            except OSError:
                same = False
            if not same:
                found.append(relative)
    for folder, _, names in os.walk(shown):
        for name in names:
            path = Path(folder, name)
            if not (built / path.relative_to(shown)).exists():
                found.append(path.relative_to(shown).as_posix())
    return sorted(found)

"""The build's own Markdown, asked instead of imitated.

What a page's headings are called, which text is a link and whether a link or an anchor
resolves are decided by MkDocs itself: its config loader (mkdocs.yml with the site's
extensions), its file collection (`exclude_docs`, hidden files) and `Page.render`, the
function `mkdocs build` calls. The checks only add what MkDocs does not know: where in
the file the thing is, and a message an editor can act on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
from markdown.treeprocessors import Treeprocessor
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.structure.files import File, Files, get_files
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page as MkDocsPage

# The loggers MkDocs reports broken links, anchors and nav entries on.
_PAGES_LOG = logging.getLogger("mkdocs.structure.pages")
_NAV_LOG = logging.getLogger("mkdocs.structure.nav")
# The link a MkDocs warning is about, as the page wrote it.
_WARNED_LINK = re.compile(
    r"contains (?:a link|an unrecognized relative link|an absolute link) '(.*?)'(?:,| but)"
)
_EXCLUDED_TARGET = re.compile(r"contains a link to '(.*?)' which is excluded")


@dataclass(frozen=True)
class Element:
    """A link or image as the engine found it, in document order."""

    target: str
    image: bool


@dataclass
class Rendered:
    """What one page is to the engine."""

    ids: frozenset[str] = frozenset()
    elements: list[Element] = field(default_factory=list)
    h1_texts: list[str] = field(default_factory=list)
    # MkDocs' own warnings, with the link (as written) each one is about.
    warnings: list[tuple[str | None, str]] = field(default_factory=list)
    excluded_targets: frozenset[str] = frozenset()
    links_to_anchors: dict[str, dict[str, str]] = field(default_factory=dict)


class _Recorder(Treeprocessor):
    """Notes every link, image and H1 before MkDocs rewrites the links to URLs."""

    def __init__(self, md: markdown.Markdown, rendered: Rendered) -> None:
        super().__init__(md)
        self.rendered = rendered

    def run(self, root: Any) -> None:
        for element in root.iter():
            if element.tag == "a" and element.get("href") is not None:
                self.rendered.elements.append(Element(element.get("href"), image=False))
            elif element.tag == "img" and element.get("src") is not None:
                self.rendered.elements.append(Element(element.get("src"), image=True))
            elif element.tag == "h1":
                self.rendered.h1_texts.append("".join(element.itertext()).strip())


class _RecordLinks(markdown.Extension):
    def __init__(self, rendered: Rendered) -> None:
        super().__init__()
        self.rendered = rendered

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After toc (5), before MkDocs' own link rewriting (0).
        md.treeprocessors.register(_Recorder(md, self.rendered), "site_checks_record", 1)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def captured(logger: logging.Logger) -> Iterator[list[logging.LogRecord]]:
    """MkDocs' messages to `logger` while the block runs, kept from the terminal."""
    handler = _Collect()
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


class MarkdownEngine:
    """mkdocs.yml loaded by MkDocs, and its pages rendered by MkDocs' Page.render."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.config = config
        self.files: Files = get_files(config)
        self._extensions = list(config.markdown_extensions)

    @classmethod
    def load(cls, config_file: Path, docs_dir: Path) -> MarkdownEngine:
        """MkDocs' reading of `config_file`, for the pages in `docs_dir`.

        Raises ConfigurationError (with MkDocs' reason) when the file is not valid.
        """
        with captured(logging.getLogger("mkdocs")):
            config = load_config(str(config_file), docs_dir=str(docs_dir))
        return cls(config)

    def file(self, path: str) -> File:
        found = self.files.get_file_from_path(path)
        if found is None:
            config = self.config
            found = File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
            self.files.append(found)
        return found

    def render(self, path: str, text: str) -> Rendered:
        """Render `text` as the page `path` exactly as `mkdocs build` would (minus macros)."""
        rendered = Rendered()
        page = MkDocsPage(None, self.file(path), self.config)
        page.markdown = text
        self.config.markdown_extensions = [*self._extensions, _RecordLinks(rendered)]
        try:
            with captured(_PAGES_LOG) as records:
                page.render(self.config, self.files)
        finally:
            self.config.markdown_extensions = self._extensions
        rendered.ids = frozenset(page.present_anchor_ids or ())
        rendered.links_to_anchors = {
            file.src_uri: dict(links) for file, links in (page.links_to_anchors or {}).items()
        }
        excluded = set()
        for record in records:
            message = record.getMessage()
            if record.levelno >= logging.WARNING:
                match = _WARNED_LINK.search(message)
                rendered.warnings.append((match.group(1) if match else None, message))
            elif match := _EXCLUDED_TARGET.search(message):
                excluded.add(match.group(1))
        rendered.excluded_targets = frozenset(excluded)
        return rendered

    def nav_warnings(self, nav: list) -> list[str]:
        """MkDocs' warnings about `nav` (the hook's expansion of mkdocs.yml's) and the pages."""
        saved = self.config.nav
        self.config.nav = nav
        # MkDocs finds the pages left out of the nav as those it has not made a page for.
        for file in self.files:
            file.page = None
        try:
            with captured(_NAV_LOG) as records:
                get_navigation(self.files, self.config)
        finally:
            self.config.nav = saved
        return [r.getMessage() for r in records if r.levelno >= logging.WARNING]

    def anchor_warnings(
        self, path: str, rendered: Rendered, ids_of: dict[str, frozenset[str] | None]
    ) -> list[tuple[str | None, str]]:
        """MkDocs' own anchor check for one page, given every page's ids (None: unknown)."""
        page = MkDocsPage(None, self.file(path), self.config)
        page.links_to_anchors = {
            self.file(target): links for target, links in rendered.links_to_anchors.items()
        }
        for target in rendered.links_to_anchors:
            target_page = self.file(target).page
            if target_page is not None and target != path:
                ids = ids_of.get(target)
                target_page.present_anchor_ids = None if ids is None else set(ids)
        page.present_anchor_ids = None if ids_of.get(path) is None else set(ids_of[path] or ())
        with captured(_PAGES_LOG) as records:
            page.validate_anchor_links(files=self.files, log_level=logging.WARNING)
        warnings = []
        for record in records:
            match = _WARNED_LINK.search(record.getMessage())
            warnings.append((match.group(1) if match else None, record.getMessage()))
        return warnings


__all__ = ["ConfigurationError", "Element", "MarkdownEngine", "Rendered"]

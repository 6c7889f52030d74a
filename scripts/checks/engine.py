"""The build's own Markdown, asked instead of imitated.

What a page's headings are called, which text is a link and whether a link or an anchor
resolves are decided by MkDocs itself: its config loader (mkdocs.yml with the site's
extensions), its file collection (`exclude_docs`, hidden files) and `Page.render`, the
function `mkdocs build` calls. The checks only add what MkDocs does not know: where in
the file the thing is, and a message an editor can act on.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import re
import signal
import sys
import tempfile
import threading
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
from mkdocs.structure.files import File, Files, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page as MkDocsPage

from guide.glossary import GLOSSARY_FILE, read_glossary
from render.extensions import add_site_extensions
from render.glossary_terms import LINK_CLASS as GLOSSARY_LINK
from speed import levers
from speed.render_cache import RenderCache

# Bump when what is cached changes shape.
CACHE_FORMAT = "rendered-2"
# A real page renders in milliseconds. Python-Markdown and MkDocs have quadratic corners
# (thousands of unclosed '<!--' or '```'): such a page is refused, not waited for.
RENDER_SECONDS = 0.5
# The loggers MkDocs reports broken links, anchors and nav entries on (and all it logs).
_MKDOCS_LOG = logging.getLogger("mkdocs")
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
    text: str = ""  # a link's text, as readers see it


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
    key: str = ""  # what it was rendered from (see MarkdownEngine.key)
    too_slow: bool = False  # rendering was stopped at RENDER_SECONDS

    def to_json(self) -> dict[str, Any]:
        return {
            "ids": sorted(self.ids),
            "elements": [[e.target, e.image, e.text] for e in self.elements],
            "h1_texts": self.h1_texts,
            "warnings": self.warnings,
            "excluded_targets": sorted(self.excluded_targets),
            "links_to_anchors": self.links_to_anchors,
            "too_slow": self.too_slow,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], key: str) -> Rendered:
        return cls(
            ids=frozenset(data["ids"]),
            elements=[
                Element(str(target), bool(image), str(text))
                for target, image, text in data["elements"]
            ],
            h1_texts=list(data["h1_texts"]),
            warnings=[(target, message) for target, message in data["warnings"]],
            excluded_targets=frozenset(data["excluded_targets"]),
            links_to_anchors=dict(data["links_to_anchors"]),
            too_slow=bool(data["too_slow"]),
            key=key,
        )


class _Recorder(Treeprocessor):
    """Notes every link, image and H1 before MkDocs rewrites the links to URLs."""

    def __init__(self, md: markdown.Markdown, rendered: Rendered) -> None:
        super().__init__(md)
        self.rendered = rendered

    def run(self, root: Any) -> None:
        for element in root.iter():
            if element.tag == "a" and element.get("class") == GLOSSARY_LINK:
                continue  # written by the glossary's extension, not by the editor
            if element.tag == "a" and element.get("href") is not None:
                text = " ".join("".join(element.itertext()).split())
                self.rendered.elements.append(Element(element.get("href"), False, text))
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
    saved = logger.level, logger.propagate, logger.handlers
    logger.handlers = [handler]  # not the terminal's (the preview logs MkDocs' own lines)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield handler.records
    finally:
        logger.setLevel(saved[0])  # setLevel, not .level: it clears the loggers' caches
        logger.propagate, logger.handlers = saved[1], saved[2]


def _about_link(message: str) -> tuple[str | None, str]:
    """A MkDocs warning with the link (as the page wrote it) that it is about, if any."""
    match = _WARNED_LINK.search(message)
    return (match.group(1) if match else None), message


class _TooSlow(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the block after `seconds` (a timer signal: main thread of a process only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_config(config_file: Path, docs_dir: Path) -> MkDocsConfig:
    """mkdocs.yml as MkDocs reads it, for the pages in `docs_dir`, its messages kept from the
    terminal. Raises ConfigurationError (with MkDocs' reason) when the file is not valid."""
    with captured(logging.getLogger("mkdocs")):
        return load_config(str(config_file), docs_dir=str(docs_dir))


class MarkdownEngine:
    """mkdocs.yml loaded by MkDocs, and its pages rendered by MkDocs' Page.render."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.config = config
        # The files MkDocs builds with: the docs folder's and the theme's (a link may point at
        # either).
        self.files: Files = get_files(config)
        self.files.add_files_from_theme(config.theme.get_env(), config)
        set_exclusions(self.files, config)
        # The site's own extensions, as the build's hook adds them (the glossary's terms,
        # the permalinks' names): the pages' HTML and ids are the build's.
        terms, problems = read_glossary(Path(config.docs_dir) / GLOSSARY_FILE)
        self.glossary = add_site_extensions(config, [] if problems else terms)
        self._extensions: list[Any] = list(config.markdown_extensions)
        # Where the build finds what this engine converted (None: not shared).
        self.for_the_build: RenderCache | None = None
        # Pages rendered by an earlier run, by key (load_cache, save_cache).
        self.cache: dict[str, Rendered] = {}
        self._by_uri: dict[str, File] = {}
        self.context = self._context()

    def _context(self) -> str:
        """A digest of all that a page's rendering depends on besides its own text: the
        configuration, the set of files its links may point at, and the engine's versions."""
        digest = hashlib.sha256(CACHE_FORMAT.encode())
        digest.update(Path(self.config.config_file_path).read_bytes())
        digest.update(str(self.config.docs_dir).encode())
        for package in ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material"):
            digest.update(importlib.metadata.version(package).encode())
        for file in sorted(self.files, key=lambda f: f.src_uri):
            digest.update(f"{file.src_uri}\0{file.inclusion.name}\0".encode())
        digest.update(repr(self._extensions).encode("utf-8", "surrogatepass"))
        # The code of the site's own extensions (objects; mkdocs.yml's are names).
        modules = {type(e).__module__ for e in self._extensions if not isinstance(e, str)}
        for name in sorted(modules):
            digest.update(Path(str(sys.modules[name].__file__)).read_bytes())
        digest.update(Path(__file__).read_bytes())
        return digest.hexdigest()

    def key(self, path: str, text: str) -> str:
        return hashlib.sha256(f"{self.context}\0{path}\0{text}".encode()).hexdigest()

    @classmethod
    def load(cls, config_file: Path, docs_dir: Path) -> MarkdownEngine:
        """MkDocs' reading of `config_file`, for the pages in `docs_dir`.

        Raises ConfigurationError (with MkDocs' reason) when the file is not valid.
        """
        return cls(read_config(config_file, docs_dir))

    def share_with_the_build(self) -> None:
        """From now on, each page rendered from the Markdown the build converts is kept
        where the build looks for it (its render cache), so that `make build` converts each
        page once. Only when the build uses that cache (the levers are on)."""
        if "cache" in levers.chosen():
            self.for_the_build = RenderCache(self.config, self.files)

    def _page(self, path: str) -> MkDocsPage:
        file = self.file(path)
        return (
            file.page if isinstance(file.page, MkDocsPage) else MkDocsPage(None, file, self.config)
        )

    def file(self, path: str) -> File:
        found = self._by_uri.get(path) or self.files.get_file_from_path(path)
        if found is None:
            config = self.config
            found = File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
            self.files.append(found)
        self._by_uri[path] = found
        return found

    def render(self, path: str, text: str, *, as_built: bool = False) -> Rendered:
        """Render `text` as the page `path` exactly as `mkdocs build` would (minus macros).

        `as_built`: `text` is the very Markdown the build converts for this page (no
        macros), so the build may take this conversion instead of making its own."""
        key = self.key(path, text)
        if key in self.cache:
            return self.cache[key]
        rendered = Rendered(key=key)
        page = MkDocsPage(None, self.file(path), self.config)
        page.markdown = text
        self.glossary.page = path
        # MkDocs passes the list on to Python-Markdown, which takes extension objects too.
        self.config.markdown_extensions = [*self._extensions, _RecordLinks(rendered)]  # type: ignore[list-item]
        try:
            with captured(_MKDOCS_LOG) as logged, _time_limit(RENDER_SECONDS):
                page.render(self.config, self.files)
        except _TooSlow:
            return Rendered(key=key, too_slow=True)
        finally:
            self.config.markdown_extensions = self._extensions
        if as_built and self.for_the_build is not None:
            self.for_the_build.store(page, [(r.name, r.levelno, r.getMessage()) for r in logged])
        records = [record for record in logged if record.name == _PAGES_LOG.name]
        rendered.ids = frozenset(page.present_anchor_ids or ())
        rendered.links_to_anchors = {
            file.src_uri: dict(links) for file, links in (page.links_to_anchors or {}).items()
        }
        excluded = set()
        for record in records:
            message = record.getMessage()
            if record.levelno >= logging.WARNING:
                rendered.warnings.append(_about_link(message))
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
        if not rendered.links_to_anchors:
            return []
        page = self._page(path)
        page.links_to_anchors = {
            self.file(target): links for target, links in rendered.links_to_anchors.items()
        }
        for target in rendered.links_to_anchors:
            ids = ids_of.get(target)
            self._page(target).present_anchor_ids = None if ids is None else set(ids)
        with captured(_PAGES_LOG) as records:
            page.validate_anchor_links(files=self.files, log_level=logging.WARNING)
        return [_about_link(record.getMessage()) for record in records]


def load_cache(engine: MarkdownEngine, path: Path) -> None:
    """Pages rendered by an earlier run with the same context; a damaged cache is ignored."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("context") == engine.context:
            engine.cache = {
                key: Rendered.from_json(value, key) for key, value in data["pages"].items()
            }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        engine.cache = {}


def save_cache(engine: MarkdownEngine, path: Path, rendered: list[Rendered]) -> None:
    """Keep what this run rendered for the next; written whole or not at all."""
    if {r.key for r in rendered} == engine.cache.keys():
        return  # nothing new
    # A page stopped at the time limit is tried again next time, not refused for good.
    kept = {r.key: r.to_json() for r in rendered if r.key and not r.too_slow}
    data = {"context": engine.context, "pages": kept}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=".tmp-", delete=False
        ) as handle:
            handle.write(json.dumps(data))  # the C encoder: json.dump is pure Python
        Path(handle.name).replace(path)
    except OSError:
        pass  # a cache that cannot be written only makes the next run slower


__all__ = ["ConfigurationError", "Element", "MarkdownEngine", "Rendered"]

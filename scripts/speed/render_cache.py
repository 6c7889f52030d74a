"""A cache of each page's converted HTML, of its template output and of its search-index
entries, so that a build after a small edit converts, renders and indexes only the pages
that changed (`.cache/rendered-pages/`, deletable at any time).

What MkDocs' `Page.render` leaves on a page (content, table of contents, title, anchors,
links to other pages' anchors) is stored as JSON, with every message MkDocs logged while
converting it (a broken link, say), which a cached page logs again, so strict mode counts
it on every build. The key covers everything the conversion reads: the page's final
Markdown (after every plugin), its path and address, the site's files and addresses
(links resolve against them), the config, the hooks and scripts, and the version of
every installed package. Anything else changed means a different key.

The template's output for a page (before any `post_page` hook, which still runs) is kept
too, keyed by all the template reads: the page's final content, table of contents, title,
front matter, previous and next pages, the title and address of every page and the shape
of the nav, `extra` (the stage order, the glossary), the data files in docs/, the
templates in overrides/, the build date, and all the conversion's key covers. A page
whose key is found gets a template that only asks for that output (what rendering it
logged is logged again); Material's search index takes the page's entries, kept under the
same key, instead of parsing its HTML.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from contextlib import suppress
from importlib.metadata import distributions
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_build_date

from speed.levers import CACHE_FOLDER, plain_path

FOLDER = CACHE_FOLDER
FORMAT = 2
# Given to each page whose template output is cached: it only asks for it.
FROM_THE_CACHE = "speed/from-the-render-cache.html"
_FROM_THE_CACHE = "{{ speed_rendered_page() }}"
SEARCH_ENTRIES = "search-entries.json"


class LogRecorder(logging.Handler):
    """What MkDocs logged (INFO and up), as (logger, level, message), to be logged again."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _anchor_json(link: AnchorLink) -> list[Any]:
    return [link.title, link.id, link.level, [_anchor_json(child) for child in link.children]]


def _anchor(data: list[Any]) -> AnchorLink:
    title, anchor, level, children = data
    link = AnchorLink(title, anchor, level)
    link.children = [_anchor(child) for child in children]
    return link


class RenderCache:
    """One build's view of the cache: which entries it read or wrote (the rest is pruned)."""

    def __init__(self, config: MkDocsConfig, files: Files) -> None:
        root = Path(config.config_file_path).parent
        self.folder = root / FOLDER
        self.folder_made = False
        self.used: set[str] = set()  # every entry this build read or wrote
        self.converted: set[str] = set()
        self.hits = 0
        self.build_key = _build_fingerprint(config, files, root)
        self.rendered_hits = 0
        # Each page's key for its template output (by path under docs/); the template of
        # each page whose output is cached; the pages whose output is to be kept.
        self.page_keys: dict[str, str] = {}
        self.templates: dict[str, str] = {}
        self.to_keep: set[str] = set()
        self.rendering = LogRecorder()
        self.search_entries: dict[str, list[Any]] = {}
        self.search_changed = False
        self.search_before: set[str] = set()

    def wrap(self, page: Page) -> None:
        """Make this page's render() go through the cache."""
        original: Callable[[MkDocsConfig, Files], None] = page.render

        def render(config: MkDocsConfig, files: Files) -> None:
            self._render(page, original, config, files)

        page.render = render  # type: ignore[method-assign]

    def _render(self, page: Page, original: Callable[..., None], config: Any, files: Any) -> None:
        key = self._page_key(page)
        self.used.add(key)
        self.converted.add(key)
        path = self.folder / f"{key}.json"
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entry = None
        if entry is not None and entry.get("format") == FORMAT:
            self.hits += 1
            self._restore(page, entry, files)
            return
        collect = LogRecorder()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collect)
        try:
            original(config, files)
        finally:
            logger.removeHandler(collect)
        self._store(path, page, collect.records)

    def store(self, page: Page, records: list[tuple[str, int, str]]) -> None:
        """Keep a conversion made by MkDocs' `Page.render` elsewhere (the validator's), with
        what it logged, under the key the build will look for. A build running meanwhile
        may prune the entry being written: then the build converts the page itself."""
        with suppress(OSError):
            self._store(self.folder / f"{self._page_key(page)}.json", page, records)

    def _page_key(self, page: Page) -> str:
        digest = hashlib.sha256(self.build_key.encode())
        for part in (page.file.src_uri, page.url, page.markdown or ""):
            digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _store(self, path: Path, page: Page, records: list[tuple[str, int, str]]) -> None:
        links = page.links_to_anchors
        entry = {
            "format": FORMAT,
            "content": page.content,
            "toc": [_anchor_json(link) for link in page.toc],
            "title": page._title_from_render,
            "present_anchor_ids": sorted(page.present_anchor_ids or ()),
            "links_to_anchors": None
            if links is None
            else {file.src_uri: anchors for file, anchors in links.items()},
            "log": records,
        }
        self._write(path.name, json.dumps(entry))  # the C encoder: json.dump is pure Python

    def _write(self, name: str, text: str) -> None:
        if not self.folder_made:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.folder_made = True
        # Written whole, then renamed: a killed build never leaves half an entry. The name is
        # this process's own (the validator's workers write here too); mkstemp's search for
        # a free random name costs more than the write.
        temporary = self.folder / f"{name}.{os.getpid()}.part"
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(self.folder / name)

    def _restore(self, page: Page, entry: dict[str, Any], files: Files) -> None:
        page.content = entry["content"]
        page.toc = TableOfContents([_anchor(link) for link in entry["toc"]])
        page._title_from_render = entry["title"]
        page.present_anchor_ids = set(entry["present_anchor_ids"])
        if entry["links_to_anchors"] is not None:
            page.links_to_anchors = {
                file: anchors
                for uri, anchors in entry["links_to_anchors"].items()
                if (file := files.get_file_from_path(uri)) is not None
            }
        for name, level, message in entry["log"]:
            logging.getLogger(name).log(level, message)

    def plan_rendered(
        self, env: Environment, pages: list[Page], config: MkDocsConfig, nav: Navigation
    ) -> None:
        """At the `env` event (every page converted, every hook's change made): each page
        whose template output is cached gets a template that only asks for it, and the
        search index takes each such page's entries from the cache."""
        site_key = _site_fingerprint(self.build_key, pages, config, nav)
        for page in pages:
            key = _rendered_key(site_key, page)
            self.used.add(key)
            self.page_keys[page.file.src_uri] = key
            if (self.folder / f"{key}.html").is_file():
                self.templates[page.file.src_uri] = page.meta.get("template", "main.html")
                page.meta["template"] = FROM_THE_CACHE
            else:
                self.to_keep.add(page.file.src_uri)
        env.loader = ChoiceLoader([DictLoader({FROM_THE_CACHE: _FROM_THE_CACHE}), env.loader])  # type: ignore[list-item]
        env.globals["speed_rendered_page"] = self._rendered_page
        self._index_from_cache(config)

    @pass_context
    def _rendered_page(self, context: Context) -> Markup:
        """The page's template output, as kept by an earlier build (what rendering it logged
        is logged again). Rendered after all when the entry is gone (the cache was deleted
        during the build)."""
        uri = context["page"].file.src_uri
        try:
            text = (self.folder / f"{self.page_keys[uri]}.html").read_text(encoding="utf-8")
            log_line, _, output = text.partition("\n")
            log = json.loads(log_line)
        except (OSError, ValueError):
            template = context.environment.get_template(self.templates[uri])
            return Markup(template.render(context.get_all()))
        self.rendered_hits += 1
        for name, level, message in log:
            logging.getLogger(name).log(level, message)
        return Markup(output)

    def start_rendering(self, page: Page) -> None:
        """Before the page's template is rendered: collect what rendering it logs."""
        self.rendering.records.clear()
        if page.file.src_uri in self.to_keep:
            logging.getLogger("mkdocs").addHandler(self.rendering)

    def keep_rendered(self, page: Page, output: str) -> None:
        """Before any other hook's `post_page`: keep the template's output."""
        logging.getLogger("mkdocs").removeHandler(self.rendering)
        if page.file.src_uri in self.to_keep and output.strip():  # empty: the second core's
            key = self.page_keys[page.file.src_uri]
            self._write(f"{key}.html", json.dumps(self.rendering.records) + "\n" + output)

    def _index_from_cache(self, config: MkDocsConfig) -> None:
        """Material's search index parses every page's HTML; a page whose output is cached
        has its entries cached too (by the same key, which covers all the index reads)."""
        plugin = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(plugin, "search_index", None)
        original = getattr(index, "add_entry_from_context", None)
        entries = getattr(index, "entries", None)
        if plugin is None:
            return
        if not callable(original) or not isinstance(entries, list):
            plain_path("Material's search index has no add_entry_from_context or entries")
            return
        self.used.add(Path(SEARCH_ENTRIES).stem)
        try:
            before = json.loads((self.folder / SEARCH_ENTRIES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
        if not isinstance(before, dict):
            before = {}

        def add_entry_from_context(page: Page) -> None:
            key = self.page_keys.get(page.file.src_uri)
            if key is not None and key in before and page.file.src_uri not in self.to_keep:
                entries.extend(before[key])
                self.search_entries[key] = before[key]
                return
            start = len(entries)
            original(page)
            if key is not None:
                self.search_entries[key] = entries[start:]
                self.search_changed = True

        index.add_entry_from_context = add_entry_from_context  # type: ignore[union-attr]
        self.search_before = set(before)

    def finish(self) -> None:
        """After the build: keep the search entries if they changed, prune the rest."""
        if self.search_changed or self.search_entries.keys() != self.search_before:
            self._write(SEARCH_ENTRIES, json.dumps(self.search_entries))
        self.prune()

    def prune(self) -> None:
        """Remove entries this build did not use: the cache stays one build big."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def _build_fingerprint(config: MkDocsConfig, files: Files, root: Path) -> str:
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())
    settings = {
        key: config.get(key)
        for key in ("markdown_extensions", "mdx_configs", "use_directory_urls", "docs_dir")
    }
    settings["validation"] = dict(config.validation)
    settings["site_url"] = config.site_url
    listing = sorted(f"{f.src_uri}\t{f.dest_uri}\t{f.url}\t{f.inclusion}" for f in files)
    for part in (packages, _stable(settings), listing):
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
    # The templates in overrides/ cannot change a conversion: they are in the template
    # output's key (_site_fingerprint), so a change of style converts nothing again.
    _digest_files(digest, root / "scripts")
    digest.update(Path(config.config_file_path).read_bytes())
    return digest.hexdigest()


def _digest_files(digest: Any, folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".yml"):
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())


def _site_fingerprint(
    build_key: str, pages: list[Page], config: MkDocsConfig, nav: Navigation
) -> str:
    """What every page's template reads besides the page itself: the templates, the nav's
    shape, every page's title and address, `extra`, the data files in docs/, the build
    date."""
    digest = hashlib.sha256(build_key.encode())
    _digest_files(digest, Path(config.config_file_path).parent / "overrides")
    shape = [_nav_json(item) for item in nav.items]
    titles = [(page.file.src_uri, page.url, page.title) for page in pages]
    for part in (shape, titles, _stable(config.extra), get_build_date()):
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
    docs = Path(config.docs_dir)
    for path in sorted(docs.rglob("*")):
        if path.is_file() and path.suffix != ".md":
            digest.update(path.relative_to(docs).as_posix().encode() + b"\0")
            if path.suffix in (".yml", ".yaml"):
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _nav_json(item: Any) -> list[Any]:
    if isinstance(item, Section):
        return ["section", item.title, [_nav_json(child) for child in item.children]]
    if isinstance(item, Link):
        return ["link", item.title, item.url]
    return ["page", item.file.src_uri, item.title, item.url]


def _rendered_key(site_key: str, page: Page) -> str:
    """The page's template output depends on these, and on what _site_fingerprint covers."""
    neighbours: list[Any] = [
        None if other is None else (other.url, other.title)
        for other in (page.previous_page, page.next_page)
    ]
    neighbours.append(None if page.parent is None else page.parent.title)
    parts = (
        page.file.src_uri,
        page.url,
        page.title,
        page.content or "",
        [_anchor_json(link) for link in page.toc],
        _stable(page.meta),
        neighbours,
        page.canonical_url,
        page.edit_url,
        page.file.inclusion.name,
    )
    digest = hashlib.sha256(site_key.encode())
    digest.update(repr(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _stable(value: Any) -> Any:
    """The settings as text that is the same in every process (a function by its name, not
    its address, as in toc's slugify)."""
    if isinstance(value, dict):
        return sorted((str(key), _stable(item)) for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        items = [_stable(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
    return repr(value)

"""A cache of each page's converted HTML, so that a build after a small edit converts only
the pages that changed (`.cache/rendered-pages/`, deletable at any time).

What MkDocs' `Page.render` leaves on a page (content, table of contents, title, anchors,
links to other pages' anchors) is stored as JSON, with every message MkDocs logged while
converting it (a broken link, say), which a cached page logs again, so strict mode counts
it on every build. The key covers everything the conversion reads: the page's final
Markdown (after every plugin), its path and address, the site's files and addresses
(links resolve against them), the config, the hooks, overrides and scripts, and the
version of every installed package. Anything else changed means a different key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from importlib.metadata import distributions
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

FOLDER = ".cache/rendered-pages"
FORMAT = 1


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
        self.used: set[str] = set()
        self.hits = 0
        self.build_key = _build_fingerprint(config, files, root)

    def wrap(self, page: Page) -> None:
        """Make this page's render() go through the cache."""
        original: Callable[[MkDocsConfig, Files], None] = page.render

        def render(config: MkDocsConfig, files: Files) -> None:
            self._render(page, original, config, files)

        page.render = render  # type: ignore[method-assign]

    def _render(self, page: Page, original: Callable[..., None], config: Any, files: Any) -> None:
        key = self._page_key(page)
        self.used.add(key)
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
        self.folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a killed build never leaves half an entry.
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entry, out)
        Path(temporary).replace(path)

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
    for folder in ("scripts", "overrides"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".yml"):
                digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(Path(config.config_file_path).read_bytes())
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

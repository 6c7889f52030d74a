"""The second core: a forked child writes every other page while the parent writes the rest.

Forked after every page has its HTML (MkDocs' `env` event), so the child holds the same
pages, nav and templates. It renders its pages with MkDocs' own `_build_page` (a private
function: pinned, see levers.py) and sends back what it logged, which the parent logs
again, so strict mode counts the child's warnings like its own. In the parent, the child's
pages still go through MkDocs' loop (the search index is made from it), but with a
template that writes nothing, so MkDocs leaves those files to the child.

Only for `mkdocs build` in a process with one thread (forking threads is unsafe), and only
for sites big enough that a fork pays for itself.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
import traceback
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

from speed.render_cache import LogRecorder

WRITTEN_ELSEWHERE = "speed/written-by-the-second-core.html"
# Pages; smaller sites are written by one process (a test sets it low to fork small sites).
FORK_FROM = int(os.environ.get("GUIDE_SPEED_FORK_FROM", "200"))


class _QuietAboutSkipped(logging.Filter):
    """MkDocs says 'Page skipped' for each page the child writes: it was not skipped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Page skipped: ")


class SecondCore:
    def __init__(self) -> None:
        self.pid = 0
        self.report = -1
        self.pages = 0
        self.quiet = _QuietAboutSkipped()

    def start(
        self,
        env: Environment,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation,
        pages: list[Any],
    ) -> None:
        """Fork a child that writes every other one of `pages` (those still to render)."""
        if len(pages) < FORK_FROM or threading.active_count() > 1:
            return
        theirs = pages[1::2]
        env.loader = ChoiceLoader([DictLoader({WRITTEN_ELSEWHERE: ""}), env.loader])  # type: ignore[list-item]
        read, write = os.pipe()
        # Both processes hold every page: the collector, visiting them, would make each one
        # hold its own copy of the memory they are in (copy on write). Frozen, it passes them.
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read)
            self._child(write, theirs, (env, config, files, nav))
        os.close(write)
        self.pid, self.report, self.pages = pid, read, len(theirs)
        for page in theirs:
            page.meta["template"] = WRITTEN_ELSEWHERE
        logging.getLogger("mkdocs.commands.build").addFilter(self.quiet)

    @staticmethod
    def _child(report: int, pages: list[Any], build: tuple[Any, Any, Any, Any]) -> None:
        env, config, files, nav = build
        collect = LogRecorder()
        logger = logging.getLogger("mkdocs")
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.addHandler(collect)
        status = 0
        error = None
        try:
            doc_files = files.documentation_pages()
            for page in pages:
                mkdocs_build._build_page(page, config, doc_files, nav, env)
        except BaseException:
            status, error = 1, traceback.format_exc(limit=3)
        data = json.dumps({"log": collect.records, "error": error}).encode()
        with os.fdopen(report, "wb") as out:
            out.write(data)
        os._exit(status)

    def finish(self) -> int:
        """Wait for the child; log what it logged; fail the build if it failed. Returns how
        many pages the child wrote."""
        if not self.pid:
            return 0
        logging.getLogger("mkdocs.commands.build").removeFilter(self.quiet)
        with os.fdopen(self.report, "rb") as report:
            data = report.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        result: dict[str, Any] = json.loads(data) if data else {"log": [], "error": "no report"}
        for name, level, message in result["log"]:
            logging.getLogger(name).log(level, message)
        if status != 0 or result["error"]:
            raise PluginError(f"the second core failed writing pages: {result['error']}")
        return self.pages

"""The preview server: MkDocs' own live-reload server and build, arranged so that no problem
in the content stops it.

What this adds to `mkdocs serve`:

- Each rebuild goes into a fresh folder, without strict mode, and the server switches to it
  only when it built. A failed build leaves the last good site on screen; MkDocs' own loop
  would instead hold every request until a build succeeds.
- After every rebuild the validator runs, and its lines are shown at the top of every page.
  On a big site (EARLY_RELOAD_FROM pages) the check takes seconds: the browsers reload as
  soon as the new build is served (the box keeping the last check's lines about files not
  saved since), and once more when the check's lines differ.
- Each page's Content-Security-Policy also allows, by its hash, the one inline script the
  server itself just added (its live-reload poller). Only the response is changed, never the
  built files, so the published policy is never relaxed.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import TemplateSyntaxError
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer

from guide.problems import Problem
from preview.banner import Findings, problems_page, with_banner
from preview.page_update import (
    LastBuild,
    Recorder,
    Snapshot,
    differences,
    put_back,
    saved_since,
    snapshot,
)
from render.page_security import inline_script_hashes

log = logging.getLogger("mkdocs.preview")
# Pages from which the browsers reload before the check, and again after it if its lines
# differ; a smaller site's check takes well under a second: one reload, after it. From as
# many pages, a saved page is also shown before the full rebuild (page_update.py). The tests
# set it low to see that on a small site.
EARLY_RELOAD_FROM = int(os.environ.get("GUIDE_PREVIEW_EARLY_RELOAD_FROM", "400"))

SCRIPTS = Path(__file__).resolve().parent.parent
_SCRIPT_SOURCES = re.compile(
    r'(<meta http-equiv="Content-Security-Policy" content="[^"]*?script-src [^";]*)'
)


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, serving the last site that built with `findings` on top."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        mount_path: str,
        builds: Path,
        project: Path,
        big_site: Callable[[], bool],
        build_into: Callable[[Path, str, Snapshot], tuple[Findings, LastBuild | None]],
        check: Callable[[], tuple[tuple[Problem, ...], tuple[str, ...]]],
    ) -> None:
        # The server reads files through this link, which always points at the build to show.
        self.current = builds / "current"
        self.current.symlink_to(Path(tempfile.mkdtemp(prefix="nothing-built-yet-", dir=builds)))
        super().__init__(
            builder=self.rebuild,
            host=host,
            port=port,
            root=str(self.current),
            mount_path=mount_path,
        )
        self.builds = builds
        self.project = project
        self.big_site = big_site
        self.checked_at = 0.0
        self.build_into = build_into
        self.check = check
        self.findings = Findings()
        self.has_built = False
        self.last_build: LastBuild | None = None
        self.error_handler = self._error_page

    def rebuild(self) -> None:
        """Show the saved pages alone if they can be (page_update.py); build into a fresh
        folder and serve it if it built; then check the source. Never raises for the
        content: the loop in LiveReloadServer then lets the waiting requests and browsers
        go on."""
        log.info("Building documentation...")
        sources = snapshot(self._watched_paths)
        updated = self._update_saved_pages(sources)
        output = Path(tempfile.mkdtemp(prefix="build-", dir=self.builds))
        built, self.last_build = self.build_into(output, self.url, sources)
        early = not built.build_failed and self.big_site()
        shown_early = updated is not None
        stale = False
        if built.build_failed:
            shutil.rmtree(output)
            if updated:  # the pages shown alone are not part of a version that built
                put_back(updated)
                stale = True
        else:
            # A request that waited for this build already holds a path through the link:
            # swapped in one rename, the link leads it to the new build.
            previous = self.current.readlink()
            if updated is not None and (differ := differences(previous, output)):
                # Expected when a file was saved again during the rebuild, which may have
                # read it; a warning otherwise: the pages shown alone missed something.
                saved_again = snapshot(self._watched_paths) != sources
                (log.info if saved_again else log.warning)(
                    f"The full rebuild differs from the pages shown before it in "
                    f"{len(differ)} files (like {differ[0]}): reloading"
                )
                stale = True
            swap = self.builds / "next"
            swap.symlink_to(output)
            swap.replace(self.current)
            self.has_built = True
            if early and (not shown_early or stale):
                # Until the check is done, the box keeps the last check's lines about files
                # not saved since (the others may be fixed already), and what MkDocs said.
                self.findings = replace(built, problems=self._still_standing())
                self._show_the_new_build()
                shown_early, stale = True, False
            # Thousands of folders take seconds to delete: not before the browsers reload.
            threading.Thread(target=shutil.rmtree, args=(previous, True), daemon=True).start()
        self.checked_at = time.time()
        problems, stopped = self.check()
        findings = replace(built, problems=problems, build_messages=built.build_messages + stopped)
        changed, self.findings = findings != self.findings, findings
        if shown_early and (changed or stale):
            self._show_the_new_build()  # one more reload
        if findings.shown:
            log.warning(f"Preview: {findings.title}; every page shows them at the top:")
            for line in findings.lines:
                log.warning(line)
        else:
            log.info("Preview: no problems.")

    def _update_saved_pages(self, sources: Snapshot) -> list[tuple[Path, bytes]] | None:
        """On a big site, the saved pages rendered alone into the build on screen and shown
        (what their outputs held before), or None."""
        last = self.last_build
        if last is None or not self.big_site():
            return None
        updated = last.update(saved_since(last.sources, sources))
        if updated is not None:
            # Not "Preview: ...", which the benchmark and tests count once per rebuild.
            log.info(f"Shown before the full rebuild: {len(updated)} saved page(s)")
            self.findings = replace(self.findings, problems=self._still_standing())
            self._show_the_new_build()
        return updated

    def _still_standing(self) -> tuple[Problem, ...]:
        """The last check's problems in files that have not been saved since it ran."""

        def unchanged(path: str) -> bool:
            try:
                return (self.project / path).stat().st_mtime < self.checked_at
            except OSError:
                return False

        return tuple(problem for problem in self.findings.problems if unchanged(problem.path))

    def _show_the_new_build(self) -> None:
        """What LiveReloadServer does once the builder returns: waiting requests go on and
        the browsers reload (its private epoch, pinned with mkdocs); once more if they were
        already shown this rebuild."""
        with self._epoch_cond:
            if self._visible_epoch == self._wanted_epoch:
                self._wanted_epoch += 1
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        return self._with_reload_script(with_banner(content.decode("utf-8"), self.findings), epoch)

    def _with_reload_script(self, page: str, epoch: int) -> bytes:
        served = super()._inject_js_into_html(page.encode("utf-8"), epoch).decode("utf-8")
        # Whatever MkDocs just added, and nothing that was already in the page.
        added = "".join(f" {digest}" for digest in inline_script_hashes(served, page))
        return _SCRIPT_SOURCES.sub(lambda m: m.group(1) + added, served, count=1).encode("utf-8")

    def _error_page(self, code: int) -> bytes | None:
        if not self.has_built:
            return self._with_reload_script(problems_page(self.findings), self._visible_epoch)
        error_page = self.current / f"{code}.html"
        if not error_page.is_file():
            return None
        return self._inject_js_into_html(error_page.read_bytes(), self._visible_epoch)


def serve(config_file: Path, dev_addr: str) -> None:
    """Build, check and serve the site until Ctrl+C; rebuild whenever a watched file changes.
    Raises ConfigurationError when mkdocs.yml cannot be used, and OSError when the address
    cannot be listened on."""
    builds = Path(tempfile.mkdtemp(prefix="mkdocs_preview_"))
    try:
        config = _config(config_file, dev_addr, builds)
        config.plugins.on_startup(command="serve", dirty=False)
        host, port = config.dev_addr
        server = PreviewServer(
            host=host,
            port=port,
            mount_path=urlsplit(config.site_url or "/").path,
            builds=builds,
            project=config_file.parent,
            big_site=partial(_is_big, Path(config.docs_dir)),
            build_into=partial(_build, config_file, dev_addr),
            check=partial(_check, config_file),
        )
        try:
            # What `mkdocs serve` watches (mkdocs.yml's `watch:` lists overrides/ and
            # scripts/), known before the first build: each build notes every watched file.
            server.watch(config.docs_dir)
            server.watch(str(config_file))
            served = config.plugins.on_serve(server, config=config, builder=server.rebuild)
            for path in config.watch:
                served.watch(path)
            server.rebuild()
            try:
                served.serve()
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                served.shutdown()
        finally:
            config.plugins.on_shutdown()
    finally:
        shutil.rmtree(builds, ignore_errors=True)


def _config(config_file: Path, dev_addr: str, site_dir: Path) -> MkDocsConfig:
    # Not strict: a warning is shown on the page instead of stopping the preview.
    return load_config(
        config_file=str(config_file), site_dir=str(site_dir), dev_addr=dev_addr, strict=False
    )


def _build(
    config_file: Path, dev_addr: str, output: Path, serve_url: str, sources: Snapshot
) -> tuple[Findings, LastBuild | None]:
    """Build the site into `output`; what MkDocs said (the checks' problems come apart), and
    what the build left for updating one page in it (None when it failed)."""
    _forget_project_modules()
    messages = _Messages()
    logging.getLogger("mkdocs").addHandler(messages)
    last = None
    try:
        config = _config(config_file, dev_addr, output)
        config.site_url = serve_url
        last = LastBuild(config, sources)
        config.plugins["preview/page-update"] = Recorder(last)
        build(config, serve_url=serve_url)
    except Exception as error:  # whatever stops the build, the preview stays up
        last = None
        if not isinstance(error, Abort):  # for an Abort, MkDocs has logged why
            messages.found.append(_why(error, config_file.parent))
    finally:
        logging.getLogger("mkdocs").removeHandler(messages)
    return Findings((), last is None, _lines(messages.found)), last


def _is_big(docs: Path) -> bool:
    """Whether the check takes long enough (a second or more) to reload before it."""
    return sum(1 for _ in islice(docs.rglob("*.md"), EARLY_RELOAD_FROM)) >= EARLY_RELOAD_FROM


def _check(config_file: Path) -> tuple[tuple[Problem, ...], tuple[str, ...]]:
    """The validator's problems, and why it stopped if it did."""
    try:
        validate = importlib.import_module("validate")
        return tuple(validate.source_report(config_file.parent, date.today()).problems), ()
    except Exception as error:  # nor may a crash in the checks stop it
        return (), _lines([f"the checks stopped: {_why(error, config_file.parent)}"])


def _lines(texts: list[str]) -> tuple[str, ...]:
    return tuple(filter(None, (line.strip() for text in texts for line in text.splitlines())))


def _why(error: Exception, root: Path) -> str:
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return f"{os.path.relpath(error.filename, root)}:{error.lineno}: {error.message}"
    return f"{type(error).__name__}: {error}"


def _forget_project_modules() -> None:
    """MkDocs reads the hook file again for every build, but not the modules it imports:
    forgetting them makes a change anywhere in scripts/ count, as in a new process."""
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        kept = name == "__main__" or name.split(".")[0] == "preview"
        if path and Path(path).is_relative_to(SCRIPTS) and not kept:
            del sys.modules[name]


class _Messages(logging.Handler):
    """MkDocs' warnings and errors during one build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.found.append(record.getMessage())

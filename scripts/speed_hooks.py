"""MkDocs hooks for the speed levers (scripts/speed/): thin, after the site's own hooks.

Each lever leaves every page byte for byte as the plain build writes it; the tests build
with and without each (GUIDE_SPEED_LEVERS) and compare.
"""

from __future__ import annotations

import logging

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from speed import fast_nav, levers
from speed.render_cache import RenderCache
from speed.second_core import SecondCore

log = logging.getLogger("mkdocs.speed")


class _Build:
    """What the levers need from one build to the next event."""

    command = ""
    levers: set[str] = set()  # noqa: RUF012 (one build at a time in one process)
    cache: RenderCache | None = None
    nav: Navigation | None = None
    nav_memo: fast_nav.NavMemo | None = None
    second_core = SecondCore()


def on_startup(*, command: str, dirty: bool) -> None:
    _Build.command = command


def on_nav(nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
    _Build.levers = levers.chosen()
    _Build.nav = nav
    # The key holds every file's address: the nav event is the last that may change them.
    _Build.cache = RenderCache(config, files) if "cache" in _Build.levers else None
    return nav


def on_pre_page(page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
    if _Build.cache is not None:
        _Build.cache.wrap(page)
    return page


def on_env(env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
    _Build.nav_memo = fast_nav.install(env) if "nav" in _Build.levers else None
    pages = [file.page for file in files.documentation_pages() if file.page is not None]
    if _Build.cache is not None and _Build.nav is not None:
        _Build.cache.plan_rendered(env, pages, config, _Build.nav)
        pages = [page for page in pages if page.file.src_uri in _Build.cache.to_keep]
    if "fork" in _Build.levers and _Build.command == "build" and _Build.nav is not None:
        _Build.second_core.start(env, config, files, _Build.nav, pages)
    return env


def on_page_context(
    context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
) -> TemplateContext:
    if _Build.cache is not None:
        _Build.cache.start_rendering(page)
    return context


@event_priority(100)  # before every other hook and plugin: the template's own output
def on_post_page(output: str, /, *, page: Page, config: MkDocsConfig) -> str:
    if _Build.cache is not None:
        _Build.cache.keep_rendered(page, output)
    return output


def on_post_build(*, config: MkDocsConfig) -> None:
    written_by_child = _Build.second_core.finish()
    if _Build.cache is not None:
        _Build.cache.finish()
    # What each lever did, for `mkdocs build --verbose` (the tests read it).
    log.debug(
        "speed levers %s: nav entries rendered once and reused %d times; cached pages %s; "
        "cached template outputs %s; "
        "pages written by the second core %d",
        sorted(_Build.levers),
        _Build.nav_memo.reused if _Build.nav_memo else 0,
        f"{_Build.cache.hits}/{len(_Build.cache.converted)}" if _Build.cache else "off",
        f"{_Build.cache.rendered_hits}/{len(_Build.cache.page_keys)}" if _Build.cache else "off",
        written_by_child,
    )
    # The cache's keys are this build's: a page rendered again after it (the preview's
    # scripts/preview/page_update.py) must neither take nor keep an output under them.
    _Build.cache = None

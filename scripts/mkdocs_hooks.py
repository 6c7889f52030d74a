"""MkDocs hooks: the stage order from `docs/_data/stages.yml` drives the nav and previous/next.

Kept thin on purpose: the stage model lives in `stages.py`, the HTML in
`overrides/`, the print page in `render/print_page.py`. MkDocs derives
`page.previous_page`/`page.next_page` from the nav order; these hooks narrow
that chain to the stages alone.
"""

from __future__ import annotations

import html
import os
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from guide.addresses import MOVED_FROM, page_moves
from guide.docs_files import unpublishable_files
from guide.glossary import GLOSSARY_FILE, read_glossary
from guide.problems import MAX_PAGE_BYTES, Problem, read_source_text
from guide.stages import (
    STAGES_FILE,
    Move,
    Stage,
    StageFileError,
    StageProgram,
    expand_stage_placeholder,
    load_stages,
)
from guide.yaml_files import front_matter_problem
from render.extensions import add_site_extensions
from render.page_security import (
    headers_file,
    with_content_security_policy,
    with_safe_external_links,
)
from render.print_page import StageForPrint, holds_placeholder, toc_permalink, with_stages
from render.redirects import overwritten_pages, redirect_maps, with_redirect_policies
from render.site_nav import expand_folder_entries
from render.stylesheet import joined_stylesheet


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # Before MkDocs collects the files: it would follow a linked folder anywhere.
    docs = Path(config.docs_dir)
    unpublishable = unpublishable_files(docs)
    if unpublishable:
        shown = _shown(config, docs)
        raise PluginError(
            "these files cannot be published:\n"
            + "\n".join(f"{shown}/{path}:1: {why}" for path, why in unpublishable)
        )
    program = _load_program(config)
    config.nav, found = expand_stage_placeholder(config.nav or [], program)
    if not found:
        raise PluginError(
            f"{_shown(config, config.config_file_path)}: the nav needs one entry that points at "
            f"the stage order, like '- Stages: {STAGES_FILE}'"
        )
    config.extra["stage_program"] = program
    # The glossary: marked in every page by this Markdown extension, listed by the macro.
    config.extra["glossary"] = add_site_extensions(config, _load_glossary(config))
    return config


@event_priority(50)  # before mkdocs-redirects reads its redirect_maps
def on_files(files: Files, /, *, config: MkDocsConfig) -> Files:
    # MkDocs reads front matter with a YAML loader that expands aliases: a bomb would hang
    # the build. The same check as the validator's, before MkDocs reads any page.
    moves: list[Move] = list(config.extra["stage_program"].moves)
    unsafe = []
    for file in files.documentation_pages():
        problem, page_moves_found = _front_matter(config, file)
        unsafe += [problem] if problem else []
        moves += page_moves_found
    if unsafe:
        raise PluginError("front matter that cannot be read:\n" + "\n".join(map(str, unsafe)))
    pages = [file.src_uri for file in files.documentation_pages()]
    docs_shown = _shown(config, config.docs_dir)
    config.nav, problems = expand_folder_entries(
        config.nav or [], pages, Path(config.docs_dir), docs_shown
    )
    if problems:
        raise PluginError("the folder settings have problems:\n" + "\n".join(map(str, problems)))
    _redirects(config).config["redirect_maps"] = _redirect_maps(moves, pages)
    return files


def on_nav(nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
    program: StageProgram = config.extra["stage_program"]
    stage_pages = [_stage_page(config, files, stage) for stage in program]
    for page in nav.pages:
        page.previous_page = page.next_page = None
    for earlier, later in pairwise(stage_pages):
        earlier.next_page, later.previous_page = later, earlier
    urls = {stage.id: page.url for stage, page in zip(program, stage_pages, strict=True)}
    config.extra["stage_program"] = replace(program, urls=urls)
    return nav


def on_page_markdown(markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    config.extra["glossary"].page = page.file.src_uri
    stage = config.extra["stage_program"].stage_for(page.file.src_uri)
    if stage is not None:
        page.meta.setdefault("description", stage.summary)
    if "description" in page.meta:
        # Material writes it into an attribute as it is.
        page.meta["description"] = html.escape(str(page.meta["description"]))
    return markdown


def on_page_content(html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return with_safe_external_links(html)


def on_env(env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
    # The first event after every page has its HTML, and before any page is written.
    pages = [file.page for file in files.documentation_pages() if file.page is not None]
    print_pages = [page for page in pages if page.content and holds_placeholder(page.content)]
    if print_pages:
        stages = [_stage_for_print(config, files, stage) for stage in config.extra["stage_program"]]
        permalink = toc_permalink(config.mdx_configs.get("toc", {}))
        for page in print_pages:
            page.content = with_stages(page.content or "", page.url, stages, permalink)
    # Added here, after the render cache took its key from the file list: a change of style
    # must not make every page's Markdown be converted again. Copied with the static files.
    stylesheet = joined_stylesheet(files, config)
    files.append(stylesheet)
    config.extra["stylesheet"] = stylesheet.url
    return env


def on_post_page(output: str, /, *, page: Page, config: MkDocsConfig) -> str:
    return with_content_security_policy(output, page.content or "")


def on_post_template(output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
    return with_content_security_policy(output) if template_name.endswith(".html") else output


@event_priority(-50)  # after mkdocs-redirects has written its pages
def on_post_build(*, config: MkDocsConfig) -> None:
    site = Path(config.site_dir)
    (site / "_headers").write_text(headers_file(), encoding="utf-8")
    old_pages = _redirects(config).config["redirect_maps"]
    with_redirect_policies(site, old_pages, config.use_directory_urls)


def _shown(config: MkDocsConfig, path: str | Path) -> str:
    """A path as editors see it: relative to the folder holding mkdocs.yml."""
    return os.path.relpath(path, Path(config.config_file_path).parent)


def _front_matter(config: MkDocsConfig, file: File) -> tuple[Problem | None, list[Move]]:
    """What makes a page's front matter unsafe to read, else the moves it records."""
    if file.abs_src_path is None:
        return None, []
    shown = _shown(config, file.abs_src_path)
    text, problems = read_source_text(Path(file.abs_src_path), shown, MAX_PAGE_BYTES)
    problem = problems[0] if problems else front_matter_problem(text or "", shown)
    if problem or text is None or MOVED_FROM not in text:
        return problem, []
    return None, page_moves(get_data(text)[1].get(MOVED_FROM), file.src_uri, shown, 1)


def _redirects(config: MkDocsConfig) -> BasePlugin:
    plugin = config.plugins.get("redirects")
    if plugin is None:
        raise PluginError(
            f"{_shown(config, config.config_file_path)}: the 'redirects' plugin is needed: it "
            "keeps the addresses of moved pages working"
        )
    return plugin


def _redirect_maps(moves: list[Move], pages: list[str]) -> dict[str, str]:
    """The redirects for every move, refusing one that would be written over a page."""
    overwritten = overwritten_pages(moves, pages)
    if overwritten:
        raise PluginError(
            "\n".join(
                f"{move.path}:{move.line}: '{move.old_page}' is a page now: a redirect would "
                "replace it"
                for move in overwritten
            )
        )
    return redirect_maps(moves)


def _load_program(config: MkDocsConfig) -> StageProgram:
    stages_path = Path(config.docs_dir) / STAGES_FILE
    try:
        return load_stages(stages_path, shown_as=_shown(config, stages_path))
    except StageFileError as error:
        raise PluginError(f"the stage order has problems:\n{error}") from None


def _load_glossary(config: MkDocsConfig) -> list:
    path = Path(config.docs_dir) / GLOSSARY_FILE
    terms, problems = read_glossary(path, shown_as=_shown(config, path))
    if problems:
        raise PluginError("the glossary has problems:\n" + "\n".join(map(str, sorted(problems))))
    return terms


def _stage_for_print(config: MkDocsConfig, files: Files, stage: Stage) -> StageForPrint:
    page = _stage_page(config, files, stage)
    if page.content is None:  # `--dirty` skips pages that did not change
        raise PluginError(f"the print page needs every stage page; '{stage.page}' was not read")
    return StageForPrint(stage.id, stage.title, page.url, page.content)


def _stage_page(config: MkDocsConfig, files: Files, stage: Stage) -> Page:
    file = files.get_file_from_path(stage.page)
    if file is None or file.page is None:
        stages_path = _shown(config, Path(config.docs_dir) / STAGES_FILE)
        raise PluginError(
            f"{stages_path}:{stage.line}: stage '{stage.id}': "
            f"page '{stage.page}' does not exist in {_shown(config, config.docs_dir)}/"
        )
    return file.page

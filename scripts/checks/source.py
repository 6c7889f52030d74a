"""The source check of the whole docs folder: reads every page (in worker processes for big
sites) and runs every check on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from checks.addresses import address_problems
from checks.content_safety import unsafe_content_problems
from checks.engine import ConfigurationError, MarkdownEngine, load_cache, save_cache
from checks.gate import draft_problems, glossary_problems, nav_problems
from checks.links import DocsIndex, link_problems
from checks.markdown import Page, scan_page
from checks.order_claims import Names
from checks.report import Report
from checks.reviews import NOT_CONTENT_PAGES, review_date_problems, reviewer_problems
from checks.stage_pages import (
    front_matter_stage_problems,
    stage_file_problems,
    stage_page_problems,
)
from checks.workers import map_pages
from guide.docs_files import unpublishable_files
from guide.glossary import GLOSSARY_FILE
from guide.problems import MAX_PAGE_BYTES, ExternalLink, Problem, read_source_text
from guide.stages import STAGES_FILE, StageProgram, read_program


def check_source(
    root: Path,
    today: date,
    docs_dir: str = "docs",
    jinja_names: frozenset[str] | None = None,
    config_file: Path | None = None,
) -> Report:
    """Check the docs folder under `root`: stage order, pages, links, anchors, review dates,
    the nav, the glossary, unfinished pages, and (given `jinja_names`) names in Jinja
    expressions that macros does not define.

    Pages are rendered by MkDocs with `config_file` (default: root/mkdocs.yml), whose
    docs_dir is taken to be root/docs_dir.
    """
    docs = root / docs_dir
    if not docs.is_dir():
        return Report([Problem(docs_dir, 1, "docs folder does not exist")], 0, [])
    # Links out of docs/, loops, pipes and devices come first: MkDocs would follow a linked
    # folder anywhere, and reading a pipe blocks. Nothing else is read until they are gone.
    unpublishable = unpublishable_files(docs)
    if unpublishable:
        return Report([Problem(f"{docs_dir}/{path}", 1, why) for path, why in unpublishable], 0)
    config_file = config_file or root / "mkdocs.yml"
    try:
        engine = MarkdownEngine.load(config_file, docs)
    except ConfigurationError as error:
        return Report([Problem(config_file.name, 1, f"MkDocs cannot use it: {error}")], 0)
    stages_shown = f"{docs_dir}/{STAGES_FILE}"
    program, stage_problems = read_program(docs / STAGES_FILE, stages_shown)
    problems = list(stage_problems)
    # Problems in stages.yml are reported; the valid stages still drive the other checks.
    stage_pages = frozenset(stage.page for stage in program)
    reading = _Reading(config_file, docs, docs_dir, stage_pages, jinja_names)
    pages, read_problems = _read_all_pages(engine, reading)
    problems += read_problems
    index = _docs_index(engine, pages, program)
    # While stages.yml itself has problems, comparing pages with it would only add noise.
    compare_stages = not stage_problems
    skip_stage_checks: set[str] = set()
    if compare_stages:
        found, skip_stage_checks = stage_file_problems(program, pages, stages_shown, docs_dir)
        problems += found
    # A folder read with another project's mkdocs.yml (a test fixture) has no nav of its own.
    own_nav = config_file.parent.resolve() == root.resolve()
    # Nor is the nav checked: without the stages, every stage page would seem left out of it.
    if own_nav and compare_stages:
        reported = {p.path.removeprefix(f"{docs_dir}/") for p in problems} | skip_stage_checks
        problems += nav_problems(engine, program, config_file.name, reported)
    # The project's macros read the glossary: without it, the build stops.
    if (docs / GLOSSARY_FILE).exists() or (own_nav and "glossary" in (jinja_names or ())):
        problems += glossary_problems(docs, docs_dir)
    problems += draft_problems(pages.values(), program, stages_shown)
    if own_nav:
        problems += address_problems(engine, program, pages, docs_dir)
    external: list[ExternalLink] = []
    names = Names(program)
    # Headings that macros write are not known before the build: anchors into such a page
    # are left to the check of the built site.
    ids_of = {path: None if page.has_macros else page.ids for path, page in pages.items()}
    for page in pages.values():
        found, links = _page_problems(
            page,
            today=today,
            engine=engine,
            program=program,
            names=names,
            index=index,
            ids_of=ids_of,
            compare_stages=compare_stages,
            skip_stage_checks=skip_stage_checks,
        )
        problems += found
        external += links
    return Report(problems, len(pages) + 1, external)


def _page_problems(
    page: Page,
    *,
    today: date,
    engine: MarkdownEngine,
    program: StageProgram,
    names: Names,
    index: DocsIndex,
    ids_of: dict[str, frozenset[str] | None],
    compare_stages: bool,
    skip_stage_checks: set[str],
) -> tuple[list[Problem], list[ExternalLink]]:
    """What is wrong in one page, and the links out of it to other websites."""
    problems = [*page.problems, *unsafe_content_problems(page)]
    if not page.readable:
        return problems, []
    stage = program.stage_for(page.path)
    if page.path not in NOT_CONTENT_PAGES and page.front_matter_valid:
        problems += review_date_problems(page, today)
        problems += reviewer_problems(page, required=stage is not None)
    if compare_stages and page.path not in skip_stage_checks:
        problems += front_matter_stage_problems(page, program)
    if compare_stages and stage is not None:
        problems += stage_page_problems(page, stage, program, names)
    anchors = engine.anchor_warnings(page.path, page.rendered, ids_of)
    found, links = link_problems(page, index, anchors)
    return problems + found, links


def _read_all_pages(
    engine: MarkdownEngine, reading: _Reading
) -> tuple[dict[str, Page], list[Problem]]:
    """Every page the build would render, read and rendered (over the cores for big sites)."""
    paths = sorted(file.src_uri for file in engine.files.documentation_pages())
    # Only a real project keeps a cache (not a test fixture read with this one's mkdocs.yml).
    cache = reading.config_file.parent / RENDER_CACHE
    own_project = reading.config_file.parent == reading.docs.parent
    if own_project:
        load_cache(engine, cache)
        engine.share_with_the_build()
    _current.clear()
    _current[(reading.config_file, reading.docs)] = engine
    pages: dict[str, Page] = {}
    problems: list[Problem] = []
    read = map_pages(_read_pages, paths, reading, chunk=PAGES_AT_ONCE)
    for page, read_problems in sorted(read, key=_by_path):
        pages[page.path] = page
        problems += read_problems
        page.readable = not read_problems
    if own_project:
        save_cache(engine, cache, [page.rendered for page in pages.values()])
    return pages, problems


def _by_path(item: tuple[Page, list[Problem]]) -> str:
    return item[0].path


def _docs_index(engine: MarkdownEngine, pages: dict[str, Page], program: StageProgram) -> DocsIndex:
    """Every file and folder under docs/ as MkDocs collects them (hidden files, exclude_docs)."""
    published = {f.src_uri for f in engine.files if not f.inclusion.is_excluded()}
    unpublished = {f.src_uri for f in engine.files if f.inclusion.is_excluded()}
    folders = {
        str(parent)
        for uri in published | unpublished
        for parent in PurePosixPath(uri).parents
        if str(parent) != "."
    }
    return DocsIndex(
        pages=pages,
        assets=frozenset(published - pages.keys()),
        unpublished=frozenset(unpublished),
        folders=frozenset(folders),
        program=program,
    )


# Pages a worker reads before sending them back (each holds its text and conversion).
PAGES_AT_ONCE = 100
# Rendered pages from the last run: what did not change is not rendered again.
RENDER_CACHE = ".cache/validate-rendered.json"


@dataclass(frozen=True)
class _Reading:
    """What reading a page needs; sent to each worker process."""

    config_file: Path
    docs: Path
    docs_dir: str
    stage_pages: frozenset[str]
    jinja_names: frozenset[str] | None


# The engine of the check under way: forked workers inherit it, spawned ones load their own.
_current: dict[tuple[Path, Path], MarkdownEngine] = {}


def _read_pages(paths: list[str], reading: _Reading) -> list[tuple[Page, list[Problem]]]:
    """Read and scan some pages (in a worker process for big sites)."""
    key = (reading.config_file, reading.docs)
    engine = _current.get(key) or MarkdownEngine.load(*key)
    results = []
    for path in paths:
        shown = f"{reading.docs_dir}/{path}"
        text, read_problems = read_source_text(reading.docs / path, shown, MAX_PAGE_BYTES)
        page = scan_page(text or "", path, shown, engine, reading.jinja_names)
        if path not in reading.stage_pages:
            page.prose = ""  # only stage pages need their prose again: less to send back
        results.append((page, read_problems))
    return results

"""The source check of the whole docs folder: reads every page (in worker processes for big
sites) and runs every check on it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from checks.engine import ConfigurationError, MarkdownEngine
from checks.links import DATA_DIR, DocsIndex, ExternalLink, link_problems
from checks.markdown import Page, scan_page
from checks.order_claims import Names
from checks.report import Report
from checks.reviews import NOT_CONTENT_PAGES, review_date_problems
from checks.stage_pages import (
    front_matter_stage_problems,
    stage_file_problems,
    stage_page_problems,
)
from checks.workers import map_pages
from guide.problems import Problem, read_source_text
from guide.stages import STAGES_FILE, StageProgram, read_stages


def check_source(
    root: Path,
    today: date,
    docs_dir: str = "docs",
    jinja_names: frozenset[str] | None = None,
    config_file: Path | None = None,
) -> Report:
    """Check the docs folder under `root`: stage order, pages, links, anchors, review dates,
    and (given `jinja_names`) names in Jinja expressions that macros does not define.

    Pages are rendered by MkDocs with `config_file` (default: root/mkdocs.yml), whose
    docs_dir is taken to be root/docs_dir.
    """
    docs = root / docs_dir
    if not docs.is_dir():
        return Report([Problem(docs_dir, 1, "docs folder does not exist")], 0, [])
    config_file = config_file or root / "mkdocs.yml"
    try:
        engine = MarkdownEngine.load(config_file, docs)
    except ConfigurationError as error:
        return Report([Problem(config_file.name, 1, f"MkDocs cannot use it: {error}")], 0)
    stages_shown = f"{docs_dir}/{STAGES_FILE}"
    stages, stage_problems = read_stages(docs / STAGES_FILE, stages_shown)
    problems = list(stage_problems)
    # Problems in stages.yml are reported; the valid stages still drive the other checks.
    program = StageProgram(tuple(stages))
    files, folders = _walk(docs)
    published = {f for f in files if not f.startswith(f"{DATA_DIR}/")}
    paths = sorted(f for f in published if f.endswith(".md"))
    stage_pages = frozenset(stage.page for stage in program)
    engine_pages = {file.src_uri for file in engine.files.documentation_pages()}
    paths = [path for path in paths if path in engine_pages]
    reading = _Reading(config_file, docs, docs_dir, stage_pages, jinja_names)
    _current.clear()
    _current[(config_file, docs)] = engine
    scanned = map_pages(_read_pages, paths, reading)
    pages: dict[str, Page] = {}
    unreadable: set[str] = set()
    for page, read_problems in sorted(scanned, key=lambda item: item[0].path):
        pages[page.path] = page
        problems += read_problems
        if read_problems:
            unreadable.add(page.path)
    index = DocsIndex(
        pages=pages,
        assets=frozenset(published - pages.keys()),
        unpublished=frozenset(files - published),
        folders=frozenset(folders),
        program=program,
    )
    # While stages.yml itself has problems, comparing pages with it would only add noise.
    compare_stages = not stage_problems
    if compare_stages:
        found, skip_stage_checks = stage_file_problems(program, pages, stages_shown, docs_dir)
        problems += found
    external: list[ExternalLink] = []
    names = Names(program)
    # Headings that macros write are not known before the build: anchors into such a page
    # are left to the check of the built site.
    ids_of = {path: None if page.has_macros else page.ids for path, page in pages.items()}
    for page in pages.values():
        problems += page.problems
        if page.path in unreadable:
            continue
        if page.path not in NOT_CONTENT_PAGES and page.front_matter_valid:
            problems += review_date_problems(page, today)
        stage = program.stage_for(page.path)
        if compare_stages and page.path not in skip_stage_checks:
            problems += front_matter_stage_problems(page, program)
        if compare_stages and stage is not None:
            problems += stage_page_problems(page, stage, program, names)
        found, links = link_problems(
            page, index, engine.anchor_warnings(page.path, page.rendered, ids_of)
        )
        problems += found
        external += links
    return Report(problems, len(pages) + 1, external)


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
        text, read_problems = read_source_text(reading.docs / path, shown)
        page = scan_page(text or "", path, shown, engine, reading.jinja_names)
        if path not in reading.stage_pages:
            page.prose = ""  # only stage pages need their prose again: less to send back
        results.append((page, read_problems))
    return results


def _walk(docs: Path) -> tuple[set[str], set[str]]:
    """Files and folders under docs/ as posix paths; hidden ones are skipped, as MkDocs does."""
    files: set[str] = set()
    folders: set[str] = set()
    for directory, subdirectories, names in os.walk(docs):
        subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
        relative = Path(directory).relative_to(docs).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        folders.update(prefix + d for d in subdirectories)
        files.update(prefix + name for name in names if not name.startswith("."))
    return files, folders

"""What a hostile or careless pull request can put in docs/: the validator and the build
answer with `path:line: message`, in bounded time, and publish nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.markdown import scan_page
from checks.site_html import scan_html
from checks.stage_pages import stage_page_problems
from conftest import REPO_ROOT, copy_site_sources, markdown_engine, run_mkdocs_build
from guide.problems import MAX_PAGE_BYTES, read_source_text
from guide.stages import load_stages

TODAY = "2026-11-21"
PROGRAM = load_stages(REPO_ROOT / "docs" / "_data" / "stages.yml")
FRONT = "---\nlast_reviewed: 2026-11-21\nnext_review: 2027-11-21\n---\n\n"


def validate(site: Path, timeout: float = 60) -> tuple[int, list[str], float]:
    """validate.py as editors run it, in its own process, so that a hang is a failure."""
    start = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "validate.py"), "--root", str(site),
         "--today", TODAY],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert "Traceback" not in finished.stderr, finished.stderr
    return finished.returncode, finished.stdout.splitlines(), time.perf_counter() - start


def build_fails(site: Path, tmp_path: Path, *expected: str) -> None:
    result = run_mkdocs_build(site, tmp_path / "site")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


@pytest.mark.parametrize(
    ("make", "name", "why"),
    [
        (lambda docs: (docs / "passwd.txt").symlink_to("/etc/passwd"), "passwd.txt",
         "is a symbolic link to something outside docs/, which is never published"),
        (lambda docs: (docs / "stages" / "tolerance.md").unlink()
         or (docs / "stages" / "tolerance.md").symlink_to(REPO_ROOT / "README.md"),
         "stages/tolerance.md", "is a symbolic link to something outside docs/"),
        (lambda docs: (docs / "up").symlink_to(".."), "up", "is a symbolic link to something"),
        (lambda docs: (docs / "gone.md").symlink_to("nowhere.md"), "gone.md",
         "is a symbolic link to a file that does not exist"),
        (lambda docs: (docs / "a.md").symlink_to("b.md") or (docs / "b.md").symlink_to("a.md"),
         "a.md", "is a symbolic link that loops back on itself"),
        (lambda docs: os.mkfifo(docs / "pipe.md"), "pipe.md", "is a named pipe (FIFO)"),
    ],
)  # fmt: skip
def test_files_that_are_not_the_projects_are_refused_and_never_read(
    make, name: str, why: str, tmp_path: Path
) -> None:
    site = copy_site_sources(tmp_path / "project")
    make(site / "docs")
    code, lines, seconds = validate(site, timeout=30)
    assert code == 1
    assert any(line.startswith(f"docs/{name}:1: {why}") for line in lines), lines
    assert seconds < 10
    build_fails(site, tmp_path, f"docs/{name}:1: ")
    assert not (tmp_path / "site").exists() or "root:" not in "".join(
        p.read_text(errors="replace") for p in (tmp_path / "site").rglob("*") if p.is_file()
    )


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(8)
)


def test_an_alias_bomb_in_front_matter_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    site = copy_site_sources(tmp_path / "project")
    page = site / "docs" / "about.md"
    page.write_text("---\n" + BOMB + page.read_text(encoding="utf-8")[4:], encoding="utf-8")
    code, lines, seconds = validate(site)
    assert code == 1
    assert (
        "docs/about.md:2: front matter: YAML anchors and aliases ('&name', '*name') are not "
        "allowed: write the value out" in lines
    )
    assert seconds < 5  # Python start-up and MkDocs' config included; the check itself: ms
    start = time.perf_counter()
    build_fails(site, tmp_path, "docs/about.md:2: front matter: YAML anchors")
    assert time.perf_counter() - start < 30


def test_aliases_and_duplicate_keys_in_data_and_front_matter(tmp_path: Path) -> None:
    site = copy_site_sources(tmp_path / "project")
    stages = site / "docs" / "_data" / "stages.yml"
    text = stages.read_text(encoding="utf-8")
    stages.write_text(text.replace("label: Diagnosis", "label: &l Diagnosis", 1), encoding="utf-8")
    page = site / "docs" / "stages" / "tolerance.md"
    page.write_text(page.read_text().replace("---\n", "---\nnext_review: 2026-12-01\n", 1))
    code, lines, _ = validate(site)
    assert code == 1
    assert any(line.startswith("docs/_data/stages.yml:") and "anchors and aliases" in line
               for line in lines), lines  # fmt: skip
    assert any(line.startswith("docs/stages/tolerance.md:") and "'next_review' is given twice"
               in line for line in lines), lines  # fmt: skip


@pytest.mark.parametrize("year", ["9999-12-31", "10000-01-01", "0001-01-01"])
def test_review_dates_at_the_ends_of_the_calendar_are_messages(tmp_path: Path, year: str) -> None:
    site = copy_site_sources(tmp_path / "project")
    page = site / "docs" / "about.md"
    text = page.read_text(encoding="utf-8").replace(
        "last_reviewed: 2026-11-21", f"last_reviewed: {year}"
    )
    page.write_text(text.replace("next_review: 2027-11-21", f"next_review: {year}"))
    code, lines, _ = validate(site)
    assert code == 1
    assert any(line.startswith("docs/about.md:") for line in lines), lines


OPENERS = ["{#", "{{ ", "<!--", "`", "```\n", "[", "<script ", "![", "<a onclick=", "*_",
           "&", "\n- ", "> ", "<", "](", "{ #", "Next: ", "comes after the "]  # fmt: skip


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(opener=st.sampled_from(OPENERS), size=st.sampled_from([100_000, 500_000, 2_000_000]))
def test_pathological_pages_are_checked_in_under_a_second(
    tmp_path_factory: pytest.TempPathFactory, opener: str, size: int
) -> None:
    path = tmp_path_factory.mktemp("page") / "page.md"
    path.write_text("---\nrender_macros: true\n---\n" + opener * (size // len(opener)))
    stage = PROGRAM.stages[3]
    start = time.perf_counter()
    # As the validator reads a page: a page over the limit is refused unread.
    text, problems = read_source_text(path, "docs/x.md", MAX_PAGE_BYTES)
    if text is not None:
        page = scan_page(text, stage.page, "docs/x.md", markdown_engine(), frozenset())
        stage_page_problems(page, stage, PROGRAM)
    assert time.perf_counter() - start < 1.0
    assert (text is None) == (size > MAX_PAGE_BYTES)
    if text is None:
        assert problems[0].message == f"file is {path.stat().st_size:,} bytes; the limit is 524,288"


def test_a_page_too_slow_to_render_is_refused_not_waited_for(tmp_path: Path) -> None:
    site = copy_site_sources(tmp_path / "project")
    (site / "docs" / "slow.md").write_text(FRONT + "<!--" * 60_000, encoding="utf-8")
    code, lines, seconds = validate(site)
    assert code == 1
    assert any(line.startswith("docs/slow.md:1: this page takes too long") for line in lines)
    assert seconds < 10
    # Not kept in the cache: a page that was slow once (on a busy machine) is tried again.
    cached = json.loads((site / ".cache" / "validate-rendered.json").read_text(encoding="utf-8"))
    assert cached["pages"] and not any(entry["too_slow"] for entry in cached["pages"].values())


def test_the_cache_cannot_smuggle_in_a_result(tmp_path: Path) -> None:
    """The render cache is keyed by the page text and everything it depends on: a cache
    file written by someone else can only ever be a miss, never a pass for a broken page."""
    site = copy_site_sources(tmp_path / "project")
    page = site / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](nowhere.md)\n")
    cache = site / ".cache" / "validate-rendered.json"
    cache.parent.mkdir()
    cache.write_text(json.dumps({"context": "forged", "pages": {}}))
    code, lines, _ = validate(site)
    assert code == 1 and any("nowhere.md" in line for line in lines)
    code, lines, _ = validate(site)  # now from its own cache
    assert code == 1 and any("nowhere.md" in line for line in lines)


@pytest.mark.parametrize("opener", ["<script ", "<!--", "<style", '<a name="x" ', ' id="a"', "<"])
def test_pathological_built_html_is_checked_in_under_a_second(opener: str) -> None:
    text = opener * (2_000_000 // len(opener))
    start = time.perf_counter()
    scan_html(text)
    assert time.perf_counter() - start < 1.0


def test_a_page_over_the_size_limit_is_refused_by_the_build(tmp_path: Path) -> None:
    """As by the validator (test_validate_cli): the build reads no page over the limit."""
    site = copy_site_sources(tmp_path / "project")
    page = site / "docs" / "long.md"
    page.write_text(FRONT + "Plain words. " * (MAX_PAGE_BYTES // 10), encoding="utf-8")
    built = run_mkdocs_build(site, tmp_path / "site")
    assert built.returncode != 0
    assert f"docs/long.md:1: file is {page.stat().st_size:,} bytes; the limit is 524,288" in (
        built.stderr
    )

"""The speed levers (scripts/speed/) change how fast the site is built, never what is built.

One copy of the real site, grown with articles in nested folders (so the sidebar has
closed sections inside open ones), is built the plain way and with each lever; every file
of the output, the search index included, must be byte for byte the same. Strict mode
must still fail on a broken link, from a cold cache and from a warm one. The fallbacks
(other package versions, a changed nav-item template) take the plain path with one line.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2 import DictLoader, Environment

import validate
from bench import build as bench_build
from speed import fast_nav, levers, render_cache, second_core
from speed.render_cache import FOLDER

LEVERS_DONE = re.compile(
    r"speed levers \[(.*)\]: nav entries rendered once and reused (\d+) times; "
    r"cached pages (\S+); cached template outputs (\S+); pages written by the second core (\d+)"
)
REPO_ROOT = Path(__file__).resolve().parent.parent
CHANGED_PAGE = "articles/topic-01/section-002/article-01.md"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def mkdocs_build(project: Path, site: Path, chosen: str) -> subprocess.CompletedProcess[str]:
    """The strict build, verbose (the levers' summary is a debug line), small sites forked."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": "1763683200",
        levers.CHOICE: chosen,
        "GUIDE_SPEED_FORK_FROM": "2",
    }
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-v", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def built(project: Path, site: Path, chosen: str) -> tuple[dict[str, bytes], list[str]]:
    """Every output file, and what the levers reported (their names, reuses, hits, pages)."""
    result = mkdocs_build(project, site, chosen)
    assert result.returncode == 0, result.stderr[-3000:]
    done = LEVERS_DONE.search(result.stderr)
    assert done is not None, result.stderr[-3000:]
    return snapshot(site), list(done.groups())


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site and 24 articles: 4 topics of 2 sections of 3 pages."""
    root = tmp_path_factory.mktemp("speed") / "project"
    saved = bench_build.SECTION_SIZE, bench_build.SECTIONS_PER_TOPIC
    bench_build.SECTION_SIZE, bench_build.SECTIONS_PER_TOPIC = 3, 2
    try:
        bench_build.make_project(root, 30, baseline=False)
    finally:
        bench_build.SECTION_SIZE, bench_build.SECTIONS_PER_TOPIC = saved
    return root


@pytest.fixture(scope="module")
def plain(grown: Path) -> dict[str, bytes]:
    pages, done = built(grown, grown.parent / "plain", "none")
    assert done[0] == "", "the plain build used a lever"
    return pages


def differences(one: dict[str, bytes], other: dict[str, bytes]) -> list[str]:
    return sorted(name for name in one.keys() | other.keys() if one.get(name) != other.get(name))


@pytest.mark.parametrize("lever", ["nav", "fork", "nav,cache,fork"])
def test_each_lever_writes_every_file_byte_for_byte_as_the_plain_build(
    grown: Path, plain: dict[str, bytes], lever: str
) -> None:
    shutil.rmtree(grown / FOLDER, ignore_errors=True)
    pages, (names, reused, _, _, forked) = built(grown, grown.parent / lever, lever)
    assert names == ", ".join(repr(name) for name in sorted(lever.split(",")))
    # Each lever did its work: entries reused, pages written by the child.
    if "nav" in lever:
        assert int(reused) > 100
    if "fork" in lever:
        assert int(forked) > 10
    assert "search/search_index.json" in pages
    assert "articles/topic-03/section-007/article-02/index.html" in pages
    assert differences(plain, pages) == []


def test_a_warm_build_with_one_page_changed_is_the_cold_build_byte_for_byte(
    grown: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(grown, project, ignore=shutil.ignore_patterns(".cache"))
    first, (_, _, cached, rendered, _) = built(project, tmp_path / "first", "cache")
    assert cached.startswith("0/")
    assert rendered.startswith("0/")
    page = project / "docs" / CHANGED_PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more plain word.\n", "utf-8")
    warm, (_, _, cached, rendered, _) = built(project, tmp_path / "warm", "cache")
    for counted in (cached, rendered):
        hits, total = map(int, counted.split("/"))
        assert hits == total - 1, "every page but the changed one comes from the cache"
    shutil.rmtree(project / FOLDER)
    cold, _ = built(project, tmp_path / "cold", "none")
    assert differences(first, warm) == [
        "articles/topic-01/section-002/article-01/index.html",
        "search/search_index.json",
    ]
    assert differences(cold, warm) == []


def test_strict_mode_fails_on_a_broken_link_from_a_cold_a_warm_and_a_validator_made_cache(
    grown: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(grown, project, ignore=shutil.ignore_patterns(".cache"))
    page = project / "docs" / CHANGED_PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [this](no-such-page.md).\n", "utf-8")
    for attempt in ("cold", "warm", "converted by the validator"):
        if attempt == "converted by the validator":
            shutil.rmtree(project / FOLDER)
            assert validate.main(["--root", str(project)]) == 1
        result = mkdocs_build(project, tmp_path / attempt, "nav,cache,fork")
        assert result.returncode != 0, attempt
        output = result.stdout + result.stderr
        assert output.count("contains a link 'no-such-page.md'") == 1, attempt
        assert "Aborted with 1 warnings in strict mode" in output, attempt
        done = LEVERS_DONE.search(output)
        assert done is not None
        hits, total = map(int, done.group(3).split("/"))
        expected = {"cold": 0, "warm": total}.get(attempt, total - _template_pages(project))
        assert hits == expected, attempt


def test_warnings_the_second_core_logs_are_logged_again_by_the_parent(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def build_page(page: SimpleNamespace, *args: object) -> None:
        logging.getLogger("mkdocs.commands.build").warning("planted in %s", page.name)

    monkeypatch.setattr(second_core.mkdocs_build, "_build_page", build_page)
    monkeypatch.setattr(second_core, "FORK_FROM", 2)
    # Other tests may leave threads behind (a test server); the child here runs only the
    # stand-in above and exits, so forking is safe.
    monkeypatch.setattr(second_core.threading, "active_count", lambda: 1)
    pages = [SimpleNamespace(name=f"page-{n}", meta={}) for n in range(4)]
    files = SimpleNamespace(documentation_pages=lambda: [SimpleNamespace(page=p) for p in pages])
    core = second_core.SecondCore()
    core.start(
        Environment(loader=DictLoader({})), SimpleNamespace(), files, SimpleNamespace(), pages
    )  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        assert core.finish() == 2
    assert [r.getMessage() for r in caplog.records] == ["planted in page-1", "planted in page-3"]
    assert [p.meta.get("template") for p in pages][1::2] == [second_core.WRITTEN_ELSEWHERE] * 2


def test_other_package_versions_take_the_plain_path_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(levers.CHOICE, raising=False)
    assert levers.chosen() == set(levers.LEVERS)
    monkeypatch.setitem(levers.TESTED_WITH, "mkdocs-material", "9.0.0")
    assert levers.chosen() == set()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "mkdocs-material 9.8.1 (tested with 9.0.0)" in lines[0]


def test_a_nav_item_template_without_its_recursive_call_is_left_as_it_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    changed = "{% macro render(nav_item, path, level) %}{{ nav_item.title }}{% endmacro %}"
    loader = fast_nav.RoutedNavLoader(DictLoader({fast_nav.NAV_ITEM: changed}))
    source, _, _ = loader.get_source(Environment(), fast_nav.NAV_ITEM)
    assert source == changed
    assert not loader.routed
    assert "0 recursive render calls" in capsys.readouterr().err


def test_the_tested_versions_are_the_pinned_ones() -> None:
    pins = dict(
        line.split("==")
        for line in (REPO_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line
    )
    assert {name: pins[name] for name in levers.TESTED_WITH} == levers.TESTED_WITH


CHANGES = {
    # A stage's title: every page's sidebar, the stage's own header, the home page's overview.
    "stage order": ("docs/_data/stages.yml", "title: Immune clearance", "title: Immune cleaning"),
    # A definition: each page that marks the term, and the glossary page.
    "glossary": (
        "docs/_data/glossary.yml",
        "Finding out what illness",
        "Finding out which illness",
    ),
    # A template: every page.
    "template": ("overrides/main.html", "{{ super() }}", "{{ super() }}<!-- changed -->"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_warm_build_after_a_change_outside_the_pages_is_the_cold_build(
    grown: Path, tmp_path: Path, change: str
) -> None:
    project = tmp_path / "project"
    shutil.copytree(grown, project, ignore=shutil.ignore_patterns(".cache"))
    first, _ = built(project, tmp_path / "first", "cache")
    name, old, new = CHANGES[change]
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    warm, (_, _, converted, rendered, _) = built(project, tmp_path / "warm", "cache")
    shutil.rmtree(project / FOLDER)
    cold, _ = built(project, tmp_path / "cold", "none")
    assert differences(first, cold), "the change changes the site"
    assert differences(cold, warm) == []
    if change == "template":  # a change of style renders every page, and converts none
        hits, total = map(int, converted.split("/"))
        assert hits == total
        assert rendered.startswith("0/")


def test_a_kept_template_output_is_used_and_one_deleted_during_the_build_is_rendered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = render_cache.RenderCache.__new__(render_cache.RenderCache)
    cache.folder, cache.rendered_hits = tmp_path, 0
    cache.page_keys, cache.templates = {"a.md": "key"}, {"a.md": "main.html"}
    env = Environment(
        loader=DictLoader(
            {
                "main.html": "<p>{{ page.title }}</p>",
                render_cache.FROM_THE_CACHE: render_cache._FROM_THE_CACHE,
            }
        )
    )
    env.globals["speed_rendered_page"] = cache._rendered_page
    page = SimpleNamespace(file=SimpleNamespace(src_uri="a.md"), title="Rendered")
    kept = tmp_path / "key.html"
    kept.write_text('[["mkdocs.theme", 30, "logged when it was rendered"]]\n<p>Kept</p>')
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        assert env.get_template(render_cache.FROM_THE_CACHE).render(page=page) == "<p>Kept</p>"
    assert [r.getMessage() for r in caplog.records] == ["logged when it was rendered"]
    kept.unlink()  # `rm -rf .cache` while a build runs
    assert env.get_template(render_cache.FROM_THE_CACHE).render(page=page) == "<p>Rendered</p>"
    assert cache.rendered_hits == 1


def _template_pages(project: Path) -> int:
    """Pages that are templates (macros runs on them before the build converts them)."""
    return sum(
        "render_macros: true" in path.read_text(encoding="utf-8")
        for path in (project / "docs").rglob("*.md")
    )


def test_the_build_takes_the_validators_conversions_and_writes_the_same_files(
    grown: Path, plain: dict[str, bytes], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(grown, project, ignore=shutil.ignore_patterns(".cache"))
    validate.main(["--root", str(project)])
    pages, (_, _, cached, rendered, _) = built(project, tmp_path / "site", "nav,cache,fork")
    hits, total = map(int, cached.split("/"))
    assert (hits, total) == (total - _template_pages(project), len(list(project.rglob("*.md"))))
    assert rendered.startswith("0/")
    assert differences(plain, pages) == []

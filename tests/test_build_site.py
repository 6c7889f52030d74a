"""build_site.py: nothing broken is published, and a failed build leaves site/ as it was."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

import build_site
from conftest import copy_site_sources


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real site's sources, with review dates that are not due for a year,
    and a previously published site/ to protect."""
    root = copy_site_sources(tmp_path / "project")
    today = date.today()
    for page in (root / "docs").rglob("*.md"):
        text = re.sub(r"(?m)^last_reviewed: .*$", f"last_reviewed: {today}", page.read_text())
        text = re.sub(r"(?m)^next_review: .*$", f"next_review: {today + timedelta(365)}", text)
        page.write_text(text)
    (root / "site" / "old").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<p>the previous site</p>\n")
    (root / "site" / "old" / "page.html").write_bytes(b"\x00previous\xff")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leftovers(root: Path) -> list[str]:
    return sorted(path.name for path in root.iterdir() if path.name.startswith(".site-build-"))


def test_a_good_build_replaces_the_site(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert build_site.main(["--root", str(project)]) == 0
    site = project / "site"
    assert not (site / "old").exists()
    assert (site / "stages" / "tolerance" / "index.html").is_file()
    assert "Immune tolerance" in (site / "stages" / "tolerance" / "index.html").read_text()
    assert capsys.readouterr().out.splitlines()[-1] == "build: published site/"
    assert leftovers(project) == []


def test_a_source_problem_stops_before_building(
    project: Path, capfd: pytest.CaptureFixture
) -> None:
    before = snapshot(project / "site")
    page = project / "docs" / "index.md"
    page.write_text(page.read_text() + "\nSee [the old page](stages/tolerence.md).\n")
    assert build_site.main(["--root", str(project)]) == 1
    out = capfd.readouterr().out
    assert "link 'stages/tolerence.md' does not exist; did you mean 'stages/tolerance.md'" in out
    assert out.splitlines()[-1] == "build: the source has problems; site/ was not changed."
    assert "Building documentation" not in out
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


@pytest.mark.parametrize(
    ("page", "addition", "expected"),
    [
        # A macro called with the wrong arguments passes the source check but fails the build.
        ("about.md", "\n{{ stage_overview('extra') }}\n", "stage_overview"),
    ],
)
def test_a_failed_mkdocs_build_leaves_the_site(
    project: Path, capfd: pytest.CaptureFixture, page: str, addition: str, expected: str
) -> None:
    before = snapshot(project / "site")
    source = project / "docs" / page
    text = source.read_text() if source.exists() else (project / "docs" / "about.md").read_text()
    source.write_text(text + addition)
    assert build_site.main(["--root", str(project)]) == 1
    captured = capfd.readouterr()
    assert expected in captured.out + captured.err  # the build's own error
    assert captured.out.splitlines()[-1] == "build: mkdocs build failed; site/ was not changed."
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


def test_a_problem_in_the_built_html_leaves_the_site(
    project: Path, capfd: pytest.CaptureFixture
) -> None:
    """MkDocs does not check links in raw HTML; the check of the built site does."""
    before = snapshot(project / "site")
    page = project / "docs" / "about.md"
    page.write_text(page.read_text() + '\n<p><a href="../no-such-page/">Old page</a></p>\n')
    assert build_site.main(["--root", str(project)]) == 1
    lines = capfd.readouterr().out.splitlines()
    assert re.fullmatch(
        r"site/about/index\.html:\d+: href '\.\./no-such-page/' does not resolve: "
        r"there is no file 'no-such-page/index\.html'",
        lines[-4],
    ), lines[-4]
    assert lines[-1] == "build: the built site has problems; site/ was not changed."
    assert snapshot(project / "site") == before
    assert leftovers(project) == []


def test_a_first_build_creates_the_site(project: Path, capsys: pytest.CaptureFixture) -> None:
    site = project / "public"
    assert build_site.main(["--root", str(project), "--site-dir", "public"]) == 0
    assert (site / "index.html").is_file()
    assert capsys.readouterr().out.splitlines()[-1] == "build: published public/"

"""One gate: `make validate` and `mkdocs build --strict` agree on every site an editor can make.

Each case is a copy of the real site with one editor's change (or one of the fixture
sites laid over it). Both run on the same copy. Where the strict build fails, validate
must fail too, naming the file and line; where validate fails, the build must fail too,
unless every problem is one of the content rules that only the validator enforces
(review dates, the stage order in prose, placeholders), which the build cannot know.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import validate
from conftest import copy_site_sources, run_mkdocs_build
from new_stage import main as new_stage

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = "2026-11-21"
# The validator's own content rules: the strict build does not check these.
POLICY = re.compile(
    r"review|says |stage pages must not|front matter names stage|placeholder|draft|"
    r"is not in docs/_data/stages.yml|front matter: .* is given twice|"
    r"was published and would now be a 404"
)

Edit = Callable[[Path], None]


def append(path: str, text: str) -> Edit:
    def edit(site: Path) -> None:
        page = site / "docs" / path
        page.write_text(page.read_text(encoding="utf-8") + text, encoding="utf-8")

    return edit


def write(path: str, text: str) -> Edit:
    def edit(site: Path) -> None:
        (site / "docs" / path).write_text(text, encoding="utf-8")

    return edit


def replace(path: str, old: str, new: str) -> Edit:
    def edit(site: Path) -> None:
        page = site / path
        text = page.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        page.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def add_stage(site: Path) -> None:
    arguments = ["--docs", str(site / "docs"), "--id", "follow-up", "--after", "protection"]
    assert new_stage([*arguments, "--title", "Follow-up care"]) == 0


def overlay(case: str) -> Edit:
    """A fixture site's pages and stage order in place of the real ones."""

    def edit(site: Path) -> None:
        shutil.rmtree(site / "docs" / "stages")
        (site / "docs" / "_data" / "stages.yml").unlink()
        shutil.copytree(FIXTURES / case / "docs", site / "docs", dirs_exist_ok=True)

    return edit


FRONT = "---\nlast_reviewed: 2026-11-21\nnext_review: 2027-11-21\n---\n\n"
# (edit, a fragment of the line validate must print, or None when the site is fine)
CASES: dict[str, tuple[Edit, str | None]] = {
    "unchanged": (lambda site: None, None),
    "code in a heading": (
        append(
            "stages/tolerance.md", "\n## Using `make` safely\n\nSee [it](#using-make-safely).\n"
        ),
        None,
    ),
    "underscores and entities": (
        append("stages/tolerance.md", "\n## a_b_c &amp; more\n\n[Up](#a_b_c-more)\n"),
        None,
    ),
    "reference-style link to another stage": (
        append(
            "stages/blockage.md",
            "\nRead [the next part][tol].\n\n[tol]: tolerance.md#why-this-stage-is-needed\n",
        ),
        None,
    ),
    "heading in a code block": (
        append("stages/clearance.md", "\n```text\n## not a heading\n```\n"),
        None,
    ),
    "page not in the nav": (write("orphan.md", FRONT + "# Orphan\n\nText.\n"), "docs/orphan.md:1"),
    "nav entry without a page": (
        replace("mkdocs.yml", "  - Glossary: glossary.md", "  - Glossary: glosary.md"),
        "the nav lists 'glosary.md'",
    ),
    "broken glossary": (append("_data/glossary.yml", "\n  - term: [broken\n"), "glossary.yml:"),
    "misspelt macro": (
        replace("docs/index.md", "stage_overview()", "stage_overveiw()"),
        "did you mean 'stage_overview'?",
    ),
    "broken link": (append("about.md", "\n[Old](stages/tolerence.md)\n"), "docs/about.md:"),
    "broken anchor": (
        append("about.md", "\n[Why](stages/tolerance.md#why-this-is)\n"),
        "there is no heading with id 'why-this-is'",
    ),
    "absolute link": (append("about.md", "\n[Top](/index.md)\n"), "starts with '/'"),
    "new stage not written yet": (add_stage, "placeholder"),
    # Published with a notice, and a warning: an overdue page never blocks another's fix.
    "overdue review": (
        replace(
            "docs/about.md",
            "last_reviewed: 2026-11-21\nnext_review: 2027-11-21",
            "last_reviewed: 2025-06-01\nnext_review: 2026-01-01",
        ),
        None,
    ),
    **{
        f"fixture {case}": (overlay(case), "")
        for case in sorted(path.name for path in FIXTURES.iterdir() if (path / "docs").is_dir())
    },
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_and_the_strict_build_agree(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit, expected = CASES[case]
    site = copy_site_sources(tmp_path / "project")
    edit(site)
    code = validate.main(["--root", str(site), "--today", TODAY])
    lines = capsys.readouterr().out.splitlines()
    problems = [line for line in lines if re.match(r"\S+:\d+: ", line)]
    errors = [line for line in problems if ": warning: " not in line]
    built = run_mkdocs_build(site, tmp_path / "site")
    build_ok = built.returncode == 0
    if not build_ok:
        assert code == 1, f"the build fails but validate passes:\n{built.stderr[-2000:]}"
    if code == 1 and build_ok:
        assert all(POLICY.search(line) for line in errors), (
            "validate fails for a reason the build does not share:\n" + "\n".join(errors)
        )
    if expected is None:
        assert (code, build_ok) == (0, True), "\n".join(lines) + built.stderr[-2000:]
    elif expected:
        assert any(expected in line for line in errors), "\n".join(lines)

"""No published address ever breaks: moves recorded once, redirects built from them, and the
validator refusing a change that would turn a published address into a 404."""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent
from urllib.parse import urljoin

import pytest

import validate
from conftest import build_or_fail
from guide.addresses import PUBLISHED_FILE, read_published
from guide.stages import STAGES_FILE, Move, read_program
from render.page_security import content_security_policy

_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rename_stage(docs: Path, old: str, new: str, title: str, *, record: bool) -> None:
    """What an editor does to change a stage's address: id, page, the page's `stage:` line."""
    (docs / f"stages/{old}.md").rename(docs / f"stages/{new}.md")
    edit(docs / f"stages/{new}.md", f"stage: {old}\n", f"stage: {new}\n")
    stages = docs / STAGES_FILE
    edit(stages, f"- id: {old}\n", f"- id: {new}\n")
    edit(stages, f"page: stages/{old}.md\n", f"page: stages/{new}.md\n")
    text = stages.read_text(encoding="utf-8")
    stages.write_text(re.sub(r"(- id: " + new + r"\n    title: )[^\n]+", r"\g<1>" + title, text))
    if record:
        edit(
            stages, f"page: stages/{new}.md\n", f"page: stages/{new}.md\n    moved_from: [{old}]\n"
        )


def validate_copy(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = validate.main(["--root", str(root)])
    return status, capsys.readouterr().out.splitlines()


def published_line(root: Path, address: str) -> int:
    published, problems = read_published(root / "docs" / PUBLISHED_FILE, PUBLISHED_FILE)
    assert problems == []
    return published[address].line


def follow_redirect(site: Path, address: str) -> tuple[str, str]:
    """Where a browser goes from `address` (the redirect page's refresh), and that page's title.

    The page's own policy must allow its one script (it keeps the #fragment)."""
    html = (site / address.strip("/") / "index.html").read_text(encoding="utf-8")
    target = urljoin(f"http://127.0.0.1{address}", _REFRESH.search(html).group(1))  # type: ignore[union-attr]
    assert content_security_policy(html) in html
    path = target.removeprefix("http://127.0.0.1/")
    page = site / path / "index.html"
    return "/" + path, _TITLE.search(page.read_text(encoding="utf-8")).group(1)  # type: ignore[union-attr]


def test_renaming_a_stage_id_leaves_the_old_address_redirecting(
    site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = site_copy / "docs"
    rename_stage(docs, "regulation", "balance", "Immune balance", record=True)
    status, output = validate_copy(site_copy, capsys)
    assert status == 0, output
    site = build_or_fail(site_copy, site_copy / "site")
    address, title = follow_redirect(site, "/stages/regulation/")
    assert address == "/stages/balance/"
    assert title.startswith("Stage 5 of 6: Immune balance")


def test_renaming_without_recording_the_move_is_refused(
    site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rename_stage(site_copy / "docs", "tolerance", "acceptance", "Immune acceptance", record=False)
    status, output = validate_copy(site_copy, capsys)
    assert status == 1
    line = published_line(site_copy, "/stages/tolerance/")
    assert (
        f"docs/_data/published.yml:{line}: address '/stages/tolerance/' (stage 'Immune "
        "tolerance') was published and would now be a 404: if the stage was renamed or moved, "
        "add 'moved_from: [tolerance]' to its entry in docs/_data/stages.yml; if it was "
        "removed, add 'removed: [tolerance]' at the end of docs/_data/stages.yml"
    ) in output


def test_removing_a_stage_needs_a_redirect_to_the_overview(
    site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = site_copy / "docs"
    stages = docs / STAGES_FILE
    text = stages.read_text(encoding="utf-8")
    entry = re.search(r"  - id: clearance\n(?:    .*\n)+\n", text)
    assert entry is not None
    stages.write_text(text.replace(entry.group(0), ""), encoding="utf-8")
    (docs / "stages/clearance.md").unlink()
    status, output = validate_copy(site_copy, capsys)
    assert status == 1
    line = published_line(site_copy, "/stages/clearance/")
    assert any(
        out.startswith(f"docs/_data/published.yml:{line}: address '/stages/clearance/'")
        and "add 'removed: [clearance]'" in out
        for out in output
    ), output
    stages.write_text(stages.read_text(encoding="utf-8") + "\nremoved: [clearance]\n")
    status, output = validate_copy(site_copy, capsys)
    assert status == 0, output
    site = build_or_fail(site_copy, site_copy / "site")
    address, title = follow_redirect(site, "/stages/clearance/")
    assert address == "/"
    assert "Kidney immunotherapy guide" in title


def test_a_moved_ordinary_page_keeps_its_address_through_its_front_matter(
    site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = site_copy / "docs"
    (docs / "about.md").rename(docs / "about-this-guide.md")
    edit(site_copy / "mkdocs.yml", ": about.md\n", ": about-this-guide.md\n")
    status, output = validate_copy(site_copy, capsys)
    assert status == 1
    line = published_line(site_copy, "/about/")
    assert (
        f"docs/_data/published.yml:{line}: address '/about/' was published and would now be a "
        "404: add 'moved_from: [about.md]' to the front matter of the page that replaces it"
    ) in output
    edit(docs / "about-this-guide.md", "---\n", "---\nmoved_from: [about.md]\n")
    edit(docs / "index.md", "(about.md)", "(about-this-guide.md)")
    status, output = validate_copy(site_copy, capsys)
    assert status == 0, output
    site = build_or_fail(site_copy, site_copy / "site")
    address, title = follow_redirect(site, "/about/")
    assert address == "/about-this-guide/"
    assert title.startswith("About this information")


def test_the_old_title_as_link_text_is_a_warning_naming_the_new_one(
    site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = site_copy / "docs"
    edit(docs / STAGES_FILE, "title: Immune blockage\n", "title: Immune blocking stage\n")
    edit(docs / "about.md", "\n## ", "\nSee [immune Blockage](stages/blockage.md).\n\n## ")
    # Renamed, but the old title kept as an alias: still a current name, no warning.
    edit(docs / STAGES_FILE, "title: Exact diagnosis\n", "title: Diagnosis in detail\n")
    edit(docs / STAGES_FILE, "[immune diagnosis]", "[immune diagnosis, Exact diagnosis]")
    edit(docs / "glossary.md", "\n{{", "\nSee [Exact diagnosis](stages/diagnosis.md).\n\n{{")
    status, output = validate_copy(site_copy, capsys)
    assert status == 0
    warnings = [line for line in output if "old name" in line]
    # The tolerance page already links to blockage by its title: it is found too.
    assert [line.split(":")[0] for line in warnings] == [
        "docs/about.md",
        "docs/stages/tolerance.md",
    ]
    assert re.fullmatch(
        r"docs/about\.md:\d+: warning: link text 'immune Blockage' is the old name of a stage: "
        r"it is now called 'Immune blocking stage'",
        warnings[0],
    )
    assert "'Immune blockage' is the old name" in warnings[1]


def test_a_move_may_not_replace_a_page_nor_be_recorded_twice(
    site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stages = site_copy / "docs" / STAGES_FILE
    edit(
        stages,
        "page: stages/tolerance.md\n",
        "page: stages/tolerance.md\n    moved_from: [blockage]\n",
    )
    stages.write_text(stages.read_text(encoding="utf-8") + "\nremoved: [old-stage, old-stage]\n")
    status, output = validate_copy(site_copy, capsys)
    assert status == 1
    program, _ = read_program(stages, "docs/_data/stages.yml")
    lines = {(move.old_page, move.line) for move in program.moves}
    moved_line = next(line for page, line in lines if page == "stages/blockage.md")
    removed_line = next(line for page, line in lines if page == "stages/old-stage.md")
    assert (
        f"docs/_data/stages.yml:{moved_line}: 'stages/blockage.md' is a page now: a redirect "
        "would replace it; remove it from this list, or move that page first"
    ) in output
    assert (
        f"docs/_data/stages.yml:{removed_line}: 'stages/old-stage.md' is already recorded as "
        f"moved at docs/_data/stages.yml:{removed_line}: keep one of the two"
    ) in output


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("    moved_from: regulation\n", "stage 'tolerance': 'moved_from' must be a list"),
        ("    moved_from: [Regulation Stage]\n", "must be a stage id (like 'regulation') or a"),
        ("    moved_from: [../outside.md]\n", "must be a stage id (like 'regulation') or a"),
        ("    moved_from: [[nested]]\n", "'moved_from': each entry must be text"),
    ],
)
def test_moved_from_entries_are_checked_with_their_line(
    tmp_path: Path, written: str, expected: str
) -> None:
    text = dedent(
        """\
        stages:
          - id: tolerance
            title: Immune tolerance
            label: Tolerance
            summary: Accepting.
            page: stages/tolerance.md
        """
    )
    path = tmp_path / "stages.yml"
    path.write_text(text + written, encoding="utf-8")
    program, problems = read_program(path, "stages.yml")
    assert [str(problem).startswith("stages.yml:7: ") for problem in problems] == [True]
    assert expected in problems[0].message
    assert program.moves == ()


def test_moves_are_read_with_their_targets(tmp_path: Path) -> None:
    path = tmp_path / "stages.yml"
    path.write_text(
        dedent(
            """\
            stages:
              - id: balance
                title: Immune balance
                label: Balance
                summary: Balancing.
                page: stages/balance.md
                moved_from: [regulation, older/adjustment.md]
            removed: [protection]
            """
        ),
        encoding="utf-8",
    )
    program, problems = read_program(path, "stages.yml")
    assert problems == []
    assert program.moves == (
        Move("stages/regulation.md", "stages/balance.md", "stages.yml", 7),
        Move("older/adjustment.md", "stages/balance.md", "stages.yml", 7),
        Move("stages/protection.md", "index.md", "stages.yml", 8),
    )
    assert [move.line for move in program.moves] == [7, 7, 8]

"""Publishing: reproducible builds, another engine, the CI workflow, adding a stage."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from conftest import MKDOCS, REPO_ROOT, build_or_fail, run_mkdocs_build
from guide.stages import STAGES_FILE, load_stages
from html_pages import assert_overview_and_sidebar_follow, assert_stage_pages_follow
from new_stage import add_stage, main

BIN = Path(sys.executable).parent
# 2000-01-01: far from any real build date, so a clock leaking into the output shows.
FIXED_EPOCH = "946684800"


def files_of(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in site.rglob("*")
        if path.is_file()
    }


def build_with(engine: Sequence[str], site_dir: Path) -> Path:
    return build_or_fail(REPO_ROOT, site_dir, engine=engine, env={"SOURCE_DATE_EPOCH": FIXED_EPOCH})


@pytest.fixture(scope="module")
def reproducible_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_with(MKDOCS, tmp_path_factory.mktemp("first") / "site")


def test_two_builds_of_the_same_commit_are_byte_identical(
    reproducible_site: Path, tmp_path: Path
) -> None:
    second = build_with(MKDOCS, tmp_path / "site")
    first_files, second_files = files_of(reproducible_site), files_of(second)
    assert first_files.keys() == second_files.keys()
    different = [name for name in first_files if first_files[name] != second_files[name]]
    assert different == []
    # The dates come from SOURCE_DATE_EPOCH, not from the clock.
    assert "<lastmod>2000-01-01</lastmod>" in first_files["sitemap.xml"].decode()


def test_properdocs_builds_the_same_site(reproducible_site: Path, tmp_path: Path) -> None:
    other = build_with([str(BIN / "properdocs")], tmp_path / "site")
    ours, theirs = files_of(reproducible_site), files_of(other)
    assert ours.keys() == theirs.keys()

    def without_generator(content: bytes) -> list[bytes]:
        return [line for line in content.splitlines() if b'name="generator"' not in line]

    different = [
        name for name in ours if without_generator(ours[name]) != without_generator(theirs[name])
    ]
    assert different == []


def test_workflow_is_valid_and_hardened() -> None:
    workflows = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    schema = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, workflows),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", *map(str, workflows)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_new_stage_appears_everywhere_numbered(site_copy: Path) -> None:
    docs = site_copy / "docs"
    errors = add_stage(
        docs,
        stage_id="follow-up",
        title="Follow-up care",
        after="blockage",
        summary="Checking in after treatment.",
        today=date(2026, 11, 21),
    )
    assert errors == []
    program = load_stages(docs / STAGES_FILE)
    assert [stage.id for stage in program][2:5] == ["blockage", "follow-up", "tolerance"]
    assert program.stages[3].number == 4 and len(program) == 7
    site = build_or_fail(site_copy, site_copy / "site")
    assert_stage_pages_follow(site, program)
    assert_overview_and_sidebar_follow(site, program)


def test_new_stage_can_come_first(site_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = site_copy / "docs"
    arguments = ["--docs", str(docs), "--summary", "Checking who the program is for."]
    first = ["--id", "screening", "--title", "Screening"]
    assert main([*arguments, *first, "--after", "start"]) == 0
    assert (
        main([*arguments, "--id", "referral", "--title", "Referral", "--before", "screening"]) == 0
    )
    text = (docs / STAGES_FILE).read_text(encoding="utf-8")
    assert "\nstages:\n  - id: referral\n" in text
    assert "page: stages/referral.md\n\n  - id: screening\n" in text
    assert "page: stages/screening.md\n\n  - id: diagnosis\n" in text
    assert capsys.readouterr().out.splitlines() == [
        "Added stage 'screening' as the first stage, before 'diagnosis': "
        "edit docs/stages/screening.md",
        "Added stage 'referral' as the first stage, before 'screening': "
        "edit docs/stages/referral.md",
    ]
    program = load_stages(docs / STAGES_FILE)
    assert [stage.id for stage in program][:3] == ["referral", "screening", "diagnosis"]
    site = build_or_fail(site_copy, site_copy / "site")
    assert_stage_pages_follow(site, program)
    assert_overview_and_sidebar_follow(site, program)


def test_new_stage_before_a_later_stage_keeps_the_file_readable(site_copy: Path) -> None:
    docs = site_copy / "docs"
    errors = add_stage(
        docs,
        stage_id="follow-up",
        title="Follow-up care",
        before="protection",
        summary="Checking in after treatment.",
        today=date(2026, 11, 21),
    )
    assert errors == []
    text = (docs / STAGES_FILE).read_text(encoding="utf-8")
    assert "page: stages/regulation.md\n\n  - id: follow-up\n" in text
    assert "page: stages/follow-up.md\n\n  - id: protection\n" in text
    assert [stage.id for stage in load_stages(docs / STAGES_FILE)][-2:] == [
        "follow-up",
        "protection",
    ]


@pytest.mark.parametrize(
    ("where", "error"),
    [
        (["--after", "blockage", "--before", "tolerance"], "give AFTER or BEFORE, not both"),
        (
            [],
            "say where the stage goes: AFTER=<stage id>, BEFORE=<stage id> or AFTER=start "
            "to make it the first stage",
        ),
        (
            ["--before", "nowhere"],
            "BEFORE 'nowhere' is not a stage; choose one of: "
            "diagnosis, clearance, blockage, tolerance, regulation, protection",
        ),
    ],
)
def test_new_stage_refuses_an_unclear_place(
    site_copy: Path, capsys: pytest.CaptureFixture[str], where: list[str], error: str
) -> None:
    docs = site_copy / "docs"
    before = (docs / STAGES_FILE).read_bytes()
    arguments = ["--docs", str(docs), "--id", "follow-up", "--title", "Follow-up care"]
    assert main([*arguments, *where]) == 1
    assert capsys.readouterr().err.splitlines() == [f"new-stage: {error}"]
    assert (docs / STAGES_FILE).read_bytes() == before
    assert not (docs / "stages" / "follow-up.md").exists()


def test_new_stage_refuses_duplicates_and_unknown_after(
    site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = site_copy / "docs"
    before = (docs / STAGES_FILE).read_bytes()
    status = main(
        [
            "--docs",
            str(docs),
            "--id",
            "tolerance",
            "--title",
            "Immune Tolerance",
            "--after",
            "nowhere",
        ]
    )
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        "new-stage: ID 'tolerance' is already a stage",
        "new-stage: TITLE 'Immune Tolerance' is already the name of a stage",
        "new-stage: docs/stages/tolerance.md already exists",
        "new-stage: AFTER 'nowhere' is not a stage; choose one of: "
        "diagnosis, clearance, blockage, tolerance, regulation, protection "
        "(or AFTER=start to make it the first stage)",
    ]
    assert (docs / STAGES_FILE).read_bytes() == before


def test_a_failed_build_reports_the_stage_file_line(site_copy: Path) -> None:
    path = site_copy / "docs" / STAGES_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("stages/tolerance.md", "stages/tolerence.md"),
        encoding="utf-8",
    )
    result = run_mkdocs_build(site_copy, site_copy / "site")
    assert result.returncode == 1
    line = next(stage.line for stage in load_stages(path) if stage.id == "tolerance")
    assert (
        f"docs/_data/stages.yml:{line}: stage 'tolerance': page 'stages/tolerence.md' "
        "does not exist in docs/"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_pre_commit_config_is_valid() -> None:
    result = subprocess.run(
        [str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

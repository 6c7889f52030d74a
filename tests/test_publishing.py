"""Publishing: reproducible builds, another engine, the CI workflow, adding a stage."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
import yaml

import build_site
from bench.chromium import chromium_path
from checks.publishing import publishing_problem
from checks.settings import read_settings
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


def workflow(name: str) -> dict:
    text = (REPO_ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def test_every_action_is_pinned_by_commit() -> None:
    uses = [
        step["uses"]
        for path in sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
        for job in workflow(path.name)["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    ]
    assert "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02" in uses
    assert [use for use in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use)] == []


def test_reminders_run_weekly_with_issues_write_in_that_job_only() -> None:
    reminders = workflow("reminders.yml")
    # PyYAML reads the key `on` as True.
    (schedule,) = reminders[True]["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* [0-6]", schedule["cron"])
    assert reminders["permissions"] == {}
    (job,) = reminders["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    assert "scripts/reminders.py" in job["steps"][-1]["run"]
    site = workflow("site.yml")
    assert all("issues" not in job.get("permissions", {}) for job in site["jobs"].values())


def test_pull_requests_upload_the_site_and_publishing_is_marked() -> None:
    steps = workflow("site.yml")["jobs"]["build"]["steps"]
    by_name = {step.get("name"): step for step in steps}
    upload = by_name["Upload the site for reviewers"]
    assert upload["if"] == "github.event_name == 'pull_request'"
    assert upload["with"]["path"] == "site/"
    build = by_name["Build (strict, checked, then published to site/)"]
    assert build["env"]["SITE_URL"] == "${{ vars.SITE_URL || steps.pages.outputs.base_url }}"
    assert "'1'" in build["env"]["PUBLISHING"]
    tests = by_name["Tests"]
    assert tests["env"]["BROWSER_PATH"] == "/usr/bin/google-chrome"
    assert not any("apt-get install" in str(step.get("run", "")) for step in steps)


def test_pre_commit_needs_no_network() -> None:
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"] * len(config["repos"])
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {"ruff-check", "validate", "check-yaml", "trailing-whitespace"} <= {
        hook["id"] for hook in hooks
    }
    for hook in hooks:
        program = hook["entry"].split()[0]
        assert program.startswith(".venv/bin/"), hook["id"]
        assert (BIN / program.removeprefix(".venv/bin/")).is_file(), hook["id"]


@pytest.mark.parametrize(
    "case",
    [
        (None, None, "but the site URL is 'http://127.0.0.1:8000/', this computer"),
        ("http://localhost:8000/", None, "but the site URL is 'http://localhost:8000/'"),
        ("https://guide.test/", None, "contact_url: mailto:questions@example.org) is still"),
        ("https://guide.test/", "https://www.example.com/ask", "is still the placeholder"),
        ("https://guide.test/", "mailto:team@guide.test", None),
    ],
)
def test_the_publishing_build_refuses_a_local_address_and_the_placeholder_contact(
    site_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str | None, str | None, str | None],
) -> None:
    site_url, contact, expected = case
    if contact:
        config = site_copy / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("mailto:questions@example.org", contact))
    monkeypatch.setenv("PUBLISHING", "1")
    if site_url:
        monkeypatch.setenv("SITE_URL", site_url)
    else:
        monkeypatch.delenv("SITE_URL", raising=False)
    if expected is None:
        assert publishing_problem(site_copy) is None
        return
    assert build_site.main(["--root", str(site_copy)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("build: ") and expected in line
    assert line.endswith("; site/ was not changed.")
    assert not (site_copy / "site").exists()


def test_without_publishing_a_local_build_needs_neither(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("PUBLISHING", raising=False)
    assert publishing_problem(REPO_ROOT) is not None  # what publishing would say
    assert "127.0.0.1" in read_settings(REPO_ROOT)[0].site_url


def test_one_setting_chooses_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert chromium_path() == Path("/usr/bin/chromium")
    monkeypatch.setenv("BROWSER_PATH", "/usr/bin/google-chrome")
    assert chromium_path() == Path("/usr/bin/google-chrome")

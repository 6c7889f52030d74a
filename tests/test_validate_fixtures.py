"""validate.py on one small fixture site per kind of mistake: the exact lines and exit code.

Each fixture under tests/fixtures/<case>/ is a tiny copy of the site's layout with
one kind of mistake in it; `clean` and `site_clean` have none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import validate
from checks import workers

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = "2026-11-21"
RERUN = "Fix each line above, then run 'make validate' again."

CASES: dict[str, tuple[int, list[str]]] = {
    "clean": (0, ["validate: 6 files checked, no problems."]),
    "stages_yaml_syntax": (
        1,
        [
            "docs/_data/stages.yml:9: YAML syntax error: expected <block end>, "
            "but found '<block mapping start>'; check the indentation: each entry's keys must "
            "line up under the first one, with spaces (not tabs)",
        ],
    ),
    "stages_yaml_types": (
        1,
        [
            "docs/_data/stages.yml:9: stage 'clearance': 'title' must be text",
            "docs/_data/stages.yml:20: stage 'blockage': unknown key 'colour' "
            "(allowed: id, title, label, summary, page, aliases, moved_from)",
        ],
    ),
    "empty_stages": (1, ["docs/_data/stages.yml:1: file is empty"]),
    "stage_page_missing": (
        1,
        [
            "docs/_data/stages.yml:8: stage 'clearance': page 'stages/clearence.md' does not "
            "exist; did you mean 'stages/clearance.md'?",
        ],
    ),
    "page_not_in_stages": (
        1,
        [
            "docs/stages/extra.md:1: page is not in docs/_data/stages.yml: add it to the stage "
            "order, or move it out of docs/stages/",
        ],
    ),
    "front_matter_stage": (
        1,
        [
            "docs/stages/clearance.md:2: front matter names stage 'blockage', but stages.yml "
            "lists this page for stage 'clearance'",
        ],
    ),
    "stage_h1": (
        1,
        [
            "docs/stages/clearance.md:7: stage pages must not have a top-level '# ' heading: the "
            "page title comes from stages.yml ('Immune clearance'); remove this heading or make "
            "it '## '",
        ],
    ),
    # The source's tolerance page: its reversed footer is reported; "the fourth step",
    # "comes closely after immune blockage" and "the next immune regulation" agree and pass.
    "order_footer": (
        1,
        [
            "docs/stages/tolerance.md:16: says the previous stage is 'Immune regulation', but "
            "stages.yml has 'Immune blockage' before 'Immune tolerance'",
            "docs/stages/tolerance.md:18: says the next stage is 'Immune blockage', but "
            "stages.yml has 'Immune regulation' after 'Immune tolerance'",
        ],
    ),
    # Wrong positions are reported; agreeing claims, a negation and "stage 4 kidney disease" pass.
    "order_position": (
        1,
        [
            "docs/stages/clearance.md:11: says this is stage 3 ('third step'), but stages.yml "
            "puts 'Immune clearance' at stage 2 of 6",
            "docs/stages/regulation.md:7: says this is stage 4 ('stage four'), but stages.yml "
            "puts 'Immune regulation' at stage 5 of 6",
        ],
    ),
    "links": (
        1,
        [
            "docs/index.md:8: link 'stages/clearence.md' does not exist; did you mean "
            "'stages/clearance.md' (Immune clearance)?",
            "docs/index.md:10: link 'stages/blockage/' points at a folder, not a page: link to a "
            ".md file, like 'stages/blockage.md' (Immune blockage)",
            "docs/index.md:10: link 'stages/immune-blocking.md' does not exist; did you mean "
            "'stages/blockage.md' (Immune blockage)?",
            "docs/index.md:11: link 'about.md' does not exist",
            "docs/index.md:13: link '/stages/diagnosis.md' starts with '/': write it relative to "
            "this page, like 'stages/diagnosis.md'",
            "docs/index.md:13: link '_data/notes.md' points at a file that is not published "
            "(docs/_data/ is left out of the site)",
            "docs/index.md:15: link '../README.md' points outside the docs folder",
            "docs/index.md:15: link 'stages/' points at a folder, not a page: link to a .md file",
            "docs/index.md:23: link 'stages/gone.md' does not exist",
        ],
    ),
    "anchors": (
        1,
        [
            "docs/index.md:10: link '#what-it-costs': there is no heading with id "
            "'what-it-costs' in this page",
            "docs/index.md:13: link 'stages/clearance.md#what-happend': there is no heading with "
            "id 'what-happend' in docs/stages/clearance.md; did you mean '#what-happens'?",
        ],
    ),
    "images": (
        1,
        [
            "docs/index.md:8: image 'assets/chart.png' does not exist",
            "docs/index.md:10: image 'assets/lgo.png' does not exist; did you mean "
            "'assets/logo.png'?",
        ],
    ),
    "review_dates": (
        1,
        [
            "docs/about.md:2: 'last_reviewed' must be a date like 2026-11-21, not 'soon'",
            "docs/about.md:3: 'next_review: 2027-02-30' is not a real date",
            "docs/glossary.md:3: 'next_review' (2026-05-01) must be after 'last_reviewed' "
            "(2026-06-01)",
            "docs/glossary.md:3: warning: review is overdue: 'next_review' was 2026-05-01 "
            "(204 days ago); the page is published with a notice that it is being reviewed: "
            "review it and update both dates",
            "docs/index.md:1: front matter has no 'last_reviewed' date; add "
            "'last_reviewed: YYYY-MM-DD'",
            "docs/index.md:1: front matter has no 'next_review' date; add "
            "'next_review: YYYY-MM-DD'",
            "docs/stages/clearance.md:4: 'next_review' (2026-11-20) is more than 1 year after "
            "'last_reviewed' (2023-06-01); set it to 2024-06-01 or earlier",
            "docs/stages/clearance.md:4: warning: review is overdue: 'next_review' was "
            "2026-11-20 (1 day ago); the page is published with a notice that it is being "
            "reviewed: review it and update both dates",
            "docs/stages/diagnosis.md:4: 'next_review' (2029-06-02) is more than 1 year after "
            "'last_reviewed' (2026-06-01); set it to 2027-06-01 or earlier",
        ],
    ),
    "bad_input": (
        1,
        [
            "docs/about.md:3: front matter: YAML syntax error: expected ',' or ']', but got "
            "'<stream end>'",
            "docs/index.md:9: Jinja syntax error: unexpected '}'",
            "docs/stages/blockage.md:1: front matter has no 'last_reviewed' date; add "
            "'last_reviewed: YYYY-MM-DD'",
            "docs/stages/blockage.md:1: front matter has no 'next_review' date; add "
            "'next_review: YYYY-MM-DD'",
            "docs/stages/blockage.md:1: front matter has no 'reviewed_by': say who reviewed this "
            "stage page, as a role, like "
            "'reviewed_by: \"Clinical reviewer: renal nurse specialist\"'",
            "docs/stages/clearance.md:7: not valid UTF-8 (byte 0xe9); save the file as UTF-8",
        ],
    ),
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = validate.main(list(args))
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("case", sorted(CASES))
def test_source_fixture(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    expected_code, expected = CASES[case]
    code, lines = run(capsys, "--root", str(FIXTURES / case), "--today", TODAY)
    if expected_code == 0:
        assert lines == expected
    else:
        problems = lines[:-2]
        assert problems == expected
        assert lines[-2].startswith(f"{len(expected)} problem")
        assert lines[-1] == RERUN
    assert code == expected_code


def test_every_fixture_is_tested() -> None:
    """A fixture folder without a test is a test nobody runs."""
    folders = {path.name for path in FIXTURES.iterdir() if path.is_dir()}
    assert folders == set(CASES) | set(SITE_CASES) | {"review_due_soon"}


def test_count_line_names_errors_warnings_and_files(capsys: pytest.CaptureFixture[str]) -> None:
    _, lines = run(capsys, "--root", str(FIXTURES / "anchors"), "--today", TODAY)
    assert lines[-2] == "2 problems (2 errors, 0 warnings) in 5 files checked."


def test_a_review_due_soon_is_a_warning_and_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, "--root", str(FIXTURES / "review_due_soon"), "--today", TODAY)
    assert lines == [
        "docs/stages/blockage.md:4: warning: review is due in 50 days "
        "('next_review' is 2027-01-10)",
        "1 problem (0 errors, 1 warning) in 5 files checked.",
    ]
    assert code == 0


def test_today_decides_what_is_overdue(capsys: pytest.CaptureFixture[str]) -> None:
    """The same page, on the day after its review date, is overdue: a warning, never a
    reason to hold back the rest of the site."""
    code, lines = run(capsys, "--root", str(FIXTURES / "review_due_soon"), "--today", "2027-01-11")
    assert lines[0] == (
        "docs/stages/blockage.md:4: warning: review is overdue: 'next_review' was 2027-01-10 "
        "(1 day ago); the page is published with a notice that it is being reviewed: review "
        "it and update both dates"
    )
    assert code == 0


SITE_CASES: dict[str, tuple[int, list[str]]] = {
    "site_clean": (0, ["validate: 3 files checked, no problems."]),
    "site_broken": (
        1,
        [
            "site/404.html:8: href '/other/' is outside this site's path '/guide/' (from site_url)",
            "site/404.html:9: href 'https://example.org/guide/stages/three/' does not resolve: "
            "there is no file 'stages/three/index.html'",
            "site/stages/one/index.html:9: href '../two/' does not resolve: there is no file "
            "'stages/two/index.html'",
            "site/stages/one/index.html:10: href '../../#questions': there is no id 'questions' "
            "in 'index.html'",
            "site/stages/one/index.html:11: src '../../assets/chart.png' does not resolve: there "
            "is no file 'assets/chart.png'",
            "site/stages/one/index.html:12: srcset '../../assets/logo-3x.png' does not resolve: "
            "there is no file 'assets/logo-3x.png'",
            "site/stages/one/index.html:13: href '../../../outside.html' points outside the site",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(SITE_CASES))
def test_site_fixture(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    expected_code, expected = SITE_CASES[case]
    root = FIXTURES / case
    code, lines = run(capsys, "--root", str(root), "--site", str(root / "site"))
    if expected_code == 0:
        assert lines == expected
    else:
        assert lines[:-2] == expected
        assert lines[-1] == "Fix each line above, then run 'make build' again."
    assert code == expected_code


def test_site_lines_point_at_the_offending_html() -> None:
    """The line printed is the line of the attribute in the HTML file."""
    page = (FIXTURES / "site_broken" / "site" / "stages" / "one" / "index.html").read_text()
    lines = page.splitlines()
    assert 'href="../two/"' in lines[9 - 1]
    assert 'src="../../assets/chart.png"' in lines[11 - 1]


@pytest.mark.parametrize(
    ("case", "site"), [("links", False), ("order_footer", False), ("site_broken", True)]
)
def test_worker_processes_find_the_same_problems(
    case: str, site: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big sites are checked by worker processes; the report must not change."""
    root = FIXTURES / case
    args = ["--root", str(root), "--today", TODAY]
    args += ["--site", str(root / "site")] if site else []
    _, serial = run(capsys, *args)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 1)
    _, parallel = run(capsys, *args)
    assert parallel == serial
    assert len(serial) > 2

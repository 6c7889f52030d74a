"""The pure checks behind validate.py: page scanning, stage-order prose, links, built HTML."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from checks.markdown import scan_page
from checks.order_claims import order_claim_problems
from checks.reviews import review_date_problems, reviewer_problems
from checks.site_html import Reference, SiteIndex, check_site, reference_problem, scan_html
from checks.stage_pages import stage_file_problems
from conftest import REPO_ROOT, markdown_engine
from guide.problems import ExternalLink
from guide.stages import Stage, StageProgram
from validate import read_settings

TITLES = [
    ("diagnosis", "Exact diagnosis", ("immune diagnosis",)),
    ("clearance", "Immune clearance", ()),
    ("blockage", "Immune blockage", ("immune blocking",)),
    ("tolerance", "Immune tolerance", ()),
    ("regulation", "Immune regulation", ("immune adjustment",)),
    ("protection", "Immune protection", ()),
]
PROGRAM = StageProgram(
    tuple(
        Stage(id_, number, title, id_.title(), "Summary.", f"stages/{id_}.md", aliases)
        for number, (id_, title, aliases) in enumerate(TITLES, start=1)
    )
)
TOLERANCE = PROGRAM.stages[3]


def claims(text: str, stage: Stage = TOLERANCE) -> list[str]:
    """The messages the prose check gives for `text` on `stage`'s page."""
    page = scan_page(text, stage.page, f"docs/{stage.page}", markdown_engine())
    return [p.message for p in order_claim_problems(page.prose, page.shown_as, stage, PROGRAM)]


@pytest.mark.parametrize(
    "text",
    [
        "Immune tolerance is the fourth step of immunotherapy.",
        "This is stage 4 of 6.",
        "It comes closely after immune blockage.",
        "It lays a foundation for the next immune regulation.",
        "It follows exact diagnosis and comes before immune protection.",
        "Previous: Immune Blockage",
        "Next: What to know about IMMUNE ADJUSTMENT",
        "It comes after\nimmune blocking, split over two lines.",
        "Immune regulation comes right after immune tolerance.",
        "It does not come after immune regulation.",
        "People with stage 4 kidney disease can join.",
        "The first step in this stage is a blood test.",
        "```\nPrevious: Immune protection\n```",
        "`Next: Exact diagnosis`",
        "Next: {{ 'Exact diagnosis' }}",
        "Previous: Stage 3, Immune blockage",
        "Next: stage five",
        "It starts after stage 2 is over.",
    ],
)
def test_statements_that_agree_with_the_order_pass(text: str) -> None:
    assert claims(text) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Immune tolerance is the fifth step.",
            "says this is stage 5 ('fifth step'), but stages.yml puts 'Immune tolerance' at "
            "stage 4 of 6",
        ),
        (
            "This is Step 3.",
            "says this is stage 3 ('Step 3'), but stages.yml puts 'Immune tolerance' at "
            "stage 4 of 6",
        ),
        (
            "This is the final stage.",
            "says this is the last stage ('final stage'), but stages.yml puts 'Immune tolerance' "
            "at stage 4 of 6",
        ),
        (
            "This is stage 4 of 7.",
            "says there are 7 stages ('stage 4 of 7'), but stages.yml has 6",
        ),
        (
            "Next: Stage 6",
            "says the next stage is stage 6 ('Stage 6'), but in stages.yml it is "
            "'Immune regulation', stage 5",
        ),
        (
            "It comes after immune clearance.",
            "says the previous stage is 'Immune clearance', but stages.yml has 'Immune blockage' "
            "before 'Immune tolerance'",
        ),
        (
            "It leads to [immune clearance](clearance.md).",
            "says 'Immune clearance' comes after 'Immune tolerance', but stages.yml puts "
            "'Immune clearance' at stage 2 and 'Immune tolerance' at stage 4",
        ),
        (
            "It follows immune protection.",
            "says 'Immune protection' comes before 'Immune tolerance', but stages.yml puts "
            "'Immune protection' at stage 6 and 'Immune tolerance' at stage 4",
        ),
        (
            "Previous: Immune regulation",
            "says the previous stage is 'Immune regulation', but stages.yml has 'Immune blockage' "
            "before 'Immune tolerance'",
        ),
        (
            "The next immune diagnosis is later.",
            "says the next stage is 'Exact diagnosis', but stages.yml has 'Immune regulation' "
            "after 'Immune tolerance'",
        ),
        (
            "Immune regulation comes after immune clearance.",
            "says the stage before 'Immune regulation' is 'Immune clearance', but stages.yml has "
            "'Immune tolerance' before 'Immune regulation'",
        ),
    ],
)
def test_statements_the_order_contradicts_are_reported(text: str, message: str) -> None:
    assert claims(text) == [message]


def test_the_first_and_last_stage_have_no_neighbour_on_one_side() -> None:
    assert claims("Previous: Immune protection", PROGRAM.stages[0]) == [
        "says the previous stage is 'Immune protection', but stages.yml has 'Exact diagnosis' "
        "as the first stage"
    ]
    assert claims("Previous: stage 0", PROGRAM.stages[0]) == [
        "says the previous stage is stage 0 ('stage 0'), but in stages.yml 'Exact diagnosis' is "
        "the first stage"
    ]
    assert claims("Next: Exact diagnosis", PROGRAM.stages[-1]) == [
        "says the next stage is 'Exact diagnosis', but stages.yml has 'Immune protection' as "
        "the last stage"
    ]


def test_the_line_is_that_of_the_statement() -> None:
    text = "---\na: 1\n---\n\nText.\n\nNext: Exact diagnosis\n"
    page = scan_page(text, TOLERANCE.page, "p", markdown_engine())
    (problem,) = order_claim_problems(page.prose, "p", TOLERANCE, PROGRAM)
    assert problem.line == 7


def test_heading_ids_follow_mkdocs_toc() -> None:
    text = (
        "# Café & *bold* title\n\n## Repeat\n\n## Repeat\n\n## Own { #mine .wide }\n\n"
        'Setext heading\n--------------\n\n<a id="raw"></a>=\n'
    )
    page = scan_page(text, "index.md", "docs/index.md", markdown_engine())
    assert page.ids == {"cafe-bold-title", "repeat", "repeat_1", "mine", "setext-heading", "raw"}
    assert page.h1_lines == [1]


def test_links_in_code_and_macros_are_not_links() -> None:
    text = (
        "---\nrender_macros: true\n---\n"
        "[real](a.md)\n\n```\n[fenced](b.md)\n```\n\n    [indented](c.md)\n\n"
        "`[span](d.md)` {{ '[macro](e.md)' }} <!-- [comment](f.md) -->\n\n"
        "- item\n\n    [inside a list item](g.md)\n\n[used][ref] and [unused]: i.md\n\n"
        "[ref]: h.md\n"
    )
    page = scan_page(text, "index.md", "docs/index.md", markdown_engine(), frozenset())
    # A reference link is reported where its target is written; a definition nobody uses
    # is no link at all (the build writes no <a> for it).
    assert [(link.line, link.target) for link in page.links] == [
        (4, "a.md"),
        (16, "g.md"),
        (20, "h.md"),
    ]


def test_front_matter_dates_and_review_rules() -> None:
    def review(front_matter: str, today: date = date(2026, 11, 21)) -> list[str]:
        page = scan_page(f"---\n{front_matter}---\n\nText.\n", "a.md", "a.md", markdown_engine())
        return [str(p) for p in review_date_problems(page, today)]

    fine = "last_reviewed: 2026-06-01\nnext_review: 2027-06-01\n"
    assert review(fine) == []
    assert review(fine, date(2027, 6, 1)) == [
        "a.md:3: warning: review is due today ('next_review' is 2027-06-01)"
    ]
    assert review("last_reviewed: 2026-12-01\nnext_review: 2027-06-01\n") == [
        "a.md:2: 'last_reviewed' (2026-12-01) is in the future"
    ]
    # The cycle is one year (the About page tells readers so): a day more is refused.
    assert review("last_reviewed: 2026-01-01\nnext_review: 2027-01-02\n", date(2026, 2, 1)) == [
        "a.md:3: 'next_review' (2027-01-02) is more than 1 year after 'last_reviewed' "
        "(2026-01-01); set it to 2027-01-01 or earlier"
    ]
    assert review("last_reviewed: 2024-02-29\nnext_review: 2025-02-28\n", date(2024, 3, 1)) == []
    assert review("last_reviewed: 2024-02-29\nnext_review: 2025-03-01\n", date(2024, 3, 1)) == [
        "a.md:3: 'next_review' (2025-03-01) is more than 1 year after 'last_reviewed' "
        "(2024-02-29); set it to 2025-02-28 or earlier"
    ]


@pytest.mark.parametrize(
    ("front_matter", "required", "expected"),
    [
        ('reviewed_by: "Clinical reviewer: renal nurse specialist"\n', True, []),
        ("reviewed_by: Plain-language editor\n", False, []),
        ("", False, []),
        (
            "",
            True,
            [
                "a.md:1: front matter has no 'reviewed_by': say who reviewed this stage page, "
                "as a role, like 'reviewed_by: \"Clinical reviewer: renal nurse specialist\"'"
            ],
        ),
        *(
            (
                f"reviewed_by: {value}\n",
                required,
                [
                    "a.md:2: 'reviewed_by' must be one line naming a role, in quotes if it has a "
                    "colon, like 'reviewed_by: \"Clinical reviewer: renal nurse specialist\"'"
                ],
            )
            for value, required in (
                ('""', True),
                ("2026-11-21", True),
                ("[a, b]", False),
                ("|\n  two\n  lines", True),
                ("null", True),
            )
        ),
        (
            f"reviewed_by: {'x' * 121}\n",
            True,
            ["a.md:2: 'reviewed_by' is longer than 120 characters; name a role"],
        ),
    ],
)
def test_reviewer_role_is_required_on_stage_pages_and_is_one_short_line(
    front_matter: str, required: bool, expected: list[str]
) -> None:
    text = f"---\n{front_matter}last_reviewed: 2026-01-01\n---\n\nText.\n"
    page = scan_page(text, "a.md", "a.md", markdown_engine())
    assert [str(p) for p in reviewer_problems(page, required=required)] == expected


GOOD_HTML = """<html><head><link rel="stylesheet" href="../style.css"></head>
<body><h2 id="a">A</h2>
<a href="../#top">Top</a> <a href="../other/">Other</a>
<img srcset="../img.png 1x, ../img-2x.png 2x">
<script>document.write('<a href="nowhere/">');</script>
</body></html>"""


def test_scan_html_finds_ids_and_references_with_lines() -> None:
    page = scan_html(GOOD_HTML)
    assert page.ids == {"a"}
    assert [(r.line, r.attribute, r.url) for r in page.references] == [
        (1, "href", "../style.css"),
        (3, "href", "../#top"),
        (3, "href", "../other/"),
        (4, "srcset", "../img.png"),
        (4, "srcset", "../img-2x.png"),
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("../other/", None),
        ("../other/index.html#x", None),
        ("../other/#y", "href '../other/#y': there is no id 'y' in 'other/index.html'"),
        ("../gone/", "href '../gone/' does not resolve: there is no file 'gone/index.html'"),
        ("/guide/other/", None),
        ("https://example.org/guide/other/#x", None),
        ("https://elsewhere.example/", None),
        ("mailto:someone@example.org", None),
        ("#", None),
        ("", None),
    ],
)
def test_reference_resolution(url: str, message: str | None) -> None:
    index = SiteIndex(
        files=frozenset({"index.html", "other/index.html", "page/index.html"}),
        folders=frozenset({"other", "page"}),
        pages={"other/index.html": scan_html('<p id="x">')},
        site_url="https://example.org/guide/",
    )
    assert reference_problem("page/index.html", Reference(1, "href", url), index) == message


def test_unknown_jinja_name_is_reported_on_its_line() -> None:
    text = (
        "---\nrender_macros: true\n---\n\nFine: {{ stage_overview() }}\n\n"
        "Broken: {{ stage_overveiw() }}\n"
    )
    names = frozenset({"stage_overview"})
    page = scan_page(text, "index.md", "docs/index.md", markdown_engine(), names)
    assert [str(p) for p in page.problems] == [
        "docs/index.md:7: unknown name 'stage_overveiw' in {{ ... }}: pages may use only the "
        "macros in scripts/macros.py and the values under 'extra:' in mkdocs.yml; "
        "did you mean 'stage_overview'?"
    ]
    assert scan_page(text, "index.md", "docs/index.md", markdown_engine()).problems == []


def test_names_for_pages_are_the_projects_macros_and_extra_values_only() -> None:
    settings, problems = read_settings(REPO_ROOT)
    assert problems == []
    names = settings.jinja_names
    assert names is not None
    assert {"stage_overview", "glossary"} <= names  # macros module
    assert {"contact_url", "program_name"} <= names  # extra: in mkdocs.yml
    # Neither the plugin's own variables nor Jinja's globals: they reach Python.
    assert not {"config", "page", "environment", "range", "lipsum", "cycler"} & names


def test_the_site_check_with_a_cache_finds_what_it_finds_without(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<p id="top"><a href="a/">A</a> <a href="https://x.org/">x</a>'
    )
    (site / "a" / "index.html").write_text('<a href="../#top">up</a> <img src="../logo.png">')
    (site / "logo.png").write_bytes(b"png")
    cache = tmp_path / ".cache" / "site-check.json"

    def both() -> tuple[list[str], list[ExternalLink]]:
        plain, cached = check_site(site, "site"), check_site(site, "site", cache=cache)
        assert (cached.problems, cached.external_links) == (plain.problems, plain.external_links)
        return [str(problem) for problem in cached.problems], cached.external_links

    assert both() == ([], [ExternalLink("site/index.html", 1, "https://x.org/")])
    assert cache.is_file()
    assert both()[0] == []  # from the cache
    # A page changed: scanned again.
    (site / "index.html").write_text('<p id="moved"><a href="a/">A</a>')
    assert both()[0] == [
        "site/a/index.html:1: href '../#top': there is no id 'top' in 'index.html'"
    ]
    # A file gone: unchanged pages are checked again against the files there are now.
    (site / "logo.png").unlink()
    assert "site/a/index.html:1: src '../logo.png' does not resolve" in "\n".join(both()[0])


ALL_STAGE_PAGES = frozenset(stage.page for stage in PROGRAM)


@pytest.mark.parametrize(
    ("stage_entry", "files_in_docs", "suggested"),
    [
        # Renamed the id and the file, forgot the 'page:' line.
        (
            ("regulation", "calming", "stages/regulation.md"),
            ALL_STAGE_PAGES - {"stages/regulation.md"} | {"stages/calming.md"},
            "stages/calming.md",
        ),
        # Renamed the file only, to a name unlike the old one.
        (
            ("regulation", "regulation", "stages/regulation.md"),
            ALL_STAGE_PAGES - {"stages/regulation.md"} | {"stages/settling-down.md"},
            "stages/settling-down.md",
        ),
        # A typo in the 'page:' line.
        (("clearance", "clearance", "stages/clearence.md"), ALL_STAGE_PAGES, "stages/clearance.md"),
        # A typo, with a page in stages/ that is no stage's (and not meant).
        (
            ("clearance", "clearance", "stages/clearence.md"),
            ALL_STAGE_PAGES | {"stages/notes.md"},
            "stages/clearance.md",
        ),
    ],
    ids=["new id and file", "new file name", "typo", "typo beside another page"],
)
def test_a_missing_stage_page_suggests_the_page_the_editor_meant(
    stage_entry: tuple[str, str, str], files_in_docs: frozenset[str], suggested: str
) -> None:
    old_id, new_id, page = stage_entry
    program = StageProgram(
        tuple(
            replace(stage, id=new_id, page=page) if stage.id == old_id else stage
            for stage in PROGRAM
        )
    )
    pages = {path: SimpleNamespace(shown_as=f"docs/{path}") for path in files_in_docs}
    problems, _ = stage_file_problems(program, pages, "docs/_data/stages.yml", "docs")  # type: ignore[arg-type]
    missing = [problem.message for problem in problems if "does not exist" in problem.message]
    assert missing == [
        f"stage '{new_id}': page '{page}' does not exist; did you mean '{suggested}'?"
    ], problems
    # Nor is the suggested page reported again as "not in the stage order".
    assert not [problem for problem in problems if problem.path == f"docs/{suggested}"]

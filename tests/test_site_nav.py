"""Ordinary pages reach the nav through a folder entry, without touching the stage machinery;
a folder's optional `.nav.yml` titles its section and puts pages in order."""

from __future__ import annotations

from pathlib import Path

import pytest

import validate
from conftest import build_or_fail, run_mkdocs_build
from html_pages import parse
from render.site_nav import expand_folder_entries

PAGES = [
    "index.md",
    "articles/index.md",
    "articles/b.md",
    "articles/diet/x.md",
    "articles/diet/a.md",
    "articles/tests/blood/y.md",
]
FRONT = "---\nlast_reviewed: 2026-11-21\nnext_review: 2027-11-21\n---\n\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_folder_entry_becomes_sections_by_sub_folder(tmp_path: Path) -> None:
    nav = [{"Home": "index.md"}, {"Articles": "articles/"}, {"Nothing yet": "empty/"}]
    assert expand_folder_entries(nav, PAGES, tmp_path) == (
        [
            {"Home": "index.md"},
            {
                "Articles": [
                    "articles/index.md",
                    "articles/b.md",
                    {"Diet": ["articles/diet/a.md", "articles/diet/x.md"]},
                    {"Tests": [{"Blood": ["articles/tests/blood/y.md"]}]},
                ]
            },
        ],
        [],
    )


def test_nav_files_give_titles_and_order_and_the_rest_follows(tmp_path: Path) -> None:
    write(tmp_path / "articles" / ".nav.yml", "nav:\n  - tests\n  - b.md\n")
    write(
        tmp_path / "articles" / "diet" / ".nav.yml",
        "title: Food & drink <at home>\nnav: [x.md]\n",
    )
    write(tmp_path / "articles" / "tests" / "blood" / ".nav.yml", "title: Blood tests\n")
    nav, problems = expand_folder_entries([{"Articles": "articles/"}], PAGES, tmp_path)
    assert problems == []
    assert nav == [
        {
            "Articles": [
                {"Tests": [{"Blood tests": ["articles/tests/blood/y.md"]}]},
                "articles/b.md",
                "articles/index.md",
                # Titles reach the page as HTML: written out, never markup.
                {"Food &amp; drink &lt;at home&gt;": ["articles/diet/x.md", "articles/diet/a.md"]},
            ]
        }
    ]


@pytest.mark.parametrize(
    ("folder", "text", "expected"),
    [
        (
            "articles/diet",
            "title: Diet\nnav:\n  - x.md\n  - salty-snacks.md\n  - a.md\n  - x.md\n",
            [
                "docs/articles/diet/.nav.yml:4: 'salty-snacks.md' is not a page or sub-folder "
                "of this folder; it has: a.md, x.md",
                "docs/articles/diet/.nav.yml:6: 'x.md' is listed twice (first at line 3)",
            ],
        ),
        (
            "articles",
            "nav:\n  - idnex.md\n  - Blood: tests/blood/y.md\n",
            [
                "docs/articles/.nav.yml:2: 'idnex.md' is not a page or sub-folder of this "
                "folder; did you mean 'index.md'?",
                "docs/articles/.nav.yml:3: each 'nav' entry is the file name of a page here or "
                "of a sub-folder, like 'salt.md'; a page's title comes from its own '# ' heading",
            ],
        ),
        (
            "articles",
            "# The title comes from mkdocs.yml\ntitle: Reading\nsort:\n  direction: desc\n",
            [
                "docs/articles/.nav.yml:2: this section's title is set in mkdocs.yml "
                "('Articles'): change it there, or remove 'title:' here",
                "docs/articles/.nav.yml:3: unknown key 'sort'; only 'title' and 'nav' are allowed",
            ],
        ),
        (
            "articles/tests",
            "title: Tests\nnav: blood\n",
            [
                "docs/articles/tests/.nav.yml:2: 'nav' must be a list of this folder's pages and "
                "sub-folders"
            ],
        ),
        (
            "articles/tests",
            "title: [Tests\nnav: [blood]\n",
            ["docs/articles/tests/.nav.yml:2: YAML syntax error: expected ',' or ']', but got ':'"],
        ),
        (
            "articles/tests",
            "title: &t Tests\nnav: [*t]\n",
            [
                "docs/articles/tests/.nav.yml:1: YAML anchors and aliases ('&name', '*name') are "
                "not allowed: write the value out"
            ],
        ),
    ],
)
def test_nav_file_mistakes_name_the_line(
    tmp_path: Path, folder: str, text: str, expected: list[str]
) -> None:
    write(tmp_path / folder / ".nav.yml", text)
    _, problems = expand_folder_entries([{"Articles": "articles/"}], PAGES, tmp_path)
    assert sorted(map(str, problems)) == expected


def add_articles(site_copy: Path, nav_file: str | None) -> None:
    """A folder of FAQ pages named once in the nav, with or without a `.nav.yml`."""
    folder = site_copy / "docs" / "articles" / "ckd_and_hiv_faq"
    pages = {
        "about-tests.md": "About the tests",
        "first-visit.md": "Your first visit",
        "medicines.md": "Medicines and HIV",
    }
    for name, title in pages.items():
        write(folder / name, f"{FRONT}# {title}\n\nText.\n")
    if nav_file is not None:
        write(folder / ".nav.yml", nav_file)
    config = site_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - Glossary: glossary.md\n", "  - Articles: articles/\n  - Glossary: glossary.md\n"
        ),
        encoding="utf-8",
    )


def test_articles_folder_joins_the_nav_but_not_the_stage_chain(site_copy: Path) -> None:
    add_articles(site_copy, None)
    site = build_or_fail(site_copy, site_copy / "site")
    tree = parse(site / "articles" / "ckd_and_hiv_faq" / "medicines" / "index.html")
    sidebar = tree.xpath("//nav[contains(@class, 'md-nav--primary')]")[0].text_content()
    assert "Ckd and hiv faq" in sidebar and "Your first visit" in sidebar
    assert tree.xpath("//*[@rel='prev' or @rel='next']") == []
    assert tree.xpath("//*[contains(@class, 'stage-position')]") == []


def test_a_nav_file_titles_and_orders_the_built_section(site_copy: Path) -> None:
    add_articles(
        site_copy,
        "# Shown in the sidebar instead of 'Ckd and hiv faq'.\n"
        "title: 'Questions about CKD & HIV <in plain words>'\n"
        "nav:\n  - first-visit.md\n  - medicines.md\n",
    )
    site = build_or_fail(site_copy, site_copy / "site")
    tree = parse(site / "articles" / "ckd_and_hiv_faq" / "medicines" / "index.html")
    section = tree.xpath(
        "//nav[contains(@class, 'md-nav--primary')]"
        "//li[.//a[contains(@href, 'first-visit')]][label]"
    )[-1]
    # Shown as written: '&' and '<' are text, not markup.
    assert " ".join(section.xpath("label")[0].text_content().split()) == (
        "Questions about CKD & HIV <in plain words>"
    )
    titles = [" ".join(a.text_content().split()) for a in section.xpath(".//ul//li")]
    assert titles == ["Your first visit", "Medicines and HIV", "About the tests"]
    assert not list(site.rglob(".nav.yml"))
    assert "Ckd and hiv faq" not in tree.xpath("string(//nav[contains(@class, 'md-nav--primary')])")


def test_a_nav_file_typo_stops_validate_and_the_build_at_its_line(
    site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_articles(site_copy, "title: Questions about CKD and HIV\nnav:\n  - first-vist.md\n")
    expected = (
        "docs/articles/ckd_and_hiv_faq/.nav.yml:3: 'first-vist.md' is not a page or sub-folder "
        "of this folder; did you mean 'first-visit.md'?"
    )
    assert validate.main(["--root", str(site_copy)]) == 1
    assert expected in capsys.readouterr().out.splitlines()
    built = run_mkdocs_build(site_copy, site_copy / "site")
    assert built.returncode == 1
    assert expected in built.stderr.splitlines()
    assert "Traceback" not in built.stderr

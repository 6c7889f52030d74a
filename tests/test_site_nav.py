"""Ordinary pages reach the nav through a folder entry, without touching the stage machinery."""

from __future__ import annotations

from pathlib import Path

from conftest import build_or_fail
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


def test_folder_entry_becomes_sections_by_sub_folder() -> None:
    nav = [{"Home": "index.md"}, {"Articles": "articles/"}, {"Nothing yet": "empty/"}]
    assert expand_folder_entries(nav, PAGES) == [
        {"Home": "index.md"},
        {
            "Articles": [
                "articles/index.md",
                "articles/b.md",
                {"Diet": ["articles/diet/a.md", "articles/diet/x.md"]},
                {"Tests": [{"Blood": ["articles/tests/blood/y.md"]}]},
            ]
        },
    ]


def test_articles_folder_joins_the_nav_but_not_the_stage_chain(site_copy: Path) -> None:
    articles = site_copy / "docs" / "articles" / "eating-well"
    articles.mkdir(parents=True)
    for name, title in (("salt.md", "Salt and your kidneys"), ("water.md", "Drinking water")):
        (articles / name).write_text(
            f"---\nlast_reviewed: 2026-11-21\nnext_review: 2027-11-21\n---\n\n# {title}\n\nText.\n",
            encoding="utf-8",
        )
    config = site_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - Glossary: glossary.md\n", "  - Articles: articles/\n  - Glossary: glossary.md\n"
        ),
        encoding="utf-8",
    )
    site = build_or_fail(site_copy, site_copy / "site")
    page = site / "articles" / "eating-well" / "salt" / "index.html"
    tree = parse(page)
    sidebar = tree.xpath("//nav[contains(@class, 'md-nav--primary')]")[0].text_content()
    assert "Eating well" in sidebar and "Drinking water" in sidebar
    assert tree.xpath("//*[@rel='prev' or @rel='next']") == []
    assert tree.xpath("//*[contains(@class, 'stage-position')]") == []

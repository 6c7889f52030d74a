"""Build tests: the real `mkdocs build`, read back as HTML.

The stage order comes from docs/_data/stages.yml only; these tests read the
expected order from that file (through the stage model) and check that every
place a reader sees it agrees.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import REPO_ROOT, build_or_fail
from guide.stages import STAGES_FILE, load_stages
from html_pages import (
    assert_overview_and_sidebar_follow,
    assert_stage_pages_follow,
    page_path,
    parse,
    resolve,
)

DECIDED_ORDER = ["diagnosis", "clearance", "blockage", "tolerance", "regulation", "protection"]


def test_real_site_chains_the_decided_order(built_site: Path) -> None:
    program = load_stages(REPO_ROOT / "docs" / STAGES_FILE)
    assert [stage.id for stage in program] == DECIDED_ORDER
    assert_stage_pages_follow(built_site, program)
    assert_overview_and_sidebar_follow(built_site, program)


def test_first_and_last_stage_offer_the_overview_instead(built_site: Path) -> None:
    program = load_stages(REPO_ROOT / "docs" / STAGES_FILE)
    for stage_id in (program.stages[0].id, program.stages[-1].id):
        path = page_path(built_site, program, stage_id)
        tree = parse(path)
        back = tree.xpath("//nav[contains(@class, 'stage-pager')]//a[not(@rel)]")
        assert len(back) == 1
        assert resolve(built_site, path, back[0].get("href")) == built_site / "index.html"


def test_other_pages_do_not_chain_into_the_stages(built_site: Path) -> None:
    for name in ("index.html", "glossary/index.html", "about/index.html", "404.html"):
        tree = parse(built_site / name)
        assert tree.xpath("//*[@rel='prev' or @rel='next']") == [], name
        assert tree.xpath("//*[contains(@class, 'stage-position')]") == [], name


def test_build_is_deployable_from_any_sub_path(built_site: Path) -> None:
    for name in ("sitemap.xml", "404.html", "search/search_index.json"):
        assert (built_site / name).is_file(), name
    assert not (built_site / "_data").exists(), "the ordering file must not be published"
    for page in built_site.rglob("index.html"):
        tree = parse(page)
        for element in tree.xpath("//body//*[@href or @src]"):
            target = element.get("href") or element.get("src")
            assert not target.startswith("/"), f"{page}: root-absolute link {target!r}"


def test_every_page_says_it_does_not_replace_the_care_team(built_site: Path) -> None:
    pages = [*built_site.rglob("index.html"), built_site / "404.html"]
    assert len(pages) >= 10
    for page in pages:
        text = " ".join(parse(page).text_content().split())
        assert "does not replace your kidney care team" in text, page


def edit_stages(project: Path, edit) -> None:
    path = project / "docs" / STAGES_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["stages"] = edit(data["stages"])
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_swapping_two_entries_in_the_yaml_swaps_them_everywhere(site_copy: Path) -> None:
    def swap_blockage_and_tolerance(stages: list[dict]) -> list[dict]:
        stages[2], stages[3] = stages[3], stages[2]
        return stages

    edit_stages(site_copy, swap_blockage_and_tolerance)
    site = build_or_fail(site_copy, site_copy / "site")
    program = load_stages(site_copy / "docs" / STAGES_FILE)
    assert [stage.id for stage in program][2:4] == ["tolerance", "blockage"]
    assert_stage_pages_follow(site, program)
    assert_overview_and_sidebar_follow(site, program)


def test_adding_renaming_and_removing_stages_needs_only_yaml_and_page(site_copy: Path) -> None:
    def reshape(stages: list[dict]) -> list[dict]:
        new_stage = {
            "id": "review",
            "title": "Treatment review",
            "label": "Review",
            "summary": "A look back at how things went.",
            "page": "stages/review.md",
        }
        stages[0]["title"] = "Finding out exactly what is wrong"
        removed = stages.pop()  # the last stage goes away
        (site_copy / "docs" / removed["page"]).unlink()
        return [*stages[:1], new_stage, *stages[1:]]

    edit_stages(site_copy, reshape)
    (site_copy / "docs" / "stages" / "review.md").write_text(
        "---\nlast_reviewed: 2026-11-21\nnext_review: 2027-11-21\n---\n\nA test page.\n",
        encoding="utf-8",
    )
    site = build_or_fail(site_copy, site_copy / "site")
    program = load_stages(site_copy / "docs" / STAGES_FILE)
    assert len(program) == 6 and program.stages[1].id == "review"
    assert program.stages[0].title == "Finding out exactly what is wrong"
    assert_stage_pages_follow(site, program)
    assert_overview_and_sidebar_follow(site, program)

"""Trust and safety in the built HTML: review dates, structured data, CSP, escaping."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import yaml

from conftest import REPO_ROOT, build_or_fail, copy_site_sources
from guide.stages import STAGES_FILE, load_stages
from html_pages import parse, stage_title

PROGRAM = load_stages(REPO_ROOT / "docs" / STAGES_FILE)
CONTENT_PAGES = {
    "index.md": "index.html",
    "glossary.md": "glossary/index.html",
    "about.md": "about/index.html",
    "print.md": "print/index.html",
    **{stage.page: f"{stage.page.removesuffix('.md')}/index.html" for stage in PROGRAM},
}


def front_matter(source: str) -> dict:
    text = (REPO_ROOT / "docs" / source).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def json_ld(html_path: Path) -> dict:
    scripts = parse(html_path).xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1, html_path
    return json.loads(scripts[0].text)


def test_content_pages_show_review_dates_from_front_matter(built_site: Path) -> None:
    for source, built in CONTENT_PAGES.items():
        meta = front_matter(source)
        times = parse(built_site / built).xpath("//p[@class='review-dates']/time/@datetime")
        assert times == [str(meta["last_reviewed"]), str(meta["next_review"])], source


def test_structured_data_matches_what_the_page_shows(built_site: Path) -> None:
    for source, built in CONTENT_PAGES.items():
        data = json_ld(built_site / built)
        assert data["@type"] == "MedicalWebPage"
        assert data["lastReviewed"] == str(front_matter(source)["last_reviewed"])
        assert data["medicalAudience"]["audienceType"] == "Patient"
        assert data["isPartOf"]["about"]["name"] == "Immunotherapy for kidney disease"
        stage = PROGRAM.stage_for(source)
        if stage is not None:
            assert data["name"] == stage.title == stage_title(parse(built_site / built))
            assert data["about"]["name"] == stage.title
            assert data["description"] == stage.summary
    assert parse(built_site / "404.html").xpath("//script[@type='application/ld+json']") == []


def test_every_page_has_a_same_origin_policy_covering_its_inline_scripts(built_site: Path) -> None:
    pages = [*built_site.rglob("*.html")]
    assert len(pages) >= 11
    for page in pages:
        html = page.read_text(encoding="utf-8")
        policies = parse(page).xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert len(policies) == 1, page
        policy = policies[0]
        assert "http" not in policy and "'unsafe-inline'" not in policy and "*" not in policy
        for script in re.findall(r"<script>(.*?)</script>", html, re.DOTALL):
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy, (
                page
            )  # the site's pages have no script of their own
    assert "frame-ancestors 'none'" in (built_site / "_headers").read_text(encoding="utf-8")


def test_print_page_has_every_stage_in_order(built_site: Path) -> None:
    tree = parse(built_site / "print" / "index.html")
    headings = [
        " ".join(h.text_content().removesuffix("¶").split()) for h in tree.xpath("//article//h2")
    ]
    assert headings == [f"Stage {s.number} of {len(PROGRAM)}: {s.title}" for s in PROGRAM]


def test_text_from_yaml_and_front_matter_is_shown_not_run(site_copy: Path) -> None:
    hostile_title = 'Immune <script>alert("title")</script> tolerance'
    hostile_summary = 'Summary with "quotes" & <img src=x onerror=alert(1)>'
    path = site_copy / "docs" / STAGES_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tolerance = next(stage for stage in data["stages"] if stage["id"] == "tolerance")
    tolerance["title"] = hostile_title
    tolerance["summary"] = hostile_summary
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    about = site_copy / "docs" / "about.md"
    about.write_text(
        about.read_text(encoding="utf-8").replace(
            "description: ", 'description: Say "hi" <b>loudly</b> & '
        )
        + "\n[An outside site](https://example.org/)\n",
        encoding="utf-8",
    )
    site = build_or_fail(site_copy, site_copy / "site")

    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert "<img src=x" not in html, page
        assert "<b>loudly" not in html, page
    stage_page = site / "stages" / "tolerance" / "index.html"
    tree = parse(stage_page)
    assert stage_title(tree) == hostile_title
    assert tree.xpath("//title")[0].text_content().startswith(f"Stage 4 of 6: {hostile_title}")
    assert (
        hostile_title in tree.xpath("//nav[contains(@class,'md-nav--primary')]")[0].text_content()
    )
    assert json_ld(stage_page)["about"]["name"] == hostile_title
    assert tree.xpath("//meta[@name='description']/@content") == [hostile_summary]
    overview = parse(site / "index.html").xpath("//article//ol/li")[3].text_content()
    assert hostile_title in overview and hostile_summary in overview
    about_tree = parse(site / "about" / "index.html")
    link = about_tree.xpath("//article//a[@href='https://example.org/']")[0]
    assert link.get("rel") == "noopener noreferrer"


def test_search_dialog_has_a_name(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        dialogs = parse(page).xpath("//*[@role='dialog']")
        assert dialogs and all(dialog.get("aria-label") for dialog in dialogs), page


def test_a_script_in_page_content_is_not_allowed_by_the_policy(tmp_path: Path) -> None:
    """The policy allows the scripts the templates wrote, never one that came in with the
    page's Markdown (an editor's, or an injection), even one copying a theme script."""
    site = copy_site_sources(tmp_path / "project")
    injected = "window.injected = 1;"
    page = site / "docs" / "stages" / "tolerance.md"
    page.write_text(
        page.read_text(encoding="utf-8") + f"\n<script>{injected}</script>\n", encoding="utf-8"
    )
    built = build_or_fail(site, tmp_path / "site")
    html_path = built / "stages" / "tolerance" / "index.html"
    html = html_path.read_text(encoding="utf-8")
    assert f"<script>{injected}</script>" in html  # published as written: the browser decides
    (policy,) = parse(html_path).xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    digest = base64.b64encode(hashlib.sha256(injected.encode()).digest()).decode()
    assert f"'sha256-{digest}'" not in policy
    theme_scripts = [s for s in re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
                     if s != injected]  # fmt: skip
    assert theme_scripts
    for script in theme_scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy

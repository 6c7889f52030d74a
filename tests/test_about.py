"""Every claim on the About page, held against the data it describes."""

from __future__ import annotations

from pathlib import Path

from mkdocs.utils.yaml import yaml_load

from checks.reviews import MAX_REVIEW_YEARS
from conftest import REPO_ROOT
from html_pages import parse, shown_text

EXTRA = yaml_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]
CYCLE_WORDS = {1: "at least once a year"}


def words(text: str) -> str:
    return " ".join(text.split())


def test_about_shows_the_publisher_sources_unwell_box_and_cycle_from_the_data(
    built_site: Path,
) -> None:
    about = parse(built_site / "about" / "index.html").xpath("//article")[0]
    text = words(shown_text(about))
    publisher = EXTRA["publisher"]
    assert f"published by {publisher['name']}." in text
    assert about.xpath(f".//a[@href='{publisher['url']}']")
    assert about.xpath(f".//a[@href='mailto:{publisher['email']}']")
    (box,) = about.xpath(".//aside[@class='feel-unwell']")
    assert words(box.xpath("./p")[0].text_content()) == words(EXTRA["feel_unwell"])
    listed = [words(shown_text(li)) for li in about.xpath(".//ul[preceding-sibling::p[1]"
              "[contains(., \"program's own pages\")]]/li")]  # fmt: skip
    assert listed == [f'"{s["title"]}": {s["about"]}' for s in EXTRA["sources"]]
    assert CYCLE_WORDS[MAX_REVIEW_YEARS] in text
    footer = parse(built_site / "index.html").xpath("//a[@class='md-copyright__publisher']")[0]
    assert (footer.text, footer.get("href")) == (publisher["name"], publisher["url"])

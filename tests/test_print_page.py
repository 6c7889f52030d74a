"""The print page: every stage page's body, as that page shows it, in the order of stages.yml.

Real strict builds read back as HTML; the bodies are compared element by element with
the stage pages themselves, so a stage page that builds also prints.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree
from mkdocs.utils.yaml import yaml_load

from conftest import REPO_ROOT, build_or_fail
from guide.stages import STAGES_FILE, StageProgram, load_stages
from html_pages import page_path, parse
from render.print_page import StageForPrint, moved_url, with_stages

HEADING_UP = {f"h{level + 1}": f"h{level}" for level in range(1, 6)}  # the print page's h3 is h2


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def body_of(article: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """What a stage page shows between its heading and contents and the care-team note:
    its Markdown."""
    return article.xpath(
        "./nav[@class='stage-contents']/following-sibling::*"
        "[following-sibling::aside[@class='care-team-note']]"
    )


def stage_body(site: Path, program: StageProgram, stage_id: str) -> list[lxml.html.HtmlElement]:
    return body_of(parse(page_path(site, program, stage_id)).xpath("//article")[0])


def print_sections(print_page: Path) -> list[lxml.html.HtmlElement]:
    return parse(print_page).xpath("//article/section[@class='print-stage']")


def shape(elements: list[lxml.html.HtmlElement], headings: dict[str, str]) -> list:
    """Every element, nested ones too, as (tag, text), heading levels mapped by `headings`."""
    return [
        (headings.get(node.tag, node.tag), text(node))
        for element in elements
        for node in element.iter(etree.Element)
    ]


def assert_print_page_follows(site: Path, print_page: Path, program: StageProgram) -> None:
    """One section per stage, in order: its 'Stage N of M' heading, then its page's body."""
    sections = print_sections(print_page)
    assert [text(section[0]).removesuffix("¶") for section in sections] == [
        f"Stage {stage.number} of {len(program)}: {stage.title}" for stage in program
    ]
    for section, stage in zip(sections, program, strict=True):
        assert section[0].tag == "h2"
        body = stage_body(site, program, stage.id)
        assert len(body) >= 2 and text(body[0]), stage.id  # a real body, not an empty match
        assert shape(list(section)[1:], HEADING_UP) == shape(body, {}), stage.id


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str]:
    """The file a relative link on `page` leads to, and its fragment."""
    parts = urlsplit(href)
    if not parts.path:
        return page, parts.fragment
    target = site / posixpath.normpath(
        posixpath.join(page.parent.relative_to(site).as_posix(), parts.path)
    )
    return (target / "index.html" if target.is_dir() else target), parts.fragment


def assert_links_land(site: Path, print_page: Path) -> None:
    """Ids are unique; every relative link and image on the article reaches a built file,
    and every fragment an id on the page it names."""
    tree = parse(print_page)
    ids = Counter(tree.xpath("//@id"))
    assert [name for name, count in ids.items() if count > 1] == []
    article = tree.xpath("//article")[0]
    urls = article.xpath(".//@href | .//@src")
    assert urls
    for url in urls:
        if urlsplit(url).scheme:
            continue
        target, fragment = resolve(site, print_page, url)
        assert target.is_file(), f"{url} on the print page leads nowhere"
        if fragment:
            assert parse(target).xpath("//*[@id=$id]", id=fragment), f"{url}: no such id"


def test_print_page_shows_every_stage_body_in_yaml_order(built_site: Path) -> None:
    program = load_stages(REPO_ROOT / "docs" / STAGES_FILE)
    print_page = built_site / "print" / "index.html"
    assert_print_page_follows(built_site, print_page, program)
    assert_links_land(built_site, print_page)
    tree = parse(print_page)
    assert tree.xpath("//*[contains(@class, 'print-stages')]") == []  # the placeholder is gone


def test_the_nav_names_the_print_page_as_its_heading_and_title_do(built_site: Path) -> None:
    """A reader who follows the nav's label lands on a page headed with the same words."""
    config = yaml_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    [label] = [
        name
        for entry in config["nav"]
        if isinstance(entry, dict)
        for name, target in entry.items()
        if target == "print.md"
    ]
    print_page = parse(built_site / "print" / "index.html")
    assert text(print_page.xpath("//article/h1")[0]).removesuffix("¶") == label
    assert print_page.findtext(".//title") == f"{label} - {config['site_name']}"
    home = parse(built_site / "index.html")
    assert [text(link) for link in home.xpath("//nav//a[@href='print/']")] == [label]


CODE = "## not a heading\n[tol]: not a link either\n"


def test_reference_links_and_code_blocks_print_as_on_their_page(site_copy: Path) -> None:
    blockage = site_copy / "docs" / "stages" / "blockage.md"
    blockage.write_text(
        blockage.read_text(encoding="utf-8")
        + "\n## Read on\n\nThis leads to [the next part][tol] and back to [the top][top], "
        "then [further down](#questions-you-may-want-to-ask-your-care-team).\n\n"
        f"```text\n{CODE}```\n\n![A diagram](diagram.svg)\n\n"
        "[tol]: tolerance.md#why-this-stage-is-needed\n[top]: #read-on\n",
        encoding="utf-8",
    )
    (site_copy / "docs" / "stages" / "diagram.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n', encoding="utf-8"
    )
    stages_file = site_copy / "docs" / STAGES_FILE
    data = yaml.safe_load(stages_file.read_text(encoding="utf-8"))
    data["stages"][3]["title"] = "Immune <em>tolerance</em> {{ 6 * 7 }}"
    stages_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    site = build_or_fail(site_copy, site_copy / "site")
    program = load_stages(stages_file)
    print_page = site / "print" / "index.html"

    assert_print_page_follows(site, print_page, program)
    assert_links_land(site, print_page)
    section = print_sections(print_page)[2]
    assert section.xpath(".//pre/code")[0].text == CODE
    assert not section.xpath(".//*[starts-with(name(), 'h')][contains(., 'not a heading')]")
    next_part = section.xpath(".//a[.='the next part']")[0].get("href")
    assert resolve(site, print_page, next_part) == (
        page_path(site, program, "tolerance"),
        "why-this-stage-is-needed",
    )
    top = section.xpath(".//a[.='the top']")[0].get("href")
    assert top == "#blockage-read-on"
    assert section.xpath(".//h3[@id='blockage-read-on']")
    assert resolve(site, print_page, section.xpath(".//img/@src")[0])[0].name == "diagram.svg"
    tolerance_heading = print_sections(print_page)[3][0]
    assert tolerance_heading.xpath(".//em") == []
    assert text(tolerance_heading).startswith("Stage 4 of 6: Immune <em>tolerance</em> {{ 6 * 7 }}")


def test_reordering_the_yaml_reorders_the_print_page(site_copy: Path) -> None:
    stages_file = site_copy / "docs" / STAGES_FILE
    data = yaml.safe_load(stages_file.read_text(encoding="utf-8"))
    data["stages"][0], data["stages"][4] = data["stages"][4], data["stages"][0]
    stages_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    site = build_or_fail(site_copy, site_copy / "site")
    program = load_stages(stages_file)
    assert [stage.id for stage in program] == [
        "regulation",
        "clearance",
        "blockage",
        "tolerance",
        "diagnosis",
        "protection",
    ]
    print_page = site / "print" / "index.html"
    assert_print_page_follows(site, print_page, program)
    assert_links_land(site, print_page)


def test_print_page_links_work_without_directory_urls_under_a_sub_path(site_copy: Path) -> None:
    config = site_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\nuse_directory_urls: false\n", encoding="utf-8"
    )
    site = build_or_fail(
        site_copy, site_copy / "site", env={"SITE_URL": "https://example.org/kidney/guide/"}
    )
    program = load_stages(site_copy / "docs" / STAGES_FILE)
    print_page = site / "print.html"
    sections = print_sections(print_page)
    assert len(sections) == len(program)
    assert_links_land(site, print_page)
    link = sections[2].xpath(".//a[.='Immune tolerance']/@href")
    assert link == ["stages/tolerance.html"]
    for section, stage in zip(sections, program, strict=True):
        article = parse(site / stage.page.replace(".md", ".html")).xpath("//article")[0]
        assert shape(list(section)[1:], HEADING_UP) == shape(body_of(article), {}), stage.id


# Page URLs as MkDocs writes them, with or without directory URLs ("" is the home page).
page_urls = st.just("") | st.builds(
    lambda folders, name, style: "/".join([*folders, name]) + ("/" if style else ".html"),
    st.lists(st.sampled_from(["stages", "a", "b"]), max_size=3),
    st.sampled_from(["print", "a", "x"]),
    st.booleans(),
)
relative_urls = st.builds(
    lambda parts, slash, query, fragment: "/".join(parts) + slash + query + fragment,
    st.lists(st.sampled_from(["..", ".", "a", "b", "stages", "x.png"]), max_size=6),
    st.sampled_from(["", "/"]),
    st.sampled_from(["", "?q=1"]),
    st.sampled_from(["", "#part", "#"]),
)


@given(from_url=page_urls, to_url=page_urls, url=relative_urls)
@example(from_url="print.html", to_url="a/print/", url="a")  # a file named like a folder above
@settings(max_examples=1000)
def test_a_moved_url_reaches_what_the_original_reached(
    from_url: str, to_url: str, url: str
) -> None:
    site = "https://example.org/kidney/guide/"  # served from a sub-path
    moved = moved_url(url, from_url, to_url)
    assert urljoin(site + to_url, moved) == urljoin(site + from_url, url)


def test_links_into_the_same_page_become_in_page_links() -> None:
    ids = {"": "tolerance", "why": "tolerance-why"}
    here, there = "stages/tolerance/", "print/"
    assert moved_url("#why", here, there, ids) == "#tolerance-why"
    assert moved_url("../tolerance/#why", here, there, ids) == "#tolerance-why"
    assert moved_url("./", here, there, ids) == "#tolerance"
    assert moved_url("#unknown", here, there, ids) == "../stages/tolerance/#unknown"
    assert moved_url("../blockage/#why", here, there, ids) == "../stages/blockage/#why"
    for absolute in ("https://example.org/x", "mailto:a@example.org", "/x/", "//example.org/"):
        assert moved_url(absolute, here, there, ids) == absolute


def test_ids_stay_unique_when_prefixes_collide() -> None:
    page = '<h1 id="a-b">Print</h1>\n<div class="print-stages"></div>\n<p>after</p>'
    stages = [
        StageForPrint("a", "A", "a/", '<h2 id="b-c">B</h2><p><a href="#b-c">to B</a></p>'),
        StageForPrint("a-b", "A & B", "a-b/", '<h2 id="c">C</h2><p><a href="#c">to C</a></p>'),
    ]
    tree = lxml.html.fragment_fromstring(with_stages(page, "print/", stages), create_parent="div")
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids)) == 5
    for link in tree.xpath("//a"):
        target = tree.xpath("//*[@id=$id]", id=link.get("href").removeprefix("#"))
        assert text(target[0]) == link.text.removeprefix("to ")
    assert [text(h) for h in tree.xpath("//section/h2")] == [
        "Stage 1 of 2: A",
        "Stage 2 of 2: A & B",
    ]
    assert [h.tag for h in tree.xpath("//section/h2/following-sibling::*[1]")] == ["h3", "h3"]
    assert text(tree.xpath("./p")[0]) == "after"

"""Reading built pages the way a reader's browser would see them."""

from __future__ import annotations

import posixpath
from copy import deepcopy as copy_element
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from guide.stages import StageProgram


@dataclass(frozen=True)
class StagePageView:
    """What a stage page tells the reader about where they are."""

    position: str  # "Stage 4 of 6", as shown
    title: str
    heading: str  # the h1 as a screen reader reads it: "Stage 4 of 6: Immune tolerance"
    stage_list: list[str]  # titles in the in-page list at the bottom, in order
    contents: list[str]  # titles in the contents at the top, in order
    contents_next_href: str | None  # the next stage, at the top
    current: list[str]  # titles marked aria-current="page"
    linked_current: bool  # is the current stage (wrongly) a link?
    prev_href: str | None
    next_href: str | None
    prev_text: str | None
    next_text: str | None
    head_prev: str | None
    head_next: str | None


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def shown_text(element: lxml.html.HtmlElement) -> str:
    """The element's text as a reader sees it: without the glossary definitions, which open
    only on request."""
    copy = copy_element(element)
    for definition in copy.xpath(".//*[contains(@class, 'glossary-term__definition')]"):
        definition.drop_tree()
    return copy.text_content()


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def stage_title(tree: lxml.html.HtmlElement) -> str:
    """The title in a stage page's heading ("Immune tolerance" of "Stage 4 of 6: ...")."""
    title = _one(tree, "//article//h1//*[contains(@class, 'stage-heading__title')]")
    assert title is not None, "no stage heading"
    return title.text_content()


def _one(tree: lxml.html.HtmlElement, xpath: str) -> lxml.html.HtmlElement | None:
    found = tree.xpath(xpath)
    assert len(found) <= 1, f"expected at most one match for {xpath}, found {len(found)}"
    return found[0] if found else None


def stage_page_view(path: Path) -> StagePageView:
    tree = parse(path)
    article = _one(tree, "//article")
    assert article is not None, f"{path} has no <article>"
    position = _one(article, ".//*[contains(@class, 'stage-position')]")
    stage_list = _one(article, ".//nav[contains(@class, 'stage-list')]")
    contents = _one(article, ".//nav[contains(@class, 'stage-contents')]")
    assert position is not None and stage_list is not None, f"{path} is not a stage page"
    assert contents is not None, f"{path} has no contents at the top"
    contents_next = contents.xpath(".//a[starts-with(normalize-space(), 'Next:')]")
    items = stage_list.xpath(".//li")
    current = stage_list.xpath(".//*[@aria-current='page']")
    prev_link = _one(article, ".//a[@rel='prev']")
    next_link = _one(article, ".//a[@rel='next']")
    head_prev = _one(tree, "//head/link[@rel='prev']")
    head_next = _one(tree, "//head/link[@rel='next']")
    return StagePageView(
        position=_text(position),
        title=stage_title(tree),
        heading=_text(_one(article, ".//h1")),
        stage_list=[_text(item.xpath("./a | ./span[1]")[0]) for item in items],
        contents=[_text(item.xpath("./a | ./span[1]")[0]) for item in contents.xpath(".//li")],
        contents_next_href=contents_next[0].get("href") if contents_next else None,
        current=[_text(element) for element in current],
        linked_current=any(
            element.tag == "a" or element.xpath("ancestor::a") for element in current
        ),
        prev_href=prev_link.get("href") if prev_link is not None else None,
        next_href=next_link.get("href") if next_link is not None else None,
        prev_text=_text(prev_link) if prev_link is not None else None,
        next_text=_text(next_link) if next_link is not None else None,
        head_prev=head_prev.get("href") if head_prev is not None else None,
        head_next=head_next.get("href") if head_next is not None else None,
    )


def page_path(site: Path, program: StageProgram, stage_id: str) -> Path:
    stage = next(stage for stage in program if stage.id == stage_id)
    return site / Path(stage.page).with_suffix("") / "index.html"


def resolve(site: Path, page: Path, href: str) -> Path:
    """The file a relative link on `page` leads to."""
    target = posixpath.normpath(posixpath.join(page.parent.relative_to(site).as_posix(), href))
    path = site / target
    return path / "index.html" if path.is_dir() else path


def assert_stage_pages_follow(site: Path, program: StageProgram) -> None:
    """Every stage page shows its place, the full list and links to exactly its neighbours."""
    total = len(program)
    titles = [stage.title for stage in program]
    for stage in program:
        path = page_path(site, program, stage.id)
        view = stage_page_view(path)
        before, after = program.previous(stage), program.next(stage)
        assert view.position == f"Stage {stage.number} of {total}"
        assert view.title == stage.title
        assert view.heading == f"Stage {stage.number} of {total}: {stage.title}"
        assert view.stage_list == view.contents == titles
        assert view.contents_next_href == view.next_href
        assert view.current == [stage.title]
        assert not view.linked_current
        if before is None:
            assert view.prev_href is None and view.head_prev is None
        else:
            assert resolve(site, path, view.prev_href) == page_path(site, program, before.id)
            assert view.head_prev == view.prev_href
            assert view.prev_text == f"Previous: Stage {before.number}, {before.title}"
        if after is None:
            assert view.next_href is None and view.head_next is None
        else:
            assert resolve(site, path, view.next_href) == page_path(site, program, after.id)
            assert view.head_next == view.next_href
            assert view.next_text == f"Next: Stage {after.number}, {after.title}"


def sidebar_stage_titles(site: Path) -> list[str]:
    tree = parse(site / "index.html")
    links = tree.xpath("//nav[contains(@class, 'md-nav--primary')]//a[contains(@href, 'stages/')]")
    return [" ".join(link.text_content().split()) for link in links]


def overview_entries(site: Path) -> list[tuple[str, str, str]]:
    """(link text, href, whole item text) of each item in the overview's stage list."""
    tree = parse(site / "index.html")
    items = tree.xpath("//article//ol[li/a[starts-with(@href, 'stages/')]]/li")
    return [
        (item.xpath("./a")[0].text_content(), item.xpath("./a")[0].get("href"), shown_text(item))
        for item in items
    ]


def assert_overview_and_sidebar_follow(site: Path, program: StageProgram) -> None:
    assert sidebar_stage_titles(site) == [f"{stage.number}. {stage.title}" for stage in program]
    entries = overview_entries(site)
    assert [(text, href) for text, href, _ in entries] == [
        (stage.title, f"{Path(stage.page).with_suffix('').as_posix()}/") for stage in program
    ]
    for (_, _, whole), stage in zip(entries, program, strict=True):
        assert stage.summary in whole

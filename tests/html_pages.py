"""Reading built pages the way a reader's browser would see them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import lxml.html


@dataclass(frozen=True)
class StagePageView:
    """What a stage page tells the reader about where they are."""

    position: str  # "Stage 4 of 6"
    title: str
    stage_list: list[str]  # titles in the in-page list, in order
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


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


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
    assert position is not None and stage_list is not None, f"{path} is not a stage page"
    items = stage_list.xpath(".//li")
    current = stage_list.xpath(".//*[@aria-current='page']")
    prev_link = _one(article, ".//a[@rel='prev']")
    next_link = _one(article, ".//a[@rel='next']")
    head_prev = _one(tree, "//head/link[@rel='prev']")
    head_next = _one(tree, "//head/link[@rel='next']")
    return StagePageView(
        position=_text(position),
        title=_text(_one(article, ".//h1")),
        stage_list=[_text(item.xpath("./a | ./span[1]")[0]) for item in items],
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

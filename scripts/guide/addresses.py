"""The addresses the site has published, and the moves that keep each one working.

`docs/_data/published.yml` lists every address a build of the site has published, with the
stage titles it was published under. `make build` adds to it; the validator refuses a change
that would leave one of them without a page or a redirect. A list in the repository, not git
history: CI clones a single commit, a tarball has no history at all, and learning what each
past commit published would mean rebuilding it; the list is one small file, and a change
that drops an address shows in the pull request's diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml
from mkdocs.structure.files import File

from guide.problems import Problem
from guide.stages import STAGE_FOLDER, Move, is_page_path
from guide.yaml_files import NodeReader, read_yaml_file

# Relative to the docs folder; `_data/` is not published (exclude_docs in mkdocs.yml).
PUBLISHED_FILE = "_data/published.yml"
# What an ordinary page's front matter says to keep its old addresses: `moved_from: [faq.md]`.
MOVED_FROM = "moved_from"

_HEADER = """\
# Every address this site has published, with the stage titles each was published under.
# `make build` adds to this list; commit it with your change. Do not delete lines: the
# validator uses them to refuse a change that would turn an address readers may have
# bookmarked into a 404. To move, rename or remove a page, see CONTRIBUTING.md.
"""


@dataclass(frozen=True)
class Published:
    """One address of an earlier build."""

    address: str  # like '/stages/regulation/'
    titles: tuple[str, ...]  # stage titles it was published under; () for other pages
    line: int


def address_of(page: str, use_directory_urls: bool) -> str:
    """The address MkDocs gives the page at `page` (a path under docs/): '/stages/x/'."""
    return address_of_url(File(page, "", "", use_directory_urls).url)


def address_of_url(url: str) -> str:
    """The address of a page MkDocs gives `url` ('stages/x/'): '/stages/x/'."""
    return "/" if url == "./" else f"/{url}"


def page_for_address(address: str) -> str:
    """The page path that most likely published `address` (for suggestions only)."""
    path = address.strip("/").removesuffix(".html")
    return f"{path or 'index'}.md"


def move_entry(address: str, was_stage: bool) -> str:
    """What to write in `moved_from:` or `removed:` for an address: a stage's id, or a path."""
    page = PurePosixPath(page_for_address(address))
    if was_stage and str(page.parent) == STAGE_FOLDER:
        return page.stem
    return str(page)


def page_moves(meta_value: object, page: str, shown_as: str, line: int) -> list[Move]:
    """The moves a page's `moved_from:` front matter records (invalid entries left out)."""
    if not isinstance(meta_value, list):
        return []
    return [
        Move(entry, page, shown_as, line)
        for entry in meta_value
        if isinstance(entry, str) and is_page_path(entry)
    ]


def page_move_problems(meta_value: object, shown_as: str, line: int) -> list[Problem]:
    """What is wrong with a page's `moved_from:` front matter."""
    entries = meta_value if isinstance(meta_value, list) else [meta_value]
    wrong = [entry for entry in entries if not (isinstance(entry, str) and is_page_path(entry))]
    if not isinstance(meta_value, list) or wrong:
        return [
            Problem(
                shown_as,
                line,
                f"'{MOVED_FROM}' must be a list of the page paths this page had, "
                "like [faq.md] or [help/old-name.md]",
            )
        ]
    return []


def read_published(path: Path, shown_as: str) -> tuple[dict[str, Published], list[Problem]]:
    """The addresses of earlier builds; none (and no problem) before the first build."""
    if not path.exists():
        return {}, []
    root, problems = read_yaml_file(path, shown_as)
    if root is None:
        return {}, problems
    reader = _PublishedReader(shown_as)
    return reader.read(root), reader.problems


def published_text(addresses: Mapping[str, Iterable[str]]) -> str:
    """The list file for `addresses` (address -> titles), sorted, one address a line."""
    # JSON strings are YAML flow scalars: quoting is then never a question.
    lines = [
        f"  {json.dumps(address)}: {json.dumps(list(titles), ensure_ascii=False)}"
        for address, titles in sorted(addresses.items())
    ]
    return _HEADER + "addresses:\n" + "\n".join(lines) + "\n"


def merged(
    published: Mapping[str, Published], current: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Earlier addresses and this build's, each with every title it has had."""
    result = {address: entry.titles for address, entry in published.items()}
    for address, titles in current.items():
        earlier = result.get(address, ())
        result[address] = earlier + tuple(title for title in titles if title not in earlier)
    return result


class _PublishedReader(NodeReader):
    def read(self, root: yaml.Node) -> dict[str, Published]:
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, "expected 'addresses:' at the top level")
            return {}
        top = self.mapping(root, "the top level")
        if set(top) != {"addresses"} or not isinstance(top["addresses"][1], yaml.MappingNode):
            self.problem(root, "expected only 'addresses:', a mapping of address to titles")
            return {}
        result = {}
        for address, (key_node, value_node) in self.mapping(top["addresses"][1], "").items():
            titles = self.text_list(value_node, f"address '{address}'") if value_node.value else ()
            if not address.startswith("/"):
                self.problem(key_node, f"address '{address}' must start with '/'")
            elif titles is not None:
                result[address] = Published(address, titles, key_node.start_mark.line + 1)
        return result

"""The stage model: the one loader that turns `docs/_data/stages.yml` into typed stages.

Everything that needs the order of the stages (the MkDocs hook, the macros,
the validator, the tests) goes through `read_stages` / `load_stages`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import yaml

from guide.problems import Problem
from guide.yaml_files import NodeReader, read_yaml_file

# Relative to the docs folder; also the nav placeholder in mkdocs.yml.
STAGES_FILE = "_data/stages.yml"

REQUIRED_FIELDS = ("id", "title", "label", "summary", "page")
OPTIONAL_FIELDS = ("aliases", "moved_from")
ID_PATTERN = re.compile(r"[a-z][a-z0-9-]*")
# Where a stage page lives when only its id is known (`moved_from: [regulation]`).
STAGE_FOLDER = "stages"
# Where readers of a removed stage are sent: the home page, which lists every stage.
OVERVIEW_PAGE = "index.md"


@dataclass(frozen=True, order=True)
class Move:
    """A page that was published before at `old_page` and now sends readers to `new_page`.

    Recorded once by the editor (`moved_from` on a stage or in a page's front matter, or
    `removed:` in the ordering file); the build writes a redirect page for it."""

    old_page: str  # path under docs/ the page had, like 'stages/regulation.md'
    new_page: str  # path under docs/ of the page readers now get
    path: str = field(compare=False)  # the file where the move is recorded, as shown
    line: int = field(compare=False)


def old_page(entry: str) -> str:
    """The page path a `moved_from` or `removed` entry names: a stage id or a .md path."""
    return entry if entry.endswith(".md") else f"{STAGE_FOLDER}/{entry}.md"


def is_page_path(value: str) -> bool:
    """A .md path inside docs/, written relative to it."""
    path = PurePosixPath(value)
    return path.suffix == ".md" and not path.is_absolute() and ".." not in path.parts


@dataclass(frozen=True)
class Stage:
    """One stage of the program, numbered by its place in the ordering file."""

    id: str
    number: int
    title: str
    label: str
    summary: str
    page: str  # path under docs/
    aliases: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)  # where its entry starts in the ordering file
    # Earlier ids or pages of this stage: their addresses now lead to this stage's page.
    moved_from: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name readers may meet for this stage: the title first, then the aliases."""
        return (self.title, *self.aliases)


@dataclass(frozen=True)
class StageProgram:
    """The stages in order, with the lookups templates and macros need."""

    stages: tuple[Stage, ...]
    urls: Mapping[str, str] = field(default_factory=dict)  # stage id -> site URL, once known
    # Old addresses of moved and removed stages, each leading to a page that exists.
    moves: tuple[Move, ...] = ()

    def __iter__(self) -> Iterator[Stage]:
        return iter(self.stages)

    def __len__(self) -> int:
        return len(self.stages)

    def stage_for(self, page: str) -> Stage | None:
        """The stage whose page is `page` (a path under docs/), or None for other pages."""
        return next((stage for stage in self.stages if stage.page == page), None)

    def previous(self, stage: Stage) -> Stage | None:
        return self.stages[stage.number - 2] if stage.number > 1 else None

    def next(self, stage: Stage) -> Stage | None:
        return self.stages[stage.number] if stage.number < len(self.stages) else None

    def url(self, stage: Stage) -> str:
        return self.urls[stage.id]


class StageFileError(Exception):
    """The ordering file has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def load_stages(path: Path, shown_as: str | None = None) -> StageProgram:
    """Load the ordering file, raising StageFileError listing every problem found."""
    program, problems = read_program(path, shown_as)
    if problems:
        raise StageFileError(problems)
    return program


def read_stages(path: Path, shown_as: str | None = None) -> tuple[list[Stage], list[Problem]]:
    """Read the ordering file; return the stages that are valid and every problem found.

    Never raises for bad content: malformed YAML, wrong types, duplicates and
    unknown keys all come back as problems located by line.
    """
    program, problems = read_program(path, shown_as)
    return list(program), problems


def read_program(path: Path, shown_as: str | None = None) -> tuple[StageProgram, list[Problem]]:
    """The ordering file as a program (the valid stages and moves) and every problem found."""
    shown_as = shown_as or str(path)
    root, problems = read_yaml_file(path, shown_as)
    if root is None:
        return StageProgram(()), problems
    return _StageReader(shown_as).read(root)


class _StageReader(NodeReader):
    """Walks the YAML node tree (which keeps line numbers) and collects problems."""

    def __init__(self, shown_as: str) -> None:
        super().__init__(shown_as)
        self.moved_lines: dict[str, list[tuple[str, int]]] = {}  # stage id -> entries, lines

    def read(self, root: yaml.Node) -> tuple[StageProgram, list[Problem]]:
        entries, optional = self.top_level(root, "stages", optional=("removed",))
        stages = [stage for stage in map(self.stage, entries) if stage is not None]
        stages = self.numbered(stages)
        self.check_unique(stages)
        moves = [
            Move(old_page(entry), stage.page, self.path, line)
            for stage in stages
            for entry, line in self.moved_lines.get(stage.id, ())
        ]
        if "removed" in optional:
            moves += [
                Move(old_page(entry), OVERVIEW_PAGE, self.path, line)
                for entry, line in self.old_addresses(optional["removed"], "'removed'")
            ]
        return StageProgram(tuple(stages), moves=tuple(moves)), self.problems

    def old_addresses(self, node: yaml.Node, what: str) -> list[tuple[str, int]]:
        """Entries naming where a page was published: stage ids or .md paths, with lines."""
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list, like [regulation]")
            return []
        found = []
        for item in node.value:
            value = self.text(item, f"{what}: each entry")
            if value is None:
                continue
            if not (ID_PATTERN.fullmatch(value) or is_page_path(value)):
                self.problem(
                    item,
                    f"{what}: '{value}' must be a stage id (like 'regulation') or a page path "
                    "under docs/ (like 'stages/regulation.md')",
                )
                continue
            found.append((value, item.start_mark.line + 1))
        return found

    def stage(self, node: yaml.Node) -> Stage | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "each stage must be a mapping with " + ", ".join(REQUIRED_FIELDS))
            return None
        fields = self.mapping(node, "a stage")
        stage_id = fields["id"][1].value if "id" in fields else None
        name = f"stage '{stage_id}'" if isinstance(stage_id, str) and stage_id else "stage"
        for key, (key_node, _) in fields.items():
            if key not in REQUIRED_FIELDS + OPTIONAL_FIELDS:
                allowed = ", ".join(REQUIRED_FIELDS + OPTIONAL_FIELDS)
                self.problem(key_node, f"{name}: unknown key '{key}' (allowed: {allowed})")
        missing = [key for key in REQUIRED_FIELDS if key not in fields]
        if missing:
            self.problem(node, f"{name}: missing {', '.join(missing)}")
            return None
        read = {key: self.text(fields[key][1], f"{name}: '{key}'") for key in REQUIRED_FIELDS}
        aliases = (
            self.text_list(fields["aliases"][1], f"{name}: 'aliases'")
            if "aliases" in fields
            else ()
        )
        moved = (
            self.old_addresses(fields["moved_from"][1], f"{name}: 'moved_from'")
            if "moved_from" in fields
            else []
        )
        values = {key: value for key, value in read.items() if value is not None}
        if len(values) < len(read) or aliases is None:
            return None
        ok = True
        if not ID_PATTERN.fullmatch(values["id"]):
            self.problem(
                fields["id"][1],
                f"{name}: id must start with a letter and use only a-z, 0-9 and hyphens",
            )
            ok = False
        if not is_page_path(values["page"]):
            self.problem(
                fields["page"][1],
                f"{name}: page must be a .md path inside docs/, like 'stages/x.md'",
            )
            ok = False
        if not ok:
            return None
        self.moved_lines.setdefault(values["id"], []).extend(moved)
        return Stage(
            id=values["id"],
            number=0,
            title=values["title"],
            label=values["label"],
            summary=values["summary"],
            page=values["page"],
            aliases=aliases,
            line=node.start_mark.line + 1,
            moved_from=tuple(entry for entry, _ in moved),
        )

    def numbered(self, stages: list[Stage]) -> list[Stage]:
        return [replace(stage, number=number) for number, stage in enumerate(stages, start=1)]

    def check_unique(self, stages: list[Stage]) -> None:
        seen: dict[str, dict[str, Stage]] = {"id": {}, "page": {}, "name": {}}
        for stage in stages:
            for kind, value in (("id", stage.id), ("page", stage.page)):
                first = seen[kind].setdefault(value, stage)
                if first is not stage:
                    self.problems.append(
                        Problem(
                            self.path,
                            stage.line,
                            f"stage '{stage.id}': {kind} '{value}' is already used by "
                            f"the stage at line {first.line}",
                        )
                    )
            for stage_name in stage.names:
                first = seen["name"].setdefault(stage_name.casefold(), stage)
                if first is not stage:
                    self.problems.append(
                        Problem(
                            self.path,
                            stage.line,
                            f"stage '{stage.id}': name '{stage_name}' is already used by "
                            f"stage '{first.id}'",
                        )
                    )


def stage_nav(program: StageProgram) -> list[dict[str, str]]:
    """Nav entries for the stages, numbered, in order: [{'1. Exact diagnosis': 'stages/...'}].

    Titles are HTML-escaped: Material writes nav titles into pages as they are.
    """
    return [{html.escape(f"{stage.number}. {stage.title}"): stage.page} for stage in program]


def expand_stage_placeholder(nav: list, program: StageProgram) -> tuple[list, bool]:
    """Replace the nav entry that points at the ordering file with the stage entries.

    Returns the new nav and whether the placeholder was found.
    """
    found = False

    def expand(items: list) -> list:
        nonlocal found
        result = []
        for item in items:
            entry = item
            if isinstance(item, dict) and len(item) == 1:
                ((title, target),) = item.items()
                if target == STAGES_FILE:
                    found = True
                    entry = {title: stage_nav(program)}
                elif isinstance(target, list):
                    entry = {title: expand(target)}
            result.append(entry)
        return result

    return expand(nav), found

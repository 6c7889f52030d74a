"""A folder's optional `.nav.yml`: the section's title and the order of its pages.

The file name and the two keys are those of the mkdocs-awesome-nav plugin, so its
documentation describes them; the plugin itself is not used because it builds the whole
nav from the folders, and here the stage order builds part of it. MkDocs never publishes
a file whose name starts with a dot.

    title: Questions about CKD and HIV
    nav:
      - first-visit.md
      - medicines
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from guide.problems import Problem
from guide.yaml_files import NodeReader, read_yaml_file

FOLDER_SETTINGS_FILE = ".nav.yml"
_KEYS = ("title", "nav")


@dataclass(frozen=True)
class FolderSettings:
    """What a folder's `.nav.yml` says; the defaults when it has none."""

    title: str | None = None
    title_line: int = 0
    # Names of pages ('salt.md') and sub-folders ('drinks') in the order they come first.
    order: tuple[str, ...] = ()


def read_folder_settings(
    path: Path, shown_as: str, names: Sequence[str]
) -> tuple[FolderSettings, list[Problem]]:
    """Read a folder's `.nav.yml` when there is one; `names` are the folder's pages and
    sub-folders, which are all `nav:` may list. Never raises."""
    if not path.exists() and not path.is_symlink():
        return FolderSettings(), []
    root, problems = read_yaml_file(path, shown_as)
    if root is None:
        return FolderSettings(), problems
    reader = _FolderSettingsReader(shown_as, names)
    return reader.read(root), reader.problems


class _FolderSettingsReader(NodeReader):
    def __init__(self, shown_as: str, names: Sequence[str]) -> None:
        super().__init__(shown_as)
        self.names = names

    def read(self, root: yaml.Node) -> FolderSettings:
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, "expected 'title:' and/or 'nav:' at the top level")
            return FolderSettings()
        fields = self.mapping(root, "the top level")
        for key, (key_node, _) in fields.items():
            if key not in _KEYS:
                self.problem(key_node, f"unknown key '{key}'; only 'title' and 'nav' are allowed")
        title = self.text(fields["title"][1], "title") if "title" in fields else None
        title_line = fields["title"][0].start_mark.line + 1 if "title" in fields else 0
        order = self.order(fields["nav"][1]) if "nav" in fields else ()
        return FolderSettings(title, title_line, order)

    def order(self, node: yaml.Node) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, "'nav' must be a list of this folder's pages and sub-folders")
            return ()
        order: dict[str, int] = {}
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                self.problem(
                    item,
                    "each 'nav' entry is the file name of a page here or of a sub-folder, like "
                    "'salt.md'; a page's title comes from its own '# ' heading",
                )
                continue
            name = self.text(item, "each 'nav' entry")
            if name is None:
                continue
            name = name.rstrip("/")
            line = item.start_mark.line + 1
            if name in order:
                self.problem(item, f"'{name}' is listed twice (first at line {order[name]})")
            elif name not in self.names:
                self.problem(item, self.unknown(name))
            else:
                order[name] = line
        return tuple(order)

    def unknown(self, name: str) -> str:
        message = f"'{name}' is not a page or sub-folder of this folder"
        close = difflib.get_close_matches(name, self.names, n=1, cutoff=0.6)
        if close:
            return f"{message}; did you mean '{close[0]}'?"
        return f"{message}; it has: {', '.join(self.names)}"

"""Folder entries in the nav: `- Articles: articles/` lists that folder's pages as sections.

Editors add an ordinary page by putting it in a folder that the nav names;
sub-folders become sub-sections. A folder's optional `.nav.yml` gives its section a
title and puts pages first (guide/folder_settings.py). Nothing here knows about stages.
"""

from __future__ import annotations

import html
from pathlib import Path

from guide.folder_settings import FOLDER_SETTINGS_FILE, FolderSettings, read_folder_settings
from guide.problems import Problem


def folder_title(name: str) -> str:
    """'kidney-tests' -> 'Kidney tests'."""
    words = name.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize()


class FolderSections:
    """The nav entries of the folders the nav names, with the problems of their `.nav.yml`."""

    def __init__(self, pages: list[str], docs: Path, docs_shown: str) -> None:
        self.pages = pages
        self.docs = docs
        self.docs_shown = docs_shown
        self.problems: list[Problem] = []

    def section(self, folder: str) -> tuple[FolderSettings, list]:
        """What the `.nav.yml` of the folder (a path under docs/ ending in '/') says, and the
        entries for the pages under it.

        Pages and sub-folders that `.nav.yml` lists come first, in its order; then an
        index.md, the folder's other pages and its other sub-folders, each by name. A
        sub-folder's section is titled by its own `.nav.yml`, or from its name."""
        inside = sorted(page.removeprefix(folder) for page in self.pages if page.startswith(folder))
        own = [name for name in inside if "/" not in name]
        own.sort(key=lambda name: name != "index.md")
        subfolders = list(dict.fromkeys(name.split("/", 1)[0] for name in inside if "/" in name))
        names = [*own, *subfolders]
        if not names:  # nothing to order; and a folder without pages may not be in docs/
            return FolderSettings(), []
        settings, problems = read_folder_settings(
            self.docs / folder / FOLDER_SETTINGS_FILE, self.shown(folder), names
        )
        self.problems += problems
        entries: list = []
        for name in [*settings.order, *(name for name in names if name not in settings.order)]:
            if name in subfolders:
                sub, section = self.section(folder + name + "/")
                # Nav titles reach the page as HTML, as they are.
                entries.append({html.escape(sub.title or folder_title(name)): section})
            else:
                entries.append(folder + name)
        return settings, entries

    def shown(self, folder: str) -> str:
        return f"{self.docs_shown}/{folder}{FOLDER_SETTINGS_FILE}"


def expand_folder_entries(
    nav: list, pages: list[str], docs: Path, docs_shown: str = "docs"
) -> tuple[list, list[Problem]]:
    """Replace every `{title: 'folder/'}` entry with the folder's pages; drop empty folders.
    Also returns the problems of the folders' `.nav.yml` files."""
    sections = FolderSections(pages, docs, docs_shown)
    return _expanded(nav, sections), sections.problems


def _expanded(nav: list, sections: FolderSections) -> list:
    result = []
    for item in nav:
        entry = item
        if isinstance(item, dict) and len(item) == 1:
            ((title, target),) = item.items()
            if isinstance(target, str) and target.endswith("/"):
                settings, entries = sections.section(target)
                if settings.title is not None:
                    sections.problems.append(
                        Problem(
                            sections.shown(target),
                            settings.title_line,
                            f"this section's title is set in mkdocs.yml ('{title}'): "
                            "change it there, or remove 'title:' here",
                        )
                    )
                entry = {title: entries} if entries else None
            elif isinstance(target, list):
                entry = {title: _expanded(target, sections)}
        if entry is not None:
            result.append(entry)
    return result

"""Folder entries in the nav: `- Articles: articles/` lists that folder's pages as sections.

Editors add an ordinary page by putting it in a folder that the nav names;
sub-folders become sub-sections. Nothing here knows about stages.
"""

from __future__ import annotations

from collections.abc import Iterable


def folder_title(name: str) -> str:
    """'kidney-tests' -> 'Kidney tests'."""
    words = name.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize()


def folder_nav(folder: str, pages: Iterable[str]) -> list:
    """Nav entries for the pages under `folder` (paths relative to docs/, sorted by path).

    An index.md comes first; then the folder's own pages; then one section per
    sub-folder, titled from the folder's name.
    """
    prefix = folder.rstrip("/") + "/"
    inside = sorted(page.removeprefix(prefix) for page in pages if page.startswith(prefix))
    own = [name for name in inside if "/" not in name]
    own.sort(key=lambda name: name != "index.md")
    subfolders = dict.fromkeys(name.split("/", 1)[0] for name in inside if "/" in name)
    return [prefix + name for name in own] + [
        {folder_title(sub): folder_nav(prefix + sub, [prefix + name for name in inside])}
        for sub in subfolders
    ]


def expand_folder_entries(nav: list, pages: list[str]) -> list:
    """Replace every `{title: 'folder/'}` entry with the folder's pages; drop empty folders."""
    result = []
    for item in nav:
        entry = item
        if isinstance(item, dict) and len(item) == 1:
            ((title, target),) = item.items()
            if isinstance(target, str) and target.endswith("/"):
                entries = folder_nav(target, pages)
                entry = {title: entries} if entries else None
            elif isinstance(target, list):
                entry = {title: expand_folder_entries(target, pages)}
        if entry is not None:
            result.append(entry)
    return result

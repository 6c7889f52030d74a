"""Which speed levers are on, and whether the packages they lean on are the tested ones.

Each lever reaches into MkDocs' or Material's internals (a private function, a template's
text). They were tested against exactly the versions in TESTED_WITH (requirements.txt pins
them; a test keeps the two in step). With any other version, or when a lever finds the
internals it needs changed, the build takes the plain path and says so in one line.

GUIDE_SPEED_LEVERS chooses levers (comma-separated names from LEVERS, or "none"); the
tests build with and without each to compare the pages byte for byte.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError, version

LEVERS = ("nav", "cache", "fork")
TESTED_WITH = {"mkdocs": "1.6.1", "mkdocs-material": "9.8.1", "Jinja2": "3.1.6"}
CHOICE = "GUIDE_SPEED_LEVERS"
# Where the render cache lives, under the folder holding mkdocs.yml (deletable at any time).
CACHE_FOLDER = ".cache/rendered-pages"


def untested_packages() -> list[str]:
    """'name version' of each package the levers lean on that is not the tested version."""
    changed = []
    for name, tested in TESTED_WITH.items():
        try:
            found = version(name)
        except PackageNotFoundError:
            found = "missing"
        if found != tested:
            changed.append(f"{name} {found} (tested with {tested})")
    return changed


def chosen() -> set[str]:
    """The levers to use: all by default; none when the packages are not the tested ones."""
    value = os.environ.get(CHOICE, ",".join(LEVERS)).strip()
    names = set() if value == "none" else {name.strip() for name in value.split(",") if name}
    if names - set(LEVERS):
        raise ValueError(f"{CHOICE}: unknown lever(s) {sorted(names - set(LEVERS))}; use {LEVERS}")
    if names and (changed := untested_packages()):
        plain_path(f"{', '.join(changed)}")
        return set()
    return names


def plain_path(why: str) -> None:
    """One line, not a MkDocs warning: the plain path builds correct pages, so strict mode
    must not fail because a faster path is unavailable."""
    print(f"WARNING -  speed levers off, building the plain way: {why}", file=sys.stderr)

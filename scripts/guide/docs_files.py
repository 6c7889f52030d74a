"""Which files under docs/ may be published: regular files and folders of the project only.

A symlink that leads outside docs/ (say to /etc/passwd or a deploy key), a dangling one,
a loop, a FIFO, a socket or a device is never published, and reading one could block or
leak; the validator and the build both refuse them, by this one rule.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def unpublishable_files(docs: Path) -> list[tuple[str, str]]:
    """(path under docs/, why) for everything that is not a regular file or folder of the
    project. Never follows a link before checking where it leads; never opens a file."""
    root = os.path.realpath(docs)
    found: list[tuple[str, str]] = []
    pending = [docs]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            found.append((_relative(docs, folder), f"cannot be read: {error.strerror}"))
            continue
        for entry in entries:
            relative = _relative(docs, Path(entry.path))
            if entry.is_symlink():
                why = _link_problem(entry.path, root)
                if why:
                    found.append((relative, why))
                continue  # a link inside docs/ is checked where it leads
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                pending.append(Path(entry.path))
            elif not stat.S_ISREG(mode):
                found.append((relative, f"is a {_kind(mode)}, not a file: remove it from docs/"))
    return sorted(found)


def _link_problem(path: str, root: str) -> str | None:
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symbolic link that loops back on itself: remove it"
        return "is a symbolic link to a file that does not exist: remove it or fix it"
    if os.path.commonpath([root, target]) != root:
        return (
            "is a symbolic link to something outside docs/, which is never published: "
            "copy what it points at into docs/ instead"
        )
    mode = Path(target).stat().st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return f"is a symbolic link to a {_kind(mode)}, not a file: remove it"
    return None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _relative(docs: Path, path: Path) -> str:
    return path.relative_to(docs).as_posix()

"""What every check reports: a problem at a place in a file, and safe reading of source files."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

# Source files are small; anything larger is almost certainly a mistake
# (a pasted binary, a runaway generator) and would only slow every check down.
MAX_SOURCE_BYTES = 2 * 1024 * 1024
# A page a reader can take in is a few thousand words (this guide's longest is 10 KB);
# the checks of a page at this limit take a few tenths of a second, whatever it holds.
MAX_PAGE_BYTES = 512 * 1024


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix, located as `path:line`."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" fails the check; "warning" is reported only

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass(frozen=True)
class ExternalLink:
    """An http(s) link, checked only with --external."""

    path: str
    line: int
    url: str


def read_source_text(
    path: Path, shown_as: str, limit: int = MAX_SOURCE_BYTES
) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 source file, returning its text or the problems that prevent reading it.

    `shown_as` is the path printed in messages (relative to the repository root).
    A UTF-8 byte-order mark is accepted and dropped.
    """
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            return None, [Problem(shown_as, 1, "not a regular file: remove it")]
        size = status.st_size
        if size > limit:
            message = f"file is {size:,} bytes; the limit is {limit:,}"
            return None, [Problem(shown_as, 1, message)]
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(shown_as, 1, "file does not exist")]
    except OSError as error:
        return None, [Problem(shown_as, 1, f"cannot read file: {error.strerror}")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        message = f"not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8"
        return None, [Problem(shown_as, line, message)]

"""What a check found, and how it is printed: one `path:line: message` line per problem."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from guide.problems import ExternalLink, Problem


@dataclass
class Report:
    """What one check (of the source or of the built site) found."""

    problems: list[Problem]
    files_checked: int
    external_links: list[ExternalLink] = field(default_factory=list)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_report(
    problems: Sequence[Problem],
    files_checked: int,
    output_format: str,
    rerun: str,
    check: str = "validate",
) -> str:
    """The text to print: one line per problem, sorted, then a count (or one line, starting
    with the check's name, when clean)."""
    problems = sorted(problems)
    if output_format == "json":
        rows = [
            {"path": p.path, "line": p.line, "severity": p.severity, "message": p.message}
            for p in problems
        ]
        return json.dumps(rows, indent=2)
    if not problems:
        return f"{check}: {_plural(files_checked, 'file')} checked, no problems."
    if output_format == "github":
        lines = [
            f"::{p.severity} file={_github_escape(p.path, property_value=True)},"
            f"line={p.line}::{_github_escape(p.message)}"
            for p in problems
        ]
    else:
        lines = [str(p) for p in problems]
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    lines.append(
        f"{_plural(len(problems), 'problem')} ({_plural(errors, 'error')}, "
        f"{_plural(warnings, 'warning')}) in {_plural(files_checked, 'file')} checked."
    )
    if errors:
        lines.append(f"Fix each line above, then run '{rerun}' again.")
    return "\n".join(lines)

"""Add a stage: `make new-stage ID=follow-up TITLE="Follow-up care" AFTER=protection`.

Inserts the stage into docs/_data/stages.yml right after AFTER, or right before
BEFORE (`AFTER=start` makes it the first stage), keeping the file's comments and
layout, and creates docs/stages/<ID>.md from a template with the front matter
every stage page needs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from guide.drafts import PLACEHOLDER_BODY, PLACEHOLDER_OPENING, PLACEHOLDER_SUMMARY
from guide.stages import ID_PATTERN, STAGES_FILE, read_stages

REPO_ROOT = Path(__file__).resolve().parent.parent
REVIEW_CYCLE = timedelta(days=365)
# `AFTER=start`: the new stage comes first. Never a stage id, so it cannot be ambiguous.
START = "start"

ENTRY = """\

  - id: {id}
    title: {title}
    label: {label}
    summary: {summary}
    page: stages/{id}.md
"""

PAGE = """\
---
stage: {id}
last_reviewed: {today}
next_review: {next_review}
---

{opening}

## What happens in this stage

{body}
"""


def yaml_text(value: str) -> str:
    """A YAML scalar that always reads back as this exact text (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def add_stage(
    docs_dir: Path,
    *,
    stage_id: str,
    title: str,
    summary: str,
    today: date,
    after: str | None = None,
    before: str | None = None,
) -> list[str]:
    """Insert the stage after `after` (or first, for 'start') or before `before`, and create
    its page; return the errors (empty when it was added)."""
    stages_path = docs_dir / STAGES_FILE
    stages, problems = read_stages(stages_path, shown_as=str(stages_path))
    if problems:
        return [str(problem) for problem in problems] + ["fix the stage file first"]
    errors = []
    if not ID_PATTERN.fullmatch(stage_id):
        errors.append(f"ID '{stage_id}': use lower-case letters, digits and hyphens")
    if stage_id == START:
        errors.append(f"ID '{START}' is kept for AFTER={START}; choose another ID")
    if any(stage.id == stage_id for stage in stages):
        errors.append(f"ID '{stage_id}' is already a stage")
    if any(title.casefold() in map(str.casefold, stage.names) for stage in stages):
        errors.append(f"TITLE '{title}' is already the name of a stage")
    page_path = docs_dir / "stages" / f"{stage_id}.md"
    if page_path.exists():
        errors.append(f"{page_path.relative_to(docs_dir.parent)} already exists")
    ids = [stage.id for stage in stages]
    position, where_errors = _position(ids, after=after, before=before)
    errors += where_errors
    if errors or position is None:
        return errors

    lines = stages_path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    entry = ENTRY.format(
        id=stage_id, title=yaml_text(title), label=yaml_text(title), summary=yaml_text(summary)
    )
    if position < len(stages):
        # Straight before the entry that will follow it, separated from it by a blank line.
        lines.insert(stages[position].line - 1, entry.removeprefix("\n") + "\n")
    else:
        end = len(lines)
        while end > 0 and not lines[end - 1].strip():
            end -= 1
        if lines and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        lines.insert(end, entry)
    stages_path.write_text("".join(lines), encoding="utf-8")
    page_path.parent.mkdir(parents=True, exist_ok=True)
    page_path.write_text(
        PAGE.format(
            id=stage_id,
            today=today,
            next_review=today + REVIEW_CYCLE,
            opening=PLACEHOLDER_OPENING,
            body=PLACEHOLDER_BODY,
        ),
        encoding="utf-8",
    )
    return []


def _position(
    ids: list[str], *, after: str | None, before: str | None
) -> tuple[int | None, list[str]]:
    """How many stages come before the new one, or the errors that say why it is unclear."""
    choices = ", ".join(ids)
    if after and before:
        return None, ["give AFTER or BEFORE, not both"]
    if after == START:
        return 0, []
    if after in ids:
        return ids.index(after) + 1, []
    if before in ids:
        return ids.index(before), []
    if after:
        error = (
            f"AFTER '{after}' is not a stage; choose one of: {choices} "
            f"(or AFTER={START} to make it the first stage)"
        )
    elif before:
        error = f"BEFORE '{before}' is not a stage; choose one of: {choices}"
    else:
        error = (
            f"say where the stage goes: AFTER=<stage id>, BEFORE=<stage id> or AFTER={START} "
            "to make it the first stage"
        )
    return None, [error]


def _added(stage_id: str, *, after: str, before: str, first: str) -> str:
    """Where the new stage now sits, in the words the editor used."""
    if after == START or before == first:
        where = f"as the first stage, before '{first}'"
    else:
        where = f"after '{after}'" if after else f"before '{before}'"
    return f"Added stage '{stage_id}' {where}: edit docs/stages/{stage_id}.md"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--id", required=True, help="short lower-case name, also the file name")
    parser.add_argument("--title", required=True, help="the name readers see")
    parser.add_argument(
        "--after", default="", help=f"id of the stage it comes after ('{START}': first)"
    )
    parser.add_argument("--before", default="", help="id of the stage it comes before")
    parser.add_argument(
        "--summary", default=PLACEHOLDER_SUMMARY, help="one sentence for the overview"
    )
    parser.add_argument("--docs", type=Path, default=REPO_ROOT / "docs", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    stages, _ = read_stages(args.docs / STAGES_FILE)
    first = stages[0].id if stages else ""
    errors = add_stage(
        args.docs,
        stage_id=args.id,
        title=args.title,
        after=args.after,
        before=args.before,
        summary=args.summary,
        today=date.today(),
    )
    for error in errors:
        print(f"new-stage: {error}", file=sys.stderr)
    if errors:
        return 1
    print(_added(args.id, after=args.after, before=args.before, first=first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

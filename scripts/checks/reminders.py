"""The publisher's calendar: which reminders should be open, and what to do to the issues.

Pure functions; `scripts/reminders.py` gathers the facts and talks to GitHub. Each reminder
is one issue, found again by the marker in the first line of its body, so a weekly run
updates it instead of opening another; a reminder no longer due closes its issue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from mkdocs.utils.meta import get_data

from checks.engine import MarkdownEngine
from checks.reviews import NOT_CONTENT_PAGES
from guide.problems import Problem, read_source_text
from guide.yaml_files import front_matter_problem

REMIND_BEFORE = timedelta(days=30)
_MARKER = "<!-- reminder: {key} -->"
# GitHub refuses an issue body over 65,536 characters; a list this long is one problem anyway.
MAX_LISTED = 200


@dataclass(frozen=True)
class DueReview:
    page: str  # as shown, like 'docs/stages/tolerance.md'
    due: date


@dataclass(frozen=True)
class Reminder:
    key: str
    title: str
    body: str  # starts with the marker


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str


@dataclass(frozen=True)
class Action:
    kind: str  # 'create', 'update' or 'close'
    reminder: Reminder | None
    number: int | None = None


def due_reviews(
    config_file: Path, docs: Path, docs_dir: str, today: date, within: timedelta = REMIND_BEFORE
) -> list[DueReview]:
    """Pages whose `next_review` is within `within` of today, or past (front matter as MkDocs
    reads it; pages whose front matter is unsafe or invalid are the validator's to report)."""
    engine = MarkdownEngine.load(config_file, docs)
    found = []
    for file in sorted(engine.files.documentation_pages(), key=lambda f: f.src_uri):
        if file.src_uri in NOT_CONTENT_PAGES or file.inclusion.is_excluded():
            continue
        shown = f"{docs_dir}/{file.src_uri}"
        text, problems = read_source_text(docs / file.src_uri, shown)
        if text is None or problems or front_matter_problem(text, shown):
            continue
        due = get_data(text)[1].get("next_review")
        if type(due) is date and due - today <= within:
            found.append(DueReview(shown, due))
    return found


def review_reminder(review: DueReview, today: date) -> Reminder:
    days = (review.due - today).days
    if days < 0:
        when = (
            f"was due on {review.due} ({-days} days ago). The page is published with a notice "
            "telling readers that it is being reviewed."
        )
    else:
        when = f"is due on {review.due} ({'today' if days == 0 else f'in {days} days'})."
    key = f"review {review.page}"
    body = (
        f"{_MARKER.format(key=key)}\n"
        f"The review of `{review.page}` {when}\n\n"
        "Review the page against the program's source material, then set `last_reviewed` "
        "to the day of the review and `next_review` to the next one (at most three years "
        "later) in its front matter. This issue closes by itself on the first weekly run "
        "after the new dates are on main."
    )
    return Reminder(key, f"Review due {review.due}: {review.page}", body)


def broken_links_reminder(problems: Sequence[Problem]) -> Reminder | None:
    if not problems:
        return None
    listed = [f"- `{problem}`" for problem in sorted(problems)[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        listed.append(f"- and {len(problems) - MAX_LISTED} more")
    body = (
        f"{_MARKER.format(key='external links')}\n"
        "These links to other websites did not work on the last weekly check "
        "(`make validate` with `--external` shows them too):\n\n"
        + "\n".join(listed)
        + "\n\nFix or remove each one; this issue closes by itself once they all work."
    )
    return Reminder("external links", "Broken links to other websites", body)


def key_of(issue: Issue) -> str | None:
    """The reminder an issue was opened for, from the marker in its first line."""
    first = issue.body.split("\n", 1)[0].strip()
    prefix, suffix = _MARKER.split("{key}")
    if first.startswith(prefix) and first.endswith(suffix):
        return first[len(prefix) : -len(suffix)]
    return None


def plan(reminders: Iterable[Reminder], open_issues: Iterable[Issue]) -> list[Action]:
    """Open what is new, update what changed, close what is no longer due; never a second
    issue for one reminder (a duplicate left by hand is closed)."""
    by_key: dict[str, Issue] = {}
    actions = []
    for issue in sorted(open_issues, key=lambda issue: issue.number):
        key = key_of(issue)
        if key is None:
            continue
        if key in by_key:
            actions.append(Action("close", None, issue.number))
        else:
            by_key[key] = issue
    wanted = {reminder.key: reminder for reminder in reminders}
    for key, reminder in wanted.items():
        existing = by_key.get(key)
        if existing is None:
            actions.append(Action("create", reminder))
        elif (existing.title, existing.body) != (reminder.title, reminder.body):
            actions.append(Action("update", reminder, existing.number))
    actions += [
        Action("close", None, issue.number) for key, issue in by_key.items() if key not in wanted
    ]
    return actions

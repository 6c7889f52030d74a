"""Open, update or close one GitHub issue per page whose review is due within 30 days or
overdue, and one for broken links to other websites. Run weekly by
.github/workflows/reminders.yml.

    python scripts/reminders.py --dry-run     # print what it would do; needs no token

Needs GITHUB_TOKEN (issues: write) and GITHUB_REPOSITORY (owner/name); GITHUB_API_URL is
GitHub's API unless set. Exit status: 0 when done, 1 when GitHub refused a request.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from checks.external import EXTERNAL_CACHE, external_link_problems
from checks.reminders import (
    Action,
    Issue,
    Reminder,
    broken_links_reminder,
    due_reviews,
    plan,
    review_reminder,
)
from checks.settings import read_settings
from checks.source import check_source

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30.0  # seconds per request to GitHub
MAX_PAGES = 20  # of 100 open issues each: more than any repository of this guide will have


class GitHubError(Exception):
    """GitHub answered with an error; the message says which request."""


class GitHub:
    """The few calls to GitHub's REST API that reminders need."""

    def __init__(self, api: str, repository: str, token: str, creator: str) -> None:
        self.base = f"{api.rstrip('/')}/repos/{repository}/issues"
        self.token = token
        self.creator = creator

    def open_issues(self) -> list[Issue]:
        """Open issues that this workflow's account opened (pull requests left out)."""
        issues = []
        for page in range(1, MAX_PAGES + 1):
            query = urllib.parse.urlencode(
                {"state": "open", "creator": self.creator, "per_page": 100, "page": page}
            )
            items = self._call("GET", f"{self.base}?{query}")
            if not isinstance(items, list):
                raise GitHubError(f"GET {self.base}: expected a list of issues")
            issues += [
                Issue(int(item["number"]), str(item["title"]), str(item.get("body") or ""))
                for item in items
                if "pull_request" not in item
            ]
            if len(items) < 100:
                break
        return issues

    def apply(self, action: Action) -> None:
        reminder = action.reminder
        if action.kind == "create" and reminder is not None:
            self._call("POST", self.base, {"title": reminder.title, "body": reminder.body})
        elif action.kind == "update" and reminder is not None:
            data = {"title": reminder.title, "body": reminder.body}
            self._call("PATCH", f"{self.base}/{action.number}", data)
        elif action.kind == "close":
            data = {"state": "closed", "state_reason": "completed"}
            self._call("PATCH", f"{self.base}/{action.number}", data)

    def _call(self, method: str, url: str, data: dict[str, str] | None = None) -> object:
        request = urllib.request.Request(
            url,
            method=method,
            data=None if data is None else json.dumps(data).encode(),
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise GitHubError(f"{method} {url}: HTTP {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise GitHubError(f"{method} {url}: {getattr(error, 'reason', error)}") from None


def reminders(root: Path, today: date) -> list[Reminder]:
    """What should be open today: due and overdue reviews, and broken external links."""
    settings, _ = read_settings(root)
    docs = root / settings.docs_dir
    config_file = root / "mkdocs.yml"
    found = [
        review_reminder(review, today)
        for review in due_reviews(config_file, docs, settings.docs_dir, today)
    ]
    report = check_source(root, today, settings.docs_dir, settings.jinja_names, config_file)
    broken = broken_links_reminder(
        external_link_problems(report.external_links, root / EXTERNAL_CACHE)
    )
    return found + ([broken] if broken else [])


def describe(action: Action) -> str:
    if action.kind == "close":
        return f"close #{action.number}"
    assert action.reminder is not None
    number = f" #{action.number}" if action.number else ""
    return f"{action.kind}{number}: {action.reminder.title}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reminders.py", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--creator", default="github-actions[bot]", help="whose issues count")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    args = parser.parse_args(argv)
    wanted = reminders(args.root.resolve(), args.today or date.today())
    if args.dry_run:
        for reminder in wanted:
            print(f"reminder: {reminder.title}")
        return 0
    token, repository = os.environ.get("GITHUB_TOKEN"), os.environ.get("GITHUB_REPOSITORY")
    if not token or not repository:
        print("reminders: set GITHUB_TOKEN and GITHUB_REPOSITORY (or use --dry-run)")
        return 2
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com")
    github = GitHub(api, repository, token, args.creator)
    try:
        for action in plan(wanted, github.open_issues()):
            github.apply(action)
            print(f"reminders: {describe(action)}")
    except GitHubError as error:
        print(f"reminders: GitHub refused a request: {error}", file=sys.stderr)
        return 1
    print(f"reminders: {len(wanted)} reminder(s) due")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

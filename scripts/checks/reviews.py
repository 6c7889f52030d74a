"""Reviews in front matter: dates present, real, within the review cycle; on stage pages, who
reviewed the page, as a role. Due and overdue reviews remind.

An overdue review never blocks publishing (another page's urgent fix must go out): the page
is published with a notice readers see (overrides/partials/review-notice.html), and the
check says so as a warning. The weekly reminders workflow opens an issue for it.
"""

from __future__ import annotations

from datetime import date, timedelta

from checks.markdown import Invalid, Page
from guide.problems import Problem

# Every page except these carries review dates.
NOT_CONTENT_PAGES = frozenset({"404.md"})
REVIEW_SOON = timedelta(days=60)
# The review cycle: the About page tells readers this (tests/test_about.py holds it to it).
MAX_REVIEW_YEARS = 1
# Who reviewed a page: a role, shown beside the review dates ("Clinical reviewer: renal
# nurse specialist"). Never a person's name: roles stay true when people move on.
REVIEWER_KEY = "reviewed_by"
REVIEWER_EXAMPLE = '"Clinical reviewer: renal nurse specialist"'
MAX_REVIEWER_LENGTH = 120


def review_date_problems(page: Page, today: date) -> list[Problem]:
    """Missing or invalid review dates and a too-long cycle (errors); overdue or due soon
    (warnings)."""
    problems: list[Problem] = []
    dates: dict[str, date] = {}
    for key in ("last_reviewed", "next_review"):
        if key not in page.meta:
            problems.append(
                Problem(
                    page.shown_as,
                    page.meta_line,
                    f"front matter has no '{key}' date; add '{key}: YYYY-MM-DD'",
                )
            )
            continue
        line, value = page.meta[key]
        if isinstance(value, Invalid):
            problems.append(
                Problem(page.shown_as, line, f"'{key}: {value.text}' is not a real date")
            )
        elif type(value) is not date:
            shown = value if isinstance(value, str | int | float) else type(value).__name__
            problems.append(
                Problem(
                    page.shown_as, line, f"'{key}' must be a date like 2026-11-21, not '{shown}'"
                )
            )
        else:
            dates[key] = value
    last, following = dates.get("last_reviewed"), dates.get("next_review")
    if last is not None and last > today:
        line = page.meta["last_reviewed"][0]
        problems.append(Problem(page.shown_as, line, f"'last_reviewed' ({last}) is in the future"))
    if following is None:
        return problems
    line = page.meta["next_review"][0]
    if last is not None:
        limit = _add_years(last, MAX_REVIEW_YEARS)
        if following <= last:
            problems.append(
                Problem(
                    page.shown_as,
                    line,
                    f"'next_review' ({following}) must be after 'last_reviewed' ({last})",
                )
            )
        elif following > limit:
            problems.append(
                Problem(
                    page.shown_as,
                    line,
                    f"'next_review' ({following}) is more than {_years(MAX_REVIEW_YEARS)} after "
                    f"'last_reviewed' ({last}); set it to {limit} or earlier",
                )
            )
    if following < today:
        days = (today - following).days
        problems.append(
            Problem(
                page.shown_as,
                line,
                f"review is overdue: 'next_review' was {following} ({_days(days)} ago); "
                "the page is published with a notice that it is being reviewed: review it and "
                "update both dates",
                severity="warning",
            )
        )
    elif following - today <= REVIEW_SOON:
        days = (following - today).days
        when = "today" if days == 0 else f"in {_days(days)}"
        problems.append(
            Problem(
                page.shown_as,
                line,
                f"review is due {when} ('next_review' is {following})",
                severity="warning",
            )
        )
    return problems


def reviewer_problems(page: Page, *, required: bool) -> list[Problem]:
    """The reviewer's role: one short line of text; missing is a problem where `required`."""
    if REVIEWER_KEY not in page.meta:
        if not required:
            return []
        message = (
            f"front matter has no '{REVIEWER_KEY}': say who reviewed this stage page, as a role, "
            f"like '{REVIEWER_KEY}: {REVIEWER_EXAMPLE}'"
        )
        return [Problem(page.shown_as, page.meta_line, message)]
    line, value = page.meta[REVIEWER_KEY]
    if isinstance(value, str) and value.strip() and "\n" not in value.strip():
        if len(value) <= MAX_REVIEWER_LENGTH:
            return []
        message = f"'{REVIEWER_KEY}' is longer than {MAX_REVIEWER_LENGTH} characters; name a role"
    else:
        message = (
            f"'{REVIEWER_KEY}' must be one line naming a role, in quotes if it has a colon, "
            f"like '{REVIEWER_KEY}: {REVIEWER_EXAMPLE}'"
        )
    return [Problem(page.shown_as, line, message)]


def _years(count: int) -> str:
    return "1 year" if count == 1 else f"{count} years"


def _add_years(day: date, years: int) -> date:
    if day.year + years > date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"

"""Review dates in front matter: present, real, a sane cycle; due and overdue reviews remind.

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
MAX_REVIEW_YEARS = 3


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
                    f"'next_review' ({following}) is more than {MAX_REVIEW_YEARS} years after "
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


def _add_years(day: date, years: int) -> date:
    if day.year + years > date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"

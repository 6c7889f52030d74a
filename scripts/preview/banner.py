"""What the preview shows at the top of every page while the source has problems.

The lines are the validator's own (`make validate` prints the same text); MkDocs' messages
are added only when the validator found no error to explain why the build stopped or warned.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from guide.problems import Problem
from render.page_security import with_content_security_policy

_ARTICLE = re.compile(r"<article\b[^>]*\bclass=\"md-content__inner\b[^>]*>")
_BODY = re.compile(r"<body\b[^>]*>")


@dataclass(frozen=True)
class Findings:
    """What the last rebuild found."""

    problems: tuple[Problem, ...] = ()
    build_failed: bool = False  # the preview then shows the last version that built
    build_messages: tuple[str, ...] = ()  # MkDocs' own warnings and errors

    @property
    def lines(self) -> list[str]:
        """One line per problem, as `make validate` prints them (then MkDocs', if needed)."""
        lines = [str(problem) for problem in sorted(self.problems)]
        if not any(problem.severity == "error" for problem in self.problems):
            lines += self.build_messages
        return lines

    @property
    def blocks_publishing(self) -> bool:
        # The strict build refuses MkDocs' warnings as it does its errors.
        errors = any(problem.severity == "error" for problem in self.problems)
        return errors or self.build_failed or bool(self.build_messages)

    @property
    def shown(self) -> bool:
        return bool(self.lines) or self.build_failed

    @property
    def title(self) -> str:
        count = f"{len(self.lines)} problem" + ("" if len(self.lines) == 1 else "s")
        if self.blocks_publishing:
            return f"{count} to fix before this can be published"
        return f"{count} to look at (the site can still be published)"


def banner(findings: Findings) -> str:
    """The banner's HTML (Material's admonition styles), or "" when all is well."""
    if not findings.shown:
        return ""
    kind = "failure" if findings.blocks_publishing else "warning"
    items = "".join(f"<li>{html.escape(line)}</li>" for line in findings.lines)
    stale = (
        "<p>The preview could not be rebuilt: this is the last version that built.</p>"
        if findings.build_failed
        else ""
    )
    return (
        f'<section class="admonition {kind}" aria-label="Problems to fix">'
        f'<p class="admonition-title">{findings.title}</p>{stale}<ul>{items}</ul>'
        "<p>These are the lines <code>make validate</code> prints. Fix each one and save: "
        "this page reloads by itself.</p></section>"
    )


def with_banner(page: str, findings: Findings) -> str:
    """The page with the banner at the top of its content (or of its body)."""
    shown = banner(findings)
    if not shown:
        return page
    if article := _ARTICLE.search(page):
        return page[: article.end()] + shown + page[article.end() :]
    if body := _BODY.search(page):
        return page[: body.end()] + f'<div class="md-typeset">{shown}</div>' + page[body.end() :]
    return shown + page


def problems_page(findings: Findings) -> str:
    """What every address shows while no version of the site has built yet."""
    listed = banner(Findings(findings.problems, False, findings.build_messages))
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<title>Preview: the site could not be built</title></head><body><main>"
        f"<h1>The site could not be built</h1>{listed}</main></body></html>"
    )
    return with_content_security_policy(page)

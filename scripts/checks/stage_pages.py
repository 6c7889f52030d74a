"""Stage pages against stages.yml: each exists, names its stage, and has no H1 of its own."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from checks.markdown import Page
from checks.order_claims import Names, order_claim_problems
from guide.problems import Problem
from guide.stages import STAGES_FILE, Stage, StageProgram

STAGES_DIR = "stages"
# Longer lines are not sentences an editor wrote (a pasted blob, an attack on the checker).
MAX_PROSE_LINE = 10_000


def stage_page_problems(
    page: Page, stage: Stage, program: StageProgram, names: Names | None = None
) -> list[Problem]:
    """A stage page: front matter agrees with stages.yml, no H1, prose agrees with the order."""
    problems = [
        Problem(
            page.shown_as,
            line,
            "stage pages must not have a top-level '# ' heading: the page title comes from "
            f"stages.yml ('{stage.title}'); remove this heading or make it '## '",
        )
        for line in page.h1_lines
    ]
    if page.rendered.too_slow:
        return problems  # the page is refused already; its text is not prose an editor wrote
    prose = "\n".join("" if len(line) > MAX_PROSE_LINE else line for line in page.prose.split("\n"))
    problems += order_claim_problems(prose, page.shown_as, stage, program, names)
    return problems


def front_matter_stage_problems(page: Page, program: StageProgram) -> list[Problem]:
    """A page whose front matter names a stage must be that stage's page in stages.yml."""
    if "stage" not in page.meta:
        return []
    line, named = page.meta["stage"]
    stage = program.stage_for(page.path)
    if stage is not None and named == stage.id:
        return []
    named_stage = next((s for s in program if s.id == named), None)
    if named_stage is None:
        ids = ", ".join(s.id for s in program)
        message = f"front matter names stage '{named}', which is not in stages.yml (ids: {ids})"
    elif stage is None:
        message = (
            f"front matter names stage '{named}', but stages.yml gives that stage the page "
            f"'{named_stage.page}'"
        )
    else:
        message = (
            f"front matter names stage '{named}', but stages.yml lists this page "
            f"for stage '{stage.id}'"
        )
    return [Problem(page.shown_as, line, message)]


def stage_file_problems(
    program: StageProgram, pages: Mapping[str, Page], stages_shown: str, docs_dir: str
) -> tuple[list[Problem], set[str]]:
    """Stage pages that do not exist, pages in stages/ that are not stages.

    Also returns the pages suggested for a missing one: their own problems (not in
    the stage order, front matter disagrees) follow from the same typo.
    """
    problems = []
    suggested: set[str] = set()
    not_stages = [
        path
        for path in sorted(pages)
        if path.startswith(f"{STAGES_DIR}/") and program.stage_for(path) is None
    ]
    missing = [stage for stage in program if stage.page not in pages]
    all_pages = sorted(pages)
    for stage in missing:
        message = f"stage '{stage.id}': page '{stage.page}' does not exist"
        likely = _likely_page(stage, not_stages, all_pages, only_one_missing=len(missing) == 1)
        if likely:
            message += f"; did you mean '{likely}'?"
            suggested.add(likely)
        problems.append(Problem(stages_shown, stage.line, message))
    for path in not_stages:
        page = pages[path]
        if path not in suggested:
            problems.append(
                Problem(
                    page.shown_as,
                    1,
                    f"page is not in {docs_dir}/{STAGES_FILE}: add it to the stage order, "
                    f"or move it out of {docs_dir}/{STAGES_DIR}/",
                )
            )
    return problems, suggested


def _likely_page(
    stage: Stage, not_stages: list[str], all_pages: list[str], *, only_one_missing: bool
) -> str | None:
    """The page an editor most likely meant for a stage whose page is missing: a page in
    stages/ that is no stage's yet (named after the stage's id, or like the missing name,
    or the only one when only one stage lacks its page), else any page with a similar name."""
    named_after_id = f"{STAGES_DIR}/{stage.id}.md"
    if named_after_id in not_stages:
        return named_after_id
    close = difflib.get_close_matches(stage.page, not_stages, n=1, cutoff=0.6)
    if close:
        return close[0]
    if only_one_missing and len(not_stages) == 1:
        return not_stages[0]
    close = difflib.get_close_matches(stage.page, all_pages, n=1, cutoff=0.6)
    return close[0] if close else None

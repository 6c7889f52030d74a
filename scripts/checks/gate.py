"""What else the strict build would refuse, checked before it: the nav, the glossary, and
pages that are not finished yet."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from pathlib import Path

from checks.engine import MarkdownEngine
from checks.markdown import Page, line_of
from guide.drafts import draft_marks
from guide.glossary import GLOSSARY_FILE, read_glossary
from guide.problems import Problem
from guide.stages import STAGES_FILE, StageProgram, expand_stage_placeholder
from render.site_nav import expand_folder_entries

_NOT_IN_NAV = 'are not included in the "nav" configuration'
_NAV_REFERENCE = re.compile(r"A reference to '(.*?)' is included in the 'nav'")


def nav_problems(
    engine: MarkdownEngine, program: StageProgram, config_shown: str, already_reported: set[str]
) -> list[Problem]:
    """Pages the nav leaves out and nav entries that point nowhere, as MkDocs sees the nav
    once the hook has put in the stages and the folder entries."""
    config = engine.config
    if not config.nav:
        return []
    nav, found = expand_stage_placeholder(copy.deepcopy(config.nav), program)
    config_text = Path(config.config_file_path).read_text(encoding="utf-8-sig")
    if not found:
        line = _line_naming(config_text, "nav:")
        message = (
            "the nav needs one entry that points at the stage order, "
            f"like '- Stages: {STAGES_FILE}'"
        )
        return [Problem(config_shown, line, message)]
    pages = [file.src_uri for file in engine.files.documentation_pages()]
    docs_shown = Path(config.docs_dir).name
    nav, problems = expand_folder_entries(nav, pages, Path(config.docs_dir), docs_shown)
    for message in engine.nav_warnings(nav):
        if _NOT_IN_NAV in message:
            missing = [line.strip()[2:] for line in message.splitlines()[1:]]
            problems += [
                Problem(
                    f"{docs_shown}/{path}",
                    1,
                    f"page is not in the nav: add it to 'nav:' in {config_shown} "
                    "(or put it in a folder that a nav entry lists), or delete it",
                )
                for path in missing
                if path not in already_reported
            ]
        elif reference := _NAV_REFERENCE.search(message):
            target = reference.group(1)
            if program.stage_for(target) is not None:
                continue  # a stage's page: reported at its line in stages.yml
            problems.append(
                Problem(
                    config_shown,
                    _line_naming(config_text, target),
                    f"the nav lists '{target}', which is not a page in {docs_shown}/",
                )
            )
        else:
            problems.append(Problem(config_shown, _line_naming(config_text, "nav:"), message))
    return problems


def glossary_problems(docs: Path, docs_dir: str) -> list[Problem]:
    """The glossary feeds the glossary page and every page's tooltips: macros needs it whole."""
    return read_glossary(docs / GLOSSARY_FILE, f"{docs_dir}/{GLOSSARY_FILE}")[1]


def draft_problems(
    pages: Iterable[Page], program: StageProgram, stages_shown: str
) -> list[Problem]:
    """Placeholders from `make new-stage` and draft markers, in pages and in stages.yml."""
    problems = []
    for page in pages:
        if page.meta.get("draft", (0, False))[1] is True:
            line = page.meta["draft"][0]
            problems.append(
                Problem(page.shown_as, line, "page is marked 'draft: true': finish it first")
            )
        problems += [
            Problem(page.shown_as, line, f"the page still has {what}: write the real text")
            for line, what in draft_marks(page.prose)
        ]
    for stage in program:
        for field, value in (
            ("title", stage.title),
            ("label", stage.label),
            ("summary", stage.summary),
        ):
            problems += [
                Problem(stages_shown, stage.line, f"stage '{stage.id}': {field} still has {what}")
                for _, what in draft_marks(value)
            ]
    return problems


def _line_naming(text: str, needle: str) -> int:
    position = text.find(needle)
    return line_of(text, position) if position >= 0 else 1

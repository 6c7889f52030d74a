"""The stage-order prose check against two corpora written by an editor, and a held-out set.

tests/corpora/order_claims_valid.yml holds sentences a stage page may carry that make no
false claim about the order of the program's stages: none may be reported, not even as a
warning. tests/corpora/order_claims_contradicting.yml holds sentences that contradict
stages.yml: at least 95% of them must be reported (an error, or a warning for a truly
ambiguous one), on the sentence's own line.

The held-out sentences below were written before the check was reworked, in wording of
their own, to measure how the rules carry over to text they were not tuned on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checks.order_claims import order_claim_problems
from guide.problems import Problem
from guide.stages import Stage, StageProgram

CORPORA = Path(__file__).parent / "corpora"
STAGES = [  # as in docs/_data/stages.yml, which the corpora describe
    ("diagnosis", "Exact diagnosis", "Diagnosis", ("immune diagnosis",)),
    ("clearance", "Immune clearance", "Clearance", ()),
    ("blockage", "Immune blockage", "Blockage", ("immune blocking",)),
    ("tolerance", "Immune tolerance", "Tolerance", ()),
    ("regulation", "Immune regulation", "Regulation", ("immune adjustment",)),
    ("protection", "Immune protection", "Protection", ()),
]
PROGRAM = StageProgram(
    tuple(
        Stage(id_, number, title, label, "Summary.", f"stages/{id_}.md", aliases)
        for number, (id_, title, label, aliases) in enumerate(STAGES, start=1)
    )
)
STAGE = {stage.id: stage for stage in PROGRAM}

# The sentence goes on a line of its own after a few neutral lines, so its line is known.
LEAD = (
    "This page is part of the treatment guide.\n"
    "\n"
    "Ask your care team if anything here is unclear.\n"
    "\n"
)
SENTENCE_LINE = LEAD.count("\n") + 1
TAIL = "\n\nYour care team is there to help you.\n"

# Held out: written before the rules were changed, in wording the corpora do not use.
HELD_OUT_VALID = [
    ("diagnosis", "Your blood results usually come back after the second visit."),
    ("clearance", "The third infusion is often shorter than the first one."),
    ("blockage", "Immune blockage starts once immune clearance has finished."),
    ("tolerance", "Before immune regulation can start, this stage has to be complete."),
    ("regulation", "This is the fifth of six stages."),
    ("protection", "Stage 5 of the questionnaire asks about your sleep."),
    ("diagnosis", "Exact diagnosis is where the program begins."),
    ("tolerance", "Up next: Immune regulation"),
    ("protection", "Immune protection follows immune regulation."),
    ("clearance", "People with stage 5 CKD may need dialysis before any treatment."),
]
HELD_OUT_CONTRADICTING = [
    ("diagnosis", "Exact diagnosis is the third stage."),
    ("clearance", "Immune clearance follows immune blockage."),
    ("blockage", "Up next: Immune protection"),
    ("tolerance", "There are seven stages in the program."),
    ("regulation", "Immune regulation is stage 3 of the program."),
    ("protection", "Immune protection happens before immune clearance."),
    ("tolerance", "Immune tolerance comes straight after immune clearance."),
    ("blockage", "This stage leads on to immune clearance."),
    ("regulation", "The stage that comes after this one is immune tolerance."),
    ("diagnosis", "The programme is made up of eight stages."),
]


def load(name: str) -> list[dict[str, str]]:
    entries = yaml.safe_load((CORPORA / name).read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    assert entries
    for entry in entries:
        assert {"page", "text", "why"} <= entry.keys(), entry
        assert entry["page"] in STAGE, entry
    return entries


VALID = load("order_claims_valid.yml")
CONTRADICTING = load("order_claims_contradicting.yml")


def problems_for(page: str, text: str) -> list[Problem]:
    """What the check reports for `text` on its own line of `page`'s stage page."""
    prose = LEAD + text + TAIL
    return order_claim_problems(prose, f"docs/stages/{page}.md", STAGE[page], PROGRAM)


def share_reported(entries: list[tuple[str, str]]) -> tuple[float, list[str], list[str]]:
    """Share reported on the sentence's line; the misses; the problems on other lines."""
    misses: list[str] = []
    off_line: list[str] = []
    for page, text in entries:
        found = problems_for(page, text)
        if not any(problem.line == SENTENCE_LINE for problem in found):
            misses.append(f"[{page}] {text}")
        off_line += [f"[{page}] {text}: {p}" for p in found if p.line != SENTENCE_LINE]
    return 1 - len(misses) / len(entries), misses, off_line


def test_the_corpora_have_the_expected_size() -> None:
    assert len(VALID) == 107
    assert len(CONTRADICTING) == 69


@pytest.mark.parametrize(
    ("page", "text"),
    [(entry["page"], entry["text"]) for entry in VALID],
    ids=[f"{entry['page']}: {entry['text']}" for entry in VALID],
)
def test_valid_sentence_is_not_reported(page: str, text: str) -> None:
    assert [str(problem) for problem in problems_for(page, text)] == []


def test_contradicting_sentences_are_reported_on_their_line() -> None:
    entries = [(entry["page"], entry["text"]) for entry in CONTRADICTING]
    share, misses, off_line = share_reported(entries)
    assert share >= 0.95, f"{share:.1%} reported; missed:\n" + "\n".join(misses)
    assert off_line == []


def test_each_contradicting_sentence_gets_a_message_that_names_the_order() -> None:
    for entry in CONTRADICTING:
        for problem in problems_for(entry["page"], entry["text"]):
            assert problem.message.startswith("says "), problem
            assert "stages.yml" in problem.message, problem
            if problem.severity == "warning":
                assert "ambiguous" in problem.message, problem


@pytest.mark.parametrize(
    ("page", "text"), HELD_OUT_VALID, ids=[f"{page}: {text}" for page, text in HELD_OUT_VALID]
)
def test_held_out_valid_sentence_is_not_reported(page: str, text: str) -> None:
    assert [str(problem) for problem in problems_for(page, text)] == []


def test_held_out_contradicting_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    share, misses, off_line = share_reported(HELD_OUT_CONTRADICTING)
    with capsys.disabled():
        print(f"\nheld-out contradicting: {share:.0%} reported; missed: {misses}")
    assert share >= 0.95, f"{share:.1%} reported; missed:\n" + "\n".join(misses)
    assert off_line == []


def test_code_spans_that_reach_the_check_claim_nothing() -> None:
    assert problems_for("tolerance", "Write `Next: Exact diagnosis` in the footer.") == []
    assert problems_for("tolerance", "``Previous: `x` Immune protection``") == []
    (problem,) = problems_for("tolerance", "The `footer` says: Next: Exact diagnosis")
    assert problem.line == SENTENCE_LINE

"""Prose on stage pages that contradicts the stage order in stages.yml."""

from __future__ import annotations

import re

from checks.markdown import PLAIN_SUBSTITUTIONS, line_of
from guide.problems import Problem
from guide.stages import Stage, StageProgram

# --- Stage pages --------------------------------------------------------------------------

_ORDINALS = {
    word: number
    for number, words in enumerate(
        (
            ("first", "1st", "one"),
            ("second", "2nd", "two"),
            ("third", "3rd", "three"),
            ("fourth", "4th", "four"),
            ("fifth", "5th", "five"),
            ("sixth", "6th", "six"),
            ("seventh", "7th", "seven"),
            ("eighth", "8th", "eight"),
            ("ninth", "9th", "nine"),
            ("tenth", "10th", "ten"),
        ),
        start=1,
    )
    for word in words
}
_ORDINAL_WORDS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
_CARDINAL_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten"
_POSITION_CLAIM = re.compile(
    rf"\b(?P<ordinal>{_ORDINAL_WORDS}|\d+(?:st|nd|rd|th)|last|final)\s+(?:step|stage|phase)\b"
    r"(?!\s+(?:in|of)\s+this\s+(?:stage|step|phase))"
    rf"|\b(?:step|stage|phase)\s+(?P<number>\d+|{_CARDINAL_WORDS})\b"
    rf"(?:\s+of\s+(?P<total>\d+|{_CARDINAL_WORDS})\b)?"
    # "stage 4 kidney disease" is a medical grade, not a place in the program.
    r"(?!\s*(?:\(?ckd|chronic|kidney|renal|cancer))",
    re.IGNORECASE,
)
# Each phrase: does it put the named stage before (-1) or after (+1) the subject, and does
# it claim the two are next to each other?
_NEIGHBOUR_CLAIM = re.compile(
    r"\b(?:(?P<label>previous|next)(?:\s+(?:stage|step|page))?\s*:"
    r"|(?P<phrase>comes?\s+(?:\w+ly\s+)?after|comes?\s+(?:\w+ly\s+)?before"
    r"|follows\s+on\s+from|follows|following|(?:is\s+)?followed\s+by|precedes|preceded\s+by"
    r"|leads?\s+(?:on\s+)?to|lays?\s+(?:a|the)\s+foundations?\s+for|builds?\s+on"
    r"|after|before|the\s+next)\b)",
    re.IGNORECASE,
)
_PHRASE_MEANING = (  # (first word(s), direction, immediate); first match wins
    ("come", -1, True),  # refined below: "comes after" vs "comes before"
    ("follows", -1, False),
    ("following", -1, False),
    ("is followed", 1, False),
    ("followed", 1, False),
    ("precedes", 1, False),
    ("preceded", -1, False),
    ("lead", 1, False),
    ("lay", 1, False),
    ("build", -1, False),
    ("after", -1, False),
    ("before", 1, False),
    ("the", 1, True),
)
_WORD = re.compile("[\\w\u2019'-]+")
# Just before a position: it belongs to a neighbour ("Next: Stage 5") or is relative ("after").
_LABEL_BEFORE = re.compile(r"\b(previous|next)(?:\s+(?:stage|step|page))?\s*:[^\n:]{0,40}$", re.I)
_RELATIVE_BEFORE = re.compile(
    r"\b(?:after|before|follows?|following|precedes|preceded\s+by|than|from|until|to)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"(?:\bnot|\bnever|n't|n\u2019t)\s+$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;]|\n[ \t]*\n")
_OBJECT_FILLERS = frozenset({"the", "stage", "step", "phase", "of", "called", "named"})
_SUBJECT_FILLERS = frozenset(
    {"is", "was", "will", "be", "the", "this", "stage", "step", "phase", "then", "also"}
    | {"always", "usually", "which", "that", "treatment", "it"}
)


class Names:
    """Stage names (titles and aliases), matched case-insensitively, word by word."""

    def __init__(self, program: StageProgram) -> None:
        self.stages: dict[tuple[str, ...], Stage] = {}
        for stage in program:
            for name in stage.names:
                words = tuple(_WORD.findall(name.casefold()))
                if words:
                    self.stages.setdefault(words, stage)
        self.longest = max((len(words) for words in self.stages), default=0)

    def at_start(self, words: list[str]) -> Stage | None:
        for size in range(min(self.longest, len(words)), 0, -1):
            stage = self.stages.get(tuple(words[:size]))
            if stage is not None:
                return stage
        return None

    def at_end(self, words: list[str]) -> Stage | None:
        for size in range(min(self.longest, len(words)), 0, -1):
            stage = self.stages.get(tuple(words[-size:]))
            if stage is not None:
                return stage
        return None


def plain_text(prose: str) -> str:
    """Prose with Markdown links, images, emphasis and tags reduced to text; same line count."""
    for pattern, replacement in PLAIN_SUBSTITUTIONS:
        prose = pattern.sub(replacement, prose)
    return prose


def order_claim_problems(
    prose: str, shown_as: str, stage: Stage, program: StageProgram, names: Names | None = None
) -> list[Problem]:
    """Statements in a stage page's prose that contradict the order in stages.yml.

    Two kinds: the page's own position ("the fourth step", "stage 4") and a neighbour
    ("comes after immune blockage", "Next: immune regulation"). When a stage name comes
    right before the phrase ("Immune regulation comes after ..."), that stage is the
    subject; otherwise the subject is the page's own stage. Agreeing statements pass.
    """
    text = plain_text(prose)
    names = names or Names(program)
    problems: list[Problem] = []
    for match in _POSITION_CLAIM.finditer(text):
        problem = _position_problem(match, text, stage, program, names)
        if problem:
            problems.append(Problem(shown_as, line_of(text, match.start()), problem))
    for match in _NEIGHBOUR_CLAIM.finditer(text):
        problem = _neighbour_problem(match, text, stage, program, names)
        if problem:
            problems.append(Problem(shown_as, line_of(text, match.start()), problem))
    return problems


def _subject(text: str, start: int, names: Names, default: Stage) -> Stage:
    before = text[max(0, start - 120) : start]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    words = _WORD.findall(before.casefold())
    while words and words[-1] in _SUBJECT_FILLERS:
        words.pop()
    return names.at_end(words) or default


def _position_problem(
    match: re.Match[str], text: str, stage: Stage, program: StageProgram, names: Names
) -> str | None:
    phrase = " ".join(match.group().split())
    total = match.group("total")
    if total is not None:
        count = int(total) if total.isdigit() else _ORDINALS[total.casefold()]
        if count != len(program):
            return f"says there are {count} stages ('{phrase}'), but stages.yml has {len(program)}"
    word = (match.group("ordinal") or match.group("number")).casefold()
    if word in ("last", "final"):
        claimed = len(program)
    else:
        # '11th' and up are not in the table: take their digits.
        claimed = int(word) if word.isdigit() else _ORDINALS.get(word) or int(word[:-2])
    before = text[max(0, match.start() - 60) : match.start()]
    label = _LABEL_BEFORE.search(before)
    if label:  # "Next: Stage 5, Immune regulation" is about the next stage
        return _neighbour_position_problem(
            label.group(1).casefold(), claimed, phrase, stage, program
        )
    if _RELATIVE_BEFORE.search(before):
        return None  # "after stage 2" says nothing about this page's own place
    subject = _subject(text, match.start(), names, stage)
    if claimed == subject.number:
        return None
    who = "this is" if subject is stage else f"'{subject.title}' is"
    where = f"stages.yml puts '{subject.title}' at stage {subject.number} of {len(program)}"
    if word in ("last", "final"):
        return f"says {who} the last stage ('{phrase}'), but {where}"
    return f"says {who} stage {claimed} ('{phrase}'), but {where}"


def _neighbour_position_problem(
    label: str, claimed: int, phrase: str, stage: Stage, program: StageProgram
) -> str | None:
    neighbour = program.previous(stage) if label == "previous" else program.next(stage)
    if neighbour is not None and neighbour.number == claimed:
        return None
    if neighbour is None:
        end = "first" if label == "previous" else "last"
        actual = f"'{stage.title}' is the {end} stage"
    else:
        actual = f"it is '{neighbour.title}', stage {neighbour.number}"
    return f"says the {label} stage is stage {claimed} ('{phrase}'), but in stages.yml {actual}"


def _phrase_meaning(match: re.Match[str]) -> tuple[int, bool, int]:
    """(direction, immediate, how many words may come before the name)."""
    label = match.group("label")
    if label:
        # A footer label may carry words before the name: "Next: What to know about X".
        return (-1 if label.casefold() == "previous" else 1), True, 4
    phrase = " ".join(match.group("phrase").casefold().split())
    if phrase.startswith("come"):
        return (-1 if phrase.endswith("after") else 1), phrase.endswith("after"), 0
    for start, direction, immediate in _PHRASE_MEANING:
        if phrase.startswith(start):
            return direction, immediate, 0
    return 0, False, 0  # pragma: no cover - every phrase is listed above


def _neighbour_problem(
    match: re.Match[str], text: str, stage: Stage, program: StageProgram, names: Names
) -> str | None:
    if _NEGATED.search(text, max(0, match.start() - 20), match.start()):
        return None  # "it does not come after X" claims nothing about the order
    direction, immediate, free_words = _phrase_meaning(match)
    named = _name_after(text, match.end(), names, free_words)
    if named is None:
        return None
    subject = _subject(text, match.start(), names, stage)
    if named is subject:
        return None
    if immediate:
        return _neighbour_message(direction, named, subject, subject is stage, program)
    if (named.number - subject.number) * direction > 0:
        return None
    order = "before" if direction < 0 else "after"
    return (
        f"says '{named.title}' comes {order} '{subject.title}', but stages.yml puts "
        f"'{named.title}' at stage {named.number} and '{subject.title}' at stage {subject.number}"
    )


def _name_after(text: str, end: int, names: Names, free_words: int) -> Stage | None:
    """The stage named right after a phrase (after filler words like 'the'), if any."""
    after = text[end : end + 200]
    cut = re.search(r"\n" if free_words else _SENTENCE_END.pattern, after)
    words = _WORD.findall((after[: cut.start()] if cut else after).casefold())
    if free_words:
        for skip in range(min(free_words, len(words)) + 1):
            named = names.at_start(words[skip:])
            if named:
                return named
        return None
    skip = 0
    while skip < len(words) and words[skip] in _OBJECT_FILLERS:
        skip += 1
    return names.at_start(words[skip:])


def _neighbour_message(
    direction: int, named: Stage, subject: Stage, is_this_page: bool, program: StageProgram
) -> str | None:
    """Whether `named` is right before (-1) or after (+1) `subject`; a message if not."""
    expected = program.previous(subject) if direction < 0 else program.next(subject)
    if expected is named:
        return None
    side, end = ("before", "first") if direction < 0 else ("after", "last")
    if is_this_page:
        what = "the previous stage" if direction < 0 else "the next stage"
    else:
        what = f"the stage {side} '{subject.title}'"
    actual = (
        f"'{expected.title}' {side} '{subject.title}'"
        if expected
        else f"'{subject.title}' as the {end} stage"
    )
    return f"says {what} is '{named.title}', but stages.yml has {actual}"

"""Checks of the Markdown source, without a build: pages, links, anchors, stage order, reviews.

`check_source` reads the docs folder and returns every problem; everything it
calls is a pure function of text, so tests (and hypothesis) can feed it anything.
Scanning is regex-based on purpose: running the Markdown renderer on every page
would miss the speed target (3,000 pages in under a second).
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
import posixpath
import re
import sys
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import jinja2
import jinja2.meta
import yaml
from markdown.extensions.toc import slugify

from problems import Problem, parse_yaml, read_source_text
from stages import STAGES_FILE, Stage, StageProgram, read_stages

# Left out of the published site by `exclude_docs` in mkdocs.yml.
DATA_DIR = PurePosixPath(STAGES_FILE).parts[0]
STAGES_DIR = "stages"
# Every page except these carries review dates.
NOT_CONTENT_PAGES = frozenset({"404.md"})
REVIEW_SOON = timedelta(days=60)
MAX_REVIEW_YEARS = 3

# --- Reading one page -------------------------------------------------------------------------

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The same front matter rule as MkDocs (mkdocs/utils/meta.py).
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_JINJA_REGION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))+?(?<!`)\1(?!`)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
# Blocks whose indented lines are content, not code: list items, admonitions, definitions.
_CONTAINER = re.compile(r" {0,3}(?:[*+-][ \t]|\d+[.)][ \t]|!!!|\?\?\?|:[ \t])")
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?![^ \t\n])([^\n]*)", re.MULTILINE)
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(=+|-+)[ \t]*")
_SETEXT_ANYWHERE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
_ATTR_LIST = re.compile(r"[ \t]*\{:?[ \t]*([^}\n]*)\}[ \t]*$")
_ATTR_ID = re.compile(r"(?:^|\s)#([\w:.-]+)")
_HTML_ID = re.compile(r"<[a-zA-Z][^>]*?\s(?:id|name)\s*=\s*[\"']([^\"'>]+)[\"']")
_INLINE_LINK = re.compile(
    r"\[((?:[^\[\]]++|\[[^\[\]]*+\])*+)\]"
    r"\([ \t]*(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"
)
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n^][^\]\n]*)\]:[ \t]*(<[^>\n]*>|\S+)", re.M)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]+)>")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
_MARKUP_CHARACTERS = re.compile(r"[\[*_`<{&]")
# For the prose check: Markdown syntax reduced to its text, keeping every newline.
_PLAIN_SUBSTITUTIONS = (
    (re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"), ""),
    (re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)\n]*\)"), r"\1"),
    (re.compile(r"\[([^\[\]]*)\]\[[^\]\n]*\]"), r"\1"),
    (re.compile(r"<[^>\n]*>|\{[^}\n]*\}|[*_`]"), ""),
)


@dataclass(frozen=True)
class Link:
    """A link or image in a page's source, where it is written."""

    line: int
    target: str
    image: bool = False


@dataclass
class Page:
    """What the checks need from one Markdown page; line numbers are those of the file."""

    path: str  # under docs/, like 'stages/tolerance.md'
    shown_as: str  # as printed, like 'docs/stages/tolerance.md'
    meta: dict[str, tuple[int, object]] = field(default_factory=dict)  # key -> (line, value)
    meta_line: int = 1  # where the front matter starts (or would)
    prose: str = ""  # the text with front matter, code, comments and Jinja blanked out
    ids: frozenset[str] = frozenset()
    links: list[Link] = field(default_factory=list)
    h1_lines: list[int] = field(default_factory=list)
    has_macros: bool = False  # Jinja may add headings (ids) this check cannot see
    front_matter_valid: bool = True
    problems: list[Problem] = field(default_factory=list)


class _Invalid:
    """A front matter value YAML could not build (like the date 2026-02-30)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _blank(match: re.Match[str]) -> str:
    """The matched text with everything but newlines (and so line numbers) erased."""
    return re.sub(r"[^\n]", " ", match.group())


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def scan_page(
    text: str, path: str, shown_as: str, jinja_names: frozenset[str] | None = None
) -> Page:
    """Read one page's text: front matter, prose, heading ids, links. Never raises.

    `jinja_names` are the names macros give pages; others are reported (None: not checked).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    page = Page(path=path, shown_as=shown_as)
    body = text
    match = _FRONT_MATTER.match(text)
    if match:
        page.meta, page.problems = _read_front_matter(match.group(1), shown_as)
        page.front_matter_valid = not page.problems
        body = _blank(match) + text[match.end() :]
    line_value = page.meta.get("render_macros", (0, True))[1]
    if line_value is not False:
        page.problems += _jinja_problems(body, shown_as, jinja_names)
        if "{" in body:
            blanked = _JINJA_REGION.sub(_blank, body)
            page.has_macros = blanked != body
            body = blanked
    if "<!--" in body:
        body = _HTML_COMMENT.sub(_blank, body)
    body = _blank_code_blocks(body)
    if "`" in body:
        body = _CODE_SPAN.sub(_blank, body)
    page.prose = body
    page.ids, page.h1_lines = _heading_ids(body)
    page.links = list(_links(body))
    return page


def _read_front_matter(text: str, shown_as: str) -> tuple[dict[str, tuple[int, object]], list]:
    if not text.strip():
        return {}, []
    try:
        # libyaml when it is installed: front matter is read for every page.
        root, problems = yaml.compose(text, Loader=_FAST_LOADER), []
    except yaml.YAMLError:
        root, problems = parse_yaml(text, shown_as)  # the same messages as for stages.yml
    except RecursionError:
        root, problems = None, [Problem(shown_as, 1, "YAML is nested too deeply")]
    # The front matter starts on line 2, after the opening '---'.
    problems = [Problem(p.path, p.line + 1, f"front matter: {p.message}") for p in problems]
    if root is None:
        return {}, problems
    if not isinstance(root, yaml.MappingNode):
        return {}, [Problem(shown_as, 2, "front matter must be 'key: value' lines")]
    meta: dict[str, tuple[int, object]] = {}
    loader = yaml.SafeLoader("")
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        try:
            value = loader.construct_object(value_node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
            value = _Invalid(str(getattr(value_node, "value", "")))
        meta.setdefault(key_node.value, (key_node.start_mark.line + 2, value))
    return meta, problems


def _jinja_problems(
    body: str, shown_as: str, jinja_names: frozenset[str] | None = None
) -> list[Problem]:
    """mkdocs-macros renders every page with Jinja first; a syntax error or an unknown
    name (macros runs with on_undefined: strict) fails the build."""
    if "{" not in body or not any(mark in body for mark in ("{{", "{%", "{#")):
        return []
    try:
        tree = jinja2.Environment().parse(body)
    except jinja2.TemplateSyntaxError as error:
        message = f"Jinja syntax error: {error.message}"
        if "comment" in (error.message or ""):
            message += " ('{#' starts a Jinja comment; write attribute lists as '{ #id }')"
        return [Problem(shown_as, error.lineno or 1, message)]
    except RecursionError:
        return [Problem(shown_as, 1, "Jinja syntax error: nested too deeply")]
    if jinja_names is None:
        return []
    unknown = jinja2.meta.find_undeclared_variables(tree) - jinja_names
    return [
        Problem(shown_as, _jinja_name_line(body, name), f"unknown name '{name}' in {{{{ ... }}}}")
        for name in sorted(unknown)
    ]


def _jinja_name_line(body: str, name: str) -> int:
    """The line of the first Jinja region that uses `name`."""
    word = re.compile(rf"\b{re.escape(name)}\b")
    for region in _JINJA_REGION.finditer(body):
        if word.search(region.group()):
            return _line_of(body, region.start())
    return 1


def _blank_code_blocks(body: str) -> str:
    """Fenced and indented code blocks become blank lines: their text is not prose or links."""
    lines = body.split("\n")
    fence: str | None = None
    in_code = in_container = False
    previous_blank = True
    for number, line in enumerate(lines):
        if fence is not None:
            if line.lstrip(" ").startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            lines[number] = ""
            continue
        if not line.strip():
            previous_blank = True
            if in_code:
                lines[number] = ""
            continue
        match = _FENCE.match(line)
        if match:
            fence, in_code, previous_blank = match.group(1), False, False
            lines[number] = ""
            continue
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip(" "))
        if indent >= 4 and (in_code or (previous_blank and not in_container)):
            in_code = True
            lines[number] = ""
            continue
        in_code = False
        if indent < 4:
            if _CONTAINER.match(line):
                in_container = True
            elif previous_blank:
                in_container = False
        previous_blank = False
    return "\n".join(lines)


def _heading_text_and_id(raw: str) -> tuple[str, str | None]:
    attrs = _ATTR_LIST.search(raw)
    explicit = None
    if attrs:
        found = _ATTR_ID.search(attrs.group(1))
        explicit = found.group(1) if found else None
        raw = raw[: attrs.start()]
    return raw, explicit


def heading_slug(raw: str) -> str:
    """The id MkDocs' toc extension gives a heading written as `raw` (inline Markdown)."""
    text = raw
    if _MARKUP_CHARACTERS.search(text):
        for pattern, replacement in _PLAIN_SUBSTITUTIONS:
            text = pattern.sub(replacement, text)
        text = re.sub(r"&[#a-zA-Z0-9]+;", "", text)
    return slugify(text, "-")


def _heading_ids(body: str) -> tuple[frozenset[str], list[int]]:
    """Ids of the headings (toc rules: slug, `_1` for repeats, `{ #id }` wins) and H1 lines."""
    headings: list[tuple[int, int, str]] = []  # (position, level, raw text)
    if "#" in body:
        for match in _ATX_HEADING.finditer(body):
            raw = match.group(2).strip()
            if raw.endswith("#"):
                raw = _ATX_CLOSING.sub("", raw)
            headings.append((match.start(), len(match.group(1)), raw))
    if _SETEXT_ANYWHERE.search(body):
        lines = body.split("\n")
        position = 0
        for number, line in enumerate(lines):
            if number and _SETEXT_UNDERLINE.fullmatch(line):
                above = lines[number - 1]
                if above.strip() and not re.match(r" {0,3}(?:[#>*+-]|\d+[.)]|```|~~~)", above):
                    start = position - len(above) - 1
                    headings.append((start, 1 if "=" in line else 2, above.strip()))
            position += len(line) + 1
    headings.sort()
    ids: set[str] = set()
    h1_lines = []
    for position, level, raw in headings:
        if level == 1:
            h1_lines.append(_line_of(body, position))
        text, explicit = _heading_text_and_id(raw)
        ids.add(explicit or _unique(heading_slug(text), ids))
    if "=" in body:
        ids.update(match.group(1) for match in _HTML_ID.finditer(body))
    return frozenset(ids), h1_lines


def _unique(slug: str, ids: set[str]) -> str:
    """Python-Markdown's toc rule for repeated ids: 'x', 'x_1', 'x_2'."""
    if slug and slug not in ids:
        return slug
    count = 1
    while f"{slug}_{count}" in ids:
        count += 1
    return f"{slug}_{count}"


def _links(body: str) -> Iterable[Link]:
    if "](" in body:
        for match in _INLINE_LINK.finditer(body):
            target = match.group(2).strip("<>")
            image = body[match.start() - 1 : match.start()] == "!"
            yield Link(_line_of(body, match.start()), target, image=image)
    if "]:" in body:
        for match in _REFERENCE_DEFINITION.finditer(body):
            yield Link(_line_of(body, match.start()), match.group(2).strip("<>"))
    if "://" in body:
        for match in _AUTOLINK.finditer(body):
            yield Link(_line_of(body, match.start()), match.group(1))


# --- Review dates -------------------------------------------------------------------------


def review_date_problems(page: Page, today: date) -> list[Problem]:
    """Missing or invalid review dates, a too-long cycle, overdue (error), due soon (warning)."""
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
        if isinstance(value, _Invalid):
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
                "review the page and update both dates",
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
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


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


class _Names:
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
    for pattern, replacement in _PLAIN_SUBSTITUTIONS:
        prose = pattern.sub(replacement, prose)
    return prose


def stage_page_problems(
    page: Page, stage: Stage, program: StageProgram, names: _Names | None = None
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
    problems += order_claim_problems(page.prose, page.shown_as, stage, program, names)
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


def order_claim_problems(
    prose: str, shown_as: str, stage: Stage, program: StageProgram, names: _Names | None = None
) -> list[Problem]:
    """Statements in a stage page's prose that contradict the order in stages.yml.

    Two kinds: the page's own position ("the fourth step", "stage 4") and a neighbour
    ("comes after immune blockage", "Next: immune regulation"). When a stage name comes
    right before the phrase ("Immune regulation comes after ..."), that stage is the
    subject; otherwise the subject is the page's own stage. Agreeing statements pass.
    """
    text = plain_text(prose)
    names = names or _Names(program)
    problems: list[Problem] = []
    for match in _POSITION_CLAIM.finditer(text):
        problem = _position_problem(match, text, stage, program, names)
        if problem:
            problems.append(Problem(shown_as, _line_of(text, match.start()), problem))
    for match in _NEIGHBOUR_CLAIM.finditer(text):
        problem = _neighbour_problem(match, text, stage, program, names)
        if problem:
            problems.append(Problem(shown_as, _line_of(text, match.start()), problem))
    return problems


def _subject(text: str, start: int, names: _Names, default: Stage) -> Stage:
    before = text[max(0, start - 120) : start]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    words = _WORD.findall(before.casefold())
    while words and words[-1] in _SUBJECT_FILLERS:
        words.pop()
    return names.at_end(words) or default


def _position_problem(
    match: re.Match[str], text: str, stage: Stage, program: StageProgram, names: _Names
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
    match: re.Match[str], text: str, stage: Stage, program: StageProgram, names: _Names
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


def _name_after(text: str, end: int, names: _Names, free_words: int) -> Stage | None:
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


# --- Links --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExternalLink:
    """An http(s) link, checked only with --external."""

    path: str
    line: int
    url: str


@dataclass
class DocsIndex:
    """Every file in the docs folder, as the link check sees it."""

    pages: Mapping[str, Page]  # published Markdown pages by path under docs/
    assets: frozenset[str]  # every other published file
    unpublished: frozenset[str]  # files in docs/ that are left out of the site
    folders: frozenset[str]
    program: StageProgram


def link_problems(page: Page, index: DocsIndex) -> tuple[list[Problem], list[ExternalLink]]:
    """Every broken relative link and anchor in a page; its http(s) links are returned apart."""
    problems: list[Problem] = []
    external: list[ExternalLink] = []
    for link in page.links:
        target = link.target
        if not target:
            continue
        if target.startswith("//") or _SCHEME.match(target):
            if target.startswith(("http://", "https://", "//")):
                external.append(ExternalLink(page.shown_as, link.line, target))
            continue
        message = _link_message(page, link, index)
        if message:
            problems.append(Problem(page.shown_as, link.line, message))
    return problems, external


def _link_message(  # noqa: PLR0911 - one early return per kind of broken link reads best
    page: Page, link: Link, index: DocsIndex
) -> str | None:
    kind = "image" if link.image else "link"
    raw_path, _, fragment = link.target.partition("#")
    path = unquote(raw_path.partition("?")[0])
    here = posixpath.dirname(page.path)
    if not path:
        return _anchor_message(kind, link.target, page, fragment, "this page")
    if path.startswith("/"):
        relative = posixpath.relpath(path.lstrip("/") or ".", here or ".")
        return (
            f"{kind} '{link.target}' starts with '/': write it relative to this page, "
            f"like '{relative}'"
        )
    resolved = posixpath.normpath(posixpath.join(here, path))
    if resolved == ".." or resolved.startswith("../"):
        return f"{kind} '{link.target}' points outside the docs folder"
    if resolved in index.pages:
        target = index.pages[resolved]
        return _anchor_message(kind, link.target, target, fragment, target.shown_as)
    if resolved in index.assets:
        return None
    if resolved in index.unpublished:
        return (
            f"{kind} '{link.target}' points at a file that is not published "
            f"(docs/{DATA_DIR}/ is left out of the site)"
        )
    suggestion = _suggest(page, path, resolved, index)
    if path.endswith("/") or resolved in index.folders or resolved == ".":
        message = f"{kind} '{link.target}' points at a folder, not a page: link to a .md file"
        return message + (f", like {suggestion}" if suggestion else "")
    message = f"{kind} '{link.target}' does not exist"
    return message + (f"; did you mean {suggestion}?" if suggestion else "")


def _anchor_message(kind: str, target: str, page: Page, fragment: str, where: str) -> str | None:
    # Pages using macros may get headings from them: the --site check sees those.
    if not fragment or fragment in page.ids or page.has_macros:
        return None
    message = f"{kind} '{target}': there is no heading with id '{fragment}' in {where}"
    close = difflib.get_close_matches(fragment, sorted(page.ids), n=1, cutoff=0.6)
    if close:
        message += f"; did you mean '#{close[0]}'?"
    return message


def _suggest(page: Page, path: str, resolved: str, index: DocsIndex) -> str | None:
    """The page a broken link probably meant, written relative to the linking page."""
    here = posixpath.dirname(page.path)
    stem = resolved.rstrip("/")
    # The built-URL form ('../blockage/') is relative to the page's URL, one folder deeper.
    url_here = (
        posixpath.splitext(page.path)[0] if posixpath.basename(page.path) != "index.md" else here
    )
    url_form = posixpath.normpath(posixpath.join(url_here, path)).rstrip("/")
    candidates = [f"{stem}.md", f"{stem}/index.md", f"{url_form}.md", f"{url_form}/index.md"]
    found = next((c for c in candidates if c in index.pages), None)
    if found is None:
        found = _similar_file(stem, index) or _stage_by_name(stem, index.program)
    if found is None:
        return None
    shown = posixpath.relpath(found, here or ".")
    stage = index.program.stage_for(found)
    return f"'{shown}' ({stage.title})" if stage else f"'{shown}'"


def _similar_file(path: str, index: DocsIndex) -> str | None:
    """A file in the same folder, of the same type, whose name is spelt almost the same."""
    folder, name = posixpath.split(path)
    stem, suffix = posixpath.splitext(name)
    suffix = suffix or ".md"
    pool = {
        posixpath.splitext(posixpath.basename(other))[0]: other
        for other in (*index.pages, *index.assets)
        if posixpath.dirname(other) == folder and other.endswith(suffix)
    }
    close = difflib.get_close_matches(stem, sorted(pool), n=1, cutoff=0.6)
    return pool[close[0]] if close else None


def _stage_by_name(stem: str, program: StageProgram) -> str | None:
    name = slugify(PurePosixPath(stem).stem.replace("_", " "), "-")
    keys = {}
    for stage in program:
        keys.setdefault(stage.id, stage.page)
        for other in stage.names:
            keys.setdefault(slugify(other, "-"), stage.page)
    close = difflib.get_close_matches(name, list(keys), n=1, cutoff=0.6)
    return keys[close[0]] if close else None


# --- The whole source tree ------------------------------------------------------------------


@dataclass
class SourceReport:
    """What the source check found."""

    problems: list[Problem]
    files_checked: int
    external_links: list[ExternalLink]


def check_source(
    root: Path, today: date, docs_dir: str = "docs", jinja_names: frozenset[str] | None = None
) -> SourceReport:
    """Check the docs folder under `root`: stage order, pages, links, anchors, review dates,
    and (given `jinja_names`) names in Jinja expressions that macros does not define."""
    docs = root / docs_dir
    if not docs.is_dir():
        return SourceReport([Problem(docs_dir, 1, "docs folder does not exist")], 0, [])
    stages_shown = f"{docs_dir}/{STAGES_FILE}"
    stages, stage_problems = read_stages(docs / STAGES_FILE, stages_shown)
    problems = list(stage_problems)
    # Problems in stages.yml are reported; the valid stages still drive the other checks.
    program = StageProgram(tuple(stages))
    files, folders = _walk(docs)
    published = {f for f in files if not f.startswith(f"{DATA_DIR}/")}
    paths = sorted(f for f in published if f.endswith(".md"))
    stage_pages = frozenset(stage.page for stage in program)
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) >= PARALLEL_FROM and workers > 1:
        chunks = [paths[start::workers] for start in range(workers)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=worker_start()) as pool:
            arguments = (
                [docs] * workers,
                chunks,
                [docs_dir] * workers,
                [stage_pages] * workers,
                [jinja_names] * workers,
            )
            scanned = [one for part in pool.map(_read_pages, *arguments) for one in part]
    else:
        scanned = _read_pages(docs, paths, docs_dir, stage_pages, jinja_names)
    pages: dict[str, Page] = {}
    unreadable: set[str] = set()
    for page, read_problems in sorted(scanned, key=lambda item: item[0].path):
        pages[page.path] = page
        problems += read_problems
        if read_problems:
            unreadable.add(page.path)
    index = DocsIndex(
        pages=pages,
        assets=frozenset(published - pages.keys()),
        unpublished=frozenset(files - published),
        folders=frozenset(folders),
        program=program,
    )
    # While stages.yml itself has problems, comparing pages with it would only add noise.
    compare_stages = not stage_problems
    if compare_stages:
        found, skip_stage_checks = _stage_file_problems(program, pages, stages_shown, docs_dir)
        problems += found
    external: list[ExternalLink] = []
    names = _Names(program)
    for page in pages.values():
        problems += page.problems
        if page.path in unreadable:
            continue
        if page.path not in NOT_CONTENT_PAGES and page.front_matter_valid:
            problems += review_date_problems(page, today)
        stage = program.stage_for(page.path)
        if compare_stages and page.path not in skip_stage_checks:
            problems += front_matter_stage_problems(page, program)
        if compare_stages and stage is not None:
            problems += stage_page_problems(page, stage, program, names)
        found, links = link_problems(page, index)
        problems += found
        external += links
    return SourceReport(problems, len(pages) + 1, external)


def worker_start() -> multiprocessing.context.BaseContext:
    """How to start worker processes: fork (fast) on Linux when this process runs no other
    thread; otherwise spawn, since forking a threaded process (a test server, say) is unsafe
    and Python 3.12+ warns about it."""
    single_threaded = threading.active_count() == 1
    return multiprocessing.get_context(
        "fork" if sys.platform == "linux" and single_threaded else "spawn"
    )


# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 400


def _read_pages(
    docs: Path,
    paths: list[str],
    docs_dir: str,
    stage_pages: frozenset[str],
    jinja_names: frozenset[str] | None,
) -> list[tuple[Page, list[Problem]]]:
    """Read and scan some pages (in a worker process for big sites)."""
    results = []
    for path in paths:
        shown = f"{docs_dir}/{path}"
        text, read_problems = read_source_text(docs / path, shown)
        page = scan_page(text or "", path, shown, jinja_names)
        if path not in stage_pages:
            page.prose = ""  # only stage pages need their prose again: less to send back
        results.append((page, read_problems))
    return results


def _stage_file_problems(
    program: StageProgram, pages: Mapping[str, Page], stages_shown: str, docs_dir: str
) -> tuple[list[Problem], set[str]]:
    """Stage pages that do not exist, pages in stages/ that are not stages.

    Also returns the pages suggested for a missing one: their own problems (not in
    the stage order, front matter disagrees) follow from the same typo.
    """
    problems = []
    suggested: set[str] = set()
    for stage in program:
        if stage.page not in pages:
            message = f"stage '{stage.id}': page '{stage.page}' does not exist"
            close = difflib.get_close_matches(stage.page, sorted(pages), n=1, cutoff=0.6)
            if close:
                message += f"; did you mean '{close[0]}'?"
                suggested.add(close[0])
            problems.append(Problem(stages_shown, stage.line, message))
    for path, page in pages.items():
        if (
            path.startswith(f"{STAGES_DIR}/")
            and program.stage_for(path) is None
            and path not in suggested
        ):
            problems.append(
                Problem(
                    page.shown_as,
                    1,
                    f"page is not in {docs_dir}/{STAGES_FILE}: add it to the stage order, "
                    f"or move it out of {docs_dir}/{STAGES_DIR}/",
                )
            )
    return problems, suggested


def _walk(docs: Path) -> tuple[set[str], set[str]]:
    """Files and folders under docs/ as posix paths; hidden ones are skipped, as MkDocs does."""
    files: set[str] = set()
    folders: set[str] = set()
    for directory, subdirectories, names in os.walk(docs):
        subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
        relative = Path(directory).relative_to(docs).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        folders.update(prefix + d for d in subdirectories)
        files.update(prefix + name for name in names if not name.startswith("."))
    return files, folders

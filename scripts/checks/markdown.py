"""One Markdown page as the checks see it: front matter, Jinja, prose, and (from the build's
own engine, see engine.py) heading ids, links and images with the line each is written on.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import yaml
from mkdocs.utils.meta import get_data

from checks.engine import MarkdownEngine, Rendered
from checks.jinja import has_jinja, jinja_problems, jinja_regions, literal_jinja_problems
from guide.problems import Problem
from guide.yaml_files import FRONT_MATTER, YAML_LOADER, front_matter_problem, parse_yaml

# --- Reading one page -------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
# Blocks whose indented lines are content, not code: list items, admonitions, definitions.
_CONTAINER = re.compile(r" {0,3}(?:[*+-][ \t]|\d+[.)][ \t]|!!!|\?\?\?|:[ \t])")
# For the prose check: Markdown syntax reduced to its text, keeping every newline.
PLAIN_SUBSTITUTIONS = (
    (re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"), ""),
    (re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)\n]*\)"), r"\1"),
    (re.compile(r"\[([^\[\]]*)\]\[[^\]\n]*\]"), r"\1"),
    (re.compile(r"<[^>\n]*>|\{[^}\n]*\}|[*_`]"), ""),
)


@dataclass(frozen=True)
class Link:
    """A link or image the engine found in a page, and the line it is written on."""

    line: int
    target: str
    image: bool = False
    text: str = ""  # a link's text, as readers see it


@dataclass
class Page:
    """What the checks need from one Markdown page; line numbers are those of the file."""

    path: str  # under docs/, like 'stages/tolerance.md'
    shown_as: str  # as printed, like 'docs/stages/tolerance.md'
    meta: dict[str, tuple[int, object]] = field(default_factory=dict)  # key -> (line, value)
    meta_line: int = 1  # where the front matter starts (or would)
    prose: str = ""  # the text with front matter, code, comments and Jinja blanked out
    links: list[Link] = field(default_factory=list)
    h1_lines: list[int] = field(default_factory=list)
    has_macros: bool = False  # Jinja may add headings (ids) this check cannot see
    front_matter_valid: bool = True
    readable: bool = True  # False when the file could not be read as UTF-8 text
    problems: list[Problem] = field(default_factory=list)
    rendered: Rendered = field(default_factory=Rendered)

    @property
    def ids(self) -> frozenset[str]:
        """Every id on the page, as the build's Markdown gives them."""
        return self.rendered.ids


class Invalid:
    """A front matter value YAML could not build (like the date 2026-02-30)."""

    def __init__(self, text: str) -> None:
        self.text = text


def line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def scan_page(
    text: str,
    path: str,
    shown_as: str,
    engine: MarkdownEngine,
    jinja_names: frozenset[str] | None = None,
) -> Page:
    """Read one page's text: front matter, Jinja, prose; then ask the engine for its
    headings, ids and links. Never raises.

    `jinja_names` are the names macros give pages; others are reported (None: not checked).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    page = Page(path=path, shown_as=shown_as)
    body = text
    match = FRONT_MATTER.match(text)
    unsafe = front_matter_problem(text, shown_as)
    if unsafe:
        page.problems, page.front_matter_valid = [unsafe], False
    elif match:
        page.meta, page.problems = _read_front_matter(match.group(1), shown_as)
        page.front_matter_valid = not page.problems
    if match:
        body = _blank_regions(text, [match.span()])
    # mkdocs.yml sets render_by_default: false; a page opts in to being a template.
    is_template = jinja_names is not None and page.meta.get("render_macros", (0, False))[1] is True
    if is_template:
        page.problems += jinja_problems(body, shown_as, jinja_names)
        regions = jinja_regions(body)
        page.has_macros = bool(regions)
        body = _blank_regions(body, regions)
        page.rendered = engine.render(path, body)
    elif unsafe:  # MkDocs' own reading of it would expand the aliases
        page.rendered = engine.render(path, body)
    else:  # the Markdown the build converts, as MkDocs splits off the front matter
        as_built, settings = get_data(text)
        if settings and not match:
            page.problems.append(_dropped_lines_problem(text, as_built, shown_as))
        page.rendered = engine.render(path, as_built, as_built=True)
    if page.rendered.too_slow:
        page.problems.append(
            Problem(
                shown_as,
                1,
                "this page takes too long to read as Markdown (a page should take milliseconds):"
                " look for a long run of unclosed '<!--', '```' or '[' and close or remove them",
            )
        )
    prose = _blank_regions(body, _html_comments(body)) if "<!--" in body else body
    prose = _blank_code_blocks(prose)
    if "`" in prose:
        prose = _blank_regions(prose, _code_spans(prose))
    page.prose = prose
    if jinja_names is not None and not is_template and has_jinja(prose):
        page.problems += literal_jinja_problems(prose, shown_as)
    finder = _LineFinder(prose, body)
    page.links = [
        Link(finder.line(element.target), element.target, element.image, element.text)
        for element in page.rendered.elements
    ]
    page.h1_lines = [finder.heading_line(title) for title in page.rendered.h1_texts]
    return page


def _dropped_lines_problem(text: str, as_built: str, shown_as: str) -> Problem:
    """MkDocs takes 'Key: value' lines at the top of a page without front matter as its
    settings (MultiMarkdown's metadata): readers never see them."""
    taken = text[: len(text) - len(as_built)]
    count = sum(1 for line in taken.split("\n") if line.strip())
    first = taken.split("\n", 1)[0].strip()
    shown = first if len(first) <= 50 else first[:47] + "..."
    lines, them = ("line 1", "it") if count == 1 else (f"lines 1-{count}", "them")
    return Problem(
        shown_as,
        1,
        f"MkDocs reads {lines} ('{shown}') as the page's settings, not as text, so readers "
        f"would not see {them}: put the front matter (between '---' lines) or a heading first",
    )


class _LineFinder:
    """Where in the file the engine's links and headings are written.

    The engine knows what is a link but not where: each one is looked for, as a whole
    link target, in the prose (code blanked) first, then in the whole text, after the
    previous find of the same target, so that repeated links get their own lines.
    """

    def __init__(self, prose: str, body: str) -> None:
        self.texts = (prose, body)
        self.next_start: dict[tuple[int, str], int] = {}

    def line(self, target: str) -> int:
        forms = {target, html.escape(target, quote=False), target.replace(" ", "%20")} - {""}
        for number, text in enumerate(self.texts):
            for form in sorted(forms):
                start = self.next_start.get((number, form), 0)
                position = _find_whole(text, form, start)
                if position < 0 and start:
                    position = _find_whole(text, form, 0)
                if position >= 0:
                    self.next_start[(number, form)] = position + len(form)
                    return text.count("\n", 0, position) + 1
        return 1

    def heading_line(self, title: str) -> int:
        """The line of an H1: '# title', or the text above a '===' underline."""
        first_word = (title.split() or [""])[0]
        for number, line in enumerate(self.texts[0].split("\n"), start=1):
            stripped = line.lstrip(" ")
            if stripped.startswith("#") and not stripped.startswith("##") and first_word in line:
                return number
            if number > 1 and re.fullmatch(r" {0,3}=+[ \t]*", line):
                return number - 1
        return 1


def _find_whole(text: str, target: str, start: int) -> int:
    """Where `target` is written as a whole link target (not part of a longer one), or -1."""
    position = text.find(target, start)
    while position >= 0:
        before = text[position - 1] if position else " "
        end = position + len(target)
        after = text[end] if end < len(text) else " "
        if (before.isspace() or before in "(<[:") and (after.isspace() or after in ")>]\"'"):
            return position
        position = text.find(target, position + 1)
    return -1


def _read_front_matter(
    text: str, shown_as: str
) -> tuple[dict[str, tuple[int, object]], list[Problem]]:
    if not text.strip():
        return {}, []
    problems: list[Problem]
    try:
        root, problems = yaml.compose(text, Loader=YAML_LOADER), []
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
            value = Invalid(str(getattr(value_node, "value", "")))
        line = key_node.start_mark.line + 2
        if key_node.value in meta:
            message = f"front matter: '{key_node.value}' is given twice; keep one"
            problems.append(Problem(shown_as, line, message))
        meta[key_node.value] = (line, value)
    return meta, problems


def _blank_regions(text: str, regions: list[tuple[int, int]]) -> str:
    """`text` with each (start, end) region blanked, newlines (and so line numbers) kept."""
    if not regions:
        return text
    parts, position = [], 0
    for start, end in regions:
        parts += [text[position:start], re.sub(r"[^\n]", " ", text[start:end])]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _html_comments(text: str) -> list[tuple[int, int]]:
    regions, position = [], text.find("<!--")
    while position >= 0:
        end = text.find("-->", position + 4)
        if end < 0:
            break
        regions.append((position, end + 3))
        position = text.find("<!--", end + 3)
    return regions


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Code spans as CommonMark finds them: a run of n backticks up to the next run of exactly
    n, within one paragraph. One pass over the runs, so pathological input stays linear."""
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", text)]
    later: dict[int, list[int]] = {}  # run length -> indexes of runs, in order
    for index, (start, end) in enumerate(runs):
        later.setdefault(end - start, []).append(index)
    cursor = dict.fromkeys(later, 0)
    regions, index = [], 0
    while index < len(runs):
        start, end = runs[index]
        length = end - start
        same = later[length]
        while cursor[length] < len(same) and same[cursor[length]] <= index:
            cursor[length] += 1
        if cursor[length] == len(same):
            index += 1
            continue
        closer = same[cursor[length]]
        close_start, close_end = runs[closer]
        if _BLANK_LINE.search(text, end, close_start):
            index += 1
            continue
        regions.append((start, close_end))
        index = closer + 1
    return regions


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

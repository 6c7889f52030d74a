"""Checks of the Markdown source, without a build: pages, links, anchors, stage order, reviews.

`check_source` reads the docs folder and returns every problem; everything it
calls is a pure function of text, so tests (and hypothesis) can feed it anything.
Scanning is regex-based on purpose: running the Markdown renderer on every page
would miss the speed target (3,000 pages in under a second).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import jinja2
import jinja2.meta
import yaml
from markdown.extensions.toc import slugify

from guide.problems import Problem
from guide.yaml_files import parse_yaml

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
PLAIN_SUBSTITUTIONS = (
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


class Invalid:
    """A front matter value YAML could not build (like the date 2026-02-30)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _blank(match: re.Match[str]) -> str:
    """The matched text with everything but newlines (and so line numbers) erased."""
    return re.sub(r"[^\n]", " ", match.group())


def line_of(text: str, position: int) -> int:
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
            value = Invalid(str(getattr(value_node, "value", "")))
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
            return line_of(body, region.start())
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
        for pattern, replacement in PLAIN_SUBSTITUTIONS:
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
            h1_lines.append(line_of(body, position))
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
            yield Link(line_of(body, match.start()), target, image=image)
    if "]:" in body:
        for match in _REFERENCE_DEFINITION.finditer(body):
            yield Link(line_of(body, match.start()), match.group(2).strip("<>"))
    if "://" in body:
        for match in _AUTOLINK.finditer(body):
            yield Link(line_of(body, match.start()), match.group(1))

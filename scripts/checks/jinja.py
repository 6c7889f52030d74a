"""Jinja in pages: only opted-in pages are templates, and they may use only the project's
own names (see render/page_jinja.py, which enforces the same rule in the build)."""

from __future__ import annotations

import difflib

import jinja2
import jinja2.meta
from jinja2 import nodes

from guide.problems import Problem

_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
# Tags that reach other files: pages have no loader, so they could only fail.
_FILE_TAGS = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Extends: "extends",
}


# Jinja's own defaults (lipsum, cycler, joiner, namespace, range, dict) are not page names.
_BARE = jinja2.Environment()
_BARE.globals.clear()


def jinja_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of every {{ }}, {% %} and {# #} region, in one pass: an opener with no
    closer ends the scan (Jinja would refuse the page anyway)."""
    regions = []
    position = text.find("{")
    while 0 <= position < len(text) - 1:
        closer = _OPENERS.get(text[position : position + 2])
        if closer is None:
            position = text.find("{", position + 1)
            continue
        end = text.find(closer, position + 2)
        if end < 0:
            break
        regions.append((position, end + 2))
        position = text.find("{", end + 2)
    return regions


def has_jinja(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def jinja_problems(body: str, shown_as: str, names: frozenset[str] | None) -> list[Problem]:
    """What would stop the build on a page that is a template: a syntax error, a name the
    project does not declare (`names`; macros runs with on_undefined: strict), a file tag,
    or reaching into an object's internals (the sandbox refuses both)."""
    if not has_jinja(body):
        return []
    try:
        tree = _BARE.parse(body)
    except jinja2.TemplateSyntaxError as error:
        message = f"Jinja syntax error: {error.message}"
        if "comment" in (error.message or ""):
            message += " ('{#' starts a Jinja comment; write attribute lists as '{ #id }')"
        return [Problem(shown_as, error.lineno or 1, message)]
    except RecursionError:
        return [Problem(shown_as, 1, "Jinja syntax error: nested too deeply")]
    problems: list[Problem] = []
    for tag_node in tree.find_all(tuple(_FILE_TAGS)):
        tag = _FILE_TAGS[type(tag_node)]
        problems.append(
            Problem(
                shown_as,
                tag_node.lineno,
                f"'{{% {tag} %}}' is not allowed in pages: "
                "pages may use the project's macros only, never other files",
            )
        )
    for access in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(access, nodes.Getattr):
            attribute = access.attr
        else:
            attribute = getattr(getattr(access, "arg", None), "value", "")
        if isinstance(attribute, str) and attribute.startswith("_"):
            problems.append(
                Problem(
                    shown_as,
                    access.lineno,
                    f"'{attribute}' reaches into Python's internals: "
                    "pages may only call the project's macros",
                )
            )
    if names is None:
        return problems
    for name in sorted(jinja2.meta.find_undeclared_variables(tree) - names):
        message = (
            f"unknown name '{name}' in {{{{ ... }}}}: pages may use only the macros in "
            "scripts/macros.py and the values under 'extra:' in mkdocs.yml"
        )
        close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.75)
        if close:
            message += f"; did you mean '{close[0]}'?"
        line = next(
            (n.lineno for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load"), 1
        )
        problems.append(Problem(shown_as, line, message))
    return problems


def literal_jinja_problems(prose: str, shown_as: str) -> list[Problem]:
    """On a page that is not a template, '{{' and '{%' are shown to readers as they are."""
    problems = []
    for number, line in enumerate(prose.split("\n"), start=1):
        if "{{" in line or "{%" in line:
            problems.append(
                Problem(
                    shown_as,
                    number,
                    "this page is not a template, so '{{' or '{%' would "
                    "be shown to readers as it is: add 'render_macros: true' to the front "
                    "matter to use a macro, or put the text in `code`",
                )
            )
    return problems

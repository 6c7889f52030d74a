"""Reading the YAML data files: a node tree that keeps line numbers, and typed access to it."""

from __future__ import annotations

from pathlib import Path

import yaml
from mkdocs.utils.meta import YAML_RE as FRONT_MATTER

from guide.problems import Problem, read_source_text

_STR_TAG = "tag:yaml.org,2002:str"
# libyaml where it is installed: the same nodes and marks, several times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def alias_line(text: str) -> int | None:
    """The line of the first YAML anchor or alias (`&name`, `*name`), if any.

    Content has no use for them, and a few nested aliases expand into billions of values
    (a "billion laughs" bomb) when a loader builds Python objects: they are refused before
    anything is built. The scan is linear; a syntax error ends it (parsing reports it)."""
    try:
        for token in yaml.scan(text, Loader=YAML_LOADER):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                return token.start_mark.line + 1
    except yaml.YAMLError:
        return None
    return None


ALIAS_MESSAGE = "YAML anchors and aliases ('&name', '*name') are not allowed: write the value out"


# Front matter holds a few short values; more is a mistake (or an attack on the parser).
MAX_FRONT_MATTER_BYTES = 16 * 1024


def front_matter_problem(text: str, shown_as: str) -> Problem | None:
    """What makes a page's front matter unsafe to hand to a YAML loader (MkDocs' included):
    its size, or anchors and aliases. `text` is the whole page; lines are the page's."""
    match = FRONT_MATTER.match(text)
    if match is None:
        return None
    size = len(match.group(1).encode())
    if size > MAX_FRONT_MATTER_BYTES:
        return Problem(
            shown_as, 1, f"front matter is {size:,} bytes; the limit is {MAX_FRONT_MATTER_BYTES:,}"
        )
    line = alias_line(match.group(1))
    return None if line is None else Problem(shown_as, line + 1, f"front matter: {ALIAS_MESSAGE}")


def parse_yaml(text: str, shown_as: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse one YAML document into a node tree (which keeps line numbers), or report why not."""
    line = alias_line(text)
    if line is not None:
        return None, [Problem(shown_as, line, ALIAS_MESSAGE)]
    try:
        documents = list(yaml.compose_all(text, Loader=YAML_LOADER))
    except yaml.YAMLError:
        return None, [_syntax_error(text, shown_as)]
    except RecursionError:  # pathologically deep nesting
        return None, [Problem(shown_as, 1, "YAML is nested too deeply")]
    if not documents:
        return None, [Problem(shown_as, 1, "file is empty")]
    if len(documents) > 1:
        line = documents[1].start_mark.line + 1
        return None, [
            Problem(shown_as, line, "only one YAML document is allowed (remove the extra '---')")
        ]
    return documents[0], []


def _syntax_error(text: str, shown_as: str) -> Problem:
    """The mistake, in the words of PyYAML's own parser (libyaml's are terser)."""
    try:
        list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(error, "problem", None) or str(error)
        return Problem(shown_as, line, f"YAML syntax error: {reason}{_hint(reason, text, line)}")
    except RecursionError:
        return Problem(shown_as, 1, "YAML is nested too deeply")
    return Problem(shown_as, 1, "YAML syntax error")


def read_yaml_file(path: Path, shown_as: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Read and parse a YAML data file, or report why it cannot be."""
    text, problems = read_source_text(path, shown_as)
    if text is None:
        return None, problems
    return parse_yaml(text, shown_as)


class NodeReader:
    """Base for readers of YAML data files: typed access to nodes, collecting problems by line."""

    def __init__(self, shown_as: str) -> None:
        self.path = shown_as
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.path, node.start_mark.line + 1, message))

    def mapping(self, node: yaml.MappingNode, where: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """The keys of a mapping node with their key and value nodes; reports duplicate keys."""
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problem(key_node, f"keys in {where} must be plain names")
            elif key in result:
                self.problem(key_node, f"'{key}' is given twice in {where}")
            else:
                result[key] = (key_node, value_node)
        return result

    def top_level_list(self, root: yaml.Node, key: str) -> list[yaml.Node]:
        """The items of the one list a data file holds, `key: [...]`; reports any other shape."""
        return self.top_level(root, key)[0]

    def top_level(
        self, root: yaml.Node, key: str, optional: tuple[str, ...] = ()
    ) -> tuple[list[yaml.Node], dict[str, yaml.Node]]:
        """The items of the list under `key`, and the values of the `optional` keys present;
        reports any other shape."""
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, f"expected a mapping with a '{key}:' list at the top level")
            return [], {}
        top = self.mapping(root, "the top level")
        for other, (key_node, _) in top.items():
            if other != key and other not in optional:
                allowed = " and ".join(f"'{name}'" for name in (key, *optional))
                only = f"only {allowed} {'are' if optional else 'is'} allowed"
                self.problem(key_node, f"unknown top-level key '{other}'; {only}")
        present = {name: top[name][1] for name in optional if name in top}
        if key not in top:
            self.problem(root, f"missing '{key}:' list")
            return [], present
        items = top[key][1]
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            self.problem(items, f"'{key}' must be a non-empty list")
            return [], present
        return items.value, present

    def text(self, node: yaml.Node, what: str) -> str | None:
        """A non-empty string with white space folded, or None after reporting why not."""
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG):
            self.problem(node, f"{what} must be text")
            return None
        value = " ".join(node.value.split())
        if not value:
            self.problem(node, f"{what} must not be empty")
            return None
        return value

    def text_list(self, node: yaml.Node, what: str) -> tuple[str, ...] | None:
        """A list of non-empty strings, or None after reporting why not."""
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list, like [first, second]")
            return None
        values = [self.text(item, f"{what}: each entry") for item in node.value]
        return None if None in values else tuple(v for v in values if v is not None)


def _hint(reason: str, text: str, line: int) -> str:
    """What an editor most likely did, for the two YAML mistakes editors make most."""
    lines = text.split("\n")
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    if "mapping values are not allowed" in reason and written.count(":") > 1:
        key = written.split(":", 1)[0].strip(" -")
        return f"; the text after '{key}:' has a colon in it: put that text in quotes"
    if "block end" in reason or "expected key" in reason or "block mapping" in reason:
        return (
            "; check the indentation: each entry's keys must line up under the first one, "
            "with spaces (not tabs)"
        )
    if "\t" in written and "tab" in reason:
        return "; use spaces, not tabs, to indent"
    return ""

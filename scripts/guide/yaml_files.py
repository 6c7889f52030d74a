"""Reading the YAML data files: a node tree that keeps line numbers, and typed access to it."""

from __future__ import annotations

from pathlib import Path

import yaml

from guide.problems import Problem, read_source_text

_STR_TAG = "tag:yaml.org,2002:str"
# libyaml where it is installed: the same nodes and marks, several times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, shown_as: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse one YAML document into a node tree (which keeps line numbers), or report why not."""
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
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, f"expected a mapping with a '{key}:' list at the top level")
            return []
        top = self.mapping(root, "the top level")
        for other, (key_node, _) in top.items():
            if other != key:
                self.problem(key_node, f"unknown top-level key '{other}'; only '{key}' is allowed")
        if key not in top:
            self.problem(root, f"missing '{key}:' list")
            return []
        items = top[key][1]
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            self.problem(items, f"'{key}' must be a non-empty list")
            return []
        return items.value

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

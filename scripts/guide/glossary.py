"""The glossary model: `docs/_data/glossary.yml` feeds the glossary page and the marked terms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from markdown.extensions.toc import slugify

from guide.problems import Problem
from guide.yaml_files import NodeReader, read_yaml_file

# Relative to the docs folder.
GLOSSARY_FILE = "_data/glossary.yml"
# The page that lists every term; each marked term links to its entry there.
GLOSSARY_PAGE = "glossary.md"


@dataclass(frozen=True)
class Term:
    """A medical word explained in plain English."""

    term: str
    definition: str
    also: tuple[str, ...] = ()  # other forms of the word, marked and explained the same way

    @property
    def anchor(self) -> str:
        """The id of the term's entry on the glossary page, where every use links to."""
        return slugify(self.term, "-")

    @property
    def forms(self) -> tuple[str, ...]:
        """Every spelling that is marked: each form, and each with a capital first letter."""
        forms = (self.term, *self.also)
        return tuple(dict.fromkeys([*forms, *map(capitalized, forms)]))


def capitalized(text: str) -> str:
    """'immune complex' -> 'Immune complex' (str.capitalize would lower-case the rest)."""
    return text[:1].upper() + text[1:]


def read_glossary(path: Path, shown_as: str | None = None) -> tuple[list[Term], list[Problem]]:
    """Read the glossary file; return the valid terms and every problem found. Never raises."""
    shown_as = shown_as or str(path)
    root, problems = read_yaml_file(path, shown_as)
    if root is None:
        return [], problems
    reader = _GlossaryReader(shown_as)
    return reader.read(root), reader.problems


class _GlossaryReader(NodeReader):
    def read(self, root: yaml.Node) -> list[Term]:
        terms: dict[str, Term] = {}
        for node in self.top_level_list(root, "terms"):
            term = self.term(node)
            if term is None:
                continue
            # One entry per anchor: two spellings of one word would share the glossary heading.
            if term.anchor in terms:
                self.problem(node, f"term '{term.term}' is defined twice")
                continue
            terms[term.anchor] = term
        return list(terms.values())

    def term(self, node: yaml.Node) -> Term | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "each entry needs 'term' and 'definition'")
            return None
        fields = self.mapping(node, "a glossary entry")
        for key, (key_node, _) in fields.items():
            if key not in ("term", "definition", "also"):
                self.problem(key_node, f"unknown key '{key}' (allowed: term, definition, also)")
        missing = [key for key in ("term", "definition") if key not in fields]
        if missing:
            self.problem(node, f"glossary entry: missing {', '.join(missing)}")
            return None
        term = self.text(fields["term"][1], "'term'")
        definition = self.text(fields["definition"][1], "'definition'")
        also = self.text_list(fields["also"][1], "'also'") if "also" in fields else ()
        if term is None or definition is None or also is None:
            return None
        return Term(term, definition, also)

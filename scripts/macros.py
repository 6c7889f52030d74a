"""mkdocs-macros module: page content generated from the stage order and the glossary.

Macros return Markdown, so MkDocs still checks every link they write.
Text from the data files is escaped: a title is shown as written, never run as HTML.
"""

from __future__ import annotations

import html
import posixpath
import re
import sys
from pathlib import Path

# mkdocs-macros loads this file by path, without its folder on sys.path.
sys.path.insert(0, str(Path(__file__).parent))

from guide.glossary import capitalized
from guide.stages import StageProgram
from render.glossary_terms import GlossaryTerms
from render.page_jinja import PageSandbox

# What the hook puts under `extra:` for the templates and macros: not values for pages.
BUILD_MODELS = frozenset({"stage_program", "glossary"})
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]{}()#+!|~<>-])")


def markdown_text(text: str) -> str:
    """Text from a data file, safe to drop into Markdown: no HTML, no formatting."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(text, quote=False))


def page_names(env) -> frozenset[str]:
    """What a page may use in {{ ... }}: the macros below and the values under `extra:` in
    mkdocs.yml (as mkdocs-macros read them). The validator applies the same rule."""
    return frozenset(env.macros) | (frozenset(env.variables["extra"]) - BUILD_MODELS)


def on_pre_page_macros(env) -> None:
    # mkdocs-macros has no sandbox option and builds its Jinja environment after
    # define_env: this is the first point where it can be replaced, once.
    if not isinstance(env.env, PageSandbox):
        env._env = PageSandbox(env.env, page_names(env))
    # mkdocs-macros also renders a page's title as a template, between these two hooks.
    # Titles are data: the title is put aside, and back, as written.
    _titles_as_written[env.page.file.src_uri] = env.page.title
    env.page.title = "title"


def on_post_page_macros(env) -> None:
    env.page.title = _titles_as_written.pop(env.page.file.src_uri)


_titles_as_written: dict[str, str | None] = {}


def define_env(env) -> None:
    def program() -> StageProgram:
        # Set by the hook's on_config, which runs after this module is loaded.
        return env.conf["extra"]["stage_program"]

    def link_from_here(target: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(env.page.file.src_uri) or ".")

    @env.macro
    def stage_overview() -> str:
        """The stages as a numbered list: linked title, then the one-line summary."""
        return "\n".join(
            f"{stage.number}. [{markdown_text(stage.title)}]({link_from_here(stage.page)}): "
            f"{markdown_text(stage.summary)}"
            for stage in program()
        )

    @env.macro
    def start_link() -> str:
        """A button-like link to the first stage, for the top of the home page."""
        first = program().stages[0]
        text = f"Start: Stage {first.number}, {markdown_text(first.title)}"
        return f"[{text}]({link_from_here(first.page)}){{ .start-link }}"

    @env.macro
    def glossary() -> str:
        """Every glossary term as a heading with the id marked terms link to, and its
        definition. (The terms are read by the hook, which marks them in the pages.)"""
        terms: GlossaryTerms = env.conf["extra"]["glossary"]
        return "\n\n".join(
            f"## {markdown_text(capitalized(term.term))} {{ #{term.anchor} }}\n\n"
            f"{markdown_text(term.definition)}"
            for term in terms.terms
        )

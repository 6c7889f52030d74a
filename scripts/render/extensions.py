"""The Markdown extensions the site adds to mkdocs.yml's, in one place: the build's hook
adds them, and so does the validator's engine, which converts every page exactly as the
build does (and hands the build its conversions, see speed/render_cache.py)."""

from __future__ import annotations

from collections.abc import Iterable

from mkdocs.config.defaults import MkDocsConfig

from guide.glossary import GLOSSARY_PAGE, Term
from render.glossary_terms import GlossaryTerms
from render.permalink_names import PermalinkNames


def add_site_extensions(config: MkDocsConfig, terms: Iterable[Term]) -> GlossaryTerms:
    """Add the glossary's and the permalinks' extensions; returns the glossary's, whose
    `page` is to be set to each page before it is converted."""
    glossary = GlossaryTerms(terms, GLOSSARY_PAGE)
    config.markdown_extensions.append(glossary)  # type: ignore[arg-type]
    config.markdown_extensions.append(PermalinkNames())  # type: ignore[arg-type]
    return glossary

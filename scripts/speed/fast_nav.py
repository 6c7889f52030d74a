"""The sidebar with each closed entry rendered once, by the theme's own nav-item macro.

With `navigation.prune`, a page's sidebar is the open chain of sections leading to it
and, around it, closed entries. A closed entry renders the same on every page except for
its links, which are relative to the page. So each closed entry is rendered once, by the
macro itself, with its links written as markers, and each page fills in its own links;
the open chain is rendered by the macro as usual. Whatever markup the templates write
(Material's, or an override in overrides/partials/nav-item.html) is what comes out.

How: the macro's one recursive call in partials/nav-item.html is routed through
`nav_entry`. When that call is not found exactly once (the theme changed), the template
is left as it is, the plain path, with a one-line warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jinja2 import BaseLoader, Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from mkdocs.utils import normalize_url

from speed.levers import plain_path

NAV_ITEM = "partials/nav-item.html"
_RECURSIVE_CALL = re.compile(
    r"\{\{\s*render\(\s*(item,\s*path ~ \"_\" ~ loop\.index,[^)]*)\)\s*\}\}"
)
_ROUTED = r"{{ nav_entry(render, \1) }}"
# The base URL closed entries are rendered with: MkDocs' `url` filter then writes a link as
# MARKER + "/" + the link relative to the site's root, which each page turns into its own.
MARKER = "\x00nav"
_MARKED_LINK = re.compile(re.escape(MARKER) + r"/([^\"\x00]*)")


class RoutedNavLoader(BaseLoader):
    """The theme's loader, with nav-item.html's recursive call routed through nav_entry."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner
        self.routed = False

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template != NAV_ITEM:
            return source, filename, uptodate
        routed, count = _RECURSIVE_CALL.subn(_ROUTED, source)
        if count != 1:
            plain_path(f"{NAV_ITEM} has {count} recursive render calls, not one")
            return source, filename, uptodate
        self.routed = True
        return routed, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


class NavMemo:
    """Closed entries of one build, rendered once each: (text, root-relative link) pairs."""

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self.entries: dict[tuple[int, str, int, bool], list[tuple[str, str | None]]] = {}
        self.marked_macro: Callable[..., str] | None = None
        self.reused = 0

    @pass_context
    def nav_entry(  # noqa: PLR0917 (the macro's own arguments, as it calls itself)
        self,
        context: Context,
        render: Callable[..., str],
        item: Any,
        path: str,
        level: int,
        parent: Any = None,
    ) -> Markup:
        if item.active or (context.get("page") is None and context.get("base_url") != MARKER):
            return Markup(render(item, path, level, parent))
        parts = self._closed(context, item, path, level, parent)
        page = context["page"]
        if page is None:  # inside a closed entry being rendered: keep the markers
            return Markup(
                "".join(
                    text + (MARKER + "/" + link if link is not None else "") for text, link in parts
                )
            )
        return Markup(
            "".join(
                text + (normalize_url(link, page=page) if link is not None else "")
                for text, link in parts
            )
        )

    def _closed(
        self, context: Context, item: Any, path: str, level: int, parent: Any
    ) -> list[tuple[str, str | None]]:
        # The parent's state matters to the macro only with tabs; keyed on all the same.
        key = (id(item), path, level, bool(getattr(parent, "active", False)))
        if key not in self.entries:
            marked = str(self._marked(context)(item, path, level, parent))
            texts = _MARKED_LINK.split(marked)
            pairs: list[tuple[str, str | None]] = [
                (texts[index], texts[index + 1]) for index in range(0, len(texts) - 1, 2)
            ]
            self.entries[key] = [*pairs, (texts[-1], None)]
        else:
            self.reused += 1
        return self.entries[key]

    def _marked(self, context: Context) -> Callable[..., str]:
        """The macro, in a copy of the first page's context with no page and the marker base."""
        if self.marked_macro is None:
            variables = {**context.get_all(), "page": None, "base_url": MARKER}
            module = self.environment.get_template(NAV_ITEM).make_module(variables)
            self.marked_macro = getattr(module, "render")  # noqa: B009 (a macro, not typed)
        return self.marked_macro


def install(environment: Environment) -> NavMemo:
    """Route the sidebar through a fresh memo (one per build: the nav may change)."""
    inner = environment.loader
    if isinstance(inner, RoutedNavLoader):
        inner = inner.inner
    assert inner is not None
    environment.loader = RoutedNavLoader(inner)
    memo = NavMemo(environment)
    environment.globals["nav_entry"] = memo.nav_entry
    return memo

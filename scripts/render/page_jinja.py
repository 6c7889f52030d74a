"""The Jinja that pages get: a sandbox that knows the project's own names and nothing else.

mkdocs-macros renders opted-in pages with a plain Jinja environment in which every page
can reach Python (`lipsum.__globals__`, `config`, `environment`, includes from disk).
Pages are content, and content may come from outside the team, so pages get Jinja's
SandboxedEnvironment instead, with only the macros and variables the project declares.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jinja2 import Environment, Template
from jinja2.sandbox import SandboxedEnvironment

# Names Jinja itself puts in every template: none of them is for page content.
JINJA_GLOBALS = frozenset(Environment().globals)


class _ProjectNamesOnly(Template):
    """A template rendered with the declared names only, whatever the caller passes."""

    environment: PageSandbox

    def render(self, *args: Any, **kwargs: Any) -> str:
        allowed = self.environment.allowed
        names = {key: value for key, value in dict(*args, **kwargs).items() if key in allowed}
        return super().render(**names)


class PageSandbox(SandboxedEnvironment):
    """Sandboxed Jinja with only `allowed` names, no loader (no includes or imports), and the
    same undefined-name rule as the environment it replaces (strict here)."""

    template_class = _ProjectNamesOnly

    def __init__(self, base: Environment, allowed: Iterable[str]) -> None:
        super().__init__(undefined=base.undefined, autoescape=False)
        self.allowed = frozenset(allowed)
        self.globals = {name: base.globals[name] for name in self.allowed if name in base.globals}
        self.filters.update(
            {name: value for name, value in base.filters.items() if name in self.allowed}
        )

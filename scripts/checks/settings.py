"""What the checks need from mkdocs.yml: docs_dir, site_url, the names Jinja may use."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from guide.problems import Problem, read_source_text

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class Settings:
    """What the checks need from mkdocs.yml."""

    docs_dir: str = "docs"
    site_url: str = DEFAULT_SITE_URL
    jinja_names: frozenset[str] | None = None  # None: mkdocs-macros is not in use
    contact_url: str = ""  # extra.contact_url: where readers ask a question


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml like MkDocs does for the keys used here: `!ENV` is resolved."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    if isinstance(node, yaml.ScalarNode):
        return os.environ.get(loader.construct_scalar(node))
    values = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else []
    *names, default = values or [None]
    return next((os.environ[n] for n in names if n in os.environ), default)


_ConfigLoader.add_constructor("!ENV", _env_tag)
# Other tags (like `!!python/name:` for extensions) do not matter here.
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """docs_dir and site_url from root/mkdocs.yml; defaults when there is no such file."""
    path = root / "mkdocs.yml"
    if not path.exists():
        return Settings(), []
    text, problems = read_source_text(path, "mkdocs.yml")
    if text is None:
        return Settings(), problems
    try:
        data = yaml.load(text, Loader=_ConfigLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return Settings(), [Problem("mkdocs.yml", line, f"YAML syntax error: {error}")]
    if not isinstance(data, dict):
        return Settings(), [Problem("mkdocs.yml", 1, "expected 'key: value' settings")]
    docs_dir = data.get("docs_dir") or "docs"
    site_url = data.get("site_url") or ""
    extra = data.get("extra")
    contact_url = str(extra.get("contact_url") or "") if isinstance(extra, dict) else ""
    return Settings(str(docs_dir), str(site_url), macros_page_names(root, data), contact_url), []


def macros_page_names(root: Path, config: dict) -> frozenset[str] | None:
    """Every name a page may use in {{ ... }}: the values under `extra:` in mkdocs.yml and
    the macros the project's module defines (scripts/macros.py `page_names`, the sandbox's
    rule in the build). None without mkdocs-macros."""
    plugins = config.get("plugins") or []
    entries = [p if isinstance(p, dict) else {p: {}} for p in plugins if isinstance(p, dict | str)]
    macros = next((entry["macros"] for entry in entries if "macros" in entry), None)
    if macros is None:
        return None
    module = root / f"{(macros or {}).get('module_name', 'main')}.py"
    extra = config.get("extra")
    extra = extra if isinstance(extra, dict) else {}
    names = set(extra)
    if module.is_file():
        names |= _defined_in_module(ast.parse(module.read_text(encoding="utf-8")))
    return frozenset(names)


def _defined_in_module(tree: ast.AST) -> set[str]:
    """Functions decorated with env.macro / env.filter, and env.variables["name"] entries."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Attribute) and d.attr in ("macro", "filter")
            for d in node.decorator_list
        ):
            names.add(node.name)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "variables"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(str(node.slice.value))
    return names

"""Check the site for editors: every broken link, and every place the content disagrees with
the stage order, one line each as `path:line: message`.

    python scripts/validate.py                 # the Markdown source (make validate)
    python scripts/validate.py --site site/    # the built site (make build runs this)
    python scripts/validate.py --external      # also fetch http(s) links (needs internet)

Exit status: 0 when clean (warnings alone still pass), 1 when problems were found,
2 for usage errors (an unknown option, a --root or --site folder that does not exist).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
import yaml

from checks_site import check_site
from checks_source import ExternalLink, check_source
from problems import Problem, read_source_text

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL_CACHE = ".cache/external-links.json"
EXTERNAL_TIMEOUT = 5.0  # seconds per request
EXTERNAL_CACHE_SECONDS = 24 * 60 * 60
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class Settings:
    """What the checks need from mkdocs.yml."""

    docs_dir: str = "docs"
    site_url: str = DEFAULT_SITE_URL
    jinja_names: frozenset[str] | None = None  # None: mkdocs-macros is not in use


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
    return Settings(str(docs_dir), str(site_url), macros_page_names(root, data)), []


# What mkdocs-macros itself gives every page (variables, macros and filters).
_MACROS_PLUGIN_NAMES = """
config page navigation files environment plugin git extra macros filters filters_builtin
context macros_info now fix_url pretty relative_url
"""
MACROS_PLUGIN_NAMES = frozenset(_MACROS_PLUGIN_NAMES.split())


def macros_page_names(root: Path, config: dict) -> frozenset[str] | None:
    """Every name a page may use in {{ ... }}: the plugin's own, Jinja's, `extra` from
    mkdocs.yml, and what the project's macros module defines. None without mkdocs-macros."""
    plugins = config.get("plugins") or []
    entries = [p if isinstance(p, dict) else {p: {}} for p in plugins if isinstance(p, dict | str)]
    macros = next((entry["macros"] for entry in entries if "macros" in entry), None)
    if macros is None:
        return None
    module = root / f"{(macros or {}).get('module_name', 'main')}.py"
    extra = config.get("extra") if isinstance(config.get("extra"), dict) else {}
    names = set(MACROS_PLUGIN_NAMES) | set(jinja2.Environment().globals) | set(extra)
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


# --- External links (opt-in) ------------------------------------------------------------------

Fetch = Callable[[str], str | None]  # a URL -> None when fine, else why it is broken


def fetch_url(url: str, timeout: float = EXTERNAL_TIMEOUT) -> str | None:
    """HEAD the URL (GET when the server refuses HEAD); None when it answers below 400."""
    headers = {"User-Agent": "validate.py link check"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return f"HTTP {error.code}"
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            return f"cannot connect: {reason}"
    return None  # pragma: no cover - the GET attempt always returns


def external_link_problems(
    links: Iterable[ExternalLink], cache_path: Path, fetch: Fetch = fetch_url
) -> list[Problem]:
    """Fetch each distinct URL once; working URLs are cached for a day.

    Only successes are cached: a link that was just fixed, or a server that failed
    once, is tried again on the next run.
    """
    links = list(links)
    now = time.time()
    cache = _read_cache(cache_path)
    fresh = {url for url, checked in cache.items() if now - checked < EXTERNAL_CACHE_SECONDS}
    wanted = sorted({link.url for link in links} - fresh)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(wanted, pool.map(fetch, wanted), strict=True))
    cache = {url: checked for url, checked in cache.items() if url in fresh}
    cache.update({url: now for url, reason in results.items() if reason is None})
    _write_cache(cache_path, cache)
    return [
        Problem(link.path, link.line, f"external link '{link.url}' is broken ({results[link.url]})")
        for link in links
        if results.get(link.url)
    ]


def _read_cache(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int | float)}


def _write_cache(path: Path, cache: dict[str, float]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    except OSError:
        pass  # a cache that cannot be written only makes the next run slower


# --- Output -------------------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def report(problems: Sequence[Problem], files_checked: int, output_format: str, rerun: str) -> str:
    """The text to print: one line per problem, sorted, then a count (or one line when clean)."""
    problems = sorted(problems)
    if output_format == "json":
        rows = [
            {"path": p.path, "line": p.line, "severity": p.severity, "message": p.message}
            for p in problems
        ]
        return json.dumps(rows, indent=2)
    if not problems:
        return f"validate: {_plural(files_checked, 'file')} checked, no problems."
    if output_format == "github":
        lines = [
            f"::{p.severity} file={_github_escape(p.path, property_value=True)},"
            f"line={p.line}::{_github_escape(p.message)}"
            for p in problems
        ]
    else:
        lines = [str(p) for p in problems]
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    lines.append(
        f"{_plural(len(problems), 'problem')} ({_plural(errors, 'error')}, "
        f"{_plural(warnings, 'warning')}) in {_plural(files_checked, 'file')} checked."
    )
    if errors:
        lines.append(f"Fix each line above, then run '{rerun}' again.")
    return "\n".join(lines)


# --- Command line ---------------------------------------------------------------------------


def _existing_folder(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"folder '{value}' does not exist")
    return path


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-11-21") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="validate.py",
        description="Report every broken link and every disagreement with the stage order.",
    )
    parser.add_argument(
        "--root", type=_existing_folder, default=ROOT, help="the repository (default: this one)"
    )
    parser.add_argument(
        "--site",
        type=_existing_folder,
        metavar="DIR",
        help="check the site built in DIR instead of the Markdown source",
    )
    parser.add_argument("--format", choices=("text", "github", "json"), default="text")
    parser.add_argument(
        "--external",
        action="store_true",
        help=f"also fetch http(s) links ({EXTERNAL_TIMEOUT:g} s timeout, cached in "
        f"{EXTERNAL_CACHE})",
    )
    parser.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date review dates are compared with (default: today)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the checks and print the report; returns the exit status."""
    args = _parser().parse_args(argv)
    root: Path = args.root.resolve()
    settings, problems = read_settings(root)
    if args.site is not None:
        site = args.site.resolve()
        shown = os.path.relpath(site, root).replace(os.sep, "/")
        result = check_site(site, shown, settings.site_url)
        rerun = "make build"
    else:
        today = args.today or date.today()
        result = check_source(root, today, settings.docs_dir, settings.jinja_names)
        rerun = "make validate"
    problems += result.problems
    if args.external:
        problems += external_link_problems(result.external_links, root / EXTERNAL_CACHE)
    print(report(problems, result.files_checked, args.format, rerun))
    return 1 if any(p.severity == "error" for p in problems) else 0


if __name__ == "__main__":
    raise SystemExit(main())

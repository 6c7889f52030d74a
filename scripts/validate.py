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
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from checks.external import EXTERNAL_CACHE, EXTERNAL_TIMEOUT, external_link_problems
from checks.publishing import source_date_epoch_problem
from checks.report import Report, render_report
from checks.settings import read_settings
from checks.site_html import check_site

ROOT = Path(__file__).resolve().parent.parent


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


def source_report(root: Path, today: date) -> Report:
    """Everything `make validate` checks in the source under `root` (the preview shows the
    same problems on every page)."""
    # Imported here: the check of the built site (make build's last step) needs none of
    # MkDocs' Markdown, and importing it is a tenth of that check's time.
    from checks.source import check_source  # noqa: PLC0415

    config_file = _config_file(root)
    settings, problems = read_settings(config_file.parent)
    result = check_source(root, today, settings.docs_dir, settings.jinja_names, config_file)
    return replace(result, problems=problems + result.problems)


def _config_file(root: Path) -> Path:
    # A folder without its own mkdocs.yml (a test fixture) is read with this project's.
    config_file = root / "mkdocs.yml"
    return config_file if config_file.is_file() else ROOT / "mkdocs.yml"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the checks and print the report; returns the exit status."""
    args = _parser().parse_args(argv)
    epoch_problem = source_date_epoch_problem()
    if epoch_problem:
        print(f"validate: {epoch_problem}", file=sys.stderr)
        return 2
    root: Path = args.root.resolve()
    if args.site is not None:
        settings, problems = read_settings(_config_file(root).parent)
        site = args.site.resolve()
        shown = os.path.relpath(site, root).replace(os.sep, "/")
        result = check_site(site, shown, settings.site_url)
        problems += result.problems
        rerun = "make build"
    else:
        result = source_report(root, args.today or date.today())
        problems = result.problems
        rerun = "make validate"
    if args.external:
        problems += external_link_problems(result.external_links, root / EXTERNAL_CACHE)
    print(render_report(problems, result.files_checked, args.format, rerun))
    return 1 if any(p.severity == "error" for p in problems) else 0


if __name__ == "__main__":
    raise SystemExit(main())

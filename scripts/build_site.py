"""Build the site so that nothing broken is published: `make build`.

1. Check the Markdown source (validate.py); stop on errors.
2. `mkdocs build --strict` into a fresh folder next to site/ (same file system).
3. Check the built HTML (validate.py --site); stop on errors.
4. Only then swap the new folder in for site/.

Whenever a step fails, the new folder is removed and the previous site/ is left
exactly as it was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import validate
from checks.report import render_report
from checks.settings import read_settings
from checks.site_html import check_site

# The build folder's name, next to site/; .gitignore lists it.
BUILD_PREFIX = ".site-build-"


def main(argv: Sequence[str] | None = None) -> int:
    """Check, build, check the build, publish; returns the exit status."""
    parser = argparse.ArgumentParser(prog="build_site.py", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=validate.ROOT, help="the repository")
    parser.add_argument(
        "--site-dir", default="site", help="where the site is published (default: site)"
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    if not (root / "mkdocs.yml").is_file():
        parser.error(f"no mkdocs.yml in '{args.root}'")
    site = root / args.site_dir

    if validate.main(["--root", str(root)]) != 0:
        print(f"build: the source has problems; {args.site_dir}/ was not changed.")
        return 1
    build = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=site.parent))
    try:
        if not _mkdocs_build(root, build):
            print(f"build: mkdocs build failed; {args.site_dir}/ was not changed.")
            return 1
        if not _site_is_clean(root, build, shown_as=args.site_dir):
            print(f"build: the built site has problems; {args.site_dir}/ was not changed.")
            return 1
        _replace(site, build)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    print(f"build: published {args.site_dir}/")
    return 0


def _mkdocs_build(root: Path, build: Path) -> bool:
    """Run the strict build; its own output (the errors an editor needs) goes to the terminal."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
    command += ["--config-file", str(root / "mkdocs.yml"), "--site-dir", str(build)]
    completed = subprocess.run(command, cwd=root, env=environment, check=False)
    return completed.returncode == 0


def _site_is_clean(root: Path, build: Path, shown_as: str) -> bool:
    """validate.py --site on the new build, printed as the site/ it is about to become."""
    settings, problems = read_settings(root)
    result = check_site(build, shown_as, settings.site_url)
    problems += result.problems
    print(render_report(problems, result.files_checked, "text", "make build"))
    return not any(problem.severity == "error" for problem in problems)


def _replace(site: Path, build: Path) -> None:
    """site/ becomes the new build: two renames on one file system, then the old one goes."""
    backup = build.with_name(build.name + "-old")
    if site.exists():
        site.rename(backup)
    try:
        build.rename(site)
    except OSError:
        if backup.exists():
            backup.rename(site)  # put the previous site back
        raise
    shutil.rmtree(backup, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

"""Lighthouse benchmark: the site on a slow phone, against Material's defaults (`make bench`).

Installs Lighthouse (the exact version and dependency tree in
scripts/bench/lighthouse/package-lock.json) into .lighthouse/ with `npm ci`, the
first time or when the lock file changed. Builds two sites into a temporary folder,
from the same pages:

- project: the site as it is;
- Material defaults: the same mkdocs.yml (pages, Markdown extensions, hooks, macros),
  but the theme as Material ships it: no template overrides, features, palette or
  extra CSS/JavaScript, and `font: false` (Material's default font comes from Google,
  which is not reachable here and would not be a fair comparison).

With `--against REF`, a third site is built from the same files at a git commit
(`--against main`): a change is then measured side by side with what it changes.

It serves each on 127.0.0.1 with gzip (bench.pages) and runs Lighthouse with its
mobile settings (simulated slow 4G and a 4x slower CPU) on the home page and a stage
page, RUNS times each, the two sites taking turns so that load on the machine falls
on both alike. It prints the median of each score and of LCP, FCP and total
blocking time, the project's LCP as a ratio of the defaults', and the machine's load
average before and after the runs (the figures are only comparable within one table).

Not a test: figures depend on the machine. Needs npm, and Chromium at
/usr/bin/chromium (or $CHROMIUM).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

from bench.chromium import LAUNCH_ARGS, chromium_path
from bench.pages import serve

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST = Path(__file__).with_name("lighthouse")
INSTALL_DIR = REPO_ROOT / ".lighthouse"
LIGHTHOUSE = INSTALL_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TIMINGS = {
    "LCP": "largest-contentful-paint",
    "FCP": "first-contentful-paint",
    "TBT": "total-blocking-time",
}
PAGES = {"home": "", "stage (tolerance)": "stages/tolerance/"}
RUNS = 3


def install_lighthouse() -> Path:
    """Lighthouse from the lock file, in .lighthouse/ (ignored by git); reinstalled on change."""
    lock = MANIFEST / "package-lock.json"
    installed_lock = INSTALL_DIR / "package-lock.json"
    if LIGHTHOUSE.is_file() and installed_lock.is_file() and filecmp.cmp(lock, installed_lock):
        return LIGHTHOUSE
    INSTALL_DIR.mkdir(exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(MANIFEST / name, INSTALL_DIR / name)
    print("installing Lighthouse into .lighthouse/ ...", file=sys.stderr)
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=INSTALL_DIR,
        check=True,
    )
    return LIGHTHOUSE


def material_defaults(project: Path) -> None:
    """Turn a copy of the project into the same pages with Material's theme as it ships."""
    config_path = project / "mkdocs.yml"
    with config_path.open(encoding="utf-8") as file:
        config = yaml_load(file)  # MkDocs' own reading: resolves !ENV
    config["theme"] = {"name": "material", "language": "en", "font": False}
    config.pop("extra_css", None)
    config.pop("extra_javascript", None)
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


SITES: dict[str, Callable[[Path], None] | None] = {
    "project": None,
    "Material defaults": material_defaults,
}
SOURCES = ("mkdocs.yml", "docs", "overrides", "scripts")


def copy_sources(project: Path) -> None:
    """What a build reads, from the working tree as it is."""
    shutil.copy2(REPO_ROOT / "mkdocs.yml", project)
    for folder_name in SOURCES[1:]:
        shutil.copytree(
            REPO_ROOT / folder_name,
            project / folder_name,
            ignore=shutil.ignore_patterns("__pycache__"),
        )


def sources_at(ref: str) -> Callable[[Path], None]:
    """Replace a copy's sources with what they were at the git commit `ref`."""

    def checkout(project: Path) -> None:
        for name in SOURCES:
            target = project / name
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        archive = subprocess.run(
            ["git", "archive", "--format=tar", ref, *SOURCES],
            cwd=REPO_ROOT,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)

    return checkout


def build(name: str, change: Callable[[Path], None] | None, folder: Path) -> Path:
    """Build a copy of the project (changed by `change`) and return its site folder."""
    project = folder / "project"
    project.mkdir(parents=True)
    copy_sources(project)
    if change is not None:
        change(project)
    site = folder / "site"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"},
        check=True,
    )
    print(f"built {name}", file=sys.stderr)
    return site


@dataclass(frozen=True)
class Run:
    scores: dict[str, float]  # category -> 0..100
    timings: dict[str, float]  # LCP/FCP/TBT -> ms


def lighthouse(binary: Path, url: str) -> Run:
    """One Lighthouse run with its default (mobile) settings."""
    chrome_flags = " ".join(["--headless=new", *LAUNCH_ARGS])
    result = subprocess.run(
        [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={chrome_flags}",
        ],
        env={**os.environ, "CHROME_PATH": str(chromium_path())},
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        sys.exit(f"Lighthouse failed on {url}: {report['runtimeError']}")
    return Run(
        {name: report["categories"][name]["score"] * 100 for name in CATEGORIES},
        {name: report["audits"][audit]["numericValue"] for name, audit in TIMINGS.items()},
    )


def median_run(runs: list[Run]) -> Run:
    return Run(
        {name: statistics.median(run.scores[name] for run in runs) for name in CATEGORIES},
        {name: statistics.median(run.timings[name] for run in runs) for name in TIMINGS},
    )


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` shows them."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def print_table(
    results: dict[tuple[str, str], list[Run]], sites: Sequence[str], runs: int, loads: Sequence[str]
) -> None:
    medians = {key: median_run(site_runs) for key, site_runs in results.items()}
    print(f"Lighthouse (mobile), median of {runs} runs each, sites taking turns")
    print(
        f"(load average {loads[0]} before the runs, {loads[1]} after, on {os.cpu_count()} cores):\n"
    )
    # LCP's spread too: Lighthouse simulates the slow phone from one real page load, and on a
    # loaded machine the runs often fall into two groups some 0.4 s apart.
    print(
        "| page | site | performance | accessibility | best practices | SEO | LCP "
        "| LCP, all runs | FCP | TBT |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page in PAGES:
        for site in sites:
            run = medians[page, site]
            scores = " | ".join(f"{run.scores[name]:.0f}" for name in CATEGORIES)
            lcp, fcp, tbt = (run.timings[name] for name in TIMINGS)
            every = ", ".join(f"{each.timings['LCP'] / 1000:.2f}" for each in results[page, site])
            print(
                f"| {page} | {site} | {scores} | {lcp / 1000:.2f} s | {every} "
                f"| {fcp / 1000:.2f} s | {tbt:.0f} ms |"
            )
    print()
    for page in PAGES:
        project, defaults = medians[page, "project"], medians[page, "Material defaults"]
        ratio = project.timings["LCP"] / defaults.timings["LCP"]
        print(f"- {page}: the project's LCP is x{ratio:.2f} of Material defaults'")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per page and site (median)")
    parser.add_argument(
        "--against", metavar="REF", help="also measure the site as it is at this git commit"
    )
    args = parser.parse_args(argv)
    sites = dict(SITES)
    if args.against:
        sites[args.against] = sources_at(args.against)
    binary = install_lighthouse()
    results: dict[tuple[str, str], list[Run]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as temp, ExitStack() as stack:
        urls = {}
        for number, (name, change) in enumerate(sites.items()):
            site = build(name, change, Path(temp) / str(number))
            urls[name] = stack.enter_context(serve(site))
        loads = [load_average()]
        for number in range(args.runs):
            for page, path in PAGES.items():
                for name, url in urls.items():
                    results.setdefault((page, name), []).append(lighthouse(binary, url + path))
            print(f"run {number + 1} of {args.runs} done", file=sys.stderr)
        loads.append(load_average())
    print_table(results, list(sites), args.runs, loads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

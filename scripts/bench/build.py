"""Build benchmark: does the build stay linear as the site grows? (`make bench`)

For N = 100, 1,000 and 3,000 pages it makes, in a temporary folder, a copy of
the real site (mkdocs.yml, stage order, hooks, macros, overrides) grown with
N - 6 articles of about 600 words, in sections of about 25 and topics of about
12 sections, each with 5 links (some to anchors) to other articles. It then
measures, side by side and median of several runs:

- the project's build (`mkdocs build --strict` with everything the site uses);
- the same pages with Material's defaults and none of the project's machinery;
- the validator, on the source and on the built site.

It prints wall time, ms/page, peak memory, the size of a typical page, and the
ratios the targets are stated in.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SECTION_SIZE = 25
SECTIONS_PER_TOPIC = 12
_VOCABULARY = """
kidney care team blood test result week visit medicine body water salt food rest sleep
walk question answer nurse doctor clinic letter appointment plan change feeling tired
energy day night family friend home work help support check level health treatment
stage program immune system reaction simple clear short plain word page guide read list
"""
WORDS = tuple(_VOCABULARY.split())
HEADINGS = ("What it is", "Why it matters", "What you can do", "Questions to ask")

# Runs the command in-process so its peak memory is this process's own.
MEASURE = """
import resource, runpy, sys, time
sys.argv = sys.argv[1:]
start = time.perf_counter()
try:
    if sys.argv[0].endswith(".py"):  # a script, run as `python script.py` would
        sys.path.insert(0, sys.argv[0].rpartition("/")[0])
        runpy.run_path(sys.argv[0], run_name="__main__")
    else:
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
except SystemExit as exit:
    code = exit.code or 0
else:
    code = 0
elapsed = time.perf_counter() - start
# The largest of this process and any worker processes it started.
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
peak = max(one.ru_maxrss for one in usage) / 1024
print(f"@@measure {elapsed:.4f} {peak:.1f} {code}", file=sys.stderr)
"""

BASELINE_CONFIG = """\
site_name: Baseline
theme:
  name: material
"""


def slug(text: str) -> str:
    return text.lower().replace(" ", "-")


def article_paths(count: int) -> list[str]:
    """Paths under docs/ for `count` articles: topics, then sections, then pages."""
    paths = []
    for number in range(count):
        section, page = divmod(number, SECTION_SIZE)
        topic = section // SECTIONS_PER_TOPIC
        paths.append(f"articles/topic-{topic:02d}/section-{section:03d}/article-{page:02d}.md")
    return paths


def article_text(rng: random.Random, number: int, path: str, paths: list[str]) -> str:
    """About 600 words, four headings, five links to other articles (two to an anchor)."""
    lines = [
        "---",
        "last_reviewed: 2026-11-21",
        "next_review: 2027-11-21",
        "---",
        "",
        f"# Article {number}: {rng.choice(WORDS).capitalize()} and your {rng.choice(WORDS)}",
        "",
    ]
    folder = Path(path).parent
    targets = rng.sample(paths, 5)
    for index, heading in enumerate(HEADINGS):
        lines += [f"## {heading}", ""]
        sentences = []
        for _ in range(12):
            sentences.append(" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ".")
        target = targets[index]
        anchor = f"#{slug(HEADINGS[1])}" if index % 2 else ""
        link = (
            f"[{rng.choice(WORDS)} {rng.choice(WORDS)}]({os.path.relpath(target, folder)}{anchor})"
        )
        sentences.insert(3, f"See {link} for more.")
        lines += [*textwrap.wrap(" ".join(sentences), 80), ""]
    lines.append(f"Also read [the overview]({os.path.relpath('index.md', folder)}).")
    return "\n".join(lines) + "\n"


def make_project(root: Path, pages: int, *, baseline: bool) -> Path:
    """A copy of the real site grown to `pages` pages (6 stages + articles)."""
    root.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "docs", root / "docs")
    if baseline:
        (root / "mkdocs.yml").write_text(BASELINE_CONFIG, encoding="utf-8")
    else:
        for name in ("overrides", "scripts"):
            shutil.copytree(
                REPO_ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        config = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
        config = config.replace(
            "  - Glossary: glossary.md\n", "  - Articles: articles/\n  - Glossary: glossary.md\n"
        )
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    rng = random.Random(pages)
    paths = article_paths(pages - 6)
    for number, path in enumerate(paths):
        target = root / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(article_text(rng, number, path, paths), encoding="utf-8")
    return root


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one run of a Python module command, in a fresh process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1763683200"}
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    marker = [line for line in result.stderr.splitlines() if line.startswith("@@measure")]
    seconds, peak, code = marker[-1].split()[1:] if marker else ("0", "0", "crashed")
    if code != "0":
        sys.exit(f"failed in {cwd}: {' '.join(command)}\n{result.stdout}\n{result.stderr[-3000:]}")
    return float(seconds), float(peak)


def median_of(runs: int, command: list[str], cwd: Path) -> tuple[float, float]:
    results = [measure(command, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def typical_page_kb(site: Path) -> float:
    """Median size of the articles' HTML: what one page costs a reader."""
    sizes = [path.stat().st_size for path in (site / "articles").rglob("index.html")]
    return statistics.median(sizes) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-build-") as temp:
        for pages in args.pages:
            row = {"pages": pages}
            for kind in ("project", "baseline"):
                project = make_project(
                    Path(temp) / f"{kind}-{pages}", pages, baseline=kind == "baseline"
                )
                build = ["mkdocs", "build", "--quiet", "--site-dir", "site"]
                if kind == "project":
                    build.insert(2, "--strict")
                seconds, peak = median_of(args.runs, build, project)
                row[kind] = {
                    "seconds": seconds,
                    "ms_per_page": seconds * 1000 / pages,
                    "peak_mb": peak,
                    "page_kb": typical_page_kb(project / "site"),
                }
                if kind == "project":
                    validate = str(project / "scripts" / "validate.py")
                    source, source_peak = median_of(args.runs, [validate, "--root", "."], project)
                    site, site_peak = median_of(
                        args.runs, [validate, "--root", ".", "--site", "site"], project
                    )
                    row["validate_source"] = {"seconds": source, "peak_mb": source_peak}
                    row["validate_site"] = {"seconds": site, "peak_mb": site_peak}
                shutil.rmtree(project)
            rows.append(row)
            print(f"measured {pages} pages", file=sys.stderr)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


def print_table(rows: list[dict]) -> None:
    print(
        "| pages | project build | ms/page | peak MB | page KB "
        "| Material defaults | ms/page | peak MB | page KB "
        "| validate source | validate --site |"
    )
    print("| ---: " * 11 + "|")
    for row in rows:
        project, baseline = row["project"], row["baseline"]
        print(
            f"| {row['pages']:,} | {project['seconds']:.2f} s | {project['ms_per_page']:.1f} "
            f"| {project['peak_mb']:.0f} | {project['page_kb']:.1f} "
            f"| {baseline['seconds']:.2f} s | {baseline['ms_per_page']:.1f} "
            f"| {baseline['peak_mb']:.0f} | {baseline['page_kb']:.1f} "
            f"| {row['validate_source']['seconds']:.2f} s "
            f"| {row['validate_site']['seconds']:.2f} s |"
        )
    first, last = rows[0], rows[-1]
    print()
    print(f"Ratios, {last['pages']:,} pages against {first['pages']:,}:")
    for kind in ("project", "baseline"):
        per_page = last[kind]["ms_per_page"] / first[kind]["ms_per_page"]
        size = last[kind]["page_kb"] / first[kind]["page_kb"]
        print(f"- {kind}: ms/page x{per_page:.2f}, typical page size x{size:.2f}")
    speedup = last["baseline"]["seconds"] / last["project"]["seconds"]
    print(f"- Material defaults take {speedup:.1f}x the project's time at {last['pages']:,} pages")


if __name__ == "__main__":
    raise SystemExit(main())

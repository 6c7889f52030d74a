"""Build benchmark: `make build` against plain Material, 100 to 3,000 pages (`make bench`).

For N = 100, 1,000 and 3,000 pages it makes, in a temporary folder, a copy of
the real site (mkdocs.yml, stage order, hooks, macros, overrides) grown with
N - 6 articles of about 600 words, in sections of about 25 and topics of about
12 sections, each with 5 links (some to anchors) to other articles, and the
same pages under plain Material (`navigation.prune` + `navigation.sections`,
no hooks, no macros). Then, median of 3, the two measured in alternation:

- cold `make build` exactly as `make` runs it (scripts/build_site.py: validate,
  strict build, site check, swap; nothing cached, warnings shown and counted);
- `mkdocs build` of plain Material on the same pages;
- a warm `make build` with one page changed (the render cache of the last build kept);
- `validate.py --site` on the project's built site;
- under the preview (`make serve`, scripts/serve.py), from saving one page to the new word
  in Chromium's DOM, and from saving stages.yml to the new stage title (bench/preview.py).

Peak memory counts every process of the build (parent and children together; see
bench/processes.py). It prints the table for the README, the ratios the targets
are stated in, and the load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

from bench.chromium import chromium_path
from bench.processes import Measured, quiet_environment, run_measured

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

BASELINE_CONFIG = """\
site_name: Baseline
theme:
  name: material
  features:
    - navigation.prune
    - navigation.sections
"""
# What the targets of issue 14 say, checked at the largest size.
TARGET_SECONDS = 12.0
TARGET_RATIO = 0.65
TARGET_PEAK_MB = 200.0
TARGET_GROWTH = 1.2
TARGET_VALIDATE_SITE = 1.0
TARGET_WARM = 4.0
TARGET_PREVIEW = 2.0  # from saving one page to the browser showing it


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


def _run(command: list[str], cwd: Path) -> Measured:
    result = run_measured([sys.executable, *command], cwd, quiet_environment())
    if result.returncode != 0:
        sys.exit(f"failed in {cwd}: {' '.join(command)}\n{result.output[-3000:]}")
    return result


def make_build(project: Path, *, cold: bool) -> Measured:
    """scripts/build_site.py as `make build` runs it; cold: nothing kept from before."""
    if cold:
        for name in (".cache", "site", ".site-versions"):
            path = project / name
            if path.is_symlink():
                path.unlink()
            elif path.exists():
                shutil.rmtree(path)
    return _run([str(project / "scripts" / "build_site.py"), "--root", str(project)], project)


def change_one_page(project: Path, run: int) -> None:
    """An editor's one-word change to one article."""
    page = project / "docs" / article_paths(1)[0]
    page.write_text(page.read_text(encoding="utf-8") + f"\nEdited ({run}).\n", encoding="utf-8")


def measure_size(temp: Path, pages: int, runs: int) -> dict:
    project = make_project(temp / f"project-{pages}", pages, baseline=False)
    baseline = make_project(temp / f"baseline-{pages}", pages, baseline=True)
    cold: list[Measured] = []
    plain: list[Measured] = []
    for _ in range(runs):  # in alternation, so load changes hit both alike
        cold.append(make_build(project, cold=True))
        plain.append(_run(["-m", "mkdocs", "build", "--site-dir", "site"], baseline))
    warm = []
    for run in range(runs):
        change_one_page(project, run)
        warm.append(make_build(project, cold=False))
    validator = str(project / "scripts" / "validate.py")
    site_check = [_run([validator, "--root", ".", "--site", "site"], project) for _ in range(runs)]
    from bench import preview  # noqa: PLC0415 (it uses this module's site)

    edits = preview.measure_project(project, runs) if chromium_path().exists() else None
    row = {
        "pages": pages,
        "project": _summary(cold, pages),
        "baseline": _summary(plain, pages),
        "warm": _summary(warm, pages),
        "validate_site": _summary(site_check, pages),
        "preview": edits,
        "page_kb": {
            "project": typical_page_kb(project / "site"),
            "baseline": typical_page_kb(baseline / "site"),
        },
    }
    shutil.rmtree(project)
    shutil.rmtree(baseline)
    return row


def _summary(results: list[Measured], pages: int) -> dict:
    seconds = statistics.median(result.seconds for result in results)
    return {
        "seconds": seconds,
        "ms_per_page": seconds * 1000 / pages,
        "peak_mb": max(result.peak_pss_mb for result in results),
        "peak_rss_mb": max(result.peak_rss_mb for result in results),
    }


def typical_page_kb(site: Path) -> float:
    """Median size of the articles' HTML: what one page costs a reader."""
    sizes = [path.stat().st_size for path in (site / "articles").rglob("index.html")]
    return statistics.median(sizes) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        "--pages",
        type=int,
        nargs="+",
        default=[100, 1000, 3000],
        dest="pages",
        help="site sizes in pages (default: 100 1000 3000)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-build-") as temp:
        for pages in args.pages:
            rows.append(measure_size(Path(temp), pages, args.runs))
            print(f"measured {pages} pages", file=sys.stderr)
    print_table(rows, load_before, os.getloadavg())
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


def print_table(
    rows: list[dict], load_before: tuple[float, ...], load_after: tuple[float, ...]
) -> None:
    print(
        "| pages | `make build`, cold | ms/page | peak MB | plain Material | ms/page | peak MB "
        "| ratio | warm, one page changed | `validate --site` | preview: page saved → shown "
        "| preview: stages.yml saved → shown |"
    )
    print("| ---: " * 12 + "|")
    for row in rows:
        project, baseline, edits = row["project"], row["baseline"], row["preview"]
        shown = (
            f"{edits['page_edit']:.2f} s | {edits['stages_edit']:.2f} s"
            if edits
            else "no browser | no browser"
        )
        print(
            f"| {row['pages']:,} | {project['seconds']:.2f} s | {project['ms_per_page']:.1f} "
            f"| {project['peak_mb']:.0f} | {baseline['seconds']:.2f} s "
            f"| {baseline['ms_per_page']:.1f} | {baseline['peak_mb']:.0f} "
            f"| {project['seconds'] / baseline['seconds']:.2f} "
            f"| {row['warm']['seconds']:.2f} s | {row['validate_site']['seconds']:.2f} s "
            f"| {shown} |"
        )
    first, last = rows[0], rows[-1]
    project = last["project"]
    growth = project["ms_per_page"] / first["project"]["ms_per_page"]
    baseline_growth = last["baseline"]["ms_per_page"] / first["baseline"]["ms_per_page"]
    ratio = project["seconds"] / last["baseline"]["seconds"]
    print()
    print(f"Load average (1, 5, 15 min): {_load(load_before)} before, {_load(load_after)} after.")
    print(
        "Peak MB: PSS summed over every process of the build; "
        f"RSS summed: {project['peak_rss_mb']:.0f} MB at {last['pages']:,} pages."
    )
    print(
        f"Page size: {last['page_kb']['project']:.1f} KB (project), "
        f"{last['page_kb']['baseline']:.1f} KB (plain Material)."
    )
    print()
    print(f"Targets at {last['pages']:,} pages:")
    checks = [
        (
            f"cold make build {project['seconds']:.2f} s",
            project["seconds"] <= TARGET_SECONDS,
            f"<= {TARGET_SECONDS:g} s on a quiet machine",
        ),
        (f"ratio to plain Material {ratio:.2f}", ratio <= TARGET_RATIO, f"<= {TARGET_RATIO}"),
        (
            f"peak memory {project['peak_mb']:.0f} MB",
            project["peak_mb"] <= TARGET_PEAK_MB,
            f"<= {TARGET_PEAK_MB:g} MB",
        ),
        (
            f"ms/page x{growth:.2f} of {first['pages']:,} pages "
            f"(plain Material x{baseline_growth:.2f})",
            growth <= TARGET_GROWTH,
            f"<= x{TARGET_GROWTH}",
        ),
        (
            f"validate --site {last['validate_site']['seconds']:.2f} s",
            last["validate_site"]["seconds"] <= TARGET_VALIDATE_SITE,
            f"<= {TARGET_VALIDATE_SITE:g} s",
        ),
        (
            f"warm build, one page changed {last['warm']['seconds']:.2f} s",
            last["warm"]["seconds"] <= TARGET_WARM,
            f"<= {TARGET_WARM:g} s",
        ),
    ]
    if last["preview"]:
        seconds = last["preview"]["page_edit"]
        checks.append(
            (
                f"preview, one page saved → shown {seconds:.2f} s",
                seconds <= TARGET_PREVIEW,
                f"<= {TARGET_PREVIEW:g} s",
            )
        )
    for what, met, target in checks:
        print(f"- {what}: {'met' if met else 'NOT met'} (target {target})")


def _load(load: tuple[float, ...]) -> str:
    return ", ".join(f"{value:.1f}" for value in load)


if __name__ == "__main__":
    raise SystemExit(main())

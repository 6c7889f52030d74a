"""Benchmark of validate.py on synthetic sites of 100, 1,000 and 3,000 pages (run by hand).

    cd scripts && python -m bench.validate [--sizes 100 1000 3000] [--repeat 5]

For each size it writes, in a temporary folder, a docs/ tree (stage pages and topic
pages of about 600 words, each with 5 internal links with anchors) and a built site
(pages of about 25 KB with ids, navigation links and assets), then times the source
check and the --site check in a fresh process per measurement, so that memory
figures do not accumulate. It prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import yaml
from mkdocs.config import load_config

from checks.site_html import check_site
from checks.source import RENDER_CACHE, check_source

SCRIPTS = Path(__file__).resolve().parents[1]
KINDS = {
    "source": "source, cold (nothing cached)",
    "warm": "source, warm (one page edited)",
    "site": "--site",
}
SAMPLE_WORDS = (
    "kidney immune system care team medicine treatment check test body stage plain words "
    "family support question answer time month week doctor nurse result blood sample clinic"
)
WORDS = SAMPLE_WORDS.split()
TODAY = date(2026, 11, 21)


def _prose(rng: random.Random, words: int) -> str:
    sentences = []
    while words > 0:
        length = rng.randint(8, 16)
        sentence = " ".join(rng.choice(WORDS) for _ in range(length))
        sentences.append(sentence.capitalize() + ".")
        words -= length
    return " ".join(sentences)


def _headings(index: int) -> list[str]:
    return [f"Part {index} section {n}" for n in range(1, 6)]


def _slug(text: str) -> str:
    return text.lower().replace(" ", "-")


def _config_like_the_site() -> str:
    """mkdocs.yml for the synthetic pages: the site's own Markdown settings, no theme or nav."""
    site = load_config(str(SCRIPTS.parent / "mkdocs.yml"))
    return yaml.safe_dump(
        {
            "site_name": "Benchmark",
            "exclude_docs": "_data/\n",
            "validation": {"omitted_files": "ignore"},
            "markdown_extensions": [
                {name: site.mdx_configs.get(name, {})} for name in site.markdown_extensions
            ],
        }
    )


def write_source(root: Path, pages: int, seed: int = 1) -> None:
    """A docs/ tree of `pages` pages: a tenth of them stages, in order, the rest topics."""
    rng = random.Random(seed)
    docs = root / "docs"
    (docs / "_data").mkdir(parents=True)
    (docs / "stages").mkdir()
    (docs / "topics").mkdir()
    stage_count = max(6, pages // 10)
    paths = [f"stages/s{n}.md" for n in range(1, stage_count + 1)]
    paths += [f"topics/p{n}.md" for n in range(1, pages - stage_count + 1)]
    entries = [
        f"  - id: s{n}\n    title: Stage {n} title\n    label: S{n}\n"
        f"    summary: Stage {n} in one sentence.\n    page: stages/s{n}.md\n"
        for n in range(1, stage_count + 1)
    ]
    (docs / "_data" / "stages.yml").write_text("stages:\n" + "\n".join(entries))
    (root / "mkdocs.yml").write_text(_config_like_the_site())
    for number, path in enumerate(paths, start=1):
        is_stage = path.startswith("stages/")
        front = f"---\nlast_reviewed: {TODAY}\nnext_review: 2027-06-01\n---\n\n"
        body = [] if is_stage else [f"# Page {number}\n"]
        for heading in _headings(number):
            targets = rng.sample(range(1, len(paths) + 1), 1)
            target = targets[0]
            link = f"../{paths[target - 1]}#{_slug(_headings(target)[rng.randrange(5)])}"
            body.append(f"## {heading}\n\n{_prose(rng, 110)} See [more]({link}).\n")
        if is_stage:
            n = int(path[8:-3])
            if n > 1:
                body.append(f"Previous: Stage {n - 1} title\n")
            if n < stage_count:
                body.append(f"Next: Stage {n + 1} title\n")
        (docs / path).write_text(front + "\n".join(body))


def write_site(root: Path, pages: int, seed: int = 1) -> None:
    """A built site of `pages` pages of about 25 KB, linking each other and shared assets."""
    rng = random.Random(seed)
    site = root / "site"
    (site / "assets").mkdir(parents=True)
    for asset in ("main.css", "bundle.js", "logo.png"):
        (site / "assets" / asset).write_text("x")
    for number in range(1, pages + 1):
        folder = site / f"p{number}"
        folder.mkdir()
        nav = "\n".join(
            f'<li class="md-nav__item"><a href="../p{target}/" class="md-nav__link">'
            f"Page {target}</a></li>"
            for target in rng.sample(range(1, pages + 1), min(pages, 60))
        )
        toc = "\n".join(
            f'<li><a href="#{_slug(h)}" class="md-nav__link">{h}</a></li>'
            for h in _headings(number)
        )
        sections = "\n".join(
            f'<h2 id="{_slug(h)}">{h}<a class="headerlink" href="#{_slug(h)}">¶</a></h2>\n'
            f"<p>{_prose(rng, 400)} "
            f'<a href="../p{(t := rng.randint(1, pages))}/#{_slug(_headings(t)[2])}">more</a></p>'
            for h in _headings(number)
        )
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<link rel="canonical" href="http://127.0.0.1:8000/p{number}/">
<link rel="icon" href="../assets/logo.png"><link rel="stylesheet" href="../assets/main.css">
<script>var __md_scope=new URL("..",location)</script>
</head><body><header id="top"><a href="../" class="md-logo"><img src="../assets/logo.png"></a>
</header><nav class="md-nav"><ul>{nav}</ul></nav><nav class="md-toc"><ul>{toc}</ul></nav>
<article class="md-content">{sections}</article>
<script src="../assets/bundle.js"></script></body></html>
"""
        (folder / "index.html").write_text(page)
    (site / "index.html").write_text('<a href="p1/">start</a>')


def measure(kind: str, root: Path, repeat: int) -> dict[str, float]:
    """Run one check `repeat` times in this process; the median time and peak memory."""
    times = []
    edited = root / "docs" / "topics" / "p1.md"
    if kind == "warm":
        check_source(root, TODAY)  # what an editor's previous run left in the cache
    for run in range(repeat):
        if kind == "source":  # cold: nothing rendered before
            (root / RENDER_CACHE).unlink(missing_ok=True)
        if kind == "warm":  # one page changed since the last run
            edited.write_text(edited.read_text() + f"\nEdit number {run}.\n")
        start = time.perf_counter()
        if kind in ("source", "warm"):
            report = check_source(root, TODAY)
        else:
            report = check_site(root / "site", "site", "http://127.0.0.1:8000/")
        times.append(time.perf_counter() - start)
        if report.problems:
            raise SystemExit(f"the synthetic site has problems: {report.problems[:3]}")
    # Big sites are checked by worker processes too: count the largest one as well.
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_kb += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"median": statistics.median(times), "files": report.files_checked, "mb": peak_kb / 1024}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--measure", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.root, args.repeat)))
        return 0

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as temporary:
        for size in args.sizes:
            root = Path(temporary) / str(size)
            write_source(root, size)
            write_site(root, size)
            for kind in KINDS:
                command = [sys.executable, "-m", "bench.validate", "--measure", kind]
                command += ["--root", str(root), "--repeat", str(args.repeat)]
                finished = subprocess.run(command, check=True, capture_output=True, cwd=SCRIPTS)
                result = json.loads(finished.stdout)
                rows.append((kind, size, result))
    per_page = {(kind, size): r["median"] * 1000 / size for kind, size, r in rows}
    print(
        f"Median of {args.repeat} runs of the check (Python start-up not included); peak "
        "memory is the whole process plus its largest worker.\n"
    )
    print("| check | pages | files | median | per page | peak memory | per page vs smallest |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    smallest = min(args.sizes)
    for kind, size, result in rows:
        ratio = per_page[kind, size] / per_page[kind, smallest]
        print(
            f"| {KINDS[kind]} | {size:,} | {result['files']:,} | "
            f"{result['median'] * 1000:.0f} ms | {per_page[kind, size]:.3f} ms | "
            f"{result['mb']:.0f} MB | {ratio:.2f}x |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

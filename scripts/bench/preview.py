"""Preview benchmark: from saving one page to the browser showing the change (`make bench`).

For each size it grows a copy of the real site (bench/build.py's articles), starts the
real preview on it (scripts/serve.py, what `make serve` runs) on a free port of
127.0.0.1, opens one article in Chromium and, median of 3, writes a new word into that
article's Markdown and measures until the word is in the page's DOM (the live-reload
script reloads the page). Once more with a change to stages.yml (a stage's title, which
every page's sidebar shows: a full rebuild) until the new title is in the DOM.

Not a test (the figures depend on the machine); needs Chromium at /usr/bin/chromium or
the browser in $BROWSER_PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from bench.build import TARGET_PREVIEW, article_paths, make_project
from bench.chromium import LAUNCH_ARGS, chromium_path
from bench.processes import quiet_environment, stop_session
from checks.addresses import record_published

STARTUP_SECONDS = 600.0  # the first build of a big site, on a busy machine
CHANGE_SECONDS = 120.0
STAGE_TITLE = "title: Immune clearance"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_preview(project: Path) -> Iterator[str]:
    """scripts/serve.py on `project` until the block ends; yields its address."""
    port = _free_port()
    log = (project.parent / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "scripts/serve.py", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=quiet_environment(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_built(url, process, time.monotonic() + STARTUP_SECONDS)
        yield url
    finally:
        stop_session(process, grace_seconds=30)
        log.close()


def _wait_until_built(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    page = url + _address(article_paths(1)[0])
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the preview stopped (exit status {process.returncode})")
        with suppress(OSError), urllib.request.urlopen(page, timeout=10) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    sys.exit("the preview did not serve the article in time")


def _until_idle(log: Path) -> None:
    """Until the preview has checked what it last built (its log says 'Preview: ...' once
    per rebuild): the next save then measures one rebuild, not the end of the last."""
    deadline = time.monotonic() + CHANGE_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if text.count("Building documentation...") == text.count("Preview: "):
            break
        time.sleep(0.2)
    time.sleep(0.5)  # and the file watcher has settled


def _address(path: str) -> str:
    return path.removesuffix(".md") + "/"


def _saved_until_shown(page: Page, path: Path, old: str, new: str, shown: str) -> float:
    """Seconds from saving `path` (with `old` replaced by `new`) until `shown` is in the
    page's DOM, after the reloads it takes."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    start = time.perf_counter()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    page.wait_for_function(
        "text => document.body !== null && document.body.innerText.includes(text)",
        arg=shown,
        timeout=CHANGE_SECONDS * 1000,
        polling=20,
    )
    return time.perf_counter() - start


def measure(temp: Path, pages: int, runs: int) -> dict:
    project = make_project(temp / f"preview-{pages}", pages, baseline=False)
    # As after the editors' last `make build`: every address is recorded (otherwise each
    # new article is a warning on every page).
    record_published(project / "mkdocs.yml", project / "docs")
    return {"pages": pages, **measure_project(project, runs)}


def measure_project(project: Path, runs: int) -> dict:
    """Seconds from saving to shown, in the preview of a grown site (bench/build.py)."""
    article = project / "docs" / article_paths(1)[0]
    page_edits: list[float] = []
    with running_preview(project) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path()), args=LAUNCH_ARGS)
        page = browser.new_page()
        page.goto(url + _address(article_paths(1)[0]), wait_until="load")
        previous = "Also read [the overview]"
        _until_idle(project.parent / "serve.log")
        for run in range(runs):
            word = f"Edited{run}word"
            edited = f"{word} {previous}"
            page_edits.append(_saved_until_shown(page, article, previous, edited, word))
            previous = edited
            _until_idle(project.parent / "serve.log")
        stages = project / "docs" / "_data" / "stages.yml"
        new_title = "title: Immune cleanup"
        full = _saved_until_shown(page, stages, STAGE_TITLE, new_title, "Immune cleanup")
        browser.close()
    return {
        "page_edit": statistics.median(page_edits),
        "page_edits": page_edits,
        "stages_edit": full,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[100, 3000])
    parser.add_argument("--runs", type=int, default=3, help="edits per size (median)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not chromium_path().exists():
        print(f"preview benchmark skipped: no browser at {chromium_path()}", file=sys.stderr)
        return 0
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as temp:
        rows = [measure(Path(temp), pages, args.runs) for pages in args.pages]
    print_table(rows, load_before, os.getloadavg())
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


def print_table(
    rows: list[dict], load_before: tuple[float, ...], load_after: tuple[float, ...]
) -> None:
    print("| pages | one page saved → shown (median) | each run | stages.yml saved → shown |")
    print("| ---: | ---: | --- | ---: |")
    for row in rows:
        runs = ", ".join(f"{seconds:.2f}" for seconds in row["page_edits"])
        print(
            f"| {row['pages']:,} | {row['page_edit']:.2f} s | {runs} | {row['stages_edit']:.2f} s |"
        )
    last = rows[-1]
    met = "met" if last["page_edit"] <= TARGET_PREVIEW else "NOT met"
    loads = [", ".join(f"{value:.1f}" for value in load) for load in (load_before, load_after)]
    print()
    print(f"Load average (1, 5, 15 min): {loads[0]} before, {loads[1]} after.")
    print(
        f"- one page saved → shown at {last['pages']:,} pages {last['page_edit']:.2f} s: "
        f"{met} (target <= {TARGET_PREVIEW:g} s)"
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""Page-weight benchmark: what a reader's browser downloads on a first visit (`make bench`).

Builds the site into a temporary folder (or takes `--site DIR`), serves it on
127.0.0.1 with gzip compression of text responses, as any real host would, and
loads every page in Chromium, each in a fresh context (first visit, empty
cache), until the network is idle. For each page it counts the requests
(the search worker and its index included) and the bytes transferred
(compressed bodies plus headers, as Chromium reports them), prints a Markdown
table, then checks the budget for stage pages: under 100 KB transferred and at
most 10 requests. Exits 1 if a stage page is over budget.

Not a test (numbers depend on the machine's Chromium); run it by hand.
Needs Chromium at /usr/bin/chromium or the browser in $BROWSER_PATH.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import mimetypes
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from playwright.sync_api import Browser, Request, sync_playwright

from bench.chromium import LAUNCH_ARGS, chromium_path
from guide.stages import STAGES_FILE, load_stages

REPO_ROOT = Path(__file__).resolve().parents[2]

BUDGET_KB = 100
BUDGET_REQUESTS = 10
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; text compressed with gzip when the browser accepts it."""

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and wants_gzip and content_type.startswith(COMPRESSIBLE)):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` with gzip on 127.0.0.1:<free port>; yield its base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_GzipHandler, directory=str(directory))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = str(server.server_address[0]), server.server_address[1]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass(frozen=True)
class PageWeight:
    page: str
    requests: int
    transferred: int  # bytes: compressed bodies plus response headers

    @property
    def kb(self) -> float:
        return self.transferred / 1024


def site_pages(site: Path) -> list[str]:
    """Every HTML page: '' for the home page, 'about/', ..., '404.html'."""
    pages = sorted(
        "" if path.parent == site else f"{path.parent.relative_to(site).as_posix()}/"
        for path in site.rglob("index.html")
    )
    return [*pages, "404.html"] if (site / "404.html").is_file() else pages


def weigh(browser: Browser, url: str, page_path: str) -> PageWeight:
    """Load one page on a first visit (fresh context, empty cache) and add up its traffic."""
    context = browser.new_context()
    finished: list[Request] = []
    failed: list[Request] = []
    context.on("requestfinished", lambda request: finished.append(request))  # noqa: PLW0108 (Playwright cannot wrap a builtin method)
    context.on("requestfailed", lambda request: failed.append(request))  # noqa: PLW0108
    page = context.new_page()
    page.goto(url + page_path, wait_until="networkidle")
    total = 0
    for request in finished:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    context.close()
    return PageWeight(page_path or "(home)", len(finished) + len(failed), total)


def build(site_dir: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "--site-dir",
            str(site_dir),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=True,
    )


def measure(site: Path) -> list[PageWeight]:
    with serve(site) as url, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(chromium_path()), args=LAUNCH_ARGS)
        try:
            return [weigh(browser, url, page_path) for page_path in site_pages(site)]
        finally:
            browser.close()


def report(weights: list[PageWeight], stage_pages: set[str]) -> int:
    """Print the table and the budget check; 1 if a stage page is over budget."""
    print("| page | requests | KB transferred |")
    print("| --- | ---: | ---: |")
    for weight in weights:
        print(f"| {weight.page} | {weight.requests} | {weight.kb:.1f} |")
    stages = [weight for weight in weights if weight.page in stage_pages]
    over = [
        weight for weight in stages if weight.kb >= BUDGET_KB or weight.requests > BUDGET_REQUESTS
    ]
    heaviest = max(stages, key=lambda weight: weight.transferred)
    most = max(stages, key=lambda weight: weight.requests)
    print(
        f"\nBudget for a stage page: under {BUDGET_KB} KB and at most {BUDGET_REQUESTS} "
        f"requests. Heaviest: {heaviest.page} {heaviest.kb:.1f} KB; most requests: "
        f"{most.page} {most.requests}."
    )
    for weight in over:
        print(f"OVER BUDGET: {weight.page}: {weight.kb:.1f} KB, {weight.requests} requests")
    print("Within budget." if not over else f"{len(over)} stage page(s) over budget.")
    return 1 if over else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    args = parser.parse_args(argv)
    program = load_stages(REPO_ROOT / "docs" / STAGES_FILE)
    stage_pages = {f"{PurePosixPath(stage.page).with_suffix('')}/" for stage in program}
    if args.site is not None:
        return report(measure(args.site), stage_pages)
    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "site"
        build(site)
        return report(measure(site), stage_pages)


if __name__ == "__main__":
    raise SystemExit(main())

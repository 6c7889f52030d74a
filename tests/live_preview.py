"""Run the real preview, `make serve PORT=<free port>`, on a copy of the site (never the
repository's own docs/), for the tests that edit files under it and watch what it serves."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.processes import stop_session
from conftest import REPO_ROOT, copy_site_sources

# `make serve` needs its Makefile and the requirement file its venv stamp depends on.
MAKE_SOURCES = ("Makefile", "requirements.txt", "requirements-dev.txt")
STARTUP_TIMEOUT = 90.0  # seconds: the first build, on a machine busy with other tests
PROBLEM_LINE = re.compile(r"^\S+:\d+: ")


@dataclass(frozen=True)
class Preview:
    """A running preview: `url` is its root, `project` the copy it serves, `log` its output."""

    url: str
    project: Path
    log: Path

    def url_of(self, page: str) -> str:
        return self.url + page

    def edit(self, path: str, old: str, new: str) -> None:
        """Replace `old` (which must be there) with `new` in the project's file `path`."""
        file = self.project / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    def validate_lines(self) -> list[str]:
        """The problem lines `make validate` prints for the project as it is now."""
        result = subprocess.run(
            [sys.executable, "scripts/validate.py"],
            cwd=self.project,
            capture_output=True,
            text=True,
            check=False,
        )
        return [line for line in result.stdout.splitlines() if PROBLEM_LINE.match(line)]


def copy_project(destination: Path) -> Path:
    """The site's sources and what `make serve` needs, copied into `destination`."""
    project = copy_site_sources(destination)
    for name in MAKE_SOURCES:
        (project / name).write_bytes((REPO_ROOT / name).read_bytes())
    return project


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_preview(project: Path, env: Mapping[str, str] | None = None) -> Iterator[Preview]:
    """`make serve PORT=<free port>` in `project`, with this test run's own .venv (its stamp
    is taken as up to date: nothing is installed), until the block ends."""
    venv = Path(sys.prefix)
    port = _free_port()
    log = project.parent / f"{project.name}-serve.log"
    command = [
        "make", "--no-print-directory", "-o", f"{venv}/.installed-site",
        "serve", f"PORT={port}", f"VENV={venv}",
    ]  # fmt: skip
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    with log.open("wb") as output:
        # A session of its own, so that stopping it stops make and the server it started.
        process = subprocess.Popen(
            command,
            cwd=project,
            env={**environment, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    preview = Preview(f"http://127.0.0.1:{port}/", project, log)
    try:
        _wait_until_answering(preview, process)
        yield preview
    finally:
        stop_session(process, grace_seconds=20)


def _wait_until_answering(preview: Preview, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make serve stopped:\n{preview.log.read_text(encoding='utf-8')}")
        try:
            with urllib.request.urlopen(preview.url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers, even if only with an error page
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"make serve did not answer:\n{preview.log.read_text(encoding='utf-8')}")


def fetch(url: str, timeout: float = 10) -> tuple[int, str]:
    """Status and body of one GET; an error status is returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")

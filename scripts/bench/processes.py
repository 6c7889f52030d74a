"""Run a command and measure it with every process it starts: wall time and peak memory.

Peak memory is sampled from /proc every few milliseconds over the whole process tree
(the command, its children, theirs): the largest sum of PSS seen. PSS (proportional set
size) splits each shared page between the processes sharing it, so a forked child's
copy-on-write pages are not counted twice; the largest sum of RSS is kept too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY = 0.01  # seconds


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_pss_mb: float
    peak_rss_mb: float
    returncode: int
    output: str


def _tree(root: int) -> list[int]:
    """The process and all its descendants (that still exist)."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in kB; (0, 0) when it has gone."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return pss, rss


def run_measured(command: list[str], cwd: Path, env: dict[str, str]) -> Measured:
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peaks = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            sizes = [_memory_kb(pid) for pid in _tree(process.pid)]
            peaks[0] = max(peaks[0], sum(pss for pss, _ in sizes))
            peaks[1] = max(peaks[1], sum(rss for _, rss in sizes))
            done.wait(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return Measured(seconds, peaks[0] / 1024, peaks[1] / 1024, process.returncode, output)


def stop_session(process: subprocess.Popen[bytes], grace_seconds: float) -> None:
    """Stop a process started with start_new_session=True and everything it started:
    Ctrl-C first (the preview server shuts down cleanly on it), then a kill."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def quiet_environment() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1763683200"}

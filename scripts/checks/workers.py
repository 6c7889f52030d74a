"""Worker processes for big sites: both checks spread their pages over the cores."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 400


def worker_start() -> multiprocessing.context.BaseContext:
    """How to start worker processes: fork (fast) on Linux when this process runs no other
    thread; otherwise spawn, since forking a threaded process (a test server, say) is unsafe
    and Python 3.12+ warns about it."""
    single_threaded = threading.active_count() == 1
    return multiprocessing.get_context(
        "fork" if sys.platform == "linux" and single_threaded else "spawn"
    )


def map_pages(work: Callable[..., list[T]], paths: Sequence[str], *shared: Any) -> list[T]:
    """`work(paths, *shared)` over all paths: in one process for small sites, else split
    over the cores. The results come back in no particular order."""
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) < PARALLEL_FROM or workers == 1:
        return work(list(paths), *shared)
    chunks = [list(paths[start::workers]) for start in range(workers)]
    columns = [[value] * workers for value in shared]
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_start()) as pool:
        return [one for part in pool.map(work, chunks, *columns) for one in part]

"""Worker processes for big sites: both checks spread their pages over the cores."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 400
# Pages per piece of work sent to a worker.
CHUNK = 100


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
    # Many small chunks: each worker sends its results back as it goes, rather than holding
    # a whole share of the site's pages until the end (memory). `shared` goes to each
    # worker once, not with every chunk.
    count = max(workers, len(paths) // CHUNK)
    chunks = [list(paths[start::count]) for start in range(count)]
    start = worker_start()
    if start.get_start_method() == "fork":
        # What the workers inherit stays shared: the collector would otherwise write to
        # every object it visits, and the page it is on would be copied in each worker.
        gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=start, initializer=_receive, initargs=shared
        ) as pool:
            return [one for part in pool.map(partial(_run, work), chunks) for one in part]
    finally:
        gc.unfreeze()


# In a worker: what every chunk of its work needs (map_pages' `shared`).
_shared: tuple[Any, ...] = ()


def _receive(*shared: Any) -> None:
    global _shared  # noqa: PLW0603 (one worker process, one set of values)
    _shared = shared


def _run(work: Callable[..., list[T]], paths: list[str]) -> list[T]:
    return work(paths, *_shared)

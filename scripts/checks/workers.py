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


def worker_start() -> multiprocessing.context.BaseContext:
    """How to start worker processes: fork (fast) on Linux when this process runs no other
    thread; otherwise spawn, since forking a threaded process (a test server, say) is unsafe
    and Python 3.12+ warns about it."""
    single_threaded = threading.active_count() == 1
    return multiprocessing.get_context(
        "fork" if sys.platform == "linux" and single_threaded else "spawn"
    )


def map_pages(
    work: Callable[..., list[T]], paths: Sequence[str], *shared: Any, chunk: int | None = None
) -> list[T]:
    """`work(paths, *shared)` over all paths: in one process for small sites, else split
    over the cores. The results come back in no particular order.

    `chunk`: pages per piece of work, for results that take much memory: each worker then
    sends them back as it goes rather than holding its whole share of the site until the
    end (each piece costs a little time). `shared` goes to each worker once."""
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) < PARALLEL_FROM or workers == 1:
        return work(list(paths), *shared)
    count = max(workers, len(paths) // chunk) if chunk else workers
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

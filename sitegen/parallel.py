"""Render many pages on every core: worker processes forked from the build, so they share its
data, templates and Markdown converter without pickling them. Small sites stay in one process,
where starting workers would cost more than it saves."""
from __future__ import annotations

import os
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PAGES = 48  # below this, one process is faster (measured in bench/)
_job: tuple[Callable, Sequence] | None = None


def _run(index: int):
    func, items = _job
    return func(items[index])


def _die_with(parent: int) -> None:
    """A worker ends when the build does: killed, the build must not leave workers behind that
    hold its output lock (inherited through fork) and make the next build wait (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the build died before the line above
        os._exit(1)


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def map_pages(func: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """[func(item) for item in items], in order, spread over the available cores."""
    n = min(workers(), len(items) // (MIN_PAGES // 2) or 1)
    if n < 2 or len(items) < MIN_PAGES or not hasattr(os, "fork"):
        return [func(item) for item in items]
    import multiprocessing

    global _job
    _job = (func, items)
    try:
        with multiprocessing.get_context("fork").Pool(n, initializer=_die_with, initargs=(os.getpid(),)) as pool:
            return pool.map(_run, range(len(items)), chunksize=max(1, len(items) // (n * 8)))
    finally:
        _job = None

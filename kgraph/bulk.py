"""Bulk work on millions of small Python objects: without the cycle collector, and over forked workers.

Python's cycle collector runs after every few hundred net allocations and, now and then, walks every
tracked object. Code that builds millions of tuples, strings and dicts which hold no reference cycles
(rows read from the store, a projection's counts, the records' digests) pays for those walks and frees
nothing by them: at 10^7 triples the city-city projection took 28 s with the collector and 12 s without.
Reference counting still frees everything as usual; the collector runs again when the block ends.

CPU-bound work on data already in memory (the records' digests, betweenness over a large graph) is shared
among processes forked from this one: they read the data from the memory they were forked with, so
nothing large is pickled.
"""
from __future__ import annotations

import gc
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable

__all__ = ["no_cycle_collection", "can_fork_workers", "forked_map"]


@contextmanager
def no_cycle_collection():
    """Pause the cycle collector for the block (nested blocks leave it as the outer one found it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def can_fork_workers() -> bool:
    """Whether this process may fork workers: a daemonic process (a multiprocessing worker) may not start
    processes, and a fork copies only the calling thread, so a lock another thread held would stay held in
    the child (a build or an analysis run from a server's thread works in that thread)."""
    return not multiprocessing.current_process().daemon and threading.active_count() == 1


_FORKED: list = []  # [function, shared]: what forked workers read


def forked_map(function: Callable[[Any, Any], Any], shared, parts: list) -> list:
    """`[function(shared, part) for part in parts]`: the first part in this process, each other one in a
    worker forked from it. Call it only when can_fork_workers()."""
    if len(parts) < 2:
        return [function(shared, part) for part in parts]
    _FORKED[:] = [function, shared]
    try:
        with ProcessPoolExecutor(len(parts) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            rest = pool.map(_call_forked, parts[1:])  # the workers are forked here, while _FORKED is set
            return [function(shared, parts[0])] + list(rest)
    finally:
        _FORKED.clear()


def _call_forked(part):
    function, shared = _FORKED
    return function(shared, part)

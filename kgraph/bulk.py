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
import os
import pickle
import signal
import threading
from contextlib import contextmanager
from typing import Any, Callable

__all__ = ["no_cycle_collection", "can_fork_workers", "forked_map"]


@contextmanager
def no_cycle_collection():
    """Pause the cycle collector for the block (nested blocks leave it as the outer one found it).

    What the block made and keeps is long-lived (records, a graph's rows): it goes to the oldest generation
    as the block ends. Left in the youngest, the first collection after the block walks all of it (2 s
    after reading the records of 10^7 triples). gc.freeze then gc.unfreeze moves every tracked object to
    the oldest generation without a walk; skipped when someone else keeps objects frozen."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def can_fork_workers() -> bool:
    """Whether this process may fork workers: a daemonic process (a multiprocessing worker) may not start
    processes, and a fork copies only the calling thread, so a lock another thread held would stay held in
    the child (a build or an analysis run from a server's thread works in that thread)."""
    return not multiprocessing.current_process().daemon and threading.active_count() == 1


def forked_map(function: Callable[[Any, Any], Any], shared, parts: list) -> list:
    """`[function(shared, part) for part in parts]`: the first part in this process, each other one in a
    child forked from it, which has `shared` and its part in the memory it was forked with and sends back
    only its result (pickled, through a pipe). Call it only when can_fork_workers().

    Each child is forked with its work, before this process starts its own: a pool that hands work to its
    workers from a thread of this process (concurrent.futures) waits for that thread, and a long C call here
    (igraph's betweenness holds the GIL for its whole run) kept it from running: the two halves ran one after
    the other (10^7 triples: 35 s instead of 21)."""
    if len(parts) < 2:
        return [function(shared, part) for part in parts]
    children: list[tuple[int, int | None]] = []  # (pid, the read end of its pipe while open)
    try:
        for part in parts[1:]:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns, and runs no exit handlers of the parent's
                code = 1
                try:
                    os.close(read_fd)
                    try:
                        payload = pickle.dumps((True, function(shared, part)), pickle.HIGHEST_PROTOCOL)
                    except BaseException as e:  # said by the parent
                        payload = pickle.dumps((False, f"{type(e).__name__}: {e}"))
                    with os.fdopen(write_fd, "wb") as pipe:
                        pipe.write(payload)
                    code = 0
                finally:
                    os._exit(code)
            os.close(write_fd)
            children.append((pid, read_fd))
        results = [function(shared, parts[0])]
        for k, (pid, read_fd) in enumerate(children):
            children[k] = (pid, None)  # the pipe is closed below, whatever happens
            with os.fdopen(read_fd, "rb") as pipe:
                payload = pipe.read()
            ok, value = pickle.loads(payload) if payload else (False, "the worker process died")
            if not ok:
                raise RuntimeError(f"a forked worker failed: {value}")
            results.append(value)
        return results
    finally:
        for pid, read_fd in children:
            if read_fd is not None:
                os.close(read_fd)
            try:
                os.kill(pid, signal.SIGKILL)  # gone already, unless this process failed first
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)

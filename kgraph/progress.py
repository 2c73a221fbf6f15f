"""Progress bars for long work (builds, extraction of many files, push, benchmarks), on stderr.

Library functions take a `progress` callable and call it as `progress(iterable, total=N, what="files")`;
the default, `silent`, gives the iterable back, so library calls print nothing. The CLI passes
`bar(quiet)`: a tqdm bar when stderr is a terminal and --quiet was not given, else `silent`.
"""
from __future__ import annotations

import sys
from typing import Callable, Iterable

__all__ = ["silent", "bar", "Progress"]

Progress = Callable[..., Iterable]


def silent(iterable: Iterable, *, total: int | None = None, what: str = "") -> Iterable:
    return iterable


def bar(quiet: bool = False, stream=None) -> Progress:
    """A progress function drawing tqdm bars on `stream` (stderr), or `silent` when quiet or not a terminal
    (a log file or a pipe gets no bar characters)."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        return silent

    def show(iterable: Iterable, *, total: int | None = None, what: str = "") -> Iterable:
        from tqdm import tqdm

        return tqdm(iterable, total=total, unit=f" {what}" if what else "it", file=stream, leave=False,
                    dynamic_ncols=True, mininterval=0.5)
    return show

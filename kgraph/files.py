"""Writing output files safely, and reading JSON Lines with errors that name the line."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from kgraph.errors import ExportError, ReadError

__all__ = ["write_atomic", "read_json_lines"]


def write_atomic(path: Path | str, data: bytes) -> None:
    """Write `data` to `path` via a temporary file and rename: never a half-written file."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror}; choose a writable --out path") from e
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {e.strerror}; choose a writable --out path") from e


def read_json_lines(path: Path, remedy: str) -> list[tuple[int, object]]:
    """(line number, value) for every non-blank line of a UTF-8 JSON Lines file;
    ReadError names the file and line, and ends with `remedy`."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ReadError(f"{path}: cannot read ({e}); {remedy}") from e
    values = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                values.append((number, json.loads(line)))
            except json.JSONDecodeError as e:
                raise ReadError(f"{path}:{number}: not JSON ({e.msg}); {remedy}") from e
    return values

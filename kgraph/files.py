"""Writing output files safely."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kgraph.errors import ExportError

__all__ = ["write_atomic"]


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

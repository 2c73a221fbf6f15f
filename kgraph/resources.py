"""Where kgraph's own files are: the ontology, shapes, saved queries, default data.

An installed wheel carries ontology.ttl and data/ inside the package; a source
checkout keeps them at the top of the repository (the design card's layout).
This is the one place that knows both.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["ontology_path", "shapes_path", "queries_dir", "packaged_data_dir", "default_data_dir"]

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent

# Files every data directory has; used to tell a kgraph data directory apart
# from an unrelated ./data folder in the user's working directory.
RECORD_FILES = (
    "places.yaml",
    "organisations.yaml",
    "people.yaml",
    "events.yaml",
    "partnerships.yaml",
    "documents.yaml",
)


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


def ontology_path() -> Path:
    return _first_existing(_PACKAGE / "ontology.ttl", _CHECKOUT / "ontology.ttl")


def shapes_path() -> Path:
    return _PACKAGE / "shapes.ttl"


def queries_dir() -> Path:
    return _PACKAGE / "queries"


def packaged_data_dir() -> Path:
    return _first_existing(_PACKAGE / "data", _CHECKOUT / "data")


def is_data_dir(path: Path) -> bool:
    return path.is_dir() and any((path / name).exists() for name in RECORD_FILES)


def default_data_dir(cwd: Path | None = None) -> Path:
    """`./data` when it holds kgraph records, else the data shipped with kgraph."""
    local = (cwd or Path.cwd()) / "data"
    return local if is_data_dir(local) else packaged_data_dir()

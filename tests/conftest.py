import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.build import build
from kgraph.resources import packaged_data_dir
from kgraph.store import open_store

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A private, editable copy of the curated records."""
    target = tmp_path / "data"
    shutil.copytree(packaged_data_dir(), target)
    return target


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    """The curated graph, built once for the session (read-only in tests)."""
    target = tmp_path_factory.mktemp("store") / ".kgraph"
    build(packaged_data_dir(), target)
    return target


@pytest.fixture(scope="session")
def store(store_dir):
    return open_store(store_dir)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

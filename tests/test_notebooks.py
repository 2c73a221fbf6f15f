"""Notebooks run top to bottom through the library API."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# what each notebook must print: proof it reached its last cells with real answers
EXPECTED = {
    "01-sparql-tour.ipynb": ["Mosińska-Busz", "Ningbo"],
    "02-who-visited-where.ipynb": ["Andrzej Plichta", "not on the map:", "ViewStats(nodes="],
    "03-network-analysis.ipynb": ["Kalisz", "Ningbo", "partnership"],
}


def test_every_notebook_is_checked():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs(name, tmp_path):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    for expected in EXPECTED[name]:
        assert expected in text, expected
    if name == "02-who-visited-where.ipynb":
        assert any("image/png" in o.get("data", {}) for o in outputs), "the visits-by-year plot"
        assert (tmp_path / "lowecz.html").exists()

"""A non-editable `pip install .` works from another directory: ontology, queries and data are packaged."""
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installed_in_clean_venv_runs_from_elsewhere(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(REPO)],
                   check=True, capture_output=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", *map(str, wheel_dir.glob("*.whl"))],
                   check=True, capture_output=True)
    # Dependencies come from this environment's site-packages (a .pth file), so the
    # test needs no network; kgraph itself must come from the wheel.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kgraph = venv / "bin" / "kgraph"
    where = subprocess.run([str(python), "-c", "import kgraph, pathlib; print(pathlib.Path(kgraph.__file__).parent)"],
                           cwd=elsewhere, check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(venv)), where
    result = subprocess.run([str(kgraph), "query", "who-visited-where", "-p", "place=Martin", "--format", "csv"],
                            cwd=elsewhere, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Marcin Cieloszyk" in result.stdout and "site-packages" in result.stderr.replace("kgraph/data", "site-packages")
    assert (elsewhere / ".kgraph").is_dir() and not (elsewhere / "lib").exists()
    listing = subprocess.run([str(kgraph), "query", "--list"], cwd=elsewhere, capture_output=True, text=True)
    assert "cities-with-partners-in" in listing.stdout
    # the review page ships with the package; decisions are never written into the installed data
    page = subprocess.run([str(python), "-c", "from kgraph.reviewweb import _PAGE; print(_PAGE.is_file())"],
                          cwd=elsewhere, capture_output=True, text=True)
    assert page.stdout.strip() == "True", page.stderr
    refused = subprocess.run([str(kgraph), "review", "add", str(REPO / "data" / "texts")], cwd=elsewhere,
                             capture_output=True, text=True)
    assert refused.returncode == 1 and "installed with kgraph" in refused.stderr and "Traceback" not in refused.stderr

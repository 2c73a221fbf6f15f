"""Top-level shim so `python cli.py ...` works from a checkout.

The command group lives in kgraph/cli.py, inside the installed package; the
console script `kgraph` points there.
"""
from kgraph.cli import main

if __name__ == "__main__":
    main()

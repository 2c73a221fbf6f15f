# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench clean

## Set up, build the graph from data/, answer who-visited-where, write an HTML view.
run: $(VENV)/.installed
	$(BIN)/kgraph build
	$(BIN)/kgraph query who-visited-where
	mkdir -p out
	$(BIN)/kgraph view --out out/kalisz-network.html

## Run the whole test suite.
test: $(VENV)/.installed
	$(BIN)/python -m pytest

## Benchmarks, 10^4 and 10^5 triples (a few minutes): out/bench/BENCHMARKS.md.
## BENCH_LARGE=1 adds 10^6 and 10^7 (about 20 minutes, 12 GB of memory for rdflib at 10^6).
bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run --out out/bench $(if $(BENCH_LARGE),--large,)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) .kgraph out

# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test clean

## Set up, build the graph from data/, answer who-visited-where, write an HTML view.
run: $(VENV)/.installed
	$(BIN)/kgraph build
	$(BIN)/kgraph query who-visited-where
	mkdir -p out
	$(BIN)/kgraph view --out out/kalisz-network.html

## Run the whole test suite.
test: $(VENV)/.installed
	$(BIN)/python -m pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) .kgraph out

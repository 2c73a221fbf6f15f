"""The examples in the text side's docstrings run and give what they show."""
import doctest
import importlib

import pytest

MODULES = ["kgraph.names", "kgraph.terms", "kgraph.text.morphology", "kgraph.text.places", "kgraph.text.home",
           "kgraph.text.pipeline", "kgraph.text.frames", "kgraph.text.extract", "kgraph.text.dates"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"

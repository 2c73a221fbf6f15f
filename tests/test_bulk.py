"""kgraph.bulk: work shared among forked processes."""
import pytest

from kgraph.bulk import forked_map


def _square_sum(shared, part):
    if part == "fail":
        raise ValueError("no such part")
    return sum(shared[i] ** 2 for i in part)


def test_forked_parts_come_back_in_order():
    shared = list(range(100))
    parts = [range(0, 10), range(10, 50), range(50, 100)]
    assert forked_map(_square_sum, shared, parts) == [sum(i * i for i in p) for p in parts]


def test_a_failing_worker_is_said():
    with pytest.raises(RuntimeError, match="ValueError: no such part"):
        forked_map(_square_sum, [], [range(0), "fail"])

"""The national benchmark's fit of cost against units (benchmarks/run_benchmark.py): the subsets of provinces it
runs and the least-squares line it reports."""

from __future__ import annotations

import pytest

from ..benchmark_module import benchmark_module


@pytest.fixture(scope="module")
def bench():
    return benchmark_module()


def test_subsets_are_the_first_provinces_that_reach_each_share_of_the_units_then_all(bench):
    units = {"01": 10, "04": 30, "08": 20, "11": 40}  # 100 units
    codes = list(units)
    assert bench.fit_subsets(codes, units, [0.5, 0.25]) == [["01", "04"], ["01", "04", "08"], codes]
    # a share reached by the same provinces as a smaller one, or only by all of them, adds no run
    assert bench.fit_subsets(codes, units, [0.3, 0.35, 0.9]) == [["01", "04"], codes]
    assert bench.fit_subsets(codes, units, []) == [codes]


def test_linear_fit_gives_the_line_and_its_r2(bench):
    exact = [(u, 9 * u, 12.0 + 0.1 * u, 300.0 + 0.02 * u) for u in (800, 1650, 3321)]
    a, b, r2, m_a, m_b = bench.linear_fit(exact)
    assert (a, b, r2, m_a, m_b) == pytest.approx((12.0, 0.1, 1.0, 300.0, 0.02))
    bent = [(u, 9 * u, 0.00005 * u * u, 300.0) for u in (100, 800, 1650, 3321)]
    assert bench.linear_fit(bent)[2] < 0.97

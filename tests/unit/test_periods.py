"""Quarters: the next and the previous one, and the run of quarters between two."""

from __future__ import annotations

import pytest

from kttt_pipeline.core.periods import Period, quarters_between


@pytest.mark.parametrize(
    "period, following",
    [(Period(2025, 1), Period(2025, 2)), (Period(2025, 3), Period(2025, 4)), (Period(2025, 4), Period(2026, 1))],
)
def test_the_next_quarter_turns_the_year_after_the_fourth(period, following):
    assert period.next() == following and following.previous() == period


def test_quarters_between_runs_across_the_year_and_is_empty_backwards():
    assert [p.key for p in quarters_between(Period(2024, 3), Period(2025, 2))] == [
        "2024-Q3",
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
    ]
    assert quarters_between(Period(2025, 2), Period(2025, 1)) == []

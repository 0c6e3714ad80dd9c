"""How a national run's provinces are shared out into parts of about equal work (orchestration/national_run.py,
``balanced_shares``): each part one process of the UI's national job."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kttt_pipeline.orchestration.national_run import balanced_shares


def test_the_largest_go_first_each_to_the_part_with_the_least_work():
    sizes = {"01": 90, "22": 50, "24": 45, "48": 40, "79": 10}
    # 01 → first (90); 22 → second (50); 24 → second (95); 48 → first (130); 79 → second (105)
    assert balanced_shares(sizes, 2) == [["01", "48"], ["22", "24", "79"]]
    assert balanced_shares(sizes, 1) == [["01", "22", "24", "48", "79"]]


def test_no_empty_part_and_ties_in_code_order():
    assert balanced_shares({"24": 5, "22": 5}, 4) == [["22"], ["24"]]
    assert balanced_shares({}, 2) == []
    assert balanced_shares({"01": 0, "02": 0, "04": 0}, 2) == [["01", "04"], ["02"]]  # no work known: by count
    assert balanced_shares({"01": 1}, 0) == [["01"]]  # at least one part


@given(
    st.dictionaries(st.from_regex(r"[0-9]{2}", fullmatch=True), st.integers(0, 10**6), max_size=34), st.integers(1, 8)
)
def test_every_province_once_and_no_part_more_than_the_largest_province_above_another(sizes, parts):
    shares = balanced_shares(sizes, parts)
    assert sorted(code for share in shares for code in share) == sorted(sizes)
    assert len(shares) <= parts and all(shares)
    work = [sum(sizes[c] for c in share) for share in shares]
    assert len(shares) == min(parts, len(sizes))  # as many parts as can be filled
    if len(shares) == parts and sizes:  # greedy's bound: the parts differ by at most the largest province
        assert max(work) - min(work) <= max(sizes.values())

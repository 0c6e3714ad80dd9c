"""Comparisons with the previous quarter: vanished cooperatives and unexplained jumps (pure functions)."""

from __future__ import annotations

import pandas as pd

from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import read_vocab_csv
from kttt_pipeline.reconcile.period_compare import (
    JumpThreshold,
    jump_thresholds,
    period_jumps,
    quarter_change,
    vanished_cooperatives,
)


def _coops(rows):
    return pd.DataFrame(rows, columns=["tax_code", "in_total", "unit_code", "name", "source_file"])


def _ind(rows):
    return pd.DataFrame(rows, columns=["unit_code", "indicator_code", "value"])


def test_a_cooperative_neither_listed_nor_dissolved_has_vanished_and_the_others_have_not():
    prev = _coops(
        [
            ("0100000001", True, "193", "HTX Một", "a.xlsx"),  # listed again, in another unit (the reform)
            ("0100000002", True, "193", "HTX Hai", "a.xlsx"),  # not listed: vanished
            ("0100000003", True, "194", "HTX Ba", "b.xlsx"),  # not listed, but the register says dissolved (01)
            ("0100000004", False, "194", "HTX Bốn", "b.xlsx"),  # not counted before: never vanishes
            (None, True, "194", "HTX Không mã", "b.xlsx"),  # no tax code: no identity to follow
        ]
    )
    cur = _coops([("0100000001", True, "06688", "HTX Một", "c.xlsx")])
    register = pd.DataFrame({"tax_code": ["0100000003", "0100000002"], "status_code": ["01", "00"]})
    gone = vanished_cooperatives(prev, cur, register)
    assert [(v.tax_code, v.unit_code_before, v.name) for v in gone] == [("0100000002", "193", "HTX Hai")]
    # without the register, the dissolved one is reported too
    assert {v.tax_code for v in vanished_cooperatives(prev, cur)} == {"0100000002", "0100000003"}


def test_a_cooperative_listed_as_dissolved_this_quarter_has_not_vanished():
    prev = _coops([("0100000002", True, "193", "HTX Hai", "a.xlsx")])
    cur = _coops([("0100000002", False, "193", "HTX Hai", "c.xlsx")])  # listed, dissolved: not in_total
    assert vanished_cooperatives(prev, cur) == []


def test_cumulative_figures_restart_in_the_first_quarter():
    assert quarter_change(7, 5, Period(2025, 3)) == 2
    assert quarter_change(3, 40, Period(2026, 1)) == 3
    assert quarter_change(4, None, Period(2025, 2)) == 4


TH = (
    JumpThreshold("HTX_TOTAL", 0.10, 3, ((1, "HTX_NEW"), (-1, "HTX_DISSOLVED"))),
    JumpThreshold("HTX_MEMBERS", 0.25, 200, ()),
)


def test_a_move_explained_by_new_and_dissolved_cooperatives_is_no_jump():
    prev = _ind([("193", "HTX_TOTAL", 50), ("193", "HTX_NEW", 2), ("193", "HTX_DISSOLVED", 0)])
    cur = _ind([("193", "HTX_TOTAL", 60), ("193", "HTX_NEW", 13), ("193", "HTX_DISSOLVED", 1)])
    assert period_jumps(prev, cur, Period(2024, 3), TH) == []


def test_an_unexplained_move_is_a_jump_with_both_values():
    prev = _ind(
        [("193", "HTX_TOTAL", 50), ("193", "HTX_NEW", 2), ("193", "HTX_MEMBERS", 1000), ("194", "HTX_TOTAL", 10)]
    )
    cur = _ind(
        [("193", "HTX_TOTAL", 70), ("193", "HTX_NEW", 4), ("193", "HTX_MEMBERS", 1100), ("194", "HTX_TOTAL", 13)]
    )  # 194: +3 is within the absolute threshold
    jumps = period_jumps(prev, cur, Period(2024, 3), TH)
    assert [(j.unit_code, j.indicator_code, j.previous, j.current, j.explained) for j in jumps] == [
        ("193", "HTX_TOTAL", 50.0, 70.0, 2.0)
    ]
    assert jumps[0].unexplained == 18.0


def test_a_member_jump_needs_both_the_share_and_the_absolute_move():
    prev = _ind([("1", "HTX_MEMBERS", 100), ("2", "HTX_MEMBERS", 2000)])
    cur = _ind([("1", "HTX_MEMBERS", 250), ("2", "HTX_MEMBERS", 2600)])  # 1: +150 < 200; 2: +600 > 500 and > 200
    assert [j.unit_code for j in period_jumps(prev, cur, Period(2025, 4), TH)] == ["2"]


def test_a_unit_reported_in_only_one_quarter_is_not_compared():
    prev = _ind([("193", "HTX_TOTAL", 50)])
    cur = _ind([("06688", "HTX_TOTAL", 90)])
    assert period_jumps(prev, cur, Period(2025, 3), TH) == []


def test_the_thresholds_are_data_on_known_indicators():
    known = {r["code"] for r in read_vocab_csv("indicators.csv")}
    ths = jump_thresholds()
    assert ths and {t.indicator_code for t in ths} <= known
    assert all(code in known for t in ths for _, code in t.explained_by)
    assert all(0 < t.relative < 1 and t.absolute >= 0 for t in ths)


def _prev(coops, ind, restated=False):
    from kttt_pipeline.reconcile.period_compare import PreviousQuarter

    return PreviousQuarter(Period(2025, 2), _coops(coops), _ind(ind), restated, {"193": "Thành phố Hạ Long"})


def test_findings_name_the_former_unit_and_carry_both_values():
    from kttt_pipeline.reconcile.period_compare import comparison_findings

    prev = _prev([("0100000002", True, "193", "HTX Hai", "a.xlsx")], [("193", "HTX_MEMBERS", 1000)])
    cur_ind = _ind([("193", "HTX_MEMBERS", 1400)])
    found = comparison_findings(prev, Period(2025, 3), _coops([]), None, cur_ind, {"193"}, thresholds=TH)
    by_kind = {f.kind: f for f in found}
    gone = by_kind["COOP_VANISHED"]
    assert (gone.unit_code, gone.entity_key) == ("193", "0100000002")  # the same tier: the unit it was in
    assert "Thành phố Hạ Long" in gone.detail and "2025-Q2" in gone.detail and "2025-Q3" in gone.detail
    jump = by_kind["PERIOD_JUMP"]
    assert (jump.unit_code, jump.entity_key, jump.value_reported, jump.value_computed) == (
        "193",
        "HTX_MEMBERS",
        "1400",
        "1000",
    )
    assert "là 1.400" in jump.detail and "là 1.000" in jump.detail


def test_across_the_reform_a_vanished_cooperative_has_no_unit_and_missing_units_silence_it():
    from kttt_pipeline.reconcile.period_compare import comparison_findings

    prev = _prev([("0100000002", True, "193", "HTX Hai", "a.xlsx")], [], restated=True)
    found = comparison_findings(prev, Period(2025, 3), _coops([]), None, _ind([]), {"06688"}, thresholds=TH)
    assert [(f.kind, f.unit_code) for f in found] == [("COOP_VANISHED", None)]
    assert "Thành phố Hạ Long" in found[0].detail
    # while a unit sent nothing, the cooperative may be in it: not reported
    assert (
        comparison_findings(
            prev, Period(2025, 3), _coops([]), None, _ind([]), {"06688"}, thresholds=TH, missing_units={"06688"}
        )
        == []
    )
    # within a tier, only the missing unit's own cooperatives are silenced
    same = _prev([("0100000002", True, "193", "HTX Hai", "a.xlsx"), ("0100000005", True, "194", "HTX Năm", "b")], [])
    found = comparison_findings(
        same, Period(2025, 3), _coops([]), None, _ind([]), {"193", "194"}, thresholds=TH, missing_units={"194"}
    )
    assert [f.entity_key for f in found] == ["0100000002"]
    assert comparison_findings(None, Period(2025, 3), _coops([]), None, _ind([]), {"193"}) == []

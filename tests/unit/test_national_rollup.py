"""The national roll-up (publish/national.py) on small frames: sums, means and shares recomputed from their
parts (never averaged), percentages of the plan, and the provinces missing or incomplete."""

from __future__ import annotations

import pandas as pd
import pytest

from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.publish.national import additive_codes, parts, provinces_in_force, roll_up


def _figures(values: dict[str, dict[str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"province_code": p, "indicator_code": c, "value": v} for p, codes in values.items() for c, v in codes.items()]
    )


def _status(complete: dict[str, bool]) -> pd.DataFrame:
    return pd.DataFrame([{"province_code": p, "is_complete": c} for p, c in complete.items()])


def _coops(rows: list[tuple[str, bool, float | None, float | None, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["province_code", "is_active", "revenue", "avg_income", "workers"]).assign(
        profit=None
    )


# two provinces: A has three active cooperatives (one without a revenue) and an inactive one; B has one active
COOPS = _coops(
    [
        ("A", True, 100.0, 50.0, 10),
        ("A", True, 200.0, 60.0, 30),
        ("A", True, None, 70.0, 0),
        ("A", False, 9000.0, 99.0, 100),
        ("B", True, 1000.0, 80.0, 60),
    ]
)
FIGURES = {
    # the provinces' own means, as reconcile computes them: A 150 (two revenues), B 1000
    "A": {"HTX_TOTAL": 4, "HTX_ACTIVE": 3, "HTX_SECTOR_AGRI": 1, "HTX_MEMBERS": 40, "HTX_AVG_REVENUE": 150.0},
    "B": {"HTX_TOTAL": 1, "HTX_ACTIVE": 1, "HTX_SECTOR_AGRI": 1, "HTX_MEMBERS": 7, "HTX_AVG_REVENUE": 1000.0},
}


def _rollup(**kw):
    args = dict(rows={"cooperative": COOPS}, targets=None)
    args.update(kw)
    return roll_up("2026-Q3", _figures(FIGURES), _status({"A": True, "B": True}), ["A", "B", "C"], **args)


def test_counts_and_sums_are_summed():
    r = _rollup()
    assert r.national["HTX_TOTAL"] == 5
    assert r.national["HTX_MEMBERS"] == 47
    assert r.by_province.at["A", "HTX_MEMBERS"] == 40


def test_a_mean_is_recomputed_from_its_parts_never_averaged():
    r = _rollup()
    # (100 + 200 + 1000) / 3 revenues of active cooperatives; the average of the averages would be 575
    assert r.national["HTX_AVG_REVENUE"] == pytest.approx(1300 / 3)
    assert r.national["HTX_AVG_REVENUE"] != pytest.approx((150 + 1000) / 2)
    # worker-weighted income over the active rows with a positive weight: (50·10 + 60·30 + 80·60) / 100
    assert r.national["HTX_AVG_INCOME"] == pytest.approx((500 + 1800 + 4800) / 100)
    assert "HTX_AVG_REVENUE" not in r.reasons


def test_a_single_province_recomputes_its_own_mean():
    r = roll_up(
        "2026-Q3",
        _figures({"A": FIGURES["A"]}),
        _status({"A": True}),
        ["A"],
        rows={"cooperative": COOPS[COOPS["province_code"] == "A"]},
    )
    assert r.national["HTX_AVG_REVENUE"] == pytest.approx(FIGURES["A"]["HTX_AVG_REVENUE"])


def test_a_share_is_recomputed_from_the_summed_count_and_total():
    r = _rollup()
    assert r.national["HTX_SECTOR_AGRI_PCT"] == pytest.approx(100 * 2 / 5)


def test_a_mean_without_its_parts_is_left_empty_with_a_reason():
    r = _rollup(rows={})
    assert r.national["HTX_AVG_REVENUE"] is None
    assert r.reasons["HTX_AVG_REVENUE"]
    # the detail rows of one province only: B's published mean has no parts at hand
    r = _rollup(rows={"cooperative": COOPS[COOPS["province_code"] == "A"]})
    assert r.national["HTX_AVG_REVENUE"] is None
    assert "1 tỉnh" in r.reasons["HTX_AVG_REVENUE"]


def test_percentage_of_plan_needs_every_loaded_province_target():
    targets = pd.DataFrame(
        [
            {"province_code": "A", "indicator_code": "HTX_TOTAL", "value": 8.0},
            {"province_code": "B", "indicator_code": "HTX_TOTAL", "value": 2.0},
        ]
    )
    assert _rollup(targets=targets).national["HTX_TOTAL_PCT_PLAN"] == pytest.approx(100 * 5 / 10)
    r = _rollup(targets=targets[targets["province_code"] == "A"])
    assert r.national["HTX_TOTAL_PCT_PLAN"] is None
    assert "kế hoạch" in r.reasons["HTX_TOTAL_PCT_PLAN"]


def test_missing_and_incomplete_provinces():
    r = roll_up("2026-Q3", _figures(FIGURES), _status({"A": True, "B": False}), ["A", "B", "C", "D"])
    assert r.loaded == ["A", "B"]
    assert r.missing == ["C", "D"]
    assert r.incomplete == ["B"]
    assert r.not_whole == ["C", "D", "B"]
    assert not r.is_complete
    whole = roll_up("2026-Q3", _figures(FIGURES), _status({"A": True, "B": True}), ["A", "B"])
    assert whole.is_complete and whole.missing == [] and whole.incomplete == []


def test_every_indicator_is_summed_or_recomputed():
    codes = {i.code for i in indicators()}
    summed, recomputed = additive_codes(), set(parts())
    assert not summed & recomputed
    assert codes <= summed | recomputed
    assert not {c for c in summed if "AVG" in c or c.endswith("_PCT") or c.endswith("_PCT_PLAN")}


def test_provinces_in_force_are_named_with_their_kind_at_the_period_end():
    before = {p.code: p.label for p in provinces_in_force(Period.parse("2026-Q2"))}
    after = {p.code: p.label for p in provinces_in_force(Period.parse("2026-Q4"))}
    assert len(before) == len(after) == 34
    assert before["01"] == "Thành phố Hà Nội"
    assert before["22"] == "Tỉnh Quảng Ninh" and after["22"] == "Thành phố Quảng Ninh"


def test_a_figure_incomplete_in_a_complete_province_is_said():
    figures = _figures(FIGURES).assign(is_complete=True)
    figures.loc[(figures["province_code"] == "B") & (figures["indicator_code"] == "HTX_MEMBERS"), "is_complete"] = False
    r = roll_up("2026-Q3", figures, _status({"A": True, "B": True}), ["A", "B"])
    assert r.national["HTX_MEMBERS"] == 47
    assert "chưa đủ số liệu của 1 tỉnh" in r.reasons["HTX_MEMBERS"]
    assert "HTX_TOTAL" not in r.reasons


def test_nothing_loaded_is_all_missing():
    empty = pd.DataFrame(columns=["province_code", "indicator_code", "value"])
    r = roll_up("2026-Q3", empty, pd.DataFrame(columns=["province_code", "is_complete"]), ["A", "B"])
    assert r.loaded == [] and r.missing == ["A", "B"] and not r.is_complete
    assert r.national.get("HTX_AVG_REVENUE") is None and r.reasons["HTX_AVG_REVENUE"]

"""The indicators of vocab/indicators.csv as the pipeline computes them (``listing_indicators_by_unit``, all
units in one grouped pass): the boundaries of each rule on hand-made rows, and the whole computation held to the
row-by-row definitions of tests/unit/oracles.py on generated listings."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kttt_pipeline.core.periods import Period
from kttt_pipeline.reconcile import counts
from kttt_pipeline.reconcile.indicators import (
    _sums,
    classify_cooperatives,
    listing_indicators_by_unit,
    prepare_cooperatives,
    prepare_groups,
)

from . import oracles
from .test_reconcile import coop

Q3 = Period(2024, 3)
_GROUP_COLUMNS = ["unit_code", "sector", "members", "revenue", "avg_income_month"]


def _indicators(coops: list[dict], period: Period = Q3, groups: list[dict] | None = None) -> dict:
    """The indicators of unit '193' (every row's unit) as the pipeline computes them."""
    rows = [{"tax_status_code": "00", "declared_revenue": 10.0, **r} for r in coops]
    columns = [*coop(), "tax_status_code", "declared_revenue"]
    frame = prepare_cooperatives(classify_cooperatives(pd.DataFrame(rows, columns=columns), period))
    g = prepare_groups(pd.DataFrame(groups or [], columns=_GROUP_COLUMNS))
    return listing_indicators_by_unit(frame, g, period, ["193"])["193"]


# ---------------------------------------------------------------- the boundaries of each rule


@pytest.mark.parametrize(
    "registered_on, new, counted",
    [
        (dt.date(2023, 12, 31), 0, 1),  # the day before the period's year
        (dt.date(2024, 1, 1), 1, 1),  # its first day: founded in the year
        (dt.date(2024, 9, 30), 1, 1),  # the period's last day
        (dt.date(2024, 10, 1), 0, 0),  # after the period: not yet a cooperative of it
        (None, 0, 1),  # no date written: counted, not new
    ],
)
def test_htx_new_counts_the_foundings_from_the_first_day_of_the_year_to_the_last_of_the_period(
    registered_on, new, counted
):
    v = _indicators([coop(registered_on=registered_on)])
    assert (v["HTX_NEW"], v["HTX_TOTAL"]) == (new, counted)


@pytest.mark.parametrize(
    "dissolved_on, dissolved, counted",
    [
        (dt.date(2023, 12, 31), 0, 0),  # dissolved before the year: neither counted nor dissolved in it
        (dt.date(2024, 1, 1), 1, 0),
        (dt.date(2024, 9, 30), 1, 0),  # on the period's last day: dissolved by its end
        (dt.date(2024, 10, 1), 0, 1),  # after the period: still counted, as DISSOLVING
        (None, 0, 0),  # no date: dissolved by the end, not known when
    ],
)
def test_htx_dissolved_counts_the_dissolutions_of_the_year_to_the_period_end(dissolved_on, dissolved, counted):
    v = _indicators([coop(status="DISSOLVED", dissolved_on=dissolved_on)])
    assert (v["HTX_DISSOLVED"], v["HTX_TOTAL"], v["HTX_DISSOLVING"]) == (dissolved, counted, counted)


def test_only_a_dissolved_status_counts_a_dissolution():
    v = _indicators([coop(status="SUSPENDED", dissolved_on=dt.date(2024, 5, 1))])
    assert v["HTX_DISSOLVED"] == 0 and v["HTX_SUSPENDED"] == 1


@pytest.mark.parametrize(
    "products, ocop", [(0.0, 0), (0.5, 0), (1.0, 1), (2.0, 1), (None, 0)]
)  # one product rated is enough
def test_htx_ocop_counts_a_cooperative_with_at_least_one_product(products, ocop):
    v = _indicators([coop(ocop_products=products), coop(ocop_products=products, sector="TRADE")])
    assert (v["HTX_OCOP"], v["HTX_OCOP_AGRI"]) == (2 * ocop, ocop)


@pytest.mark.parametrize(
    "workers, weight", [(0.0, None), (-3.0, None), (None, None), (1.0, 1.0)]
)  # a cooperative without workers weighs nothing
def test_the_average_income_is_weighted_by_positive_worker_counts(workers, weight):
    v = _indicators(
        [coop(grade="GOOD", avg_income=90.0, workers=workers), coop(grade="GOOD", avg_income=30.0, workers=3.0)]
    )
    expected = 30.0 if weight is None else (90.0 * weight + 30.0 * 3.0) / (weight + 3.0)
    assert v["HTX_AVG_INCOME"] == pytest.approx(expected)


def test_a_unit_without_active_cooperatives_has_no_averages_and_no_shares_without_rows():
    v = _indicators([coop(status="SUSPENDED")])
    assert v["HTX_AVG_REVENUE"] is None and v["HTX_AVG_INCOME"] is None and v["HTX_AVG_PROFIT"] is None
    assert v["HTX_SECTOR_AGRI_PCT"] == 100.0
    empty = _indicators([])
    assert empty["HTX_TOTAL"] == 0 and empty["HTX_SECTOR_AGRI_PCT"] is None and empty["HTX_MEMBERS"] == 0
    assert empty["THT_TOTAL"] == 0 and empty["THT_AVG_REVENUE"] is None


@pytest.mark.parametrize("revenue, active", [(0.0, 0), (-1.0, 0), (None, 0), (0.01, 1)])
def test_htx_active_needs_revenue_declared_to_the_tax_office(revenue, active):
    v = _indicators([coop(declared_revenue=revenue)])
    assert (v["HTX_ACTIVE"], v["HTX_WEAK"]) == (active, 1 - active)


def test_grades_of_active_cooperatives():
    v = _indicators([coop(grade=g) for g in ("GOOD", "FAIR", "AVERAGE", None, "WEAK")])
    assert (v["HTX_GOOD"], v["HTX_AVERAGE"], v["HTX_WEAK"], v["HTX_ACTIVE"]) == (2, 2, 1, 4)
    assert v["HTX_INACTIVE"] == 1


def test_a_missing_grade_is_reported_for_an_active_cooperative_only():
    rows = [
        coop(grade=None),
        coop(row_number=11, grade=None, status="SUSPENDED"),
        coop(row_number=12, grade="GOOD"),
        coop(row_number=13, grade=None, declared_revenue=0.0),  # weak: no revenue declared
    ]
    frame = pd.DataFrame([{"tax_status_code": "00", "declared_revenue": 10.0, **r} for r in rows])
    _classified, findings = counts.classify(frame, Q3)
    assert [(f.kind, f.row_number, f.rule) for f in findings] == [("GRADE_MISSING", 10, "7.8")]


def test_group_averages_weigh_by_positive_member_counts():
    groups = [
        dict(unit_code="193", sector="AGRI", members=0.0, revenue=None, avg_income_month=9.0),
        dict(unit_code="193", sector="OTHER", members=2.0, revenue=100.0, avg_income_month=3.0),
        dict(unit_code="193", sector="OTHER", members=None, revenue=50.0, avg_income_month=5.0),
    ]
    v = _indicators([], groups=groups)
    assert (v["THT_TOTAL"], v["THT_MEMBERS"], v["THT_SECTOR_OTHER"]) == (3, 2, 2)
    assert v["THT_AVG_REVENUE"] == pytest.approx(75.0) and v["THT_AVG_INCOME_MONTH"] == pytest.approx(3.0)


# ---------------------------------------------------------------- every rule at once against the oracle

_DATES = [
    None,
    dt.date(2015, 6, 1),
    dt.date(2023, 12, 31),
    dt.date(2024, 1, 1),
    dt.date(2024, 1, 2),
    dt.date(2024, 9, 29),
    dt.date(2024, 9, 30),
    dt.date(2024, 10, 1),
]
_NUMBERS = st.one_of(st.none(), st.sampled_from([0.0, 0.5, 1.0, 2.0, -1.0, 3.0, 12.5]), st.floats(0, 1e4))
_UNITS = ["193", "194", "195"]


@st.composite
def _listing(draw):
    n = draw(st.integers(0, 25))
    coops = []
    for _ in range(n):
        row = coop(
            unit_code=draw(st.sampled_from(_UNITS)),
            registered_on=draw(st.sampled_from(_DATES)),
            dissolved_on=draw(st.sampled_from(_DATES)),
            sector=draw(st.sampled_from(["AGRI", "TRADE", "OTHER", "INDUSTRY"])),
            status=draw(st.sampled_from(["ACTIVE", "ACTIVE", "SUSPENDED", "NOT_STARTED", "DISSOLVING", "DISSOLVED"])),
            grade=draw(st.sampled_from(["GOOD", "FAIR", "AVERAGE", "WEAK", None])),
            hightech=draw(st.sampled_from([True, False, None])),
            value_chain=draw(st.sampled_from([True, False, None])),
        )
        for fld in ("members", "workers", "member_workers", "managers", "charter_capital", "revenue", "profit"):
            row[fld] = draw(_NUMBERS)
        row["avg_income"], row["ocop_products"] = draw(_NUMBERS), draw(_NUMBERS)
        row["tax_status_code"] = draw(st.sampled_from(["00", "02", "05", "03", None]))
        row["declared_revenue"] = draw(st.sampled_from([None, 0.0, 10.0, -5.0]))
        coops.append(row)
    groups = [
        {
            "unit_code": draw(st.sampled_from(_UNITS)),
            "sector": draw(st.sampled_from(["AGRI", "INDUSTRY", "OTHER"])),
            "members": draw(_NUMBERS),
            "revenue": draw(_NUMBERS),
            "avg_income_month": draw(_NUMBERS),
        }
        for _ in range(draw(st.integers(0, 10)))
    ]
    return coops, groups


def _close(a: dict, b: dict) -> list:
    """The indicators where two computations differ (sums may differ in the last bits: their additions' order)."""
    out = []
    for k in a.keys() | b.keys():
        x, y = a.get(k), b.get(k)
        if (x is None) != (y is None) or (x is not None and abs(x - y) > 1e-9 * max(1.0, abs(x))):
            out.append((k, x, y))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_listing())
def test_the_indicators_of_every_unit_equal_the_row_by_row_definitions(case):
    coops, groups = case
    units = [*_UNITS, "206"]  # a unit present without any row
    frame = pd.DataFrame(coops, columns=[*coop(), "tax_status_code", "declared_revenue"])
    classified = classify_cooperatives(frame, Q3)
    got = listing_indicators_by_unit(
        prepare_cooperatives(classified),
        prepare_groups(pd.DataFrame(groups, columns=_GROUP_COLUMNS)),
        Q3,
        units,
    )
    assert list(got) == units
    records = classified.astype(object).where(classified.notna(), None).to_dict("records")
    for row, rec in zip(coops, records):
        assert (rec["in_total"], rec["is_active"]) == oracles.classify_cooperative(row, Q3)
    for unit in units:
        want = {
            **oracles.cooperative_indicators([r for r in records if r["unit_code"] == unit], Q3, _sums("cooperative")),
            **oracles.group_indicators([g for g in groups if g["unit_code"] == unit], _sums("group")),
        }
        assert _close(got[unit], want) == [], unit
        assert got[unit]["HTX_TOTAL"] == sum(r["in_total"] for r in records if r["unit_code"] == unit)
    assert list(got["206"]) == list(want)  # a unit without rows: its figures in the order they have always had

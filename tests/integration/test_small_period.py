"""The whole reconciliation path on the tiny period built by the tests (no ../shared needed)."""

import pytest

from kttt_pipeline.run import run_period

from ..small_period import PERIOD, make_small_period


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    raw = make_small_period(tmp_path_factory.mktemp("raw"))
    return run_period(raw, PERIOD)


def test_counts_follow_the_rules(result):
    hl = {c: result.indicator("193", c) for c in ("HTX_TOTAL", "HTX_ACTIVE", "HTX_SUSPENDED", "HTX_SECTOR_TRANSPORT")}
    # 5 rows: 1 quarantined; Bãi Cháy kept in 193 (its tax address); Nam Việt suspended by tax status 05
    assert hl == {"HTX_TOTAL": 4, "HTX_ACTIVE": 3, "HTX_SUSPENDED": 1, "HTX_SECTOR_TRANSPORT": 1}
    assert result.indicator("198", "HTX_TOTAL") == 1 and result.indicator("198", "HTX_NEW") == 1
    assert result.indicator("22", "HTX_TOTAL") == 5
    assert result.indicator("22", "THT_TOTAL") == 3 and result.indicator("22", "LHHTX_TOTAL") == 1
    assert result.indicator("22", "HTX_TOTAL_PCT_PLAN") == pytest.approx(50.0)


def test_findings_and_incompleteness(result):
    dq = result.dq_issue
    got = {(r.kind, r.unit_code, r.entity_key) for r in dq.itertuples()}
    assert ("NAME_MATCH", "193", "5737315057") in got
    assert ("STATUS_OVERRIDE", "193", "5711672544") in got
    assert ("ROW_QUARANTINED", "193", "5796132263") in got
    assert ("DUPLICATE", "193", "5729543363") in got
    assert ("SUMMARY_MISMATCH", "193", "HTX_MEMBERS") in got
    missing = {r.entity_key for r in dq.itertuples() if r.kind == "UNIT_MISSING"}
    assert len(missing) == 11 and "193" not in missing and "198" not in missing
    assert not result.period_status.iloc[0]["is_complete"]
    province = result.rpt_indicator[result.rpt_indicator["unit_code"] == "22"]
    from_workbook = province["indicator_code"].str.startswith(("LHHTX_", "QTDND_"))
    assert not province[~from_workbook]["is_complete"].any()
    # unions and credit funds come from the province workbook, which was read: a missing unit does not touch them
    assert from_workbook.any() and province[from_workbook]["is_complete"].all()
    assert result.rpt_indicator[result.rpt_indicator["unit_code"] == "193"]["is_complete"].all()
    # a taxpayer no unit lists is never counted
    assert "5768341963" not in set(result.cooperative["tax_code"])

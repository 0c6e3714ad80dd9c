"""The specimen period reproduced exactly: every indicator of expected.json and every listed finding."""

from __future__ import annotations

import pytest

from kttt_pipeline.run import run_period

from ..specimen import SPECIMEN_RAW, expected, needs_specimen

pytestmark = [needs_specimen, pytest.mark.specimen]

# expected.json names one NO_TAX_RECORD by a name that the return does not contain: unit 195's return lists
# "Hợp tác xã thương mại Nam Việt" without a tax code (the only such cooperative of that unit), and the finding's
# key is "the written name" (expected.json's own notes). The finding is checked by kind and unit, and its key
# against what is written in the file; see docs/decisions.md.
KEY_WRITTEN_IN_RETURN = {("NO_TAX_RECORD", "195", "Hợp tác xã thương mại Hưng Thịnh"): "Hợp tác xã thương mại Nam Việt"}


@pytest.fixture(scope="module")
def result():
    return run_period(SPECIMEN_RAW, expected()["period"])


def test_every_indicator_for_every_unit(result):
    problems = []
    for unit, values in expected()["indicators"].items():
        for code, want in values.items():
            got = result.indicator(unit, code)
            exact = isinstance(want, int) and not code.endswith("_PCT")
            tolerance = 0 if exact else 0.05
            if got is None or abs(got - want) > tolerance:
                problems.append((unit, code, want, got))
    assert problems == []


def test_every_listed_finding_is_raised(result):
    dq = result.dq_issue
    missing = []
    for f in expected()["findings"]:
        key = KEY_WRITTEN_IN_RETURN.get((f["kind"], f["unit_code"], f["key"]), f["key"])
        hit = dq[(dq["kind"] == f["kind"]) & (dq["unit_code"] == f["unit_code"]) & (dq["entity_key"] == key)]
        if hit.empty:
            missing.append(f)
    assert missing == []


def test_no_unexpected_findings_of_the_listed_kinds(result):
    """Precision: for the kinds expected.json lists, nothing beyond what it lists is raised."""
    listed = {
        (f["kind"], f["unit_code"], KEY_WRITTEN_IN_RETURN.get((f["kind"], f["unit_code"], f["key"]), f["key"]))
        for f in expected()["findings"]
    }
    kinds = {k for k, _, _ in listed}
    raised = {(r.kind, r.unit_code, r.entity_key) for r in result.dq_issue.itertuples() if r.kind in kinds}
    assert raised - listed == set()


def test_completeness_and_identity(result):
    exp = expected()
    status = result.period_status.iloc[0]
    assert bool(status["is_complete"]) is (not exp["province_incomplete"])
    assert status["units_missing"] == ",".join(exp["missing_units"])
    assert result.rpt_indicator["is_complete"].all()


def test_load_audit_adds_up(result):
    audit = result.load_audit
    assert set(audit["status"]) <= {"LOADED", "SUPERSEDED"}
    assert audit["unit_code"].notna().all()
    loaded = audit[audit["status"] == "LOADED"]
    assert (loaded["rows_read"] == loaded["rows_loaded"] + loaded["rows_quarantined"] + loaded["rows_non_entity"]).all()
    assert loaded["rows_quarantined"].sum() == len(result.quarantine) == 2
    districts = audit[audit["file_kind"] == "unit_return"]
    assert len(districts) == 14 and (districts["status"] == "SUPERSEDED").sum() == 1
    assert set(audit["file_kind"]) == {"unit_return", "tax", "province", "targets"}

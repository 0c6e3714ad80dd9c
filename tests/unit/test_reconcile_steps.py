"""The named rules of reconcile/ (entity_resolution, plausibility, completeness) and §7.3 (ingest/resubmissions)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kttt_pipeline.core.admin_units import AdminUnit
from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.resubmissions import keep_latest
from kttt_pipeline.ingest.result import ReadResult
from kttt_pipeline.reconcile import completeness
from kttt_pipeline.reconcile.entity_resolution import drop_duplicate_groups
from kttt_pipeline.reconcile.plausibility import count_quarantined

P = Period.parse("2024-Q3")


def _unit(code: str, name: str) -> AdminUnit:
    return AdminUnit(code, "district", name, "Huyện", "22", None, None)


def test_a_group_listed_twice_in_a_unit_counts_once():
    groups = pd.DataFrame(
        {
            "unit_code": ["193", "193", "195"],
            "name": ["THT Đan lát", "tht đan  lát", "THT Đan lát"],
            "source_file": "a.xlsx",
            "sheet": "THT",
            "row_number": [5, 9, 5],
        }
    )
    kept, found = drop_duplicate_groups(groups)
    assert list(kept["row_number"]) == [5, 5] and list(kept["unit_code"]) == ["193", "195"]  # another unit's: kept
    assert [(f.kind, f.unit_code, f.row_number, f.rule) for f in found] == [("DUPLICATE", "193", 9, "7.2")]
    assert "_key" not in kept


def test_quarantined_rows_move_from_loaded_to_quarantined_for_every_loaded_file():
    audit = pd.DataFrame(
        {
            "source_file": ["a.xlsx", "b.xlsx", "p.xlsx", "old.xlsx"],
            "status": ["LOADED", "LOADED", "LOADED", "SUPERSEDED"],
            "rows_read": [12, 5, 4, 9],
            "rows_loaded": [10, 5, 3, 0],
            "rows_quarantined": [0, 0, 0, 0],
            "rows_non_entity": [2, 0, 1, 2],
        }
    )
    quarantine = pd.DataFrame({"source_file": ["a.xlsx", "a.xlsx", "p.xlsx", "old.xlsx"]})
    got = count_quarantined(audit, quarantine).set_index("source_file")
    assert got["rows_quarantined"].to_dict() == {"a.xlsx": 2, "b.xlsx": 0, "p.xlsx": 1, "old.xlsx": 0}
    assert got["rows_loaded"].to_dict() == {"a.xlsx": 8, "b.xlsx": 5, "p.xlsx": 2, "old.xlsx": 0}
    loaded = got[got["status"] == "LOADED"]
    assert (loaded["rows_read"] == loaded["rows_loaded"] + loaded["rows_quarantined"] + loaded["rows_non_entity"]).all()
    assert audit["rows_loaded"].tolist() == [10, 5, 3, 0]  # the staged audit is not changed


def test_completeness_names_the_missing_units_and_the_missing_province_workbook():
    units = [_unit("193", "Hạ Long"), _unit("195", "Cẩm Phả"), _unit("196", "Uông Bí")]
    audit = pd.DataFrame(
        {
            "file_kind": ["unit_return", "unit_return", "province"],
            "status": ["LOADED", "REJECTED", "REJECTED"],
            "source_file": ["a", "b", "p"],
        }
    )
    gaps = completeness.check_completeness(units, {"193"}, audit, P, "22")
    assert [u.unit_code for u in gaps.missing] == ["195", "196"] and not gaps.province_workbook_read
    assert [(f.kind, f.entity_key) for f in gaps.findings] == [
        ("UNIT_MISSING", "195"),
        ("UNIT_MISSING", "196"),
        ("PROVINCE_WORKBOOK_MISSING", "2024-Q3/province"),
    ]
    status = completeness.period_status(gaps, P, audit).iloc[0]
    assert (status["units_expected"], status["units_present"], status["units_missing"]) == (3, 1, "195,196")
    assert not status["is_complete"] and (status["files_seen"], status["files_rejected"]) == (3, 2)
    # units missing, the province workbook read: the sums over units are incomplete, the unions' figures are not
    gaps = completeness.Completeness(units, {"193"}, gaps.missing, province_workbook_read=True)
    rpt = completeness.indicator_table(
        {"22": {"HTX_TOTAL": 5.0, "LHHTX_TOTAL": 1.0}, "193": {"HTX_TOTAL": 5.0}}, P, "22", gaps
    )
    flags = {(r.unit_code, r.indicator_code): bool(r.is_complete) for r in rpt.itertuples()}
    assert flags[("22", "HTX_TOTAL")] is False and flags[("22", "LHHTX_TOTAL")] is True
    assert flags[("193", "HTX_TOTAL")] is True  # a unit's own rows stay complete


def test_a_resubmission_supersedes_the_earlier_return_of_its_unit():
    unit = _unit("193", "Hạ Long")
    early, late = (
        ReadResult("a.xlsx", unit=unit, report_date=dt.date(2024, 10, 3)),
        ReadResult("b.xlsx", unit=unit, report_date=dt.date(2024, 10, 11)),
    )
    audits = [
        {"source_file": "a.xlsx", "modified_at": dt.datetime(2024, 10, 3), "status": "LOADED", "rows_loaded": 7},
        {"source_file": "b.xlsx", "modified_at": dt.datetime(2024, 10, 11), "status": "LOADED", "rows_loaded": 8},
    ]
    winners, found = keep_latest([(audits[0], early), (audits[1], late)])
    assert winners == {"193": "b.xlsx"}
    assert (audits[0]["status"], audits[0]["rows_loaded"]) == ("SUPERSEDED", 0) and "b.xlsx" in audits[0]["error"]
    assert audits[1]["status"] == "LOADED" and audits[1]["rows_loaded"] == 8
    assert [(f.kind, f.source_file) for f in found] == [("SUPERSEDED", "a.xlsx")]

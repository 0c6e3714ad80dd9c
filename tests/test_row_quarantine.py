"""One row never stops a period (issue 13): a row that cannot be classified is quarantined with its reason, the
identities hold by construction, and the period publishes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kttt_pipeline.periods import Period
from kttt_pipeline.pipeline import run_period
from kttt_pipeline.reconcile.indicators import check_identity
from kttt_pipeline.reconcile.plausibility import quarantine_rows

from . import small_period as sp
from .workbook_factory import coop_row, group_sheet

Q3 = Period(2024, 3)


def _coop(**kw):
    base = dict(unit_code="193", source_file="a.xlsx", sheet="HTX", row_number=10, name="HTX A", tax_code_raw=None,
                tax_code=None, tax_code_parent=None, tax_code_valid=False, registered_on=dt.date(2015, 1, 1),
                dissolved_on=None, sector="AGRI", status_text="Đang hoạt động", status="ACTIVE", grade="AVERAGE",
                members=10.0, workers=10.0, member_workers=5.0, managers=3.0, managers_primary_secondary=2.0,
                managers_college_plus=1.0, charter_capital=100.0, revenue=500.0, profit=50.0, avg_income=60.0,
                ocop_products=0.0, hightech=False, value_chain=False, values_unreadable=None)
    base.update(kw)
    return base


def test_unreadable_status_and_counts_quarantine_the_row_with_the_text_quoted():
    rows = pd.DataFrame([
        _coop(),
        _coop(row_number=11, status_text="Ngưng hẳn", status=None),
        _coop(row_number=12, status_text=None, status=None),
        _coop(row_number=13, members=None, values_unreadable={"members": "nhiều"}),
        _coop(row_number=14, revenue=None, values_unreadable={"revenue": "chưa có"}),  # money: left empty, loads
    ])
    rows["entity_key"] = rows["name"]
    kept, q, findings = quarantine_rows(rows, "cooperative", Q3)
    assert list(kept["row_number"]) == [10, 14]
    reasons = dict(zip(q["row_number"], q["reason_vi"]))
    assert reasons[11] == "không đọc được tình trạng hoạt động 'Ngưng hẳn' (không có trong danh mục tình trạng)"
    assert reasons[12].startswith("không ghi tình trạng hoạt động")
    assert reasons[13] == "số thành viên ghi 'nhiều', không phải là số"
    assert dict(zip(q["row_number"], q["rule"])) == {11: "status_unreadable", 12: "status_unreadable",
                                                      13: "count_unreadable"}
    assert "nhiều" in q.set_index("row_number").at[13, "raw_values"]
    assert sorted(f.row_number for f in findings) == [11, 12, 13]
    assert all(f.kind == "ROW_QUARANTINED" and f.sheet == "HTX" and f.source_file == "a.xlsx" for f in findings)


def test_a_group_with_an_unreadable_member_count_is_quarantined():
    rows = pd.DataFrame([dict(unit_code="193", source_file="a.xlsx", sheet="THT", row_number=5, name="THT A",
                              sector="AGRI", members=None, revenue=1.0, avg_income_month=2.0,
                              values_unreadable={"members": "#REF!"})])
    rows["entity_key"] = rows["name"]
    kept, q, _ = quarantine_rows(rows, "group", Q3)
    assert kept.empty and q["reason_vi"].iloc[0] == "số thành viên ghi '#REF!', không phải là số"


@pytest.fixture()
def messy_rows_period(tmp_path, monkeypatch):
    coops = sp.HL_COOPS + [
        coop_row(6, "HTX tình trạng lạ", None, status="Ngưng hẳn"),
        coop_row(7, "HTX không ghi tình trạng", None, status=None),
        coop_row(8, "HTX số người bằng chữ", None, members="nhiều"),
        coop_row(9, None, None, members=12),  # numbers but no name
    ]
    monkeypatch.setattr(sp, "HL_COOPS", coops)
    return sp.make_small_period(tmp_path / "raw")


def test_unclassifiable_rows_are_quarantined_and_the_identity_holds(messy_rows_period):
    result = run_period(messy_rows_period, sp.PERIOD)
    q = result.quarantine
    hl = q[q["source_file"].str.endswith("HL.xlsx")]
    # listing rows 5..9 sit at Excel rows 10..14 (three title rows, two header rows)
    by_row = dict(zip(hl["row_number"], hl["rule"]))
    assert by_row == {10: "mw_gt_workers", 11: "status_unreadable", 12: "status_unreadable",
                      13: "count_unreadable", 14: "missing_name"}
    found = result.dq_issue[result.dq_issue["kind"] == "ROW_QUARANTINED"]
    assert {(r.source_file.split("/")[-1], r.sheet, int(r.row_number)) for r in found.itertuples()} == \
        {("HL.xlsx", "Danh sách HTX", n) for n in (10, 11, 12, 13, 14)}
    audit = result.load_audit.set_index("source_file").loc[f"{sp.PERIOD}/districts/HL.xlsx"]
    assert audit["rows_quarantined"] == 5
    assert audit["rows_read"] == audit["rows_loaded"] + audit["rows_quarantined"] + audit["rows_non_entity"]
    values: dict[str, dict] = {}
    for r in result.rpt_indicator.itertuples():
        values.setdefault(r.unit_code, {})[r.indicator_code] = r.value
    assert values and all(check_identity(v) for v in values.values())
    # nothing of the quarantined rows is counted: Hạ Long keeps its four good cooperatives
    assert result.indicator("193", "HTX_TOTAL") == 4


def test_the_period_with_unclassifiable_rows_publishes(messy_rows_period, tmp_path, capsys):
    from kttt_pipeline.cli import main

    rc = main(["materialize", "--period", sp.PERIOD, "--raw-dir", str(messy_rows_period),
               "--warehouse", f"sqlite:///{tmp_path / 'w.db'}", "--reports-dir", str(tmp_path / "reports")])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "đã công bố" in out.out
    assert (tmp_path / "reports" / sp.PERIOD / f"phu_bieu_{sp.PERIOD}.xlsx").is_file()

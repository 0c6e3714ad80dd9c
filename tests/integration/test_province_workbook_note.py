"""LHHTX and QTDND come from the province workbook: their figures are marked incomplete ("Chưa đủ số liệu") only
when that workbook is missing, never because a reporting unit is (issue 13)."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from kttt_pipeline.cli import main
from kttt_pipeline.publish.appendix import FIGURES_NOTE_COL, PROVINCE_WORKBOOK_NOTE, SHEET_FIGURES, SHEET_UNIONS
from kttt_pipeline.run import run_period

from .. import small_period as sp


def _publish(raw, tmp_path):
    rc = main(
        [
            "materialize",
            "--period",
            sp.PERIOD,
            "--raw-dir",
            str(raw),
            "--warehouse",
            f"sqlite:///{tmp_path / 'w.db'}",
            "--reports-dir",
            str(tmp_path / "reports"),
        ]
    )
    assert rc == 0
    return load_workbook(tmp_path / "reports" / sp.PERIOD / f"phu_bieu_{sp.PERIOD}.xlsx")


def _notes_by_label(ws) -> dict[str, str | None]:
    """Biểu 01: indicator label (column B) → its note (column Ghi chú)."""
    return {
        str(ws.cell(r, 2).value): ws.cell(r, FIGURES_NOTE_COL).value
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, 2).value
    }


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.fixture()
def district_missing(tmp_path):
    return sp.make_small_period(tmp_path / "raw")  # two of thirteen units report; the province workbook is there


@pytest.fixture()
def workbook_missing(tmp_path):
    raw = sp.make_small_period(tmp_path / "raw")
    shutil.rmtree(raw / sp.PERIOD / "province")
    return raw


def test_a_missing_district_leaves_unions_and_credit_funds_complete(district_missing, tmp_path):
    result = run_period(district_missing, sp.PERIOD)
    rpt = result.rpt_indicator.set_index(["unit_code", "indicator_code"])["is_complete"]
    assert not rpt[("22", "HTX_TOTAL")] and rpt[("22", "LHHTX_TOTAL")] and rpt[("22", "QTDND_LOANS")]
    assert "PROVINCE_WORKBOOK_MISSING" not in set(result.dq_issue["kind"])
    wb = _publish(district_missing, tmp_path)
    notes = _notes_by_label(wb[SHEET_FIGURES])
    assert notes["Tổng số hợp tác xã"].startswith("Chưa đủ số liệu")
    assert not notes["Tổng số liên hiệp HTX"] and not notes["Dư nợ cho vay QTDND"]
    assert not any("Chưa đủ" in t or "chưa đủ" in t for t in _texts(wb[SHEET_UNIONS]))


def test_a_missing_province_workbook_marks_unions_and_credit_funds(workbook_missing, tmp_path):
    result = run_period(workbook_missing, sp.PERIOD)
    rpt = result.rpt_indicator.set_index(["unit_code", "indicator_code"])["is_complete"]
    assert not rpt[("22", "LHHTX_TOTAL")] and not rpt[("22", "QTDND_LOANS")]
    assert rpt[("193", "HTX_TOTAL")]
    assert "PROVINCE_WORKBOOK_MISSING" in set(result.dq_issue["kind"])
    wb = _publish(workbook_missing, tmp_path)
    notes = _notes_by_label(wb[SHEET_FIGURES])
    assert notes["Tổng số liên hiệp HTX"] == PROVINCE_WORKBOOK_NOTE
    assert notes["Dư nợ cho vay QTDND"] == PROVINCE_WORKBOOK_NOTE
    assert notes["Tổng số hợp tác xã"] == "Chưa đủ số liệu (xem dòng đầu biểu)"  # that one for the units
    assert PROVINCE_WORKBOOK_NOTE in _texts(wb[SHEET_UNIONS])


def test_all_units_present_and_no_province_workbook_marks_only_the_workbook_figures():
    import pandas as pd

    from kttt_pipeline.reconcile.indicators import mark_completeness, province_workbook_codes

    rpt = pd.DataFrame(
        [
            dict(unit_code=u, indicator_code=c, value=1.0, is_complete=True)
            for u in ("22", "193")
            for c in ("HTX_TOTAL", "THT_TOTAL", "LHHTX_TOTAL", "QTDND_TOTAL")
        ]
    )
    out = mark_completeness(rpt, "22", units_complete=True, province_workbook_read=False)
    flags = dict(zip(zip(out["unit_code"], out["indicator_code"]), out["is_complete"]))
    assert flags[("22", "HTX_TOTAL")] and flags[("22", "THT_TOTAL")]
    assert not flags[("22", "LHHTX_TOTAL")] and not flags[("22", "QTDND_TOTAL")]
    assert all(v for (u, _), v in flags.items() if u == "193")
    assert {"LHHTX_TOTAL", "QTDND_LOANS"} <= province_workbook_codes() and "HTX_TOTAL" not in province_workbook_codes()

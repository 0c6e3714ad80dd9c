"""Biểu 02's sector × status table is computed in the reconcile stage (rpt_breakdown) by the indicators' own
classification, so it agrees with rpt_indicator — also for a cooperative 'Đã giải thể' dissolved after the period
end, which HTX_TOTAL counts as dissolving (issue 15: the sheet used to drop it)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import load_workbook

from kttt_pipeline.cli import main
from kttt_pipeline.core.periods import Period
from kttt_pipeline.publish.appendix import SHEET_SECTOR
from kttt_pipeline.reconcile.breakdown import SECTOR_STATUS_COLS, breakdown_mismatches, sector_status_breakdown
from kttt_pipeline.reconcile.identities import identity_breaks
from kttt_pipeline.reconcile.indicators import classify_cooperatives, cooperative_indicators_by_unit
from kttt_pipeline.run import run_period

from .. import small_period as sp
from ..unit.test_reconcile import coop
from ..workbook_factory import COOP_CHILDREN, COOP_PARENTS, SheetSpec, coop_row, write_workbook

Q3 = Period.parse(sp.PERIOD)
#: Biểu 02 part A: column header → indicator its column adds up to
COLUMNS = {
    "Đang hoạt động": "HTX_ACTIVE",
    "Trong đó: tốt, khá": "HTX_GOOD",
    "Trong đó: trung bình": "HTX_AVERAGE",
    "Yếu kém": "HTX_WEAK",
    "Tạm ngừng hoạt động": "HTX_SUSPENDED",
    "Chưa đi vào hoạt động": "HTX_NOT_STARTED",
    "Đang làm thủ tục giải thể": "HTX_DISSOLVING",
}
SECTOR_LABELS = {
    "Nông nghiệp": "AGRI",
    "Công nghiệp - tiểu thủ công nghiệp": "INDUSTRY",
    "Xây dựng": "CONSTRUCTION",
    "Vệ sinh môi trường": "ENVIRONMENT",
    "Vận tải": "TRANSPORT",
    "Thương mại - dịch vụ": "TRADE",
    "Khác": "OTHER",
}


@pytest.fixture()
def dissolved_after_the_end(tmp_path):
    """The small period, Bình Liêu's listing with a 'Ngày giải thể' column: one cooperative 'Đã giải thể' on
    15/11/2024 (after the period end 30/9/2024: counted, as dissolving), one on 15/8/2024 (not counted)."""
    raw = sp.make_small_period(tmp_path / "raw")
    rows = [r + [None] for r in sp.BL_COOPS]
    rows.append(
        coop_row(3, "HTX thương mại giải thể sau kỳ", None, sector="Thương mại", status="Đã giải thể", grade=None)
        + ["15/11/2024"]
    )
    rows.append(
        coop_row(4, "HTX xây dựng đã giải thể trong kỳ", None, sector="Xây dựng", status="Đã giải thể", grade=None)
        + ["15/08/2024"]
    )
    sheet = SheetSpec(
        "Danh sách HTX",
        [["UBND huyện Bình Liêu"], ["Ngày báo cáo: 14/10/2024"], []],
        COOP_PARENTS + ["Ngày giải thể"],
        COOP_CHILDREN + [None],
        rows=rows,
    )
    write_workbook(raw / sp.PERIOD / "districts" / "BL.xlsx", [sheet])
    return raw


def _province(result) -> dict[str, float]:
    rpt = result.rpt_indicator
    rows = rpt[rpt["unit_code"] == "22"]
    return dict(zip(rows["indicator_code"], rows["value"]))


def test_the_period_counts_the_cooperative_dissolved_after_the_end_as_dissolving(dissolved_after_the_end):
    result = run_period(dissolved_after_the_end, sp.PERIOD)
    coops = result.cooperative
    late = coops[coops["name"] == "HTX thương mại giải thể sau kỳ"].iloc[0]
    assert late["status"] == "DISSOLVED" and late["in_total"] and late["dissolved_on"] == dt.date(2024, 11, 15)
    assert not coops[coops["name"] == "HTX xây dựng đã giải thể trong kỳ"].iloc[0]["in_total"]
    v = _province(result)
    assert v["HTX_DISSOLVING"] == 1 and v["HTX_SECTOR_TRADE"] == 1 and v["HTX_SECTOR_CONSTRUCTION"] == 0
    bd = result.rpt_breakdown
    cell = bd[(bd["unit_code"] == "22") & (bd["row_key"] == "TRADE") & (bd["col_key"] == "DISSOLVING")]
    assert cell["value"].tolist() == [1.0]
    # every unit with figures, and the province, has the full grid; none disagrees with its indicators
    units = set(result.rpt_indicator["unit_code"])
    assert set(bd["unit_code"]) == units
    assert len(bd) == len(units) * 7 * len(SECTOR_STATUS_COLS)
    assert (
        identity_breaks(
            result.rpt_indicator, result.cooperative, result.admin_unit, result.stg_cooperative, result.rpt_breakdown
        )
        == []
    )


def test_sector_sheet_agrees_with_rpt_indicator(dissolved_after_the_end, tmp_path):
    rc = main(
        [
            "materialize",
            "--period",
            sp.PERIOD,
            "--raw-dir",
            str(dissolved_after_the_end),
            "--warehouse",
            f"sqlite:///{tmp_path / 'w.db'}",
            "--reports-dir",
            str(tmp_path / "reports"),
        ]
    )
    assert rc == 0
    v = _province(run_period(dissolved_after_the_end, sp.PERIOD))
    ws = load_workbook(tmp_path / "reports" / sp.PERIOD / f"phu_bieu_{sp.PERIOD}.xlsx")[SHEET_SECTOR]
    header = next(
        r
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, 2).value == "Lĩnh vực" and ws.cell(r, 5).value == "Đang hoạt động"
    )
    col_of = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    assert set(COLUMNS) <= set(col_of)
    rows, r = {}, header + 1
    while ws.cell(r, 2).value in SECTOR_LABELS:
        rows[SECTOR_LABELS[ws.cell(r, 2).value]] = r
        r += 1
    assert len(rows) == 7
    total_row = r
    assert str(ws.cell(total_row, 2).value).startswith("Tổng cộng")
    for header_text, code in COLUMNS.items():
        col = col_of[header_text]
        cells = [ws.cell(row, col).value for row in rows.values()]
        assert all(isinstance(x, (int, float)) for x in cells), header_text
        assert sum(cells) == v[code] == ws.cell(total_row, col).value, header_text
    assert ws.cell(rows["TRADE"], col_of["Đang làm thủ tục giải thể"]).value == 1
    assert ws.cell(total_row, col_of["Tổng số HTX"]).value == v["HTX_TOTAL"]
    for sector, row in rows.items():  # a sector's status classes add up to the sector's count
        parts = [
            ws.cell(row, col_of[h]).value
            for h in (
                "Đang hoạt động",
                "Yếu kém",
                "Tạm ngừng hoạt động",
                "Chưa đi vào hoạt động",
                "Đang làm thủ tục giải thể",
            )
        ]
        assert sum(parts) == ws.cell(row, col_of["Tổng số HTX"]).value == v[f"HTX_SECTOR_{sector}"], sector


def _coops(rows: list[dict]) -> pd.DataFrame:
    base = dict(unit_code="1", grade="GOOD", tax_status_code="00", declared_revenue=10.0)
    return classify_cooperatives(pd.DataFrame([coop(**{**base, **r}) for r in rows]), Q3)


def test_breakdown_by_the_indicators_classification():
    coops = _coops(
        [
            dict(),
            dict(grade=None),
            dict(grade="WEAK"),
            dict(declared_revenue=0.0, sector="TRADE"),
            dict(status="SUSPENDED", grade=None),
            dict(status="NOT_STARTED", grade=None, unit_code="2"),
            dict(status="DISSOLVING", grade=None),
            dict(status="DISSOLVED", dissolved_on=dt.date(2024, 12, 1)),
            dict(status="DISSOLVED", dissolved_on=dt.date(2024, 9, 1), sector="TRADE"),
        ]
    )
    bd = sector_status_breakdown(coops, Q3, ["1", "2"], "22")
    cells = {(u, r, c): v for u, r, c, v in zip(bd["unit_code"], bd["row_key"], bd["col_key"], bd["value"])}
    assert cells[("22", "AGRI", "DISSOLVING")] == 2  # 'Đang làm thủ tục giải thể' and dissolved after the end
    assert cells[("22", "AGRI", "ACTIVE")] == 2 and cells[("22", "AGRI", "GOOD")] == 1
    assert cells[("22", "AGRI", "AVERAGE")] == 1  # not graded: average (§7.8)
    assert cells[("22", "AGRI", "WEAK")] == 1 and cells[("22", "TRADE", "WEAK")] == 1
    assert cells[("2", "AGRI", "NOT_STARTED")] == 1 and cells[("1", "AGRI", "NOT_STARTED")] == 0
    assert cells[("22", "TRADE", "DISSOLVING")] == 0  # dissolved in the period: not counted at all
    for unit in ("1", "2"):
        values = cooperative_indicators_by_unit(coops, Q3, ["1", "2"])[unit]
        unit_cells = {(r, c): v for (u, r, c), v in cells.items() if u == unit}
        assert breakdown_mismatches(values, unit_cells) == []
    province = cooperative_indicators_by_unit(coops.assign(unit_code="22"), Q3, ["22"])["22"]
    province_cells = {(r, c): v for (u, r, c), v in cells.items() if u == "22"}
    assert breakdown_mismatches(province, province_cells) == []


def test_identity_check_reports_a_breakdown_that_does_not_add_up():
    coops = _coops([dict(), dict(status="DISSOLVED", dissolved_on=dt.date(2024, 12, 1), sector="TRADE")])
    values = cooperative_indicators_by_unit(coops.assign(unit_code="22"), Q3, ["22"])["22"]
    rpt = pd.DataFrame([dict(unit_code="22", indicator_code=c, value=v) for c, v in values.items()])
    admin = pd.DataFrame([dict(unit_code="22", level="province", name_vi="Quảng Ninh", kind_vi="Tỉnh")])
    good = sector_status_breakdown(coops, Q3, [], "22")
    assert identity_breaks(rpt, coops, admin, rpt_breakdown=good) == []
    # the old sheet's cross-tab: the cooperative dissolved after the end in no column
    old = good.assign(
        value=good["value"].where(~((good["row_key"] == "TRADE") & (good["col_key"] == "DISSOLVING")), 0.0)
    )
    breaks = identity_breaks(rpt, coops, admin, rpt_breakdown=old)
    assert [b.unit_code for b in breaks] == ["22"]
    assert ("row", "TRADE", "HTX_SECTOR_TRADE", 0.0, 1.0) in breaks[0].breakdown
    assert ("col", "DISSOLVING", "HTX_DISSOLVING", 0.0, 1.0) in breaks[0].breakdown
    text = breaks[0].text_vi()
    assert "Biểu 02" in text and "HTX_DISSOLVING 1" in text and "cột đang làm thủ tục giải thể cộng được 0" in text

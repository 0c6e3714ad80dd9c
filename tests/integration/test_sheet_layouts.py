"""Sheet layouts are data (vocab/layouts/*.csv): the sheets and the headline place what the files say, and a file
that names an unknown indicator is refused with a message naming it (issue 15)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.publish import layouts
from kttt_pipeline.publish.appendix import SHEET_FIGURES, SHEET_UNITS, write_appendix

from .test_publish import PERIOD, _header_row, _rpt, build_warehouse


@pytest.fixture()
def fresh_layouts():
    cached = [
        layouts.figure_rows,
        layouts.unit_columns,
        layouts.unit_column_widths,
        layouts.headline,
        layouts.sector_status_columns,
        layouts.sector_status_widths,
        layouts.status_rows,
    ]
    for f in cached:
        f.cache_clear()
    yield
    for f in cached:
        f.cache_clear()


def test_every_layout_names_known_indicators_once():
    known = {i.code for i in indicators()}
    rows = [r.indicator_code for r in layouts.figure_rows() if r.indicator_code]
    assert rows and set(rows) <= known and len(rows) == len(set(rows))
    assert [code for _, code in layouts.unit_columns()][:2] == ["HTX_TOTAL", "HTX_ACTIVE"]
    assert len(layouts.unit_column_widths()) == len(layouts.unit_columns())
    assert len(layouts.sector_status_widths()) == len(layouts.sector_status_columns())
    assert {f"HTX_{k}" for k, _ in layouts.sector_status_columns()} <= known
    assert [code for code, _ in layouts.headline()][0] == "HTX_TOTAL"


def test_a_layout_naming_an_unknown_indicator_is_refused(fresh_layouts, monkeypatch):
    real = layouts._read
    monkeypatch.setattr(
        layouts,
        "_read",
        lambda name: (
            real(name)
            + (
                [{"indicator_code": "HTX_NO_SUCH", "header": "x", "width": "9"}]
                if name == "bieu_03_columns.csv"
                else []
            )
        ),
    )
    with pytest.raises(layouts.LayoutError, match="bieu_03_columns.csv.*HTX_NO_SUCH"):
        layouts.unit_columns()


def test_the_sheets_place_what_the_layout_files_say(fresh_layouts, monkeypatch, tmp_path):
    """Biểu 03 with two columns swapped and a row of Biểu 01 relabelled: one edit of a CSV, no code."""
    real = layouts._read

    def edited(name):
        rows = real(name)
        if name == "bieu_03_columns.csv":
            rows[0], rows[1] = rows[1], rows[0]
        if name == "bieu_01_rows.csv":
            rows = [
                dict(r, label="Tổng số hợp tác xã trên địa bàn") if r["indicator_code"] == "HTX_TOTAL" else r
                for r in rows
            ]
        return rows

    monkeypatch.setattr(layouts, "_read", edited)
    engine = build_warehouse(tmp_path / "w.sqlite")
    wb = load_workbook(write_appendix(engine, PERIOD, tmp_path / "a.xlsx"))
    ws = wb[SHEET_UNITS]
    hdr = _header_row(ws)
    assert [ws.cell(hdr, c).value for c in (3, 4)] == ["HTX đang hoạt động", "Tổng số HTX"]
    rpt = _rpt(engine, "193")
    assert [ws.cell(hdr + 2, c).value for c in (3, 4)] == [rpt["HTX_ACTIVE"], rpt["HTX_TOTAL"]]
    figures = wb[SHEET_FIGURES]
    labels = {figures.cell(r, 2).value: r for r in range(1, figures.max_row + 1)}
    assert figures.cell(labels["Tổng số hợp tác xã trên địa bàn"], 4).value == _rpt(engine)["HTX_TOTAL"]

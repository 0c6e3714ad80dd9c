"""The national summary workbook (publish/national_workbook.py) from a small roll-up: one row per province with
its name, the national total row, the provinces missing named in the note, the print set-up of the appendix."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from kttt_pipeline.core.numfmt import NF_DEC1, NF_INT
from kttt_pipeline.publish.layouts import national_columns
from kttt_pipeline.publish.national import Province, roll_up
from kttt_pipeline.publish.national_workbook import NOT_COMPLETE, NOT_LOADED, SHEET_NATIONAL, write_national_workbook

PROVINCES = [Province("A1", "Thành phố Một"), Province("B2", "Tỉnh Hai"), Province("C3", "Tỉnh Ba")]


def _rollup():
    figures = pd.DataFrame(
        [
            {"province_code": p, "indicator_code": code, "value": v}
            for p, values in {"A1": (10, 1234.5), "B2": (5, 100.0)}.items()
            for code, v in zip(("HTX_TOTAL", "HTX_CHARTER_CAPITAL"), values)
        ]
    )
    status = pd.DataFrame([{"province_code": "A1", "is_complete": True}, {"province_code": "B2", "is_complete": False}])
    return roll_up("2026-Q3", figures, status, [p.code for p in PROVINCES], rows={})


def test_workbook_rows_total_and_note(tmp_path):
    path = write_national_workbook(_rollup(), PROVINCES, tmp_path / "out" / "toan_quoc.xlsx")
    ws = load_workbook(path)[SHEET_NATIONAL]
    rows = {r[1].value: r for r in ws.iter_rows() if isinstance(r[1].value, str)}
    codes = [code for _h, code, _w in national_columns()]
    col_total, col_capital = 2 + codes.index("HTX_TOTAL"), 2 + codes.index("HTX_CHARTER_CAPITAL")
    total = rows["Toàn quốc (chưa đủ)"]
    assert total[col_total].value == rows["Thành phố Một"][col_total].value + rows["Tỉnh Hai"][col_total].value == 15
    assert total[col_capital].value == 1334.5
    assert total[col_total].number_format == NF_INT and total[col_capital].number_format == NF_DEC1
    assert rows["Tỉnh Ba"][-1].value == NOT_LOADED and rows["Tỉnh Hai"][-1].value == NOT_COMPLETE
    assert rows["Tỉnh Ba"][col_total].value is None
    notes = [r[0].value for r in ws.iter_rows() if isinstance(r[0].value, str) and r[0].value.startswith("- ")]
    assert any("Chưa có số liệu của 1 tỉnh, thành phố: Tỉnh Ba" in n for n in notes)
    assert any("Tỉnh Hai" in n and "Chưa đủ báo cáo" in n for n in notes)
    # the means had no detail rows: empty, and the note says why
    assert total[2 + codes.index("HTX_AVG_REVENUE")].value is None
    assert any("để trống" in n for n in notes)
    texts = {c.value for r in ws.iter_rows() for c in r[1:] if isinstance(c.value, str)}
    assert not texts & {"A1", "B2", "C3"}
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.print_title_rows
    assert not list(path.parent.glob(".*"))  # written beside its place and moved in: nothing left over

"""Biểu 01: the collective-economy figures, one row per line of ``vocab/layouts/bieu_01_rows.csv``: STT | Chỉ
tiêu | Đơn vị tính | Thực hiện đến <date> | Kế hoạch năm <year> | So với KH (%) | Cùng kỳ năm trước | So với
cùng kỳ (%) | Ghi chú."""

from __future__ import annotations

from openpyxl import Workbook

from kttt_pipeline.core.numfmt import NF_PCT1, number_format_for
from kttt_pipeline.publish.appendix.cells import write_number, write_text
from kttt_pipeline.publish.appendix.common import (
    NO_COMPARISON,
    SHEET_FIGURES,
    _title_block,
    comparison_note,
    province_workbook_note,
)
from kttt_pipeline.publish.appendix.pagination import SheetLayout
from kttt_pipeline.publish.appendix.styles import TOTAL_FILL
from kttt_pipeline.publish.layouts import figure_rows
from kttt_pipeline.publish.warehouse_reader import PROVINCE_WORKBOOK_GROUPS, PeriodData, indicator_meta

#: Biểu 01's rows: (numbering, indicator code or None for a heading, label override, level)
FIGURE_ROWS = list(figure_rows())
#: Biểu 01's "Ghi chú" column
FIGURES_NOTE_COL = 9


def _sheet_figures(wb: Workbook, data: PeriodData) -> int:
    ws = wb.active
    ws.title = SHEET_FIGURES
    lay = SheetLayout(ws, [6, 46, 17, 15, 15, 11, 15, 11, 26])
    lay.set_widths()
    _title_block(
        lay,
        data,
        "Phụ biểu 01",
        f"KẾT QUẢ PHÁT TRIỂN KINH TẾ TẬP THỂ {data.province_title} ĐẾN {data.end_vi}",
        extra=comparison_note(data),
    )
    then = data.year_ago_period
    lay.header(
        [
            "STT",
            "Chỉ tiêu",
            "Đơn vị tính",
            f"Thực hiện đến {data.end_vi}",
            f"Kế hoạch năm {data.period.year}",
            "So với KH (%)",
            f"Cùng kỳ năm trước (đến {then.end.day}/{then.end.month}/{then.end.year})",
            "So với cùng kỳ (%)",
            "Ghi chú",
        ]
    )
    lay.column_numbers(["A", "B", "C", "(1)", "(2)", "(3)=(1)/(2)", "(4)", "(5)=(1)/(4)", "D"])
    meta = indicator_meta()
    layout = figure_rows()  # read at every build: a layout is data
    placed = {code for _, code, _, _ in layout if code}
    extra = [m.code for m in meta.values() if m.code not in placed and m.group != "PLAN"]
    rows = list(layout)
    if extra:  # an indicator added to the vocabulary later is still published, never silently dropped
        rows.append(("V", None, "CHỈ TIÊU KHÁC", 0))
        rows += [(str(i), code, None, 1) for i, code in enumerate(extra, 1)]
    flags = data.complete_flags.get(data.province_code, {})
    for numbering, code, label, level in rows:
        r = lay.row
        m = meta.get(code) if code else None
        name = label or (m.name_vi if m else "")
        bold = level <= 1
        italic = level >= 2
        numtxt = f"{numbering})" if level == 2 and numbering else numbering
        write_text(ws, r, 1, numtxt, bold=bold, halign="center", fill=TOTAL_FILL if level == 0 else None)
        write_text(
            ws,
            r,
            2,
            name,
            bold=bold,
            italic=italic,
            indent=0 if level <= 1 else level - 1,
            fill=TOTAL_FILL if level == 0 else None,
        )
        note = ""
        unit = ""
        if code is None:
            for c in range(3, FIGURES_NOTE_COL + 1):
                write_text(ws, r, c, "", fill=TOTAL_FILL if level == 0 else None)
            if level == 0:
                lay.headings.add(r)
        else:
            unit = m.unit if m else ""
            fmt = number_format_for(unit)
            write_text(ws, r, 3, unit, halign="center", italic=italic)
            write_number(ws, r, 4, data.value(code), fmt, bold=bold, italic=italic)
            target = data.target(code)
            write_number(ws, r, 5, target, fmt, italic=italic)
            write_number(ws, r, 6, data.pct_of_plan(code) if target is not None else None, NF_PCT1, italic=italic)
            # the same quarter a year earlier, compared directly at province level; empty when not loaded
            write_number(ws, r, 7, data.year_ago_value(code), fmt, italic=italic)
            write_number(ws, r, 8, data.ratio_to_year_ago(code), NF_PCT1, italic=italic)
            flag = flags.get(code)
            group = m.group if m else ""
            from_workbook = group in PROVINCE_WORKBOOK_GROUPS  # the province workbook's, not the units'
            if from_workbook and (flag is False or (flag is None and not data.province_workbook_complete)):
                note = province_workbook_note(data.province_word)
            elif not from_workbook and (
                flag is False or (flag is None and not data.is_complete and group in ("HTX", "THT"))
            ):
                note = "Chưa đủ số liệu (xem dòng đầu biểu)"
            elif data.value(code) is None:
                note = "Chưa có số liệu"
            if data.year_ago is not None and data.year_ago_value(code) is None:
                note = "; ".join(x for x in (note, NO_COMPARISON[0].upper() + NO_COMPARISON[1:]) if x)
            write_text(ws, r, FIGURES_NOTE_COL, note, italic=True, color="C00000" if note else None, size=10)
        # the unit wraps in its column ("triệu đồng/người/năm" on two lines): the row is as high as its tallest text
        lay.fit_height(r, [(2, name), (3, unit if code else ""), (FIGURES_NOTE_COL, note)], bold=bold)
        lay.row += 1
    return lay.finish()

"""Biểu 04: cooperative unions (LHHTX) and people's credit funds (QTDND), listed from the province workbook,
their totals from ``rpt_indicator``."""

from __future__ import annotations

from openpyxl import Workbook

from kttt_pipeline.core import fields
from kttt_pipeline.core.numfmt import NF_INT, format_vn, number_format_for
from kttt_pipeline.publish.appendix.cells import _f, clean_text, write_number, write_text
from kttt_pipeline.publish.appendix.common import (PROVINCE_WORKBOOK_NOTE, SHEET_UNIONS, UNION_SECTOR_VI,
                                                   _title_block, section_heading)
from kttt_pipeline.publish.appendix.pagination import SheetLayout
from kttt_pipeline.publish.appendix.styles import TOTAL_FILL
from kttt_pipeline.publish.warehouse_reader import PeriodData


def _figures(record_type: str) -> list[tuple[fields.Field, str, str]]:
    """(field, column header, number format) of the figures a union or credit fund row lists (vocab/fields.csv):
    the header is the label and its unit, unless the label names the unit ("Số HTX thành viên"); a count is
    written as a whole number."""
    out = []
    for name in fields.numeric_fields(record_type):
        f = fields.get_field(record_type, name)
        header = f.label_vi if not f.unit or f.unit in f.label_vi.split() else f"{f.label_vi} ({f.unit})"
        out.append((f, header, NF_INT if f.kind == "count" else number_format_for(f.unit)))
    return out


def _sheet_unions(wb: Workbook, data: PeriodData) -> int:
    ws = wb.create_sheet(SHEET_UNIONS)
    union_cols, fund_cols = _figures("union"), _figures("credit_fund")
    widths = [5, 40] + [14] * (max(2 + len(union_cols), 1 + len(fund_cols)))
    lay = SheetLayout(ws, widths)
    lay.set_widths()
    # unions and credit funds come from the province workbook: a missing reporting unit does not touch them
    _title_block(lay, data, "Phụ biểu 04",
                 f"LIÊN HIỆP HỢP TÁC XÃ VÀ QUỸ TÍN DỤNG NHÂN DÂN TỈNH {data.province_name.upper()} ĐẾN {data.end_vi}",
                 note="" if data.province_workbook_complete else PROVINCE_WORKBOOK_NOTE)
    # A. unions
    section_heading(ws, lay, "A. Liên hiệp hợp tác xã")
    lay.header(["STT", "Tên liên hiệp HTX", "Mã số thuế", "Lĩnh vực", *(h for _, h, _ in union_cols)], repeat=False)
    lay.headings.add(lay.row - 1)
    for i, u in enumerate(data.unions, 1):
        r = lay.row
        write_text(ws, r, 1, str(i), halign="center")
        write_text(ws, r, 2, u.get("name"))
        write_text(ws, r, 3, u.get("tax_code"), halign="center")
        write_text(ws, r, 4, UNION_SECTOR_VI.get(str(u.get("sector")), clean_text(u.get("sector"))))
        for j, (f, _, fmt) in enumerate(union_cols):
            write_number(ws, r, 5 + j, _f(u.get(f.field)), fmt)
        lay.fit_height(r, [(2, clean_text(u.get("name"))), (4, clean_text(u.get("sector")))])
        lay.row += 1
    r = lay.row
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, f"Tổng cộng ({format_vn(data.value('LHHTX_TOTAL'))} liên hiệp HTX)", bold=True,
               fill=TOTAL_FILL)
    write_text(ws, r, 3, "", fill=TOTAL_FILL)
    agri = data.value("LHHTX_AGRI")
    write_text(ws, r, 4, f"Nông nghiệp: {format_vn(agri)}" if agri is not None else "", fill=TOTAL_FILL)
    for j, (f, _, fmt) in enumerate(union_cols):
        total = data.value(f.sum_indicator) if f.sum_indicator else None
        write_number(ws, r, 5 + j, total, fmt, bold=True, fill=TOTAL_FILL)
    lay.fit_height(r, [])
    lay.row += 1
    lay.blank(14)
    # B. credit funds
    section_heading(ws, lay, "B. Quỹ tín dụng nhân dân")
    lay.header(["STT", "Tên quỹ tín dụng nhân dân", "Mã số thuế", *(h for _, h, _ in fund_cols)], repeat=False)
    lay.headings.add(lay.row - 1)
    for i, q in enumerate(data.credit_funds, 1):
        r = lay.row
        write_text(ws, r, 1, str(i), halign="center")
        write_text(ws, r, 2, q.get("name"))
        write_text(ws, r, 3, q.get("tax_code"), halign="center")
        for j, (f, _, fmt) in enumerate(fund_cols):
            write_number(ws, r, 4 + j, _f(q.get(f.field)), fmt)
        lay.fit_height(r, [(2, clean_text(q.get("name")))])
        lay.row += 1
    r = lay.row
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, f"Tổng cộng ({format_vn(data.value('QTDND_TOTAL'))} quỹ)", bold=True, fill=TOTAL_FILL)
    write_text(ws, r, 3, "", fill=TOTAL_FILL)
    for j, (f, _, fmt) in enumerate(fund_cols):
        total = data.value(f.sum_indicator) if f.sum_indicator else None
        write_number(ws, r, 4 + j, total, fmt, bold=True, fill=TOTAL_FILL)
    lay.fit_height(r, [])
    lay.row += 1
    return lay.finish()


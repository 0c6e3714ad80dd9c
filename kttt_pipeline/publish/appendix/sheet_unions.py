"""Biểu 04: cooperative unions (LHHTX) and people's credit funds (QTDND), listed from the province workbook,
their totals from ``rpt_indicator``."""

from __future__ import annotations

from openpyxl import Workbook

from kttt_pipeline.core.numfmt import NF_DEC1, NF_INT, format_vn
from kttt_pipeline.publish.appendix.cells import _f, clean_text, write_number, write_text
from kttt_pipeline.publish.appendix.common import (PROVINCE_WORKBOOK_NOTE, SHEET_UNIONS, UNION_SECTOR_VI,
                                                   _title_block)
from kttt_pipeline.publish.appendix.pagination import SheetLayout
from kttt_pipeline.publish.appendix.styles import LINE_PT, TOTAL_FILL
from kttt_pipeline.publish.warehouse_reader import PeriodData


def _sheet_unions(wb: Workbook, data: PeriodData) -> int:
    ws = wb.create_sheet(SHEET_UNIONS)
    widths = [5, 40, 14, 14, 14, 14, 14, 14, 14, 14]
    lay = SheetLayout(ws, widths)
    lay.set_widths()
    # unions and credit funds come from the province workbook: a missing reporting unit does not touch them
    _title_block(lay, data, "Phụ biểu 04",
                 f"LIÊN HIỆP HỢP TÁC XÃ VÀ QUỸ TÍN DỤNG NHÂN DÂN TỈNH {data.province_name.upper()} ĐẾN {data.end_vi}",
                 note="" if data.province_workbook_complete else PROVINCE_WORKBOOK_NOTE)
    # A. unions
    write_text(ws, lay.row, 1, "A. Liên hiệp hợp tác xã", bold=True, border=False, wrap=False)
    lay.heights[lay.row] = LINE_PT + 4
    lay.headings.add(lay.row)
    lay.row += 1
    lay.header(["STT", "Tên liên hiệp HTX", "Mã số thuế", "Lĩnh vực", "Số HTX thành viên", "Số lao động (người)",
                "Vốn điều lệ (triệu đồng)"], repeat=False)
    lay.headings.add(lay.row - 1)
    for i, u in enumerate(data.unions, 1):
        r = lay.row
        write_text(ws, r, 1, str(i), halign="center")
        write_text(ws, r, 2, u.get("name"))
        write_text(ws, r, 3, u.get("tax_code"), halign="center")
        write_text(ws, r, 4, UNION_SECTOR_VI.get(str(u.get("sector")), clean_text(u.get("sector"))))
        write_number(ws, r, 5, _f(u.get("member_htx")), NF_INT)
        write_number(ws, r, 6, _f(u.get("workers")), NF_INT)
        write_number(ws, r, 7, _f(u.get("charter_capital")), NF_DEC1)
        lay.fit_height(r, [(2, clean_text(u.get("name"))), (4, clean_text(u.get("sector")))])
        lay.row += 1
    r = lay.row
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, f"Tổng cộng ({format_vn(data.value('LHHTX_TOTAL'))} liên hiệp HTX)", bold=True,
               fill=TOTAL_FILL)
    write_text(ws, r, 3, "", fill=TOTAL_FILL)
    agri = data.value("LHHTX_AGRI")
    write_text(ws, r, 4, f"Nông nghiệp: {format_vn(agri)}" if agri is not None else "", fill=TOTAL_FILL)
    write_number(ws, r, 5, data.value("LHHTX_MEMBER_HTX"), NF_INT, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 6, data.value("LHHTX_WORKERS"), NF_INT, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 7, data.value("LHHTX_CHARTER_CAPITAL"), NF_DEC1, bold=True, fill=TOTAL_FILL)
    lay.fit_height(r, [])
    lay.row += 1
    lay.blank(14)
    # B. credit funds
    write_text(ws, lay.row, 1, "B. Quỹ tín dụng nhân dân", bold=True, border=False, wrap=False)
    lay.heights[lay.row] = LINE_PT + 4
    lay.headings.add(lay.row)
    lay.row += 1
    lay.header(["STT", "Tên quỹ tín dụng nhân dân", "Mã số thuế", "Số thành viên (người)", "Số lao động (người)",
                "Cán bộ quản lý (người)", "Tổng nguồn vốn (triệu đồng)", "Vốn chủ sở hữu (triệu đồng)",
                "Vốn huy động (triệu đồng)", "Dư nợ cho vay (triệu đồng)"], repeat=False)
    lay.headings.add(lay.row - 1)
    cols = [("members", NF_INT), ("workers", NF_INT), ("managers", NF_INT), ("total_capital", NF_DEC1),
            ("equity", NF_DEC1), ("mobilised", NF_DEC1), ("loans", NF_DEC1)]
    for i, q in enumerate(data.credit_funds, 1):
        r = lay.row
        write_text(ws, r, 1, str(i), halign="center")
        write_text(ws, r, 2, q.get("name"))
        write_text(ws, r, 3, q.get("tax_code"), halign="center")
        for j, (col, fmt) in enumerate(cols):
            write_number(ws, r, 4 + j, _f(q.get(col)), fmt)
        lay.fit_height(r, [(2, clean_text(q.get("name")))])
        lay.row += 1
    r = lay.row
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, f"Tổng cộng ({format_vn(data.value('QTDND_TOTAL'))} quỹ)", bold=True, fill=TOTAL_FILL)
    write_text(ws, r, 3, "", fill=TOTAL_FILL)
    codes = ["QTDND_MEMBERS", "QTDND_WORKERS", "QTDND_MANAGERS", "QTDND_TOTAL_CAPITAL", "QTDND_EQUITY",
             "QTDND_MOBILISED", "QTDND_LOANS"]
    for j, (code, (_, fmt)) in enumerate(zip(codes, cols)):
        write_number(ws, r, 4 + j, data.value(code), fmt, bold=True, fill=TOTAL_FILL)
    lay.fit_height(r, [])
    lay.row += 1
    return lay.finish()


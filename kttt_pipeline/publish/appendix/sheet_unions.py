"""Biểu 04: cooperative unions (LHHTX) and people's credit funds (QTDND), listed from the province workbook,
their totals from ``rpt_indicator``."""

from __future__ import annotations

from openpyxl import Workbook

from kttt_pipeline.core import fields
from kttt_pipeline.core.numfmt import NF_INT, format_vn, number_format_for
from kttt_pipeline.publish.appendix.cells import _f, clean_text, write_number, write_text
from kttt_pipeline.publish.appendix.common import SHEET_UNIONS, UNION_SECTOR_VI, _title_block, province_workbook_note
from kttt_pipeline.publish.appendix.pagination import SheetLayout
from kttt_pipeline.publish.appendix.styles import GROUP_FILL, TOTAL_FILL
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


def _columns() -> list[tuple[str, str, list[tuple[str, fields.Field]]]]:
    """The figure columns of Biểu 04's one table: (header, number format, [(record type, field)]) — a union's and
    a credit fund's figure of the same label ("Số lao động") share a column, so one header row, repeated on
    every printed page, heads both parts."""
    out: list[tuple[str, str, list[tuple[str, fields.Field]]]] = []
    for record_type in ("union", "credit_fund"):
        for f, header, fmt in _figures(record_type):
            same = next((c for c in out if c[0] == header), None)
            if same is not None:
                same[2].append((record_type, f))
            else:
                out.append((header, fmt, [(record_type, f)]))
    return out


def _sheet_unions(wb: Workbook, data: PeriodData) -> int:
    ws = wb.create_sheet(SHEET_UNIONS)
    columns = _columns()
    widths = [5, 40, 12, 13] + [11] * len(columns)
    lay = SheetLayout(ws, widths)
    lay.set_widths()
    # unions and credit funds come from the province workbook: a missing reporting unit does not touch them
    _title_block(
        lay,
        data,
        "Phụ biểu 04",
        f"LIÊN HIỆP HỢP TÁC XÃ VÀ QUỸ TÍN DỤNG NHÂN DÂN {data.province_title} ĐẾN {data.end_vi}",
        note="" if data.province_workbook_complete else province_workbook_note(data.province_word),
    )
    lay.header(
        ["STT", "Tên liên hiệp HTX, quỹ tín dụng nhân dân", "Mã số thuế", "Lĩnh vực", *(h for h, _, _ in columns)]
    )
    parts = (
        (
            "A",
            "Liên hiệp hợp tác xã",
            "union",
            data.unions,
            f"Cộng liên hiệp HTX ({format_vn(data.value('LHHTX_TOTAL'))} liên hiệp)",
        ),
        (
            "B",
            "Quỹ tín dụng nhân dân",
            "credit_fund",
            data.credit_funds,
            f"Cộng quỹ tín dụng nhân dân ({format_vn(data.value('QTDND_TOTAL'))} quỹ)",
        ),
    )
    for letter, title, record_type, rows, total_label in parts:
        r = lay.row
        write_text(ws, r, 1, letter, bold=True, halign="center", fill=GROUP_FILL)
        write_text(ws, r, 2, title, bold=True, fill=GROUP_FILL)
        for c in range(3, len(widths) + 1):
            write_text(ws, r, c, "", fill=GROUP_FILL)
        lay.fit_height(r, [(2, title)], bold=True)
        lay.headings.add(r)
        lay.row += 1
        for i, u in enumerate(rows, 1):
            r = lay.row
            sector = ""
            if record_type == "union":
                sector = UNION_SECTOR_VI.get(str(u.get("sector")), clean_text(u.get("sector")))
            write_text(ws, r, 1, str(i), halign="center")
            write_text(ws, r, 2, u.get("name"))
            write_text(ws, r, 3, u.get("tax_code"), halign="center")
            write_text(ws, r, 4, sector)
            for j, (_, fmt, members) in enumerate(columns):
                f = next((f for t, f in members if t == record_type), None)
                write_number(ws, r, 5 + j, _f(u.get(f.field)) if f else None, fmt)
            lay.fit_height(r, [(2, clean_text(u.get("name"))), (4, sector)])
            lay.row += 1
        r = lay.row
        write_text(ws, r, 1, "", fill=TOTAL_FILL)
        write_text(ws, r, 2, total_label, bold=True, fill=TOTAL_FILL)
        write_text(ws, r, 3, "", fill=TOTAL_FILL)
        agri = data.value("LHHTX_AGRI") if record_type == "union" else None
        agri_text = f"Nông nghiệp: {format_vn(agri)}" if agri is not None else ""
        write_text(ws, r, 4, agri_text, fill=TOTAL_FILL)
        for j, (_, fmt, members) in enumerate(columns):
            f = next((f for t, f in members if t == record_type), None)
            total = data.value(f.sum_indicator) if f is not None and f.sum_indicator else None
            write_number(ws, r, 5 + j, total, fmt, bold=True, fill=TOTAL_FILL)
        lay.fit_height(r, [(2, total_label), (4, agri_text)], bold=True)
        lay.row += 1
    return lay.finish()

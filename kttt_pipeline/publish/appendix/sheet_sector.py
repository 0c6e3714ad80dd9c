"""Biểu 02: cooperatives by sector and status (with grades) — the cross-tab is ``rpt_breakdown``'s
'sector_status', computed in the reconcile stage —, by status and grade, and groups by sector."""

from __future__ import annotations

from openpyxl import Workbook

from kttt_pipeline.core.numfmt import NF_INT, NF_PCT1, share
from kttt_pipeline.ingest.schemas import SECTORS
from kttt_pipeline.publish.appendix.cells import write_number, write_text
from kttt_pipeline.publish.appendix.common import SECTOR_VI, SHEET_SECTOR, THT_SECTOR_VI, _title_block, section_heading
from kttt_pipeline.publish.appendix.pagination import SheetLayout
from kttt_pipeline.publish.appendix.styles import HEADER_FILL, TOTAL_FILL
from kttt_pipeline.publish.layouts import sector_status_columns, sector_status_widths, status_rows
from kttt_pipeline.publish.warehouse_reader import PeriodData
from kttt_pipeline.reconcile.breakdown import SECTOR_STATUS
from kttt_pipeline.reconcile.indicators import THT_SECTORS

#: the base of each share column, said in its header (the text gives grades as shares of the active cooperatives)
SHARE_OF_ALL = "Tỷ lệ trên tổng số HTX (%)"
SHARE_OF_ACTIVE = "Tỷ lệ trên số HTX đang hoạt động (%)"
#: the grades of the active cooperatives (part B rows whose share of the active ones is shown)
_GRADES_OF_ACTIVE = ("HTX_GOOD", "HTX_AVERAGE")


def _sheet_sector(wb: Workbook, data: PeriodData) -> int:
    ws = wb.create_sheet(SHEET_SECTOR)
    columns = sector_status_columns()
    headers = ["STT", "Lĩnh vực", "Tổng số HTX", SHARE_OF_ALL, *[header for _, header in columns]]
    lay = SheetLayout(ws, [6, 34, 11, 10, *sector_status_widths()])
    lay.set_widths()
    _title_block(
        lay,
        data,
        "Phụ biểu 02",
        f"HỢP TÁC XÃ, TỔ HỢP TÁC PHÂN THEO LĨNH VỰC VÀ TÌNH TRẠNG HOẠT ĐỘNG {data.province_title} ĐẾN {data.end_vi}",
    )
    section_heading(ws, lay, "A. Hợp tác xã phân theo lĩnh vực và tình trạng hoạt động")
    lay.header(headers)
    total = data.value("HTX_TOTAL")
    active = data.value("HTX_ACTIVE")
    for i, sector in enumerate(SECTORS, 1):
        r = _sector_row(ws, lay.row, i, SECTOR_VI[sector], data.value(f"HTX_SECTOR_{sector}"), total)
        for j, (key, _) in enumerate(columns):
            write_number(ws, r, 5 + j, data.breakdown(SECTOR_STATUS, sector, key), NF_INT)
        lay.fit_height(r, [(2, SECTOR_VI[sector])])
        lay.row += 1
    r = lay.row
    label = "Tổng cộng" + (f" {data.incomplete_note()}" if not data.is_complete else "")
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, label, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 3, total, NF_INT, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 4, 100.0 if total else None, NF_PCT1, bold=True, fill=TOTAL_FILL)
    for j, (key, _) in enumerate(columns):
        write_number(ws, r, 5 + j, data.value(f"HTX_{key}"), NF_INT, bold=True, fill=TOTAL_FILL)
    lay.fit_height(r, [(2, label)])
    lay.row += 1
    lay.blank()

    # B. by status and grade: the share of all cooperatives, and a grade's share of the active ones (the base the
    # text's "tốt, khá … chiếm x% số HTX đang hoạt động" uses): each column says its base
    section_heading(ws, lay, "B. Hợp tác xã phân theo tình trạng hoạt động và xếp loại")
    labels_b = ["STT", "Tình trạng hoạt động", "Số HTX", SHARE_OF_ALL, SHARE_OF_ACTIVE]
    for col, label in enumerate(labels_b, 1):
        write_text(ws, lay.row, col, label, bold=True, halign="center", fill=HEADER_FILL)
    lay.fit_height(lay.row, list(enumerate(labels_b, 1)), bold=True)
    lay.headings.add(lay.row)
    lay.row += 1
    for numbering, code, label, bold in status_rows():
        r = lay.row
        write_text(ws, r, 1, numbering, halign="center", bold=bold)
        write_text(ws, r, 2, label, bold=bold, italic=not bold, indent=0 if bold else 1)
        write_number(ws, r, 3, data.value(code), NF_INT, bold=bold)
        write_number(ws, r, 4, share(data.value(code), total), NF_PCT1, bold=bold)
        graded = code in _GRADES_OF_ACTIVE
        write_number(ws, r, 5, share(data.value(code), active) if graded else None, NF_PCT1, bold=bold)
        lay.fit_height(r, [(2, label)])
        lay.row += 1
    lay.blank()

    # C. groups by sector
    section_heading(ws, lay, "C. Tổ hợp tác phân theo lĩnh vực")
    labels_c = ["STT", "Lĩnh vực", "Số THT", "Tỷ lệ trên tổng số THT (%)"]
    for col, label in enumerate(labels_c, 1):
        write_text(ws, lay.row, col, label, bold=True, halign="center", fill=HEADER_FILL)
    lay.fit_height(lay.row, list(enumerate(labels_c, 1)), bold=True)
    lay.headings.add(lay.row)
    lay.row += 1
    tht_total = data.value("THT_TOTAL")
    for i, sector in enumerate(THT_SECTORS, 1):
        r = _sector_row(ws, lay.row, i, THT_SECTOR_VI[sector], data.value(f"THT_SECTOR_{sector}"), tht_total)
        lay.fit_height(r, [(2, THT_SECTOR_VI[sector])])
        lay.row += 1
    r = lay.row
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, "Tổng cộng", bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 3, tht_total, NF_INT, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 4, 100.0 if tht_total else None, NF_PCT1, bold=True, fill=TOTAL_FILL)
    lay.fit_height(r, [])
    lay.row += 1
    return lay.finish(one_page=True)


def _sector_row(ws, r: int, number: int, label: str, count: float | None, total: float | None) -> int:
    """The leading cells of a sector's row (number, sector, count, share of the total); returns the row."""
    write_text(ws, r, 1, str(number), halign="center")
    write_text(ws, r, 2, label)
    write_number(ws, r, 3, count, NF_INT)
    write_number(ws, r, 4, share(count, total), NF_PCT1)
    return r

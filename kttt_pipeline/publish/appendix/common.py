"""What every sheet of the appendix shares: the title block, the completeness and comparison notes, the sheet
names and the labels of codes."""

from __future__ import annotations

from kttt_pipeline.core.admin_units import unit_kinds
from kttt_pipeline.core.vocabulary import sector_labels
from kttt_pipeline.publish.appendix.cells import write_text
from kttt_pipeline.publish.appendix.pagination import SheetLayout
from kttt_pipeline.publish.appendix.styles import BODY_SIZE, LINE_PT
from kttt_pipeline.publish.appendix.wording import period_vi, plan_line
from kttt_pipeline.publish.warehouse_reader import PeriodData

SHEET_FIGURES = "Biểu 01"
SHEET_SECTOR = "Biểu 02"
SHEET_UNITS = "Biểu 03"
SHEET_UNIONS = "Biểu 04"
SHEET_FINDINGS = "Phát hiện"

SECTOR_VI = sector_labels("cooperative")  # vocab/sector_codes.csv
THT_SECTOR_VI = sector_labels("group")
UNION_SECTOR_VI = sector_labels("union")


def province_workbook_note(province_word: str) -> str:
    """The note of Biểu 04 and of the unions' and credit funds' rows of Biểu 01 when the province workbook is
    missing, naming the province by its kind at the period end (``vocab/paragraph_templates.csv``)."""
    from kttt_pipeline.publish.paragraph_text import fill

    return fill("province_workbook_note", province_word=province_word) or ""


#: :func:`province_workbook_note` of a province whose kind is the first of vocab/unit_kinds.csv ("tỉnh")
PROVINCE_WORKBOOK_NOTE = province_workbook_note(
    next((k.kind_vi for k in unit_kinds() if k.tier == "province"), "").lower()
)


#: the note of a comparison column whose earlier period is not in the warehouse
NO_COMPARISON = "chưa có số liệu kỳ so sánh"


def comparison_note(data: PeriodData, units: bool = False) -> str:
    """The line under a sheet's title about its comparison columns: the period compared with, or that it is not
    in the warehouse; across the reform, that the units' earlier figures are restated."""
    then = data.year_ago_period
    end = f"{then.end.day}/{then.end.month}/{then.end.year}"
    if data.year_ago is None:
        return f"Cùng kỳ năm trước ({period_vi(then)}, đến {end}): {NO_COMPARISON}"
    text = f"Cùng kỳ năm trước: số liệu đến {end} ({period_vi(then)})"
    if units and data.year_ago.restated:
        text += ", quy đổi theo đơn vị hành chính hiện nay"
    if not data.year_ago.is_complete:
        text += "; kỳ so sánh chưa đủ số liệu"
    return text


def _title_block(
    lay: SheetLayout,
    data: PeriodData,
    sheet_label: str,
    title: str,
    note: str | None = None,
    extra: str | None = None,
    plan: bool = True,
) -> None:
    """``note``: the sheet's own completeness line; by default the reporting units' (a missing unit). ``plan``:
    the "(Kèm theo Kế hoạch …)" line of a signed sheet; a working file of the office (the detail workbook) has
    none."""
    write_text(lay.ws, lay.row, 1, sheet_label, bold=True, border=False, wrap=False)
    lay.heights[lay.row] = LINE_PT + 3
    lay.row += 1
    lay.merged_title(title)
    if plan:
        lay.merged_title(plan_line(data.province_name, data.province_word), size=BODY_SIZE, bold=False, italic=True)
    p = data.period
    lay.merged_title(f"(Số liệu lũy kế từ 1/1/{p.year} đến {data.end_vi})", size=BODY_SIZE, bold=False, italic=True)
    if note is None and not data.is_complete:
        note = f"Số liệu toàn {data.province_word} {data.incomplete_note()}"
    if note:
        lay.merged_title(note, size=BODY_SIZE, bold=True, color="C00000")
    if extra:
        lay.merged_title(extra, size=BODY_SIZE, bold=False, italic=True)
    lay.blank()


def section_heading(ws, lay: SheetLayout, text: str) -> None:
    """A section's heading line ("A. …") above its table, kept with it on the page."""
    write_text(ws, lay.row, 1, text, bold=True, border=False, wrap=False)
    lay.heights[lay.row] = LINE_PT + 4
    lay.headings.add(lay.row)
    lay.row += 1

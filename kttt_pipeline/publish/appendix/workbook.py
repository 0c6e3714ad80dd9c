"""The appendix workbook of a period: its sheets in order, workbook properties, writing it atomically."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList
from sqlalchemy.engine import Engine

from kttt_pipeline.publish.appendix.common import SHEET_FIGURES, SHEET_FINDINGS, SHEET_SECTOR, SHEET_UNIONS, SHEET_UNITS
from kttt_pipeline.publish.appendix.sheet_figures import _sheet_figures
from kttt_pipeline.publish.appendix.sheet_findings import _sheet_findings
from kttt_pipeline.publish.appendix.sheet_sector import _sheet_sector
from kttt_pipeline.publish.appendix.sheet_unions import _sheet_unions
from kttt_pipeline.publish.appendix.sheet_units import _sheet_units
from kttt_pipeline.publish.appendix.styles import BODY_SIZE, FONT_NAME
from kttt_pipeline.publish.warehouse_reader import PeriodData, load_period_data


def build_workbook(data: PeriodData) -> tuple[Workbook, dict[str, int]]:
    """The appendix workbook and the number of printed pages of each sheet."""
    wb = Workbook()
    # the workbook's default font is the plan's: column widths are measured in its digits
    base = Font(name=FONT_NAME, size=BODY_SIZE, family=1)
    wb._fonts = IndexedList([base])
    wb._named_styles["Normal"].font = base
    pages = {
        SHEET_FIGURES: _sheet_figures(wb, data),
        SHEET_SECTOR: _sheet_sector(wb, data),
        SHEET_UNITS: _sheet_units(wb, data),
        SHEET_UNIONS: _sheet_unions(wb, data),
        SHEET_FINDINGS: _sheet_findings(wb, data),
    }
    wb.properties.title = f"Phụ biểu kinh tế tập thể đến {data.end_vi}"
    wb.properties.creator = "kttt"
    wb.properties.language = "vi-VN"
    wb.active = 0
    return wb, pages


def expected_pages(path: Path | str) -> int:
    """Printed pages of a published appendix: one per break-segment of each sheet (row breaks + 1)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return sum(len(ws.row_breaks.brk) + 1 for ws in wb.worksheets)


def write_appendix(engine: Engine, period: str, out_path: Path | str) -> Path:
    """Write the appendix workbook of ``period`` from the warehouse to ``out_path`` (.xlsx)."""
    data = load_period_data(engine, period)
    return write_appendix_data(data, out_path)


def write_appendix_data(data: PeriodData, out_path: Path | str) -> Path:
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb, _ = build_workbook(data)
    tmp = out.with_name(out.name + ".tmp")
    wb.save(tmp)
    tmp.replace(out)
    return out

"""The national summary workbook of a period (``kttt national``): one row per province in force at the period end
(its kind and name then), the main indicators (``vocab/layouts/national_columns.csv``), the national total, and a
note naming the provinces missing or incomplete. Printed as the appendix is: A4 landscape, fitted to the page
width, the header rows repeated on every page, Vietnamese number formats; no code is printed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy.engine import Engine

from kttt_pipeline.core.numfmt import COUNT_UNITS, NF_DEC1, NF_INT, format_vn
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.vocabulary import indicators
from kttt_pipeline.publish.appendix.cells import write_number, write_text
from kttt_pipeline.publish.appendix.pagination import SheetLayout
from kttt_pipeline.publish.appendix.styles import BODY_SIZE, LINE_PT, TOTAL_FILL, WARN_FILL
from kttt_pipeline.publish.layouts import national_columns
from kttt_pipeline.publish.national import NationalRollup, Province, parts, provinces_in_force, read_rollup
from kttt_pipeline.publish.warehouse_reader import period_end_vi

SHEET_NATIONAL = "Toàn quốc"
#: folder of the national summaries under the reports folder (a province's periods are ``<reports>/<period>/``)
NATIONAL_DIR = "toan_quoc"
NOT_LOADED = "Chưa có số liệu"
NOT_COMPLETE = "Chưa đủ báo cáo của các đơn vị"
RED = "C00000"


def workbook_name(period: str) -> str:
    return f"tong_hop_toan_quoc_{period}.xlsx"


def _format(code: str) -> str:
    unit = {i.code: i.unit for i in indicators()}.get(code, "")
    return NF_INT if unit in COUNT_UNITS else NF_DEC1


def _names(codes: list[str], provinces: dict[str, str]) -> str:
    return ", ".join(provinces.get(c, c) for c in codes)


def national_notes(rollup: NationalRollup, provinces: list[Province]) -> list[str]:
    """The note under the table: the provinces missing and incomplete, and each national figure left empty or
    summed over part of the provinces, with its reason."""
    names = {p.code: p.label for p in provinces}
    notes = []
    if rollup.missing:
        notes.append(
            f"Chưa có số liệu của {format_vn(len(rollup.missing))} tỉnh, thành phố: {_names(rollup.missing, names)}."
        )
    if rollup.incomplete:
        notes.append(
            f"Chưa đủ báo cáo của các đơn vị (số liệu là tổng các đơn vị đã báo cáo) ở "
            f"{format_vn(len(rollup.incomplete))} tỉnh, thành phố: {_names(rollup.incomplete, names)}."
        )
    columns = national_columns()
    for n, (header, code, _w) in enumerate(columns, 1):
        if code in rollup.reasons:
            why = rollup.reasons[code]
            shown = f"để trống ({why})" if rollup.national.get(code) is None else f"là {why}"
            notes.append(f"Cột ({n}) {header}: số liệu toàn quốc {shown}.")
    if any(code in parts() and parts()[code].kind == "mean" for _h, code, _w in columns):
        notes.append(
            "Số bình quân toàn quốc được tính lại từ số liệu chi tiết của các tỉnh, thành phố đã có số liệu "
            "(không lấy trung bình của các số bình quân)."
        )
    return notes


def write_national_workbook(rollup: NationalRollup, provinces: list[Province], out_path: Path | str) -> Path:
    """Write the summary of ``rollup`` for ``provinces`` (those in force at the period end) to ``out_path``
    (written beside it, then moved into place: never half a file)."""
    p = Period.parse(rollup.period)
    columns = national_columns()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NATIONAL
    widths = [5.0, 24.0, *[w for _h, _c, w in columns], 20.0]
    lay = SheetLayout(ws, widths)
    lay.set_widths()
    lay.merged_title(f"TỔNG HỢP KINH TẾ TẬP THỂ CỦA CÁC TỈNH, THÀNH PHỐ ĐẾN {period_end_vi(p)}")
    lay.merged_title(
        f"(Số liệu lũy kế từ 1/1/{p.year} đến {period_end_vi(p)})", size=BODY_SIZE, bold=False, italic=True
    )
    if not rollup.is_complete:
        lay.merged_title(
            f"Số liệu toàn quốc chưa đủ: {format_vn(len(rollup.not_whole))}/{format_vn(len(provinces))} tỉnh, "
            "thành phố chưa có hoặc chưa đủ số liệu (xem ghi chú cuối biểu)",
            size=BODY_SIZE,
            color=RED,
        )
    lay.blank()
    headers = ["STT", "Tỉnh, thành phố", *[h for h, _c, _w in columns], "Ghi chú"]
    lay.header(headers)
    lay.column_numbers(["A", "B", *[f"({i})" for i in range(1, len(columns) + 1)], "C"])
    for i, prov in enumerate(provinces, 1):
        r = lay.row
        loaded = prov.code in rollup.loaded
        note = NOT_LOADED if not loaded else (NOT_COMPLETE if prov.code in rollup.incomplete else "")
        fill = WARN_FILL if note else None
        write_text(ws, r, 1, str(i), halign="center")
        write_text(ws, r, 2, prov.label, fill=fill)
        for j, (_h, code, _w) in enumerate(columns, 3):
            value = rollup.by_province.at[prov.code, code] if loaded and code in rollup.by_province else None
            write_number(ws, r, j, value, _format(code))
        write_text(ws, r, len(widths), note, italic=True, size=10, fill=fill)
        lay.fit_height(r, [(2, prov.label), (len(widths), note)])
        lay.row += 1
    r = lay.row
    label = "Toàn quốc" + ("" if rollup.is_complete else " (chưa đủ)")
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, label, bold=True, fill=TOTAL_FILL, color=None if rollup.is_complete else RED)
    for j, (_h, code, _w) in enumerate(columns, 3):
        write_number(ws, r, j, rollup.national.get(code), _format(code), bold=True, fill=TOTAL_FILL)
    total_note = "" if rollup.is_complete else "Tổng các tỉnh, thành phố đã có số liệu"
    write_text(ws, r, len(widths), total_note, italic=True, size=10, fill=TOTAL_FILL)
    lay.fit_height(r, [(2, label), (len(widths), total_note)])
    lay.row += 1
    notes = national_notes(rollup, provinces)
    if notes:
        lay.blank()
        write_text(ws, lay.row, 1, "Ghi chú:", bold=True, italic=True, border=False, wrap=False)
        lay.heights[lay.row] = LINE_PT + 3
        lay.headings.add(lay.row)
        lay.row += 1
        for text in notes:
            lay.merged_title(f"- {text}", size=BODY_SIZE, bold=False, italic=True, halign="left")
    lay.finish()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".xlsx", dir=out.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def publish_national(engine: Engine, period: Period | str, reports_dir: Path | str) -> tuple[Path, NationalRollup]:
    """Roll up ``period`` over the provinces in the warehouse and write the summary under
    ``<reports_dir>/toan_quoc/<period>/``; returns its path and the roll-up."""
    p = Period.parse(period) if isinstance(period, str) else period
    provinces = provinces_in_force(p)
    rollup = read_rollup(engine, p, [prov.code for prov in provinces])
    out = Path(reports_dir) / NATIONAL_DIR / p.key / workbook_name(p.key)
    return write_national_workbook(rollup, provinces, out), rollup

"""Biểu 03: by reporting unit, one row per unit (grouped by kind where the tier says so, each kind with its
subtotal), the province total last; the units a year earlier beside them."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from kttt_pipeline.core.numfmt import NF_CHANGE1, NF_INT, format_vn, share
from kttt_pipeline.publish.appendix.cells import write_number, write_text
from kttt_pipeline.publish.appendix.common import NO_COMPARISON, SHEET_UNITS, _title_block, comparison_note
from kttt_pipeline.publish.appendix.pagination import SheetLayout
from kttt_pipeline.publish.appendix.styles import GROUP_FILL, TOTAL_FILL, WARN_FILL
from kttt_pipeline.publish.layouts import unit_column_widths, unit_columns
from kttt_pipeline.publish.warehouse_reader import PeriodData

#: Biểu 03's figure columns: (header, indicator code)
UNIT_COLUMNS = list(unit_columns())
UNITS_COMPARISON_COLS = ("Tổng số HTX cùng kỳ năm trước", "Tăng (+), giảm (-) so với cùng kỳ (%)")


def notes_column() -> int:
    """Biểu 03's "Ghi chú" column: after the figure columns of the layout and the two comparison columns."""
    return 3 + len(unit_columns()) + len(UNITS_COMPARISON_COLS)


#: Biểu 03's "Ghi chú" column (of the layout as read at import)
UNITS_NOTE_COL = notes_column()
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _sheet_units(wb: Workbook, data: PeriodData) -> int:
    ws = wb.create_sheet(SHEET_UNITS)
    widths = [5, 26, *unit_column_widths(), 11, 11, 17]
    lay = SheetLayout(ws, widths)
    lay.set_widths()
    tier = f" {data.tier_vi.upper()}" if data.tier_vi else ""
    _title_block(
        lay,
        data,
        "Phụ biểu 03",
        f"HỢP TÁC XÃ, TỔ HỢP TÁC THEO ĐƠN VỊ HÀNH CHÍNH{tier} {data.province_title} ĐẾN {data.end_vi}",
        extra=comparison_note(data, units=True),
    )
    headers = ["STT", "Đơn vị"] + [h for h, _ in unit_columns()] + list(UNITS_COMPARISON_COLS) + ["Ghi chú"]
    lay.header(headers)
    n = len(unit_columns())
    lay.column_numbers(["A", "B"] + [f"({i})" for i in range(1, n + 1)] + [f"({n + 1})", f"({n + 2})"] + ["C"])
    i = 0
    groups = data.grouped_units()
    for g, (kind, members) in enumerate(groups):
        if kind is not None:  # a heading per kind: "I. Xã (22 đơn vị)", alphabetical below it
            r = lay.row
            label = f"{_ROMAN[g]}. {kind[0].upper() + kind[1:]} ({format_vn(len(members))} đơn vị)"
            write_text(ws, r, 1, "", fill=GROUP_FILL)
            write_text(ws, r, 2, label, bold=True, fill=GROUP_FILL)
            for j in range(len(unit_columns())):
                write_number(
                    ws, r, 3 + j, _kind_sum(data, members, unit_columns()[j][1]), NF_INT, bold=True, fill=GROUP_FILL
                )
            then = _kind_sum_year_ago(data, members)
            now = _kind_sum(data, members, "HTX_TOTAL")
            write_number(ws, r, 3 + n, then, NF_INT, bold=True, fill=GROUP_FILL)
            ratio = share(now, then)
            write_number(ws, r, 4 + n, None if ratio is None else ratio - 100.0, NF_CHANGE1, bold=True, fill=GROUP_FILL)
            write_text(ws, r, notes_column(), "", fill=GROUP_FILL)
            lay.fit_height(r, [(2, label)])
            lay.headings.add(r)  # a kind's line heads its units: never alone at the foot of a page
            lay.row += 1
        for unit in members:
            i += 1
            _unit_row(ws, lay, data, unit, i, widths)
    r = lay.row
    label = f"Toàn {data.province_word}" + (f" {data.incomplete_note()}" if not data.is_complete else "")
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, label, bold=True, fill=TOTAL_FILL, color="C00000" if not data.is_complete else None)
    for j, (_, ind) in enumerate(unit_columns()):
        write_number(ws, r, 3 + j, data.value(ind), NF_INT, bold=True, fill=TOTAL_FILL)
    # the province compares directly (rpt_indicator of both periods)
    write_number(ws, r, 3 + n, data.year_ago_value("HTX_TOTAL"), NF_INT, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 4 + n, data.change_vs_year_ago("HTX_TOTAL"), NF_CHANGE1, bold=True, fill=TOTAL_FILL)
    note = "Tổng các đơn vị đã báo cáo" if not data.is_complete else ""
    write_text(ws, r, notes_column(), note, italic=True, size=10, fill=TOTAL_FILL)
    lay.fit_height(r, [(2, label), (len(widths), note)])
    lay.row += 1
    return lay.finish()


def _kind_sum(data: PeriodData, members: list[dict[str, Any]], indicator: str) -> float | None:
    """A kind's subtotal: the sum over its units that reported (None when none did)."""
    values = [
        data.value(indicator, u["unit_code"])
        for u in members
        if u["unit_code"] not in data.missing_units and data.unit_has_figures(u["unit_code"])
    ]
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def _kind_sum_year_ago(data: PeriodData, members: list[dict[str, Any]]) -> float | None:
    """A kind's HTX_TOTAL a year earlier over the same units as its subtotal now (None when none has one)."""
    values = [
        data.year_ago_value("HTX_TOTAL", u["unit_code"])
        for u in members
        if u["unit_code"] not in data.missing_units and data.unit_has_figures(u["unit_code"])
    ]
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def _unit_row(ws, lay: "SheetLayout", data: PeriodData, unit: dict[str, Any], i: int, widths: list[float]) -> None:
    r = lay.row
    code = unit["unit_code"]
    name = data.unit_names.get(code, code)
    name = name[0].upper() + name[1:] if name else code
    missing = code in data.missing_units or not data.unit_has_figures(code)
    write_text(ws, r, 1, str(i), halign="center")
    write_text(ws, r, 2, name, fill=WARN_FILL if missing else None)
    for j, (_, ind) in enumerate(unit_columns()):
        write_number(
            ws, r, 3 + j, None if missing else data.value(ind, code), NF_INT, fill=WARN_FILL if missing else None
        )
    # the unit a year earlier: rpt_indicator within one tier, restated across the reform; empty when not loaded
    n = len(unit_columns())
    then = data.year_ago_value("HTX_TOTAL", code)
    write_number(ws, r, 3 + n, then, NF_INT, fill=WARN_FILL if missing else None)
    write_number(
        ws,
        r,
        4 + n,
        None if missing else data.change_vs_year_ago("HTX_TOTAL", code),
        NF_CHANGE1,
        fill=WARN_FILL if missing else None,
    )
    notes = ["Chưa gửi báo cáo"] if missing else []
    if data.year_ago is not None and then is None:
        notes.append(NO_COMPARISON[0].upper() + NO_COMPARISON[1:] if not notes else NO_COMPARISON)
    note = "; ".join(notes)
    write_text(
        ws,
        r,
        notes_column(),
        note,
        italic=True,
        color="C00000" if note else None,
        size=10,
        fill=WARN_FILL if missing else None,
    )
    lay.fit_height(r, [(2, name), (len(widths), note)])
    lay.row += 1

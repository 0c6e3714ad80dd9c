"""Phát hiện: the data-quality findings for the signer, one row each, errors first."""

from __future__ import annotations

import re
from typing import Any

from openpyxl import Workbook

from kttt_pipeline.core.numfmt import format_vn
from kttt_pipeline.publish.appendix.cells import clean_text, write_text
from kttt_pipeline.publish.appendix.common import SHEET_FINDINGS, _title_block
from kttt_pipeline.publish.appendix.pagination import SheetLayout, _col_letter
from kttt_pipeline.publish.appendix.styles import BODY_SIZE
from kttt_pipeline.core.findings import kind_label, rule_label, severity_label
from kttt_pipeline.publish.warehouse_reader import PeriodData


def _sheet_findings(wb: Workbook, data: PeriodData) -> int:
    ws = wb.create_sheet(SHEET_FINDINGS)
    widths = [5, 24, 11, 14, 28, 11, 11, 22, 44, 20]
    lay = SheetLayout(ws, widths)
    lay.set_widths()
    _title_block(lay, data, "Phụ lục", f"CÁC PHÁT HIỆN VỀ CHẤT LƯỢNG SỐ LIỆU KỲ BÁO CÁO TỈNH "
                                       f"{data.province_name.upper()} ĐẾN {data.end_vi}")
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in data.findings:
        counts[str(f.get("severity") or "").lower()] = counts.get(str(f.get("severity") or "").lower(), 0) + 1
    summary = (f"Tổng số {format_vn(len(data.findings))} phát hiện: {format_vn(counts['error'])} lỗi (dòng/tệp đã "
               f"loại), {format_vn(counts['warning'])} cảnh báo (số liệu đã điều chỉnh hoặc cần lưu ý), "
               f"{format_vn(counts['info'])} ghi nhận.")
    lay.row -= 1  # use the blank row of the title block
    lay.merged_title(summary, size=BODY_SIZE, bold=False, italic=True, halign="left")
    if len(data.findings) > 10:  # at 54 or 99 units: what kinds, and how many units they concern, before the list
        by_kind: dict[str, int] = {}
        for f in data.findings:
            label = kind_label(f.get("kind"))
            by_kind[label] = by_kind.get(label, 0) + 1
        units = {clean_text(f.get("unit_code")) for f in data.findings if clean_text(f.get("unit_code"))}
        lay.merged_title("Theo loại: " + "; ".join(f"{k} {format_vn(n)}" for k, n in by_kind.items())
                         + f". Liên quan {format_vn(len(units))}/{format_vn(len(data.units))} đơn vị báo cáo; "
                         "dùng bộ lọc ở dòng tiêu đề để xem theo đơn vị.",
                         size=BODY_SIZE, bold=False, italic=True, halign="left")
    for note in data.comparison_notes:  # issue 23: comparisons made with an earlier period changed since
        lay.merged_title(f"Lưu ý: {note}", size=BODY_SIZE, bold=True, halign="left")
    lay.blank()
    lay.header(["STT", "Loại phát hiện", "Mức độ", "Đơn vị", "HTX / đối tượng", "Số báo cáo", "Số tính lại",
                "Quy tắc áp dụng", "Nội dung", "Nguồn (tệp, sheet, dòng)"])
    names = _coop_names(data.cooperatives)
    if not data.findings:
        write_text(ws, lay.row, 1, "", border=True)
        write_text(ws, lay.row, 2, "Không có phát hiện nào.", italic=True)
        lay.fit_height(lay.row, [])
        lay.row += 1
    for i, f in enumerate(data.findings, 1):
        r = lay.row
        unit_code = clean_text(f.get("unit_code"))
        unit = data.unit_names.get(unit_code, unit_code) if unit_code else "Toàn tỉnh"
        unit = unit[0].upper() + unit[1:] if unit else unit
        entity = _entity_text(f, names)
        source = ", ".join(x for x in (clean_text(f.get("source_file")), clean_text(f.get("sheet")),
                                       f"dòng {f['row_number']}" if f.get("row_number") not in (None, "") else "")
                           if x)
        texts = [
            (2, kind_label(f.get("kind"))), (3, severity_label(f.get("severity"))), (4, unit), (5, entity),
            (6, _value_text(f.get("value_reported"), f.get("kind"))),
            (7, _value_text(f.get("value_computed"), f.get("kind"))),
            (8, rule_label(f.get("rule"))), (9, clean_text(f.get("detail"))), (10, source),
        ]
        sev = str(f.get("severity") or "").lower()
        write_text(ws, r, 1, str(i), halign="center")
        for col, text in texts:
            numeric = col in (6, 7) and bool(re.fullmatch(r"-?[\d.,]+", text))
            write_text(ws, r, col, text, size=10, halign="right" if numeric else "left",
                       color="C00000" if col == 3 and sev == "error" else None, valign="top")
        lay.fit_height(r, texts, size=10)
        lay.row += 1
    ws.auto_filter.ref = f"A{lay.header_rows[0]}:{_col_letter(len(widths))}{max(lay.row - 1, lay.header_rows[0])}"
    return lay.finish(freeze_col="A")


def _coop_names(coops: list[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in coops:
        name = clean_text(c.get("name"))
        for key in (c.get("tax_code"), c.get("coop_key")):
            if key and name:
                out.setdefault(str(key), name)
    return out


def _entity_text(f: dict[str, Any], names: dict[str, str]) -> str:
    key = clean_text(f.get("entity_key"))
    if not key:
        return ""
    name = names.get(key)
    if name and name != key:
        return f"{name} (MST {key})"
    return key


_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


#: findings whose two values are figures (counts, money); the others carry codes, names or dates
_NUMERIC_KINDS = {"SUMMARY_MISMATCH", "WORDS_DROPPED", "VALUE_UNREADABLE", "PERIOD_JUMP"}


def _value_text(value: Any, kind: Any = None) -> str:
    """A reported/computed value of a finding: figures shown the Vietnamese way, other text (a tax code such as
    '0100109106', a name, a date) exactly as written."""
    text = clean_text(value).strip()
    if kind is not None and str(kind) not in _NUMERIC_KINDS:
        return text
    if _PLAIN_NUMBER.match(text) and not (len(text) > 1 and text.startswith("0") and "." not in text):
        number = float(text)
        decimals = 0 if number == int(number) else min(2, len(text.split(".")[1]))
        return format_vn(number, decimals)
    return text


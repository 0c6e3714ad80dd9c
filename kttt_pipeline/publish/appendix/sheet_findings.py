"""Phát hiện: what the signer reads of the period's data-quality findings — a summary in at most a few pages:
the counts by kind (errors first) with the most important examples, and by reporting unit (the units with the
most errors and warnings, the others on one line). Every finding, one row each, is in the detail workbook beside
the appendix (:mod:`.findings_detail`); the notes about restating the period onto the current units are there
too, on a sheet of their own, and not counted here (they concern the restated history)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from openpyxl import Workbook

from kttt_pipeline.core.findings import SEVERITY_ORDER, kind_label, severity_label
from kttt_pipeline.core.numfmt import NF_INT, format_vn
from kttt_pipeline.publish.appendix.cells import clean_text, write_number, write_text
from kttt_pipeline.publish.appendix.common import SHEET_FINDINGS, _title_block
from kttt_pipeline.publish.appendix.findings_detail import _coop_names, detail_text, entity_text, split_findings
from kttt_pipeline.publish.appendix.pagination import SheetLayout, _wrapped_lines
from kttt_pipeline.publish.appendix.styles import BODY_SIZE, GROUP_FILL, LINE_PT, TOTAL_FILL
from kttt_pipeline.publish.warehouse_reader import PeriodData

#: examples shown for a kind, units listed by name before "the other units"; the summary stays within a few pages
EXAMPLES_PER_KIND = 2
#: above this many kinds, one example each
MANY_KINDS = 12
UNITS_LISTED = 15
SEVERITIES = ("error", "warning", "info")
#: the folders of a path to a workbook ("2024-Q3/districts/" of "2024-Q3/districts/BC Q3.xlsx", two or more): its
#: name is enough
_FOLDERS = re.compile(r"(?<![\w/])(?:[^\s'\"/]*[^\W\d][^\s'\"/]*/){2,}(?=[^/\n]*?\.(?:xlsx|xlsm|xls)\b)")
#: characters of a 10 pt sentence per column-width unit in the wide examples column (measured on the rendered PDF:
#: ~125 characters a line at width 80; kept below, so a row is never lower than its text)
WIDE_CHARS_PER_UNIT = 1.3
HEADERS = [
    "STT",
    "Loại phát hiện / đơn vị",
    "Lỗi (đã loại)",
    "Cảnh báo",
    "Ghi nhận",
    "Cộng",
    "Ví dụ tiêu biểu (danh sách đầy đủ trong tệp chi tiết)",
]


def _sheet_findings(wb: Workbook, data: PeriodData) -> int:
    ws = wb.create_sheet(SHEET_FINDINGS)
    widths = [6, 44, 10, 10, 10, 10, 80]
    lay = SheetLayout(ws, widths)
    lay.set_widths()
    _title_block(
        lay,
        data,
        "Phụ lục",
        f"TÓM TẮT KẾT QUẢ KIỂM TRA SỐ LIỆU BÁO CÁO KINH TẾ TẬP THỂ {data.province_title} ĐẾN {data.end_vi}",
    )
    findings, restating = split_findings(data)
    counts = Counter(_severity(f) for f in findings)
    summary = (
        f"Tổng số {format_vn(len(findings))} phát hiện: {format_vn(counts['error'])} lỗi (dòng, tệp đã "
        f"loại khỏi số liệu), {format_vn(counts['warning'])} cảnh báo (số liệu đã điều chỉnh hoặc cần lưu "
        f"ý), {format_vn(counts['info'])} ghi nhận. Danh sách đầy đủ từng phát hiện (đơn vị, HTX, tệp, "
        f"dòng) trong tệp chi tiết kết quả kiểm tra kèm theo phụ biểu."
    )
    if restating:
        summary += (
            f" Ngoài ra có {format_vn(len(restating))} ghi nhận khi quy đổi số liệu kỳ này theo đơn vị hành "
            f"chính hiện nay (dùng cho các kỳ sau so sánh), ghi trong tệp chi tiết, không tính ở đây."
        )
    lay.row -= 1  # use the blank row of the title block
    lay.merged_title(summary, size=BODY_SIZE, bold=False, italic=True, halign="left")
    for note in data.comparison_notes:  # comparisons made with an earlier period changed since: not to be signed
        lay.merged_title(f"Lưu ý: {note}", size=BODY_SIZE, bold=True, halign="left")
    lay.blank()
    lay.header(HEADERS)
    if not findings:
        write_text(ws, lay.row, 1, "")
        write_text(ws, lay.row, 2, "Không có phát hiện nào.", italic=True)
        for c in range(3, len(widths) + 1):
            write_text(ws, lay.row, c, "")
        lay.fit_height(lay.row, [])
        lay.row += 1
        return lay.finish(freeze_col="A")
    names = _coop_names(data.cooperatives)

    _group_row(lay, "I", "Theo loại phát hiện")
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_kind[str(f.get("kind") or "")].append(f)
    kinds = sorted(
        by_kind,
        key=lambda k: (
            min(SEVERITY_ORDER.get(_severity(f), 9) for f in by_kind[k]),
            -len(by_kind[k]),
            kind_label(k, data.province_word),
        ),
    )
    shown_examples = EXAMPLES_PER_KIND if len(kinds) <= MANY_KINDS else 1  # a few pages, however many kinds
    for i, kind in enumerate(kinds, 1):
        items = by_kind[kind]
        examples = "\n".join("- " + _example(f, data, names) for f in items[:shown_examples])
        units = len({clean_text(f.get("unit_code")) for f in items if clean_text(f.get("unit_code"))})
        if units > 1:
            examples += f"\n(ở {format_vn(units)} đơn vị)"
        _count_row(
            lay, str(i), kind_label(kind, data.province_word) or "Khác", Counter(_severity(f) for f in items), examples
        )
    _total_row(lay, counts)

    _group_row(lay, "II", "Theo đơn vị báo cáo")
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_unit[clean_text(f.get("unit_code"))].append(f)
    ranked = sorted(
        by_unit,
        key=lambda u: (
            -sum(_severity(f) == "error" for f in by_unit[u]),
            -sum(_severity(f) == "warning" for f in by_unit[u]),
            -len(by_unit[u]),
            _unit_name(data, u),
        ),
    )
    shown, rest = ranked[:UNITS_LISTED], ranked[UNITS_LISTED:]
    if len(rest) == 1:  # one line for one unit is its own line
        shown, rest = ranked, []
    for i, code in enumerate(shown, 1):
        items = by_unit[code]
        kinds_here = Counter(kind_label(f.get("kind"), data.province_word) for f in items)
        text = "; ".join(f"{k} ({format_vn(n)})" for k, n in kinds_here.most_common())
        _count_row(lay, str(i), _unit_name(data, code), Counter(_severity(f) for f in items), text)
    if rest:
        items = [f for u in rest for f in by_unit[u]]
        _count_row(
            lay,
            "",
            f"Các đơn vị còn lại ({format_vn(len(rest))} đơn vị)",
            Counter(_severity(f) for f in items),
            "; ".join(
                f"{k} ({format_vn(n)})"
                for k, n in Counter(kind_label(f.get("kind"), data.province_word) for f in items).most_common()
            ),
        )
    _total_row(lay, counts)
    return lay.finish(freeze_col="A")


def _severity(f: dict[str, Any]) -> str:
    return str(f.get("severity") or "").lower()


def _unit_name(data: PeriodData, code: str) -> str:
    if not code:
        return f"Cấp {data.province_word}, không gắn với đơn vị báo cáo"
    name = data.unit_names.get(code) or data.register_names.get(code, code)  # a unit not the period's: its name
    return name[0].upper() + name[1:] if name else code


def _example(f: dict[str, Any], data: PeriodData, names: dict[str, str]) -> str:
    """One finding in a line: its unit, the cooperative or figure it concerns, and what was found."""
    code = clean_text(f.get("unit_code"))
    parts = [_unit_name(data, code) if code else ""]
    entity = entity_text(f, names)
    detail = detail_text(f, data)
    if entity and entity.split(" (MST")[0] not in detail:
        parts.append(entity)
    parts.append(re.sub(r"\s*\(mã [^()\s]+\)", "", detail))  # "Thành phố Cẩm Phả (mã 195)": the name says it
    # whole, wrapped in its cell (a text cut with "…" reads as something left out); a file by its name only
    return _FOLDERS.sub("", ": ".join(p for p in parts if p))


def _group_row(lay: SheetLayout, numbering: str, label: str) -> None:
    ws, r = lay.ws, lay.row
    write_text(ws, r, 1, numbering, bold=True, halign="center", fill=GROUP_FILL)
    write_text(ws, r, 2, label, bold=True, fill=GROUP_FILL)
    for c in range(3, len(lay.widths) + 1):
        write_text(ws, r, c, "", fill=GROUP_FILL)
    lay.fit_height(r, [(2, label)], bold=True)
    lay.headings.add(r)
    lay.row += 1


def _count_row(lay: SheetLayout, numbering: str, label: str, counts: Counter, text: str) -> None:
    ws, r = lay.ws, lay.row
    write_text(ws, r, 1, numbering, halign="center", valign="top")
    write_text(ws, r, 2, label, valign="top")
    for j, sev in enumerate(SEVERITIES):
        write_number(
            ws,
            r,
            3 + j,
            counts.get(sev) or None,
            NF_INT,
            valign="top",
            color="C00000" if sev == "error" and counts.get(sev) else None,
        )
    write_number(ws, r, 6, sum(counts.values()), NF_INT, bold=True, valign="top")
    write_text(ws, r, 7, text, size=10, valign="top")
    lay.fit_height(r, [(2, label)])
    lines = sum(_wrapped_lines(para, int((lay.widths[6] - 1.5) * WIDE_CHARS_PER_UNIT)) for para in text.split("\n"))
    height = max(lay.heights[r], lines * LINE_PT * 10 / BODY_SIZE + 8)
    lay.heights[r] = ws.row_dimensions[r].height = height
    lay.row += 1


def _total_row(lay: SheetLayout, counts: Counter) -> None:
    ws, r = lay.ws, lay.row
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, "Cộng", bold=True, fill=TOTAL_FILL)
    for j, sev in enumerate(SEVERITIES):
        write_number(ws, r, 3 + j, counts.get(sev, 0), NF_INT, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 6, sum(counts.values()), NF_INT, bold=True, fill=TOTAL_FILL)
    write_text(ws, r, 7, "", fill=TOTAL_FILL)
    lay.fit_height(r, [])
    lay.row += 1


__all__ = ["_sheet_findings", "kind_label", "severity_label"]

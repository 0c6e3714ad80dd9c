"""The detail workbook of a period's findings (``chi_tiet_kiem_tra_<period>.xlsx``), for the office beside the
appendix: every finding, one row each, errors first, with a filter on the header row; the notes about restating
the period onto the current administrative units (spec §11.1) on a sheet of their own — they concern the restated
history the later periods compare with, not this period's figures, so the appendix's summary leaves them out.

Texts a return wrote (names, tax codes, values) are string cells as in the appendix; the pipeline's words are
named for a reader: an indicator code by its name, a unit code by the unit's name, a period key as
"Quý III/2025" (:mod:`.wording`)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList

from kttt_pipeline.core.findings import finding_kinds, kind_label, rule_label, severity_label
from kttt_pipeline.core.numfmt import format_vn
from kttt_pipeline.publish.appendix.cells import clean_text, write_text
from kttt_pipeline.publish.appendix.common import _title_block
from kttt_pipeline.publish.appendix.pagination import SheetLayout, _col_letter
from kttt_pipeline.publish.appendix.styles import BODY_SIZE, FONT_NAME
from kttt_pipeline.publish.appendix.wording import indicator_name, period_vi, signer_text
from kttt_pipeline.publish.warehouse_reader import PeriodData

SHEET_DETAIL = "Chi tiết"
SHEET_RESTATING = "Quy đổi số liệu"
#: the spec's rule of restating history onto the current units (§11.1): its findings are notes on the restated
#: history, which kinds these are is data (the rule column of vocab/finding_kinds.csv)
RESTATING_RULE = "11.1"

DETAIL_HEADERS = [
    "STT",
    "Loại phát hiện",
    "Mức độ",
    "Đơn vị",
    "HTX / đối tượng",
    "Số báo cáo",
    "Số tính lại",
    "Quy tắc áp dụng",
    "Nội dung",
    "Nguồn (tệp, sheet, dòng)",
]


def detail_name(period: str) -> str:
    """The file name of a period's detail workbook."""
    return f"chi_tiet_kiem_tra_{period}.xlsx"


def is_restating(finding: dict[str, Any]) -> bool:
    """A note about restating the period onto the current units (its kind's rule is §11.1)."""
    kind = finding_kinds().get(str(finding.get("kind") or ""))
    return kind is not None and kind.rule == RESTATING_RULE


def split_findings(data: PeriodData) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The period's findings on its own figures, and its restating notes."""
    own, restating = [], []
    for f in data.findings:
        (restating if is_restating(f) else own).append(f)
    return own, restating


def write_findings_detail(data: PeriodData, out_path: Path | str) -> Path:
    """Write the detail workbook of ``data``'s findings to ``out_path`` (atomically, like the appendix). A unit
    a finding cites that is not one of the period's own is named from the warehouse's register (a restating note
    places a former district's cooperative in a 2025 commune)."""
    data = replace(data, unit_names={**data.register_names, **data.unit_names})
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    base = Font(name=FONT_NAME, size=BODY_SIZE, family=1)
    wb._fonts = IndexedList([base])
    wb._named_styles["Normal"].font = base
    own, restating = split_findings(data)
    ws = wb.active
    ws.title = SHEET_DETAIL
    _detail_sheet(ws, data, own, f"CHI TIẾT KẾT QUẢ KIỂM TRA SỐ LIỆU {data.province_title} ĐẾN {data.end_vi}")
    if restating:
        ws = wb.create_sheet(SHEET_RESTATING)
        _detail_sheet(
            ws,
            data,
            restating,
            f"QUY ĐỔI SỐ LIỆU {period_vi(data.period).upper()} THEO ĐƠN VỊ HÀNH CHÍNH HIỆN NAY",
            extra="Các ghi nhận khi quy đổi số liệu kỳ này theo đơn vị hành chính hiện nay, dùng để so "
            "sánh với các kỳ sau; không làm thay đổi số liệu của kỳ này.",
        )
    wb.properties.title = f"Chi tiết kết quả kiểm tra số liệu đến {data.end_vi}"
    wb.properties.creator = "kttt"
    wb.properties.language = "vi-VN"
    tmp = out.with_name(out.name + ".tmp")
    wb.save(tmp)
    tmp.replace(out)
    return out


#: the line above the detail workbook's titles
DETAIL_LABEL = "Tài liệu làm việc của cơ quan tổng hợp (không thuộc phụ biểu ký ban hành)"


def _detail_sheet(ws, data: PeriodData, findings: list[dict[str, Any]], title: str, extra: str | None = None) -> None:
    widths = [6, 24, 11, 16, 28, 13, 13, 22, 48, 24]
    lay = SheetLayout(ws, widths)
    lay.set_widths()
    # the office's working file beside the appendix, not part of the signed set: no "(Kèm theo Kế hoạch …)" line
    _title_block(lay, data, DETAIL_LABEL, title, note="", extra=extra, plan=False)
    lay.row -= 1  # use the blank row of the title block
    lay.merged_title(
        f"Tổng số {format_vn(len(findings))} phát hiện.", size=BODY_SIZE, bold=False, italic=True, halign="left"
    )
    lay.blank()
    lay.header(DETAIL_HEADERS)
    names = _coop_names(data.cooperatives)
    if not findings:
        write_text(ws, lay.row, 1, "")
        write_text(ws, lay.row, 2, "Không có phát hiện nào.", italic=True)
        lay.fit_height(lay.row, [])
        lay.row += 1
    for i, f in enumerate(findings, 1):
        r = lay.row
        texts = [(col, text) for col, text in enumerate(finding_texts(f, data, names), 2)]
        sev = str(f.get("severity") or "").lower()
        write_text(ws, r, 1, str(i), halign="center", valign="top")
        for col, text in texts:
            numeric = col in (6, 7) and bool(re.fullmatch(r"-?[\d.,]+", text))
            write_text(
                ws,
                r,
                col,
                text,
                size=10,
                halign="right" if numeric else "left",
                color="C00000" if col == 3 and sev == "error" else None,
                valign="top",
            )
        lay.fit_height(r, texts, size=10)
        lay.row += 1
    ws.auto_filter.ref = f"A{lay.header_rows[0]}:{_col_letter(len(widths))}{max(lay.row - 1, lay.header_rows[0])}"
    lay.finish(freeze_col="A")


def finding_texts(f: dict[str, Any], data: PeriodData, names: dict[str, str] | None = None) -> list[str]:
    """A finding as the detail sheet shows it: kind, severity, unit, cooperative or object, value reported, value
    recomputed, rule, detail, source."""
    if names is None:
        names = _coop_names(data.cooperatives)
    unit_code = clean_text(f.get("unit_code"))
    unit = data.unit_names.get(unit_code, unit_code) if unit_code else f"Toàn {data.province_word}"
    unit = unit[0].upper() + unit[1:] if unit else unit
    source = ", ".join(
        x
        for x in (
            clean_text(f.get("source_file")),
            clean_text(f.get("sheet")),
            f"dòng {f['row_number']}" if f.get("row_number") not in (None, "") else "",
        )
        if x
    )
    kind = f.get("kind")
    return [
        kind_label(kind, data.province_word),
        severity_label(f.get("severity")),
        unit,
        entity_text(f, names),
        _shown_value(f.get("value_reported"), kind, data),
        _shown_value(f.get("value_computed"), kind, data),
        rule_label(f.get("rule")),
        detail_text(f, data),
        source,
    ]


def detail_text(f: dict[str, Any], data: PeriodData) -> str:
    """A finding's detail for a reader: "đơn vị 06757" names the unit, codes and period keys named."""
    text = clean_text(f.get("detail"))
    text = re.sub(
        r"(đơn vị )(\w+)",
        lambda m: m.group(1) + data.unit_names[m.group(2)] if m.group(2) in data.unit_names else m.group(0),
        text,
    )
    return signer_text(text)


def _coop_names(coops: list[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in coops:
        name = clean_text(c.get("name"))
        for key in (c.get("tax_code"), c.get("coop_key")):
            if key and name:
                out.setdefault(str(key), name)
    return out


def entity_text(f: dict[str, Any], names: dict[str, str]) -> str:
    """The cooperative a finding concerns (its name and tax code), or the figure (an indicator's name), or the
    file; never an internal code."""
    key = clean_text(f.get("entity_key"))
    if not key:
        return ""
    name = names.get(key)
    if name and name != key:
        return f"{name} (MST {key})"
    indicator = indicator_name(key)
    if indicator:
        return indicator
    if re.fullmatch(r"\d{10}(-\d{3})?", key):  # a tax code the counted cooperatives do not carry
        return f"MST {key}"
    return key


def _shown_value(value: Any, kind: Any, data: PeriodData) -> str:
    text = _value_text(value, kind)
    if kind is not None and str(kind) not in _NUMERIC_KINDS and text in data.unit_names:
        name = data.unit_names[text]  # a unit's code (the other unit of a duplicate): its name
        return name[0].upper() + name[1:]
    return text


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

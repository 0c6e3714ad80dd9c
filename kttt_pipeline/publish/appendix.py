"""The appendix workbook (Phụ biểu) of a period, in the plan's style, from the warehouse.

Sheets:

1. ``Biểu 01`` — the collective-economy figures: STT | Chỉ tiêu | Đơn vị tính | Thực hiện đến <date> |
   Kế hoạch năm <year> | So với KH (%) | Ghi chú;
2. ``Biểu 02`` — cooperatives by sector and status (with grades), groups by sector;
3. ``Biểu 03`` — by reporting unit, one row per unit, the province total last;
4. ``Biểu 04`` — cooperative unions (LHHTX) and people's credit funds (QTDND);
5. ``Phát hiện`` — the data-quality findings for the signer.

Layout rules: figures are real numbers with Vietnamese-locale number formats (:mod:`.numfmt`); every text
that comes from a return (names, tax codes, finding details and values) is written as a *string cell* with a
quote prefix, so "=HYPERLINK(…)", "+1", "-x", "@SUM" never become formulas or links; headers are frozen and
repeated on every printed page; A4 landscape, fitted to the page width. Row heights are set explicitly and the
sheet is paginated with manual page breaks so that each printed page holds at most one break-segment: the
number of printed pages of a sheet is its number of row breaks + 1 (``tests/test_publish_render.py``).
"""

from __future__ import annotations

import math
from copy import copy
from functools import lru_cache
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.engine import Engine

from kttt_pipeline.publish.warehouse_reader import PeriodData, indicator_meta, load_period_data
from kttt_pipeline.publish.findings_vi import kind_label, rule_label, severity_label
from kttt_pipeline.core.vocabulary import sector_codes, sector_labels
from kttt_pipeline.core.numfmt import NF_DEC1, NF_INT, NF_PCT1, format_vn, number_format_for, share

FONT_NAME = "Times New Roman"  # the plan's font; LibreOffice substitutes the metric-compatible Liberation Serif
BODY_SIZE = 11
LINE_PT = 15.0  # height of one text line at BODY_SIZE
#: body height of an A4 landscape page (595 pt) minus the margins below, kept with a safety allowance so that
#: every break-segment fits on one page even at 100 % (fit-to-width only ever shrinks)
PAGE_BODY_PT = 470.0
MARGINS = dict(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25, footer=0.3)
#: printable width of an A4 landscape page between the margins, in points
PAGE_WIDTH_PT = (11.69 - MARGINS["left"] - MARGINS["right"]) * 72
#: a lower bound of the printed width of one column-width unit (the "0" of an 11 pt Times New Roman /
#: Liberation Serif is 7 px): underestimating the width overestimates the fit-to-width scale, which only
#: makes the page breaks come earlier
CHAR_PT = 7 * 0.75 * 0.97

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
WARN_FILL = PatternFill("solid", fgColor="FDE9D9")

SHEET_FIGURES = "Biểu 01"
SHEET_SECTOR = "Biểu 02"
SHEET_UNITS = "Biểu 03"
SHEET_UNIONS = "Biểu 04"
SHEET_FINDINGS = "Phát hiện"

#: characters that make a spreadsheet treat a text as a formula (or DDE/link) when typed
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

SECTORS = sector_codes("cooperative")
SECTOR_VI = sector_labels("cooperative")
THT_SECTORS = sector_codes("group")
THT_SECTOR_VI = sector_labels("group")
UNION_SECTOR_VI = sector_labels("union")

# (numbering, indicator code or None for a heading, label override, level) — Biểu 01 in the plan's order.
# level 0 = section, 1 = numbered line, 2 = "trong đó" line, 3 = "-" line
FIGURE_ROWS: list[tuple[str, str | None, str | None, int]] = [
    ("I", None, "HỢP TÁC XÃ", 0),
    ("1", "HTX_TOTAL", None, 1),
    ("a", "HTX_ACTIVE", None, 2),
    ("-", "HTX_GOOD", "Số HTX hoạt động tốt, khá", 3),
    ("-", "HTX_AVERAGE", "Số HTX hoạt động trung bình (kể cả chưa xếp loại)", 3),
    ("b", "HTX_INACTIVE", None, 2),
    ("-", "HTX_WEAK", None, 3),
    ("-", "HTX_SUSPENDED", None, 3),
    ("-", "HTX_NOT_STARTED", None, 3),
    ("-", "HTX_DISSOLVING", None, 3),
    ("2", "HTX_NEW", None, 1),
    ("3", "HTX_DISSOLVED", None, 1),
    ("4", None, "Số HTX phân theo lĩnh vực", 1),
    ("-", "HTX_SECTOR_AGRI", "Nông nghiệp", 3),
    ("-", "HTX_SECTOR_INDUSTRY", "Công nghiệp - tiểu thủ công nghiệp", 3),
    ("-", "HTX_SECTOR_CONSTRUCTION", "Xây dựng", 3),
    ("-", "HTX_SECTOR_ENVIRONMENT", "Vệ sinh môi trường", 3),
    ("-", "HTX_SECTOR_TRANSPORT", "Vận tải", 3),
    ("-", "HTX_SECTOR_TRADE", "Thương mại - dịch vụ", 3),
    ("-", "HTX_SECTOR_OTHER", "Lĩnh vực khác", 3),
    ("5", "HTX_MEMBERS", None, 1),
    ("6", "HTX_WORKERS", None, 1),
    ("", "HTX_MEMBER_WORKERS", "Trong đó: lao động là thành viên HTX", 2),
    ("7", "HTX_MANAGERS", None, 1),
    ("-", "HTX_MANAGERS_PRIMARY_SECONDARY", "Trình độ sơ cấp, trung cấp", 3),
    ("-", "HTX_MANAGERS_COLLEGE_PLUS", "Trình độ cao đẳng, đại học trở lên", 3),
    ("8", "HTX_CHARTER_CAPITAL", None, 1),
    ("9", "HTX_AVG_REVENUE", None, 1),
    ("10", "HTX_AVG_PROFIT", None, 1),
    ("11", "HTX_AVG_INCOME", None, 1),
    ("12", "HTX_OCOP", None, 1),
    ("", "HTX_OCOP_AGRI", "Trong đó: HTX nông nghiệp", 2),
    ("13", "HTX_HIGHTECH", None, 1),
    ("14", "HTX_IN_CHAINS", None, 1),
    ("II", None, "TỔ HỢP TÁC", 0),
    ("1", "THT_TOTAL", None, 1),
    ("-", "THT_SECTOR_AGRI", "Nông - lâm - ngư nghiệp", 3),
    ("-", "THT_SECTOR_INDUSTRY", "Công nghiệp - tiểu thủ công nghiệp", 3),
    ("-", "THT_SECTOR_OTHER", "Lĩnh vực khác", 3),
    ("2", "THT_MEMBERS", None, 1),
    ("3", "THT_AVG_REVENUE", None, 1),
    ("4", "THT_AVG_INCOME_MONTH", None, 1),
    ("III", None, "LIÊN HIỆP HỢP TÁC XÃ", 0),
    ("1", "LHHTX_TOTAL", None, 1),
    ("", "LHHTX_AGRI", "Trong đó: liên hiệp HTX nông nghiệp", 2),
    ("2", "LHHTX_MEMBER_HTX", None, 1),
    ("3", "LHHTX_WORKERS", None, 1),
    ("4", "LHHTX_CHARTER_CAPITAL", None, 1),
    ("IV", None, "QUỸ TÍN DỤNG NHÂN DÂN", 0),
    ("1", "QTDND_TOTAL", None, 1),
    ("2", "QTDND_MEMBERS", None, 1),
    ("3", "QTDND_WORKERS", None, 1),
    ("4", "QTDND_MANAGERS", None, 1),
    ("5", "QTDND_TOTAL_CAPITAL", None, 1),
    ("-", "QTDND_EQUITY", None, 3),
    ("-", "QTDND_MOBILISED", None, 3),
    ("6", "QTDND_LOANS", None, 1),
]

# Biểu 03 columns: (header, indicator code)
UNIT_COLUMNS: list[tuple[str, str]] = [
    ("Tổng số HTX", "HTX_TOTAL"), ("HTX đang hoạt động", "HTX_ACTIVE"), ("Tốt, khá", "HTX_GOOD"),
    ("Trung bình", "HTX_AVERAGE"), ("Yếu kém", "HTX_WEAK"), ("Tạm ngừng", "HTX_SUSPENDED"),
    ("Chưa hoạt động", "HTX_NOT_STARTED"), ("Đang giải thể", "HTX_DISSOLVING"), ("Thành lập mới", "HTX_NEW"),
    ("Thành viên HTX (người)", "HTX_MEMBERS"), ("Lao động HTX (người)", "HTX_WORKERS"),
    ("Số THT", "THT_TOTAL"), ("Thành viên THT (người)", "THT_MEMBERS"),
]


# ---- safe cell writing ---------------------------------------------------------------------------------

def clean_text(value: Any) -> str:
    """Text for a cell: control characters removed (they corrupt the XML), never None."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return _ILLEGAL.sub("", str(value))


def write_text(ws: Worksheet, row: int, col: int, value: Any, **style: Any):
    """Write ``value`` as a string cell — never a formula, whatever its first character.

    openpyxl turns any str starting with "=" into a formula; the data type is forced back to a (shared)
    string, and a quote prefix is set for texts a spreadsheet would read as a formula when the cell is edited.
    """
    text = clean_text(value)
    cell = ws.cell(row=row, column=col)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True
    _style(cell, **style)
    return cell


def write_number(ws: Worksheet, row: int, col: int, value: float | None, fmt: str = NF_INT, **style: Any):
    cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        cell.value = None
    else:
        number = float(value)
        cell.value = int(number) if fmt == NF_INT and number == int(number) else number
        cell.number_format = fmt
    style.setdefault("halign", "right")
    _style(cell, **style)
    return cell


@lru_cache(maxsize=None)
def _font(size: float, bold: bool, italic: bool, color: str | None) -> Font:
    # style objects are immutable in openpyxl: one per combination (a national sheet has ~100,000 cells)
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, color=color)


@lru_cache(maxsize=None)
def _alignment(halign: str, valign: str, wrap: bool, indent: int) -> Alignment:
    return Alignment(horizontal=halign, vertical=valign, wrap_text=wrap, indent=indent)


def _style(cell, *, bold: bool = False, italic: bool = False, size: float = BODY_SIZE, color: str | None = None,
           halign: str = "left", valign: str = "center", wrap: bool = True, border: bool = True,
           fill: PatternFill | None = None, indent: int = 0) -> None:
    # assigning a style object makes openpyxl hash it into the workbook's style lists (slow: ~100,000 cells);
    # the resulting style indices depend only on the cell's previous ones and these arguments, so they are
    # computed once per combination and workbook and copied onto the next cells
    base = cell._style  # None: never styled (all defaults)
    cache = _style_cache(cell.parent.parent)
    key = (tuple(base) if base is not None else None, bold, italic, size, color, halign, valign, wrap, border,
           id(fill), indent)
    hit = cache.get(key)
    if hit is not None:
        cell._style = copy(hit[0])
        return
    cell.font = _font(size, bold, italic, color)
    cell.alignment = _alignment(halign, valign, wrap, indent)
    if border:
        cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    cache[key] = (copy(cell._style), fill)  # the fill is kept so that its id is not reused


def _style_cache(wb: Workbook) -> dict:
    cache = getattr(wb, "_kttt_style_cache", None)
    if cache is None:
        cache = wb._kttt_style_cache = {}
    return cache


# ---- sheet layout: heights, pagination, print setup ------------------------------------------------------

def _lines(text: str, width_chars: float, size: float = BODY_SIZE, bold: bool = False) -> int:
    """Lines a wrapped text takes in a column of ``width_chars`` (conservative estimate)."""
    if not text:
        return 1
    per_line = max(1, int((width_chars - 1.5) * (BODY_SIZE / size) * (0.95 if bold else 1.08)))
    total = 0
    for para in str(text).split("\n"):
        if len(para) <= per_line and "\t" not in para:  # fits on one line: what textwrap would say, sooner
            total += 1
            continue
        total += max(1, len(textwrap.wrap(para, per_line, break_long_words=True, break_on_hyphens=False)))
    return total


@dataclass
class SheetLayout:
    ws: Worksheet
    widths: list[float]
    header_rows: tuple[int, int] = (0, 0)  # first and last row repeated on every page
    row: int = 1
    heights: dict[int, float] = field(default_factory=dict)
    headings: set[int] = field(default_factory=set)  # rows kept with the next row

    def set_widths(self) -> None:
        from openpyxl.utils import get_column_letter

        for i, w in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w

    def fit_height(self, row: int, texts: Iterable[tuple[int, str]], size: float = BODY_SIZE,
                   minimum: float = LINE_PT + 2, bold: bool = False) -> None:
        """Set the height of ``row`` to hold each (column, text) wrapped in its column."""
        lines = 1
        for col, text in texts:
            lines = max(lines, _lines(text, self.widths[col - 1], size, bold))
        height = max(minimum, lines * LINE_PT * size / BODY_SIZE + 3)
        self.heights[row] = height
        self.ws.row_dimensions[row].height = height

    def merged_title(self, text: str, *, size: float = 13, bold: bool = True, italic: bool = False,
                     color: str | None = None, halign: str = "center") -> None:
        ncol = len(self.widths)
        write_text(self.ws, self.row, 1, text, bold=bold, italic=italic, size=size, color=color, halign=halign,
                   border=False)
        if ncol > 1:
            self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=ncol)
        total_width = sum(self.widths)
        lines = _lines(text, total_width * 0.95, size)
        self.heights[self.row] = max(LINE_PT + 3, lines * (size * 1.35) + 4)
        self.ws.row_dimensions[self.row].height = self.heights[self.row]
        self.row += 1

    def blank(self, height: float = 8.0) -> None:
        self.heights[self.row] = height
        self.ws.row_dimensions[self.row].height = height
        self.row += 1

    def header(self, labels: list[str], *, repeat: bool = True) -> None:
        for col, label in enumerate(labels, 1):
            write_text(self.ws, self.row, col, label, bold=True, halign="center", fill=HEADER_FILL)
        self.fit_height(self.row, list(enumerate(labels, 1)))
        if repeat and self.header_rows == (0, 0):
            self.header_rows = (self.row, self.row)
        self.row += 1

    def column_numbers(self, labels: list[str]) -> None:
        for col, label in enumerate(labels, 1):
            write_text(self.ws, self.row, col, label, italic=True, halign="center", size=9)
        self.heights[self.row] = 14.0
        self.ws.row_dimensions[self.row].height = 14.0
        if self.header_rows != (0, 0):
            self.header_rows = (self.header_rows[0], self.row)
        self.row += 1

    def finish(self, *, freeze_col: str = "C") -> int:
        """Freeze panes below the repeated header, print setup and page breaks; returns the page count."""
        ws = self.ws
        first, last = self.header_rows
        if last:
            ws.freeze_panes = f"{freeze_col}{last + 1}"
            ws.print_title_rows = f"{first}:{last}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        for name, value in MARGINS.items():
            setattr(ws.page_margins, name, value)
        ws.oddFooter.center.text = "Trang &P/&N"
        ws.oddFooter.center.size = 9
        ws.oddFooter.center.font = FONT_NAME
        last_row = self.row - 1
        ws.print_area = f"A1:{_col_letter(len(self.widths))}{last_row}"
        return self._paginate(last_row)

    def scale(self) -> float:
        """Estimated fit-to-width scale (an upper bound of the real one)."""
        width = sum(w * CHAR_PT + 4 for w in self.widths)
        return min(1.0, PAGE_WIDTH_PT / width)

    def _paginate(self, last_row: int) -> int:
        first, last = self.header_rows
        capacity = PAGE_BODY_PT / self.scale()
        repeated = sum(self.heights.get(r, LINE_PT) for r in range(first, last + 1)) if last else 0.0
        breaks: list[int] = []
        used = 0.0
        r = 1
        while r <= last_row:
            h = self.heights.get(r, LINE_PT)
            if used + h > capacity and r > (last or 0) + 1:
                brk = r - 1
                # keep a heading with the line under it
                while brk in self.headings and brk - 1 > (last or 0) and (not breaks or brk - 1 > breaks[-1]):
                    brk -= 1
                breaks.append(brk)
                used = repeated + sum(self.heights.get(x, LINE_PT) for x in range(brk + 1, r + 1))
            else:
                used += h
            r += 1
        for brk in breaks:
            self.ws.row_breaks.append(Break(id=brk))
        return len(breaks) + 1


def _col_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


# ---- the sheets ------------------------------------------------------------------------------------------

#: the note of Biểu 04 and of the unions' and credit funds' rows of Biểu 01 when the province workbook is missing
PROVINCE_WORKBOOK_NOTE = "Chưa đủ số liệu: chưa có bảng tổng hợp liên hiệp HTX, quỹ tín dụng nhân dân của tỉnh"


#: the note of a comparison column whose earlier period is not in the warehouse (issue 16)
NO_COMPARISON = "chưa có số liệu kỳ so sánh"
#: Biểu 01's and Biểu 03's "Ghi chú" columns
FIGURES_NOTE_COL = 9
UNITS_COMPARISON_COLS = ("Tổng số HTX cùng kỳ năm trước", "Tăng (+), giảm (-) so với cùng kỳ (%)")


def comparison_note(data: PeriodData, units: bool = False) -> str:
    """The line under a sheet's title about its comparison columns: the period compared with, or that it is not
    in the warehouse; across the reform, that the units' earlier figures are restated."""
    then = data.year_ago_period
    end = f"{then.end.day}/{then.end.month}/{then.end.year}"
    if data.year_ago is None:
        return f"Cùng kỳ năm trước (đến {end}): {NO_COMPARISON} (kỳ {then.key} chưa có trong kho dữ liệu)"
    text = f"Cùng kỳ năm trước: số liệu đến {end} (kỳ {then.key})"
    if units and data.year_ago.restated:
        text += ", quy đổi theo đơn vị hành chính hiện nay (§11.1)"
    if not data.year_ago.is_complete:
        text += "; kỳ so sánh chưa đủ số liệu"
    return text


def _title_block(lay: SheetLayout, data: PeriodData, sheet_label: str, title: str,
                 note: str | None = None, extra: str | None = None) -> None:
    """``note``: the sheet's own completeness line; by default the reporting units' (a missing unit)."""
    write_text(lay.ws, lay.row, 1, sheet_label, bold=True, border=False, wrap=False)
    lay.heights[lay.row] = LINE_PT + 3
    lay.row += 1
    lay.merged_title(title)
    p = data.period
    lay.merged_title(f"(Số liệu lũy kế từ 1/1/{p.year} đến {data.end_vi})", size=BODY_SIZE, bold=False,
                     italic=True)
    if note is None and not data.is_complete:
        note = f"Số liệu toàn tỉnh {data.incomplete_note()}"
    if note:
        lay.merged_title(note, size=BODY_SIZE, bold=True, color="C00000")
    if extra:
        lay.merged_title(extra, size=BODY_SIZE, bold=False, italic=True)
    lay.blank()


def _sheet_figures(wb: Workbook, data: PeriodData) -> int:
    ws = wb.active
    ws.title = SHEET_FIGURES
    lay = SheetLayout(ws, [6, 50, 12, 15, 15, 11, 15, 11, 26])
    lay.set_widths()
    _title_block(lay, data, "Phụ biểu 01",
                 f"KẾT QUẢ PHÁT TRIỂN KINH TẾ TẬP THỂ TỈNH {data.province_name.upper()} ĐẾN {data.end_vi}",
                 extra=comparison_note(data))
    then = data.year_ago_period
    lay.header(["STT", "Chỉ tiêu", "Đơn vị tính", f"Thực hiện đến {data.end_vi}",
                f"Kế hoạch năm {data.period.year}", "So với KH (%)",
                f"Cùng kỳ năm trước (đến {then.end.day}/{then.end.month}/{then.end.year})", "So với cùng kỳ (%)",
                "Ghi chú"])
    lay.column_numbers(["A", "B", "C", "(1)", "(2)", "(3)=(1)/(2)", "(4)", "(5)=(1)/(4)", "D"])
    meta = indicator_meta()
    placed = {code for _, code, _, _ in FIGURE_ROWS if code}
    extra = [m.code for m in meta.values() if m.code not in placed and m.group != "PLAN"]
    rows = list(FIGURE_ROWS)
    if extra:  # an indicator added to the vocabulary later is still published, never silently dropped
        rows.append(("V", None, "CHỈ TIÊU KHÁC", 0))
        rows += [(str(i), code, None, 1) for i, code in enumerate(extra, 1)]
    flags = data.complete_flags.get(data.province_code, {})
    for numbering, code, label, level in rows:
        r = lay.row
        m = meta.get(code) if code else None
        name = label or (m.name_vi if m else "")
        bold = level <= 1
        italic = level >= 2
        numtxt = f"{numbering})" if level == 2 and numbering else numbering
        write_text(ws, r, 1, numtxt, bold=bold, halign="center", fill=TOTAL_FILL if level == 0 else None)
        write_text(ws, r, 2, name, bold=bold, italic=italic, indent=0 if level <= 1 else level - 1,
                   fill=TOTAL_FILL if level == 0 else None)
        note = ""
        if code is None:
            for c in range(3, FIGURES_NOTE_COL + 1):
                write_text(ws, r, c, "", fill=TOTAL_FILL if level == 0 else None)
            if level == 0:
                lay.headings.add(r)
        else:
            unit = m.unit if m else ""
            fmt = number_format_for(unit)
            write_text(ws, r, 3, unit, halign="center", italic=italic)
            write_number(ws, r, 4, data.value(code), fmt, bold=bold, italic=italic)
            target = data.target(code)
            write_number(ws, r, 5, target, fmt, italic=italic)
            write_number(ws, r, 6, data.pct_of_plan(code) if target is not None else None, NF_PCT1, italic=italic)
            # the same quarter a year earlier, compared directly at province level; empty when not loaded
            write_number(ws, r, 7, data.year_ago_value(code), fmt, italic=italic)
            write_number(ws, r, 8, data.ratio_to_year_ago(code), NF_PCT1, italic=italic)
            flag = flags.get(code)
            group = m.group if m else ""
            from_workbook = group in ("LHHTX", "QTDND")  # the province workbook's, not the units'
            if from_workbook and (flag is False or (flag is None and not data.province_workbook_complete)):
                note = PROVINCE_WORKBOOK_NOTE
            elif not from_workbook and (flag is False or (flag is None and not data.is_complete
                                                          and group in ("HTX", "THT"))):
                note = "Chưa đủ số liệu (xem dòng đầu biểu)"
            elif data.value(code) is None:
                note = "Chưa có số liệu"
            if data.year_ago is not None and data.year_ago_value(code) is None:
                note = "; ".join(x for x in (note, NO_COMPARISON[0].upper() + NO_COMPARISON[1:]) if x)
            write_text(ws, r, FIGURES_NOTE_COL, note, italic=True, color="C00000" if note else None, size=10)
        lay.fit_height(r, [(2, name), (FIGURES_NOTE_COL, note)], bold=bold)
        lay.row += 1
    return lay.finish()


def _sheet_sector(wb: Workbook, data: PeriodData) -> int:
    ws = wb.create_sheet(SHEET_SECTOR)
    headers = ["STT", "Lĩnh vực", "Tổng số HTX", "Tỷ lệ (%)", "Đang hoạt động", "Trong đó: tốt, khá",
               "Trong đó: trung bình", "Yếu kém", "Tạm ngừng hoạt động", "Chưa đi vào hoạt động",
               "Đang làm thủ tục giải thể"]
    lay = SheetLayout(ws, [6, 34, 11, 10, 12, 12, 12, 11, 12, 12, 13])
    lay.set_widths()
    _title_block(lay, data, "Phụ biểu 02",
                 f"HỢP TÁC XÃ, TỔ HỢP TÁC PHÂN THEO LĨNH VỰC VÀ TÌNH TRẠNG HOẠT ĐỘNG TỈNH "
                 f"{data.province_name.upper()} ĐẾN {data.end_vi}")
    write_text(ws, lay.row, 1, "A. Hợp tác xã phân theo lĩnh vực và tình trạng hoạt động", bold=True,
               border=False, wrap=False)
    lay.heights[lay.row] = LINE_PT + 4
    lay.headings.add(lay.row)
    lay.row += 1
    lay.header(headers)
    total = data.value("HTX_TOTAL")
    cross = _crosstab(data.cooperatives)
    keys = ("ACTIVE", "GOOD", "AVERAGE", "WEAK", "SUSPENDED", "NOT_STARTED", "DISSOLVING")
    for i, sector in enumerate(SECTORS, 1):
        r = lay.row
        count = data.value(f"HTX_SECTOR_{sector}")
        write_text(ws, r, 1, str(i), halign="center")
        write_text(ws, r, 2, SECTOR_VI[sector])
        write_number(ws, r, 3, count, NF_INT)
        write_number(ws, r, 4, share(count, total), NF_PCT1)
        for j, key in enumerate(keys):
            write_number(ws, r, 5 + j, cross[sector][key] if cross else None, NF_INT)
        lay.fit_height(r, [(2, SECTOR_VI[sector])])
        lay.row += 1
    r = lay.row
    label = "Tổng cộng" + (f" {data.incomplete_note()}" if not data.is_complete else "")
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, label, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 3, total, NF_INT, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 4, 100.0 if total else None, NF_PCT1, bold=True, fill=TOTAL_FILL)
    for j, code in enumerate(("HTX_ACTIVE", "HTX_GOOD", "HTX_AVERAGE", "HTX_WEAK", "HTX_SUSPENDED",
                              "HTX_NOT_STARTED", "HTX_DISSOLVING")):
        write_number(ws, r, 5 + j, data.value(code), NF_INT, bold=True, fill=TOTAL_FILL)
    lay.fit_height(r, [(2, label)])
    lay.row += 1
    lay.blank()

    # B. by status and grade (count and share of all cooperatives)
    write_text(ws, lay.row, 1, "B. Hợp tác xã phân theo tình trạng hoạt động và xếp loại", bold=True,
               border=False, wrap=False)
    lay.heights[lay.row] = LINE_PT + 4
    lay.headings.add(lay.row)
    lay.row += 1
    for col, label in enumerate(["STT", "Tình trạng hoạt động", "Số HTX", "Tỷ lệ (%)"], 1):
        write_text(ws, lay.row, col, label, bold=True, halign="center", fill=HEADER_FILL)
    lay.fit_height(lay.row, [(2, "Tình trạng hoạt động")])
    lay.headings.add(lay.row)
    lay.row += 1
    status_rows = [
        ("1", "HTX_ACTIVE", "HTX đang hoạt động", True), ("-", "HTX_GOOD", "Hoạt động tốt, khá", False),
        ("-", "HTX_AVERAGE", "Hoạt động trung bình", False),
        ("2", "HTX_INACTIVE", "HTX yếu kém, ngừng hoặc chưa hoạt động", True),
        ("-", "HTX_WEAK", "Yếu kém", False), ("-", "HTX_SUSPENDED", "Tạm ngừng hoạt động", False),
        ("-", "HTX_NOT_STARTED", "Chưa đi vào hoạt động", False),
        ("-", "HTX_DISSOLVING", "Đang làm thủ tục giải thể", False),
    ]
    for numbering, code, label, bold in status_rows:
        r = lay.row
        write_text(ws, r, 1, numbering, halign="center", bold=bold)
        write_text(ws, r, 2, label, bold=bold, italic=not bold, indent=0 if bold else 1)
        write_number(ws, r, 3, data.value(code), NF_INT, bold=bold)
        write_number(ws, r, 4, share(data.value(code), total), NF_PCT1, bold=bold)
        lay.fit_height(r, [(2, label)])
        lay.row += 1
    lay.blank()

    # C. groups by sector
    write_text(ws, lay.row, 1, "C. Tổ hợp tác phân theo lĩnh vực", bold=True, border=False, wrap=False)
    lay.heights[lay.row] = LINE_PT + 4
    lay.headings.add(lay.row)
    lay.row += 1
    for col, label in enumerate(["STT", "Lĩnh vực", "Số THT", "Tỷ lệ (%)"], 1):
        write_text(ws, lay.row, col, label, bold=True, halign="center", fill=HEADER_FILL)
    lay.fit_height(lay.row, [(2, "Lĩnh vực")])
    lay.headings.add(lay.row)
    lay.row += 1
    tht_total = data.value("THT_TOTAL")
    for i, sector in enumerate(THT_SECTORS, 1):
        r = lay.row
        count = data.value(f"THT_SECTOR_{sector}")
        write_text(ws, r, 1, str(i), halign="center")
        write_text(ws, r, 2, THT_SECTOR_VI[sector])
        write_number(ws, r, 3, count, NF_INT)
        write_number(ws, r, 4, share(count, tht_total), NF_PCT1)
        lay.fit_height(r, [(2, THT_SECTOR_VI[sector])])
        lay.row += 1
    r = lay.row
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, "Tổng cộng", bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 3, tht_total, NF_INT, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 4, 100.0 if tht_total else None, NF_PCT1, bold=True, fill=TOTAL_FILL)
    lay.fit_height(r, [])
    lay.row += 1
    return lay.finish()


def _crosstab(coops: list[dict[str, Any]]) -> dict[str, dict[str, int]] | None:
    """Sector × status counts from the counted cooperatives (None when the warehouse has no listing)."""
    if not coops:
        return None
    keys = ("ACTIVE", "GOOD", "AVERAGE", "WEAK", "SUSPENDED", "NOT_STARTED", "DISSOLVING")
    out = {s: dict.fromkeys(keys, 0) for s in SECTORS}
    for c in coops:
        sector = c.get("sector") if c.get("sector") in out else "OTHER"
        row = out[sector]
        status = c.get("status")
        if c.get("is_active"):
            row["ACTIVE"] += 1
            row["GOOD" if c.get("grade") in ("GOOD", "FAIR") else "AVERAGE"] += 1
        elif status == "ACTIVE":
            row["WEAK"] += 1
        elif status in ("SUSPENDED", "NOT_STARTED", "DISSOLVING"):
            row[status] += 1
    return out


def _sheet_units(wb: Workbook, data: PeriodData) -> int:
    ws = wb.create_sheet(SHEET_UNITS)
    widths = [5, 26] + [9.5] * 9 + [11.5, 11.5, 8, 11] + [11, 11] + [17]
    lay = SheetLayout(ws, widths)
    lay.set_widths()
    tier = f" {data.tier_vi.upper()}" if data.tier_vi else ""
    _title_block(lay, data, "Phụ biểu 03",
                 f"HỢP TÁC XÃ, TỔ HỢP TÁC THEO ĐƠN VỊ HÀNH CHÍNH{tier} TỈNH {data.province_name.upper()} "
                 f"ĐẾN {data.end_vi}", extra=comparison_note(data, units=True))
    headers = ["STT", "Đơn vị"] + [h for h, _ in UNIT_COLUMNS] + list(UNITS_COMPARISON_COLS) + ["Ghi chú"]
    lay.header(headers)
    n = len(UNIT_COLUMNS)
    lay.column_numbers(["A", "B"] + [f"({i})" for i in range(1, n + 1)]
                       + [f"({n + 1})", f"({n + 2})"] + ["C"])
    i = 0
    groups = data.grouped_units()
    for g, (kind, members) in enumerate(groups):
        if kind is not None:  # a heading per kind: "I. Xã (22 đơn vị)", alphabetical below it
            r = lay.row
            label = f"{_ROMAN[g]}. {kind[0].upper() + kind[1:]} ({format_vn(len(members))} đơn vị)"
            write_text(ws, r, 1, "", fill=GROUP_FILL)
            write_text(ws, r, 2, label, bold=True, fill=GROUP_FILL)
            for j in range(len(UNIT_COLUMNS)):
                write_number(ws, r, 3 + j, _kind_sum(data, members, UNIT_COLUMNS[j][1]), NF_INT, bold=True,
                             fill=GROUP_FILL)
            then = _kind_sum_year_ago(data, members)
            now = _kind_sum(data, members, "HTX_TOTAL")
            write_number(ws, r, 3 + n, then, NF_INT, bold=True, fill=GROUP_FILL)
            ratio = share(now, then)
            write_number(ws, r, 4 + n, None if ratio is None else ratio - 100.0, NF_PCT1, bold=True,
                         fill=GROUP_FILL)
            write_text(ws, r, UNITS_NOTE_COL, "", fill=GROUP_FILL)
            lay.fit_height(r, [(2, label)])
            lay.row += 1
        for unit in members:
            i += 1
            _unit_row(ws, lay, data, unit, i, widths)
    r = lay.row
    label = "Toàn tỉnh" + (f" {data.incomplete_note()}" if not data.is_complete else "")
    r = lay.row
    label = "Toàn tỉnh" + (f" {data.incomplete_note()}" if not data.is_complete else "")
    write_text(ws, r, 1, "", fill=TOTAL_FILL)
    write_text(ws, r, 2, label, bold=True, fill=TOTAL_FILL, color="C00000" if not data.is_complete else None)
    for j, (_, ind) in enumerate(UNIT_COLUMNS):
        write_number(ws, r, 3 + j, data.value(ind), NF_INT, bold=True, fill=TOTAL_FILL)
    # the province compares directly (rpt_indicator of both periods)
    write_number(ws, r, 3 + n, data.year_ago_value("HTX_TOTAL"), NF_INT, bold=True, fill=TOTAL_FILL)
    write_number(ws, r, 4 + n, data.change_vs_year_ago("HTX_TOTAL"), NF_PCT1, bold=True, fill=TOTAL_FILL)
    note = "Tổng các đơn vị đã báo cáo" if not data.is_complete else ""
    write_text(ws, r, UNITS_NOTE_COL, note, italic=True, size=10, fill=TOTAL_FILL)
    lay.fit_height(r, [(2, label), (len(widths), note)])
    lay.row += 1
    return lay.finish()


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")


def _kind_sum(data: PeriodData, members: list[dict[str, Any]], indicator: str) -> float | None:
    """A kind's subtotal: the sum over its units that reported (None when none did)."""
    values = [data.value(indicator, u["unit_code"]) for u in members
              if u["unit_code"] not in data.missing_units and data.unit_has_figures(u["unit_code"])]
    values = [v for v in values if v is not None]
    return sum(values) if values else None


#: Biểu 03's "Ghi chú" column
UNITS_NOTE_COL = 3 + len(UNIT_COLUMNS) + len(UNITS_COMPARISON_COLS)


def _kind_sum_year_ago(data: PeriodData, members: list[dict[str, Any]]) -> float | None:
    """A kind's HTX_TOTAL a year earlier over the same units as its subtotal now (None when none has one)."""
    values = [data.year_ago_value("HTX_TOTAL", u["unit_code"]) for u in members
              if u["unit_code"] not in data.missing_units and data.unit_has_figures(u["unit_code"])]
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
    for j, (_, ind) in enumerate(UNIT_COLUMNS):
        write_number(ws, r, 3 + j, None if missing else data.value(ind, code), NF_INT,
                     fill=WARN_FILL if missing else None)
    # the unit a year earlier: rpt_indicator within one tier, restated across the reform; empty when not loaded
    n = len(UNIT_COLUMNS)
    then = data.year_ago_value("HTX_TOTAL", code)
    write_number(ws, r, 3 + n, then, NF_INT, fill=WARN_FILL if missing else None)
    write_number(ws, r, 4 + n, None if missing else data.change_vs_year_ago("HTX_TOTAL", code), NF_PCT1,
                 fill=WARN_FILL if missing else None)
    notes = ["Chưa gửi báo cáo"] if missing else []
    if data.year_ago is not None and then is None:
        notes.append(NO_COMPARISON[0].upper() + NO_COMPARISON[1:] if not notes else NO_COMPARISON)
    note = "; ".join(notes)
    write_text(ws, r, UNITS_NOTE_COL, note, italic=True, color="C00000" if note else None, size=10,
               fill=WARN_FILL if missing else None)
    lay.fit_height(r, [(2, name), (len(widths), note)])
    lay.row += 1


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


def _f(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


# ---- entry point ---------------------------------------------------------------------------------------

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

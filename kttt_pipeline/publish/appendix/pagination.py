"""Sheet geometry: column widths, row heights fitted to wrapped text, headers repeated on every printed page,
A4 landscape fitted to the page width, and manual page breaks so that each printed page holds at most one
break-segment: the number of printed pages of a sheet is its number of row breaks + 1
(``tests/integration/test_publish_render.py``)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kttt_pipeline.publish.appendix.cells import write_text
from kttt_pipeline.publish.appendix.styles import BODY_SIZE, FONT_NAME, HEADER_FILL, LINE_PT

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
        total += _wrapped_lines(para, per_line)
    return total


@lru_cache(maxsize=1 << 14)
def _wrapped_lines(para: str, per_line: int) -> int:
    """Lines of one paragraph wrapped at ``per_line`` characters (the findings sheet repeats many texts)."""
    return max(1, len(textwrap.wrap(para, per_line, break_long_words=True, break_on_hyphens=False)))


@dataclass
class SheetLayout:
    ws: Worksheet
    widths: list[float]
    header_rows: tuple[int, int] = (0, 0)  # first and last row repeated on every page
    row: int = 1
    heights: dict[int, float] = field(default_factory=dict)
    headings: set[int] = field(default_factory=set)  # rows kept with the next row

    def set_widths(self) -> None:
        for i, w in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w

    def fit_height(
        self,
        row: int,
        texts: Iterable[tuple[int, str]],
        size: float = BODY_SIZE,
        minimum: float = LINE_PT + 2,
        bold: bool = False,
    ) -> None:
        """Set the height of ``row`` to hold each (column, text) wrapped in its column."""
        lines = 1
        for col, text in texts:
            lines = max(lines, _lines(text, self.widths[col - 1], size, bold))
        height = max(minimum, lines * LINE_PT * size / BODY_SIZE + 3)
        self.heights[row] = height
        self.ws.row_dimensions[row].height = height

    def merged_title(
        self,
        text: str,
        *,
        size: float = 13,
        bold: bool = True,
        italic: bool = False,
        color: str | None = None,
        halign: str = "center",
    ) -> None:
        ncol = len(self.widths)
        write_text(
            self.ws, self.row, 1, text, bold=bold, italic=italic, size=size, color=color, halign=halign, border=False
        )
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

    def finish(self, *, freeze_col: str = "C", one_page: bool = False) -> int:
        """Freeze panes below the repeated header, print setup and page breaks; returns the page count.
        ``one_page``: a sheet of a fixed size whose parts have headers of their own (Biểu 02) is fitted to one
        page, so no page shows one part's rows under another's header."""
        ws = self.ws
        first, last = self.header_rows
        if last:
            ws.freeze_panes = f"{freeze_col}{last + 1}"
            ws.print_title_rows = f"{first}:{last}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if one_page else 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        for name, value in MARGINS.items():
            setattr(ws.page_margins, name, value)
        ws.oddFooter.center.text = "Trang &P/&N"
        ws.oddFooter.center.size = 9
        ws.oddFooter.center.font = FONT_NAME
        last_row = self.row - 1
        ws.print_area = f"A1:{_col_letter(len(self.widths))}{last_row}"
        return 1 if one_page else self._paginate(last_row)

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
    return get_column_letter(n)

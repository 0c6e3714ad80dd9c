"""The appendix workbook (Phụ biểu) of a period, in the plan's style, from the warehouse.

Sheets:

1. ``Biểu 01`` — the collective-economy figures: STT | Chỉ tiêu | Đơn vị tính | Thực hiện đến <date> |
   Kế hoạch năm <year> | So với KH (%) | Ghi chú;
2. ``Biểu 02`` — cooperatives by sector and status (with grades), groups by sector;
3. ``Biểu 03`` — by reporting unit, one row per unit, the province total last;
4. ``Biểu 04`` — cooperative unions (LHHTX) and people's credit funds (QTDND);
5. ``Phát hiện`` — a summary of the data-quality findings for the signer (by kind and by unit); every finding is
   in the detail workbook beside the appendix (:mod:`.findings_detail`, ``chi_tiet_kiem_tra_<period>.xlsx``).

Under each title, the plan the appendix is attached to ("Kèm theo Kế hoạch số …", :mod:`.wording`); nothing on
the pages is an internal code, rule reference or period key.

Layout rules: figures are real numbers with Vietnamese-locale number formats (:mod:`.numfmt`); every text
that comes from a return (names, tax codes, finding details and values) is written as a *string cell* with a
quote prefix, so "=HYPERLINK(…)", "+1", "-x", "@SUM" never become formulas or links; headers are frozen and
repeated on every printed page; A4 landscape, fitted to the page width. Row heights are set explicitly and the
sheet is paginated with manual page breaks so that each printed page holds at most one break-segment: the
number of printed pages of a sheet is its number of row breaks + 1 (``tests/integration/test_publish_render.py``).

Modules: :mod:`.workbook` (the entry points), one ``sheet_*`` module per sheet, :mod:`.common` (title block,
notes, sheet names), :mod:`.pagination` (heights, page breaks, print setup), :mod:`.cells` (safe cell writing),
:mod:`.styles`; the layouts (which indicator on which row or column) are ``vocab/layouts/*.csv``
(:mod:`kttt_pipeline.publish.layouts`). Every figure comes from ``rpt_indicator`` or ``rpt_breakdown``: this
package only formats and places.
"""

from kttt_pipeline.publish.appendix.cells import clean_text, write_number, write_text
from kttt_pipeline.publish.appendix.common import (
    NO_COMPARISON,
    PROVINCE_WORKBOOK_NOTE,
    SHEET_FIGURES,
    SHEET_FINDINGS,
    SHEET_SECTOR,
    SHEET_UNIONS,
    SHEET_UNITS,
    comparison_note,
)
from kttt_pipeline.publish.appendix.findings_detail import (
    _value_text,
    detail_name,
    split_findings,
    write_findings_detail,
)
from kttt_pipeline.publish.appendix.render import pdf_wanted, render_pdf
from kttt_pipeline.publish.appendix.sheet_figures import FIGURE_ROWS, FIGURES_NOTE_COL
from kttt_pipeline.publish.appendix.sheet_units import UNIT_COLUMNS, UNITS_COMPARISON_COLS, UNITS_NOTE_COL
from kttt_pipeline.publish.appendix.workbook import build_workbook, expected_pages, write_appendix, write_appendix_data

__all__ = [
    "FIGURE_ROWS",
    "FIGURES_NOTE_COL",
    "NO_COMPARISON",
    "PROVINCE_WORKBOOK_NOTE",
    "SHEET_FIGURES",
    "SHEET_FINDINGS",
    "SHEET_SECTOR",
    "SHEET_UNIONS",
    "SHEET_UNITS",
    "UNIT_COLUMNS",
    "UNITS_COMPARISON_COLS",
    "UNITS_NOTE_COL",
    "_value_text",
    "build_workbook",
    "clean_text",
    "comparison_note",
    "detail_name",
    "expected_pages",
    "pdf_wanted",
    "render_pdf",
    "split_findings",
    "write_appendix",
    "write_appendix_data",
    "write_findings_detail",
    "write_number",
    "write_text",
]

"""Reading a workbook once into plain grids of cell values.

python-calamine (Rust) reads .xlsx/.xlsm/.xls/.ods quickly; every sheet becomes a :class:`Grid` of
rows (``None`` for an empty cell) with its merged ranges, and row numbers as Excel shows them.
A CSV (the tax extract may come as one, UTF-8 possibly with a BOM, see ``csv_text``) becomes a single grid.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from kttt_pipeline.ingest import bounds
from kttt_pipeline.ingest.csv_text import Undecodable, decode_csv

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}


class FileUnreadable(Exception):
    """The file cannot be opened as a workbook; ``reason_vi`` is for the clerk."""

    def __init__(self, reason_vi: str, reason_en: str):
        super().__init__(f"{reason_en} / {reason_vi}")
        self.reason_vi = reason_vi
        self.reason_en = reason_en

    def __reduce__(self):  # picklable across the reading worker processes
        return (type(self), (self.reason_vi, self.reason_en))


@dataclass
class Grid:
    name: str
    rows: list[list[object]]
    first_row: int = 1  # Excel row number of rows[0]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based, grid coords
    hidden: bool = False  # a hidden (or very hidden) sheet

    def excel_row(self, index: int) -> int:
        return self.first_row + index

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class Workbook:
    path: Path
    sheets: list[Grid]

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cell(value: object) -> object:
    if value == "" or value is None:
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _sniff(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "cfb"  # legacy .xls or an encrypted (password-protected) .xlsx
    return "other"


def _lines(text: str):
    """The lines of ``text`` as ``io.StringIO(text)`` yields them (each up to and including its "\n"), without the
    copy StringIO makes of the whole text (4 bytes a character: 180 MB for a 60 MB register)."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def read_csv_grid(path: Path) -> Workbook:
    raw = path.read_bytes()
    bounds.check_csv_lines(raw)
    try:
        text, _ = decode_csv(raw)
    except Undecodable as exc:
        raise FileUnreadable(exc.reason_vi, exc.reason_en) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    texts: dict[str, str] = {}
    numbers: dict[float, float] = {}  # a CSV's cells are texts
    del raw
    rows = [[_shared(v.strip(), texts, numbers) for v in row] for row in csv.reader(_lines(text), dialect)]
    return Workbook(path, [Grid(path.stem, rows)])


def read_workbook(path: Path) -> Workbook:
    """Read every sheet of a workbook (or a CSV) once. Raises :class:`FileUnreadable`, also for a file over the
    resource bounds (``ingest.bounds``: checked before the file, or a sheet, is read whole)."""
    try:
        return _read_workbook(Path(path))
    except bounds.TooLarge as exc:
        raise FileUnreadable(exc.reason_vi, exc.reason_en) from None


def _read_workbook(path: Path) -> Workbook:
    if path.stat().st_size == 0:
        raise FileUnreadable("tệp rỗng (0 byte)", "the file is empty")
    suffix = path.suffix.lower()
    limits = bounds.Limits.current()
    kind = _sniff(path)
    if kind != "zip" or suffix == ".csv":
        bounds.check_file_size(path, limits)  # a zip workbook is bounded by its parts below
    if suffix == ".csv":
        return read_csv_grid(path)
    if suffix in {".xlsx", ".xlsm"} and kind == "cfb":
        raise FileUnreadable(
            "tệp được đặt mật khẩu hoặc là định dạng Excel cũ đổi đuôi; hãy gửi bản .xlsx không mật khẩu",
            "the file is password-protected (encrypted) or a legacy workbook renamed .xlsx",
        )
    if suffix in EXCEL_SUFFIXES and kind == "zip":
        try:
            with zipfile.ZipFile(path) as zf:
                if suffix in {".xlsx", ".xlsm"} and "[Content_Types].xml" not in zf.namelist():
                    raise FileUnreadable(
                        "tệp không phải bảng tính Excel", "not an Excel workbook (zip without workbook parts)"
                    )
                bounds.check_workbook_zip(path, zf, limits)  # sizes from the central directory, before parsing
        except zipfile.BadZipFile as exc:
            if suffix in {".xlsx", ".xlsm"}:
                raise FileUnreadable("tệp Excel bị hỏng, không mở được", f"corrupt .xlsx: {exc}") from exc
            # another format's broken zip: calamine says so below
    if suffix in EXCEL_SUFFIXES and kind == "other":
        raise FileUnreadable(
            "tệp không phải bảng tính Excel (có thể là tệp văn bản/CSV bị đổi đuôi)",
            "not a spreadsheet (perhaps a text/CSV file renamed)",
        )
    if suffix not in EXCEL_SUFFIXES:
        raise FileUnreadable(f"định dạng tệp '{suffix}' không được hỗ trợ", f"unsupported file type {suffix!r}")
    try:
        if kind == "zip" and suffix in {".xls", ".xlsb"}:
            # an .xlsx or .ods renamed .xls (a common "save as" slip): calamine picks its reader by the extension
            # from a path, by the content from a file, so the workbook is read as what it is
            with open(path, "rb") as fh:
                wb = python_calamine.CalamineWorkbook.from_filelike(fh)
        else:
            wb = python_calamine.CalamineWorkbook.from_path(str(path))
        ods_merges = (
            _ods_merged_ranges(path) if suffix == ".ods" or kind == "zip" and suffix not in {".xlsx", ".xlsm"} else {}
        )
        sheets = []
        for meta in wb.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # a chart or dialog sheet holds no table
            name = meta.name
            sheet = wb.get_sheet_by_name(name)
            rows = _sheet_rows(sheet, limits)
            merged = []
            try:
                for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
                    merged.append(((r1, c1), (r2, c2)))
            except Exception:  # merged ranges are a hint only; some formats do not carry them
                merged = []
            del sheet  # calamine's copy of the cells, freed before the next sheet is read
            if not merged:
                merged = ods_merges.get(name, [])
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            sheets.append(Grid(name, rows, merged=merged, hidden=hidden))
        wb.close()
    except (FileUnreadable, bounds.TooLarge):
        raise
    except Exception as exc:  # calamine raises several error types for broken files
        raise FileUnreadable("tệp bảng tính bị hỏng hoặc không đọc được", f"unreadable workbook: {exc}") from exc
    return Workbook(path, sheets)


def _sheet_rows(sheet: python_calamine.CalamineSheet, limits: bounds.Limits) -> list[list[object]]:
    """The sheet's rows from Excel row 1 and column A (what ``to_python(skip_empty_area=False)`` gives), checked
    against the bounds before they become Python objects, and built one row at a time (``to_python`` would hold a
    second copy of every row while they are converted)."""
    end = sheet.end
    if end is None:  # an empty sheet
        return []
    bounds.check_extent(sheet.name, end[0] + 1, end[1] + 1, limits)
    # iter_rows yields the rows from row 1 but the columns from the first used one: the left ones are padded
    pad = [None] * (sheet.start[1] if sheet.start else 0)
    texts: dict[str, str] = {}
    numbers: dict[float, float] = {}
    return [pad + [_shared(v, texts, numbers) for v in row] for row in sheet.iter_rows()]


def _shared(value: object, texts: dict[str, str], numbers: dict[float, float]) -> object:
    """:func:`_cell`, a text or number repeated in the sheet kept once (a status, a sector, a grade, a zero)."""
    t = type(value)
    if t is str:
        return texts.setdefault(value, value) if value else None
    if t is float:
        return numbers.setdefault(value, value) if value else value  # 0.0 and -0.0 are equal: kept as read
    return _cell(value)


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _ods_merged_ranges(path: Path) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Merged ranges of an OpenDocument spreadsheet (python-calamine does not report them for .ods): cells
    with ``table:number-columns-spanned`` / ``table:number-rows-spanned`` in content.xml, 0-based."""
    from xml.etree import ElementTree as ET

    t = "{%s}" % _ODS_TABLE
    out: dict[str, list] = {}
    try:
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
            sheet, row, col, row_repeat = None, 0, 0, 1
            for event, el in ET.iterparse(fh, events=("start", "end")):
                tag = el.tag
                if event == "start":
                    if tag == t + "table":
                        sheet, row = el.get(t + "name"), 0
                        out.setdefault(sheet, [])
                    elif tag == t + "table-row":
                        col, row_repeat = 0, int(el.get(t + "number-rows-repeated", "1"))
                    elif tag in (t + "table-cell", t + "covered-table-cell"):
                        cols = int(el.get(t + "number-columns-repeated", "1"))
                        spanned_c = int(el.get(t + "number-columns-spanned", "1"))
                        spanned_r = int(el.get(t + "number-rows-spanned", "1"))
                        if sheet is not None and (spanned_c > 1 or spanned_r > 1):
                            out[sheet].append(((row, col), (row + spanned_r - 1, col + spanned_c - 1)))
                        col += cols
                else:
                    if tag == t + "table-row":
                        row += row_repeat
                    elif tag == t + "table":
                        sheet = None
                    el.clear()
    except (KeyError, zipfile.BadZipFile, ET.ParseError, ValueError):
        return {}
    return out

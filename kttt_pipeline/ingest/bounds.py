"""Resource bounds of a raw file, checked before the file is read whole (docs/decisions.md, "Resource bounds").

A workbook is a zip (.xlsx, .xlsm, .ods) whose parts may inflate a thousandfold: a 1 MB file can hold a sheet
of 1 GiB, which python-calamine would read whole (several GB, or a Rust allocation failure that aborts the whole
run naming no file). Its parts are checked from the zip's central directory (sizes as declared; Python's zipfile
never inflates a part past its declared size) before anything is parsed; a worksheet's declared used range
(``<dimension ref="A1:W200003"/>``, read from the first bytes of the part) before its rows are; every sheet's size
as calamine reports it before its rows become Python objects. A legacy .xls or .xlsb (not a zip) and a CSV are
bounded by their size on disk.

The limits are named here, once; each may be overridden by its environment variable (``KTTT_MAX_…``, a whole
number, read at each check). A file over a limit raises :class:`~kttt_pipeline.ingest.workbook.FileUnreadable`
with a Vietnamese reason naming what was too big: the file is rejected (FILE_REJECTED, load_audit), the rest of
the period still loads, and ``kttt check`` says the same at once.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

from kttt_pipeline.core.numfmt import format_vn

MiB = 2**20


@dataclass(frozen=True)
class Limits:
    """The bounds (defaults: the values below; the environment variable of each is ``KTTT_`` + its name in
    capitals, e.g. ``KTTT_MAX_PART_BYTES``)."""

    #: a zip part (a sheet's XML, the shared strings) inflating past this many bytes is refused outright: a
    #: 200,000-row return's sheet is ≈ 180 MB of XML, a million rows ≈ 0.9 GB
    max_part_bytes: int = 1024 * MiB
    #: all parts of a workbook together, inflated
    max_total_bytes: int = 1536 * MiB
    #: a part inflating past ``bomb_part_bytes`` **and** ``max_ratio`` times its compressed size is a zip bomb:
    #: real sheets compress 3–30× (the demo's 200,000-row sheet 7×, repetitive ones up to ≈ 30×)
    bomb_part_bytes: int = 64 * MiB
    max_ratio: int = 100
    #: parts of one zip (a workbook has tens; each part is a central-directory entry read into memory)
    max_parts: int = 10_000
    #: a file that is not a zip (.xls, .xlsb, .csv) larger than this on disk: the demo's register of 240,000
    #: taxpayers is a 60 MB CSV
    max_file_bytes: int = 256 * MiB
    #: rows of one sheet (or CSV): as declared by the sheet, as calamine reads it, as the CSV has lines
    max_sheet_rows: int = 500_000
    #: cells of one sheet (rows × columns of its used range): 200,000 rows × 23 columns is 4.6 million
    max_sheet_cells: int = 12_000_000

    @classmethod
    def current(cls) -> "Limits":
        """The limits in force: each default, or its environment variable when set to a whole number."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"KTTT_{f.name.upper()}", "").strip().replace("_", "")
            if raw.isdigit() and int(raw) > 0:
                values[f.name] = int(raw)
        return cls(**values)


def _mb(n: int) -> str:
    """A size for the clerk, in MB (binary, as file managers show it)."""
    return f"{format_vn(n / MiB, 1, strip_zero_decimals=True)} MB"


def _n(n: int) -> str:
    return format_vn(n)


class TooLarge(Exception):
    """A file over a bound: ``reason_vi`` names what was too big (for the clerk), ``reason_en`` for the log."""

    def __init__(self, reason_vi: str, reason_en: str):
        super().__init__(reason_en)
        self.reason_vi = reason_vi
        self.reason_en = reason_en


def check_file_size(path: Path, limits: Limits | None = None) -> None:
    """A file read without inflating (.xls, .xlsb, .csv): its size on disk."""
    lim = limits or Limits.current()
    size = Path(path).stat().st_size
    if size > lim.max_file_bytes:
        raise TooLarge(
            f"tệp quá lớn ({_mb(size)}, giới hạn {_mb(lim.max_file_bytes)}); tệp không được đọc",
            f"file of {size} bytes over the bound of {lim.max_file_bytes}",
        )


def check_zip(zf: zipfile.ZipFile, limits: Limits | None = None) -> None:
    """A zip workbook's parts, from its central directory, before any is inflated."""
    lim = limits or Limits.current()
    infos = zf.infolist()
    if len(infos) > lim.max_parts:
        raise TooLarge(
            f"tệp nén có {_n(len(infos))} thành phần, vượt giới hạn {_n(lim.max_parts)}; tệp không được đọc",
            f"{len(infos)} zip parts, over the bound of {lim.max_parts}",
        )
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        ratio = size / packed
        if size > lim.max_part_bytes or (size > lim.bomb_part_bytes and ratio > lim.max_ratio):
            why = (
                f"vượt giới hạn {_mb(lim.max_part_bytes)}"
                if size > lim.max_part_bytes
                else f"vượt {_mb(lim.bomb_part_bytes)} và tỉ lệ nén {_n(lim.max_ratio)} lần cho phép"
            )
            raise TooLarge(
                f"thành phần '{info.filename}' của tệp giải nén ra {_mb(size)} (gấp {_n(round(ratio))} lần "
                f"dung lượng nén {_mb(packed)}), {why}; tệp không được đọc để bảo vệ máy xử lý",
                f"zip part {info.filename!r} inflates to {size} bytes ({ratio:.0f}x its {packed} "
                f"compressed bytes): over the bounds (part {lim.max_part_bytes} bytes, or "
                f"{lim.bomb_part_bytes} bytes at {lim.max_ratio}x)",
            )
    if total > lim.max_total_bytes:
        raise TooLarge(
            f"các thành phần của tệp giải nén ra tổng cộng {_mb(total)}, vượt giới hạn "
            f"{_mb(lim.max_total_bytes)}; tệp không được đọc",
            f"zip parts inflate to {total} bytes in all, over the bound of {lim.max_total_bytes}",
        )


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Za-z]{1,3})?(\d+)?(?::([A-Za-z]{1,3})(\d+))?"')
#: what inflating a damaged or unsupported part raises (a corrupt stream, a bad CRC, encryption, a method zipfile lacks)
_BROKEN_PART = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)
_DIMENSION_HEAD = 64 * 1024  # the element comes before sheetData: after sheetPr, within the first few hundred bytes


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def declared_extent(zf: zipfile.ZipFile, part: str) -> tuple[int, int, str] | None:
    """(rows, columns, range) a worksheet part declares as its used range, or None when it declares none. Only the
    part's first bytes are inflated."""
    try:
        with zf.open(part) as fh:
            head = fh.read(_DIMENSION_HEAD)
    except _BROKEN_PART:  # a broken part: calamine's reading says the file is broken
        return None
    m = _DIMENSION.search(head)
    if not m:
        return None
    c1, r1, c2, r2 = (g.decode() if g else None for g in m.groups())
    if c2 is None:  # a single cell "A1" (an empty sheet)
        c2, r2 = c1, r1
    if not (c1 and r1 and c2 and r2):
        return None
    rows = abs(int(r2) - int(r1)) + 1
    cols = abs(_column_number(c2) - _column_number(c1)) + 1
    return rows, cols, f"{c1}{r1}:{c2}{r2}"


def check_extent(
    sheet: str, rows: int, cols: int, limits: Limits | None = None, *, declared: str | None = None
) -> None:
    """A sheet of ``rows`` × ``cols`` (declared as the range ``declared``, or as calamine read it)."""
    lim = limits or Limits.current()
    cells = rows * cols
    if rows <= lim.max_sheet_rows and cells <= lim.max_sheet_cells:
        return
    how = f"khai báo vùng dữ liệu {declared}, tức" if declared else "có"
    over = (
        f"vượt giới hạn {_n(lim.max_sheet_rows)} dòng"
        if rows > lim.max_sheet_rows
        else f"vượt giới hạn {_n(lim.max_sheet_cells)} ô"
    )
    hint = " (nếu phần lớn là dòng trống đã định dạng, hãy xóa các dòng đó rồi gửi lại)" if declared else ""
    raise TooLarge(
        f"sheet '{sheet}' {how} {_n(rows)} dòng × {_n(cols)} cột = {_n(cells)} ô, {over}{hint}; tệp không được đọc",
        f"sheet {sheet!r} {'declares' if declared else 'has'} {rows} rows x {cols} columns "
        f"({cells} cells): over the bounds ({lim.max_sheet_rows} rows, {lim.max_sheet_cells} cells)",
    )


_SHEET_NAME = re.compile(
    rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"|'
    rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"'
)
_REL = re.compile(
    rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"|'
    rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"'
)


_WORKBOOK_HEAD = 16 * MiB  # the sheet list and its relationships: a few KB; never more read to name the sheets


def _worksheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part) of an .xlsx's worksheets as the workbook names them; a part it does not name (a broken
    workbook) under its own path."""
    import html

    names = set(zf.namelist())
    parts = sorted(n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n))
    try:
        with zf.open("xl/workbook.xml") as fh:
            wb = fh.read(_WORKBOOK_HEAD)
        with zf.open("xl/_rels/workbook.xml.rels") as fh:
            rels = fh.read(_WORKBOOK_HEAD)
    except (KeyError, *_BROKEN_PART):
        return [(p, p) for p in parts]
    target = {}
    for m in _REL.finditer(rels):
        rid, tgt = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        t = tgt.decode("utf-8", "replace").lstrip("/")
        target[rid] = t if t.startswith("xl/") else f"xl/{t}"
    named: dict[str, str] = {}
    for m in _SHEET_NAME.finditer(wb):
        name, rid = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        part = target.get(rid)
        if part in names:
            named[part] = html.unescape(name.decode("utf-8", "replace"))
    return [(named.get(p, p), p) for p in parts]


def check_workbook_zip(path: Path, zf: zipfile.ZipFile, limits: Limits | None = None) -> None:
    """An .xlsx/.xlsm/.ods before it is parsed: its parts' sizes, then (.xlsx/.xlsm) each worksheet's declared
    used range."""
    lim = limits or Limits.current()
    check_zip(zf, lim)
    if Path(path).suffix.lower() not in {".xlsx", ".xlsm"}:
        return
    for sheet, part in _worksheet_parts(zf):
        extent = declared_extent(zf, part)
        if extent is not None:
            rows, cols, ref = extent
            check_extent(sheet, rows, cols, lim, declared=ref)


def check_csv_lines(raw: bytes, limits: Limits | None = None) -> None:
    """A CSV's lines (an upper bound of its rows) before they are parsed."""
    lim = limits or Limits.current()
    lines = raw.count(b"\n") + 1
    if lines > lim.max_sheet_rows:
        raise TooLarge(
            f"tệp CSV có {_n(lines)} dòng, vượt giới hạn {_n(lim.max_sheet_rows)} dòng; tệp không được đọc",
            f"CSV of {lines} lines, over the bound of {lim.max_sheet_rows} rows",
        )

"""The returns the submission page's tests send: the demo's own period, one of its clean returns, and copies of it
damaged as a clerk would (a status typo, a negative count, formula-looking text), plus the demo's return of a unit
not in force. The cells to damage are found by the pipeline's own reader (the table's columns and rows)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from kttt_pipeline.clerk_check import check_file
from kttt_pipeline.demo import write_demo_period

#: a commune period of the demo (three units: one return each, a resubmission, one of a unit not in force)
PERIOD = "2025-Q4"
#: written in a cooperative's name cell of the damaged return: the page must show it as text
FORMULA_TEXT = '=HYPERLINK("http://x.invalid","<b>bấm</b>")'


@dataclass
class DemoReturns:
    raw: Path  # the demo period's raw folder (copied per test before anything is filed into it)
    good: Path  # a return of the demo in which nothing was planted
    unit_code: str  # its unit
    other_unit: str  # another unit of the period
    not_in_force: Path  # the demo's return of a unit not in force for the period


def demo_returns(base: Path) -> DemoReturns:
    raw = base / "raw"
    summary = write_demo_period(raw, PERIOD, units=3)
    planted = {c.source_file for c in summary.planted}
    returns = sorted(p for p in (raw / PERIOD).glob("*/*.xlsx") if p.parent.name in ("districts", "communes"))
    clean = [p for p in returns if p.relative_to(raw).as_posix() not in planted]
    good = clean[0]
    unit = check_file(good, period=PERIOD, raw_dir=str(raw)).ret.unit.unit_code
    other = next(u for u in summary.units if u != unit)
    (off,) = summary.cases("UNIT_NOT_IN_FORCE")
    return DemoReturns(raw, good, unit, other, raw / off.source_file)


def raw_copy(demo: DemoReturns, dest: Path) -> Path:
    """A fresh copy of the demo's raw folder to file into."""
    shutil.copytree(demo.raw, dest)
    return dest


def damaged(good: Path, dest: Path, *, status: str | None = None, members: int | None = None) -> tuple[Path, int]:
    """A copy of ``good`` whose first cooperative row has its status written ``status`` and/or its members
    ``members``, and its name written as formula-looking text; the sheet's name and the Excel row changed."""
    ret = check_file(good, period=PERIOD).ret
    row = ret.rows("cooperative")[0]
    sheet = next(s for s in ret.sheets if s.kind == "cooperative" and s.sheet == row["sheet"])
    cols = sheet.table.field_index()
    wb = openpyxl.load_workbook(good)
    ws = wb[row["sheet"]]
    name_cell = ws.cell(row["row_number"], cols["name"] + 1)
    name_cell.value = FORMULA_TEXT
    name_cell.data_type = "s"  # written as text, as a clerk's pasted cell, never as a formula
    if status is not None:
        ws.cell(row["row_number"], cols["status"] + 1).value = status
    if members is not None:
        ws.cell(row["row_number"], cols["members"] + 1).value = members
    wb.save(dest)
    return dest, row["row_number"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(settings) -> Iterator[int]:
    """``kttt serve``'s application run by uvicorn on 127.0.0.1 in a thread; its port."""
    import uvicorn

    from kttt_pipeline.submission.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "the submission server did not start"
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def far_cell_workbook(dest: Path) -> Path:
    """A 10 kB .xlsx with a cell at A1 and one at XFD1048576 that declares no used range: the reader that opens it
    allocates the whole rectangle and aborts (docs/decisions.md, "Resource bounds": the residual risk)."""
    import re
    import zipfile

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "UBND PHƯỜNG HÀ TU"
    ws["XFD1048576"] = "x"
    plain = dest.with_name(dest.stem + "_declared.xlsx")
    wb.save(plain)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*>", b"", data)
            zout.writestr(item, data)
    plain.unlink()
    return dest

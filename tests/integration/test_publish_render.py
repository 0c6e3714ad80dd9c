"""The appendix workbook renders: headless LibreOffice (Debian's libreoffice-calc, installed by
scripts/install_libreoffice.sh from scripts/test.sh) converts it to PDF, and the PDF has the pages the print
setup implies: every sheet is fitted to the page width, and paginated by the writer with manual row breaks,
so a sheet prints on (row breaks + 1) pages. The PDF text shows Vietnamese number formats (1.234,5 from a real
number cell with the [$-42A] format) and the hostile names as literal text.

Without soffice, pdfinfo or pdftotext the test is skipped, except under `make test` / CI (strict_tools), where a
missing tool is a failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kttt_pipeline.publish.appendix import expected_pages, write_appendix

from ..conftest import strict_tools
from .test_publish import PERIOD, build_warehouse

pytestmark = pytest.mark.slow


def _tool(*names: str, package: str) -> str:
    """The first of ``names`` on the PATH; else a skip, or under `make test` / CI (strict_tools) a failure."""
    for name in names:
        exe = shutil.which(name)
        if exe:
            return exe
    reason = f"{names[0]} ({package}) is not installed: run scripts/install_libreoffice.sh (as root)"
    if strict_tools():
        pytest.fail(reason + " — required under CI")
    pytest.skip(reason)


def _soffice() -> str:
    return _tool("soffice", "libreoffice", package="LibreOffice Calc")


def _to_pdf(xlsx: Path, out_dir: Path, profile: Path) -> Path:
    exe = _soffice()
    proc = subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = out_dir / (xlsx.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), f"soffice failed: {proc.stdout}\n{proc.stderr}"
    return pdf


def _page_count(pdf: Path) -> int:
    out = subprocess.run(
        [_tool("pdfinfo", package="poppler-utils"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        [_tool("pdftotext", package="poppler-utils"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize("missing", [(), ("194", "207")], ids=["complete", "incomplete"])
def test_appendix_renders_to_the_expected_pages(tmp_path, missing):
    engine = build_warehouse(tmp_path / "wh.sqlite", missing=missing)
    xlsx = write_appendix(engine, PERIOD, tmp_path / "phu_bieu.xlsx")
    pdf = _to_pdf(xlsx, tmp_path, tmp_path / "lo_profile")

    wb = load_workbook(xlsx)
    breaks = {ws.title: len(ws.row_breaks.brk) for ws in wb.worksheets}
    assert all(ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 for ws in wb.worksheets)
    assert expected_pages(xlsx) == sum(b + 1 for b in breaks.values()) >= len(wb.worksheets)
    assert _page_count(pdf) == expected_pages(xlsx), breaks

    text = _pdf_text(pdf)
    # Vietnamese number formats, whatever the locale LibreOffice runs in
    assert "58.500" in text and "73.388" in text and "3.030.600,0" in text and "119,8" in text
    assert "155.748,0" in text and "1.505" in text
    # hostile names printed as the text they are
    assert '=HYPERLINK("http://evil.example/x"' in text
    assert "@SUM(A1:A9)" in text and "@Quỹ tín dụng nhân dân Đông Triều" in text
    # headers repeated on every page of a multi-page sheet, page numbers in the footer
    pages = text.split("\f")
    figure_pages = breaks["Biểu 01"] + 1
    assert all("Thực hiện đến" in p and "So với KH" in p for p in pages[:figure_pages])
    assert f"Trang 1/{expected_pages(xlsx)}" in pages[0]
    if missing:
        assert "chưa đủ số liệu: thiếu thành phố Móng Cái, huyện Cô Tô" in text

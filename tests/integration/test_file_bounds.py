"""A file past the resource bounds (ingest/bounds.py) is rejected by name before it is read whole, in a period run
(the rest of the period loads) and by `kttt check` (at once, in little memory); real files pass."""

import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from kttt_pipeline.clerk_check import check_file
from kttt_pipeline.ingest.workbook import FileUnreadable, read_workbook
from kttt_pipeline.run import run_period

from ..small_period import PERIOD, make_small_period
from ..workbook_factory import coop_row, coop_sheet, write_workbook

MiB = 2**20
VD_TITLE = [["ỦY BAN NHÂN DÂN HUYỆN VÂN ĐỒN"], ["Ngày báo cáo: 15/10/2024"], []]


def _rewrite_sheet(path: Path, inject) -> Path:
    """Rewrite ``path`` with its first worksheet's XML passed through ``inject(head, tail, write)``, which writes the
    part in pieces (never the whole part in memory): ``head`` is the XML up to and including ``<sheetData>``."""
    src = path.with_suffix(".orig.zip")
    path.rename(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                at = data.index(b"<sheetData>") + len(b"<sheetData>")
                with zout.open(info.filename, "w", force_zip64=True) as fh:
                    inject(data[:at], data[at:], fh.write)
            else:
                zout.writestr(info, data)
    src.unlink()
    return path


def _padded_return(path: Path, pad_bytes: int) -> Path:
    """A well-formed return of Vân Đồn whose list sheet carries ``pad_bytes`` of blank space between its rows (legal
    XML that compresses a thousandfold: a few hundred KB on disk)."""
    write_workbook(path, [coop_sheet([coop_row(1, "HTX thủy sản Vân Đồn", "5792747442")], title=VD_TITLE)])
    chunk = b" " * MiB

    def inject(head, tail, write):
        write(head)
        for _ in range(pad_bytes // MiB):
            write(chunk)
        write(tail)

    return _rewrite_sheet(path, inject)


def _cell_bomb(path: Path, rows: int) -> Path:
    """A return whose list sheet holds ``rows`` rows of 16 text cells after its real rows: ≈ 600 bytes of XML per row
    (no cell references), compressed ≈ 250 times."""
    write_workbook(path, [coop_sheet([coop_row(1, "HTX thủy sản Vân Đồn", "5792747442")], title=VD_TITLE)])
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 16 + b"</row>"

    def inject(head, tail, write):
        rows_end = tail.index(b"</sheetData>")
        write(head + tail[:rows_end])
        block = row * 1000
        for _ in range(rows // 1000):
            write(block)
        write(tail[rows_end:])

    return _rewrite_sheet(path, inject)


@pytest.fixture(scope="module")
def bombed(tmp_path_factory):
    raw = make_small_period(tmp_path_factory.mktemp("raw"))
    bomb = _padded_return(raw / PERIOD / "districts" / "VD.xlsx", 80 * MiB)
    return raw, bomb, run_period(raw, PERIOD)


def test_the_bomb_is_a_small_file_declaring_a_huge_part(bombed):
    _, bomb, _ = bombed
    assert bomb.stat().st_size < 512 * 1024
    assert max(i.file_size for i in zipfile.ZipFile(bomb).infolist()) >= 80 * MiB


def test_a_zip_bomb_is_rejected_by_name_and_the_rest_of_the_period_loads(bombed):
    _, _, result = bombed
    audit = result.load_audit.set_index("source_file")
    row = audit.loc[f"{PERIOD}/districts/VD.xlsx"]
    assert row["status"] == "REJECTED"
    assert "'xl/worksheets/sheet1.xml'" in row["error"] and "giải nén ra 80 MB" in row["error"]
    hits = result.dq_issue[(result.dq_issue["kind"] == "FILE_REJECTED") & (result.dq_issue["entity_key"] == "VD.xlsx")]
    assert len(hits) == 1 and "Tệp '2024-Q3/districts/VD.xlsx' không được nạp" in hits.iloc[0]["detail"]
    assert "tỉ lệ nén 100 lần" in hits.iloc[0]["detail"]
    others = audit.drop(index=f"{PERIOD}/districts/VD.xlsx")
    assert set(others["status"]) == {"LOADED"}
    assert result.indicator("193", "HTX_TOTAL") == 4 and result.indicator("198", "HTX_TOTAL") == 1


def test_an_opendocument_bomb_is_rejected_before_it_is_parsed(tmp_path):
    path = tmp_path / "VD.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        with z.open("content.xml", "w", force_zip64=True) as fh:
            fh.write(b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">')
            for _ in range(70):
                fh.write(b" " * MiB)
            fh.write(b"</office:document-content>")
    assert path.stat().st_size < 512 * 1024
    with pytest.raises(FileUnreadable) as exc:
        read_workbook(path)
    assert "'content.xml'" in exc.value.reason_vi and "giải nén ra 70 MB" in exc.value.reason_vi


#: runs a command and writes its peak resident KiB (RUSAGE_CHILDREN) to the file named first: the command is
#: started by this small interpreter, not by the test session, whose own resident size a child forked from it
#: would report as its peak (Linux counts the forked copy until exec)
_MEASURE = (
    "import pathlib, resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "pathlib.Path(sys.argv[1]).write_text(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def _run_measured(args: list[str]) -> tuple[int, str, float, float]:
    """(exit code, output, seconds, peak resident MiB) of a command: the peak of that command alone."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        t = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(peak_file), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        seconds = time.perf_counter() - t
        peak = int(peak_file.read_text()) / 1024
    return run.returncode, run.stdout.decode(), seconds, peak


def test_kttt_check_refuses_a_cell_bomb_at_once_in_little_memory(tmp_path):
    # 150,000 rows of 16 cells (90 MB of XML in a 0.4 MB file): read whole, calamine's cells and their Python copies
    # would take several hundred MB, and `kttt check` reads a return twice
    bomb = _cell_bomb(tmp_path / "VD.xlsx", 150_000)
    assert bomb.stat().st_size < 1024 * 1024
    code, out, seconds, peak = _run_measured([str(Path(sys.executable).parent / "kttt"), "check", str(bomb)])
    assert code == 1, out
    assert "TỆP SẼ BỊ TỪ CHỐI" in out and "'xl/worksheets/sheet1.xml'" in out and "giải nén ra" in out
    assert peak < 300, f"kttt check peaked at {peak:.0f} MiB"
    assert seconds < 30  # the check itself takes about a second; generous for a loaded machine


def test_a_sheet_over_the_row_limit_is_rejected_by_name(tmp_path, monkeypatch):
    rows = [coop_row(i, f"HTX số {i}", None) for i in range(1, 61)]
    path = write_workbook(tmp_path / "VD.xlsx", [coop_sheet(rows, title=VD_TITLE)])
    assert len(read_workbook(path).sheets[0].rows) == 65
    monkeypatch.setenv("KTTT_MAX_SHEET_ROWS", "50")
    with pytest.raises(FileUnreadable) as exc:
        read_workbook(path)
    assert "sheet 'Danh sách HTX'" in exc.value.reason_vi and "65 dòng" in exc.value.reason_vi
    assert "vượt giới hạn 50 dòng" in exc.value.reason_vi
    report = check_file(path, period="2024-Q3")
    assert report.rejected and "vượt giới hạn 50 dòng" in report.reason_vi


def test_a_sheet_declaring_a_used_range_over_the_limits_is_rejected_before_it_is_parsed(tmp_path):
    path = write_workbook(tmp_path / "VD.xlsx", [coop_sheet([coop_row(1, "HTX A", None)], title=VD_TITLE)])

    def inject(head, tail, write):
        write(re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:T600000"', head) + tail)

    _rewrite_sheet(path, inject)
    with pytest.raises(FileUnreadable) as exc:
        read_workbook(path)
    assert "sheet 'Danh sách HTX' khai báo vùng dữ liệu A1:T600000" in exc.value.reason_vi
    assert "600.000 dòng" in exc.value.reason_vi and "vượt giới hạn 500.000 dòng" in exc.value.reason_vi


def test_a_csv_over_the_size_bound_is_rejected(tmp_path, monkeypatch):
    raw = make_small_period(tmp_path / "raw")
    monkeypatch.setenv("KTTT_MAX_FILE_BYTES", "200")  # the small register is ≈ 1 KB
    with pytest.raises(FileUnreadable) as exc:
        read_workbook(raw / PERIOD / "tax" / "thue.csv")
    assert "tệp quá lớn" in exc.value.reason_vi


def test_a_legitimate_return_of_typical_size_is_accepted(tmp_path):
    # 3,000 cooperatives (a large district's listing; the demo writes 30–150) and the blank space Excel leaves:
    # well inside every bound
    rows = [coop_row(i, f"HTX dịch vụ số {i}", None) for i in range(1, 3001)]
    path = write_workbook(tmp_path / "VD.xlsx", [coop_sheet(rows, title=VD_TITLE)])
    wb = read_workbook(path)
    assert len(wb.sheets[0].rows) == 3005
    report = check_file(path, period="2024-Q3")  # the quarter of its report date
    assert not report.rejected and report.rows_ok == 3000


def test_a_damaged_sheet_part_is_still_a_broken_file_not_a_crash(tmp_path):
    # the bounds inflate the first bytes of each sheet part: a corrupt stream there is the file's fault, reported as
    # calamine reports a broken workbook, and `kttt check` says so instead of failing
    path = write_workbook(tmp_path / "VD.xlsx", [coop_sheet([coop_row(1, "HTX A", None)], title=VD_TITLE)])
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 40] = b"\xff" * 40  # the first bytes of the compressed sheet
    path.write_bytes(bytes(data))
    with pytest.raises(FileUnreadable) as exc:
        read_workbook(path)
    assert "hỏng" in exc.value.reason_vi
    report = check_file(path, period="2024-Q3")
    assert report.rejected and "hỏng" in report.reason_vi

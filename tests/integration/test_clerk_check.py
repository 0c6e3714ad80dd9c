"""`kttt check FILE` tells the clerk the truth: the pipeline's own reading and rules, exit 1 when the file would be
rejected or a row quarantined, and the rows named (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kttt_pipeline.clerk_check import check_file, render_check
from kttt_pipeline.cli import main
from kttt_pipeline.run import run_period

from .. import small_period as sp
from ..workbook_factory import SheetSpec, coop_row, coop_sheet, group_sheet, write_workbook

#: the period of TITLE's dates: `kttt check` checks for the period being collected unless told
PERIOD = "2024-Q3"
TITLE = [["UBND huyện Bình Liêu"], ["Ngày báo cáo: 14/10/2024"], ["(Số liệu lũy kế đến 30/9/2024)"]]
CLEAN = [
    coop_row(1, "HTX nông lâm nghiệp Sông Cầu", "5785630845", reg="11/06/2024"),
    coop_row(2, "HTX vận tải Bãi Cháy", "5729543363", sector="Vận tải"),
]


def _return(tmp_path: Path, rows, name="BL.xlsx", footer=None) -> Path:
    return write_workbook(
        tmp_path / name,
        [
            coop_sheet(rows, title=TITLE, footer=footer),
            group_sheet(
                [[1, "THT trồng quế Quảng Phúc", "Bùi Tú", "Yên Than", "Nông - lâm - ngư nghiệp", 6, 448, 4.3]]
            ),
        ],
    )


def test_a_clean_return_passes_with_exit_0(tmp_path, capsys):
    path = _return(tmp_path, CLEAN)
    assert main(["check", str(path), "--period", PERIOD]) == 0
    out = capsys.readouterr().out
    assert "KẾT QUẢ: tệp sẽ được tiếp nhận" in out and "dòng bị loại: 0" in out
    # the other files of the period (other units' returns, the province workbook) are not the clerk's problem
    assert "Phát hiện khác" not in out and "Điểm làm thay đổi" not in out


def test_a_quarantined_row_fails_the_check_and_is_named(tmp_path, capsys):
    rows = CLEAN + [
        coop_row(3, "HTX tình trạng lạ", None, status="Ngưng hẳn"),
        coop_row(4, "HTX lỗi lao động", None, workers=5, member_workers=9),
    ]
    path = _return(tmp_path, rows)
    assert main(["check", str(path), "--period", PERIOD]) == 1
    out = capsys.readouterr().out
    # rows 3 and 4 of the listing: Excel rows 8 and 9 (three title rows, two header rows)
    assert (
        "  - sheet 'Danh sách HTX', dòng 8, 'HTX tình trạng lạ': không đọc được tình trạng hoạt động 'Ngưng hẳn' "
        "(không có trong danh mục tình trạng)"
    ) in out
    assert (
        "  - sheet 'Danh sách HTX', dòng 9, 'HTX lỗi lao động': số lao động là thành viên lớn hơn tổng số lao động"
    ) in out
    assert "KẾT QUẢ: CẦN SỬA" in out and "2 dòng bị loại" in out
    assert out.count("dòng 8") == 1  # listed once, with its reason


def test_the_console_script_exits_1_on_a_quarantined_row(tmp_path):
    path = _return(tmp_path, CLEAN + [coop_row(3, "HTX số người bằng chữ", None, members="nhiều")])
    env = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_")}
    run = subprocess.run(
        [str(Path(sys.executable).parent / "kttt"), "check", str(path), "--period", PERIOD],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "dòng 8, 'HTX số người bằng chữ': số thành viên ghi 'nhiều', không phải là số" in run.stdout


def test_a_rejected_return_fails(tmp_path, capsys):
    path = write_workbook(tmp_path / "x.xlsx", [coop_sheet(CLEAN, title=[["Báo cáo HTX"], []])])  # no unit named
    assert main(["check", str(path), "--period", PERIOD]) == 1
    assert "TỆP SẼ BỊ TỪ CHỐI" in capsys.readouterr().out
    # what is said of a rejected file is about that file, never about the period's other files (no register is
    # given here: that is not the clerk's fault)
    report = check_file(path, period=PERIOD)
    assert report.rejected and report.reason_vi.startswith("không xác định được đơn vị báo cáo")
    # the reason is said once, in Vietnamese only (load_audit keeps the English beside it for developers)
    assert "not identified" not in report.reason_vi and report.reason_vi not in " ".join(
        f.detail for f in report.findings
    )
    assert not {f.kind for f in report.findings} & {"TAX_REGISTER_MISSING", "UNIT_MISSING", "PROVINCE_WORKBOOK_MISSING"}


def test_the_check_finds_what_the_pipeline_finds_in_that_file(tmp_path, monkeypatch):
    """The same rows quarantined, for the same reasons, and the same reading findings, as a period run."""
    coops = sp.HL_COOPS + [
        coop_row(6, "HTX tình trạng lạ", None, status="Ngưng hẳn"),
        coop_row(7, None, None, members=12),
        coop_row(8, "HTX khoảng", None, members="khoảng 30", sector="Làm muối"),
    ]
    monkeypatch.setattr(sp, "HL_COOPS", coops)
    raw = sp.make_small_period(tmp_path / "raw")
    hl = raw / sp.PERIOD / "districts" / "HL.xlsx"
    period = run_period(raw, sp.PERIOD)
    q = period.quarantine[period.quarantine["source_file"].str.endswith("HL.xlsx")]
    report = check_file(hl, sp.PERIOD)
    assert report.fails
    assert [(r.sheet, r.row_number, r.reason_vi) for r in report.quarantined] == sorted(
        zip(q["sheet"], q["row_number"].astype(int), q["reason_vi"])
    )
    reading = {"WORDS_DROPPED", "SECTOR_UNKNOWN", "STATUS_UNKNOWN", "SUMMARY_MISMATCH", "ROW_QUARANTINED"}
    dq = period.dq_issue[
        period.dq_issue["source_file"].fillna("").str.endswith("HL.xlsx") & period.dq_issue["kind"].isin(reading)
    ]
    assert {(f.kind, f.sheet, f.row_number) for f in report.findings if f.kind in reading} == {
        (r.kind, r.sheet, int(r.row_number)) for r in dq.itertuples()
    }
    text = render_check(report)
    assert "khoảng 30" in text and "Làm muối" in text


def test_with_the_raw_folder_the_register_is_applied_too(tmp_path):
    raw = sp.make_small_period(tmp_path / "raw")
    hl = raw / sp.PERIOD / "districts" / "HL.xlsx"
    without = check_file(hl, sp.PERIOD)
    with_register = check_file(hl, sp.PERIOD, raw_dir=str(raw))
    assert with_register.with_register and not without.with_register
    assert "STATUS_OVERRIDE" in {f.kind for f in with_register.findings}
    assert "STATUS_OVERRIDE" not in {f.kind for f in without.findings}
    assert not any(f.kind == "UNIT_MISSING" for f in with_register.findings)
    assert list((raw / sp.PERIOD / "districts").iterdir()) and hl.is_file()  # nothing moved or written


@pytest.mark.parametrize("footer", [[[None, "Tổng cộng", None, None, None, None, None, 999]]])
def test_a_total_row_that_disagrees_is_reported(tmp_path, footer):
    report = check_file(_return(tmp_path, CLEAN, footer=footer), PERIOD)
    hits = [f for f in report.findings if f.kind == "SUMMARY_MISMATCH"]
    assert hits and hits[0].value_reported == "999" and hits[0].row_number == 8
    assert not report.fails  # a differing total changes a figure but keeps every row


def _one_row_return(tmp_path: Path, extra_header: str, extra: list[object]) -> Path:
    """A listing under a one-row header: the managers' levels stand without their "Cán bộ quản lý" row."""
    head = [
        "STT",
        "Tên HTX",
        "Mã số thuế",
        "Ngày thành lập",
        "Lĩnh vực",
        "Tình trạng",
        "Xếp loại",
        "Số thành viên",
        "Số lao động",
        "Số CBQL",
        "Sơ cấp - trung cấp",
        "Cao đẳng - đại học trở lên",
        extra_header,
    ]
    rows = [
        [
            1,
            "HTX nông lâm nghiệp Sông Cầu",
            "5785630845",
            "11/06/2024",
            "Nông nghiệp",
            "Đang hoạt động",
            "Khá",
            20,
            10,
            3,
            2,
            1,
            extra[0],
        ],
        [
            2,
            "HTX vận tải Bãi Cháy",
            "5729543363",
            "15/03/2015",
            "Vận tải",
            "Đang hoạt động",
            "Tốt",
            12,
            6,
            2,
            1,
            1,
            extra[1],
        ],
    ]
    return write_workbook(tmp_path / "BL.xlsx", [SheetSpec("Danh sách HTX", TITLE, head, None, rows=rows)])


def test_a_column_of_figures_not_understood_fails_the_check_naming_it(tmp_path, capsys):
    """Issue 24: figures under a header no header word names would be lost: the clerk is told to fix the header."""
    path = _one_row_return(tmp_path, "Lao động nữ", [4, 3])
    assert main(["check", str(path), "--period", PERIOD]) == 1
    out = capsys.readouterr().out
    assert "KẾT QUẢ: CẦN SỬA" in out and "dòng bị loại: 0" in out
    assert "cột 'Lao động nữ', sheet 'Danh sách HTX'" in out
    assert "sheet 'Danh sách HTX', dòng 4: cột 'Lao động nữ' có số liệu ở 2 dòng" in out


def test_sub_headers_standing_alone_are_read_and_a_text_column_is_only_noted(tmp_path, capsys):
    """The managers' levels without their group row are read (HTX_MANAGERS_* as written); an unknown column of
    words is noted and the file is accepted."""
    path = _one_row_return(tmp_path, "Thôn", ["Nà Pá", "Khe Lạc"])
    assert main(["check", str(path), "--period", PERIOD]) == 0
    out = capsys.readouterr().out
    assert "KẾT QUẢ: tệp sẽ được tiếp nhận" in out and "cột 'Thôn' không nhận diện được, bỏ qua" in out
    assert "Sơ cấp" not in out and "Cao đẳng" not in out
    report = check_file(path, PERIOD)
    coops = report.ret.rows("cooperative")
    assert [(c["managers"], c["managers_primary_secondary"], c["managers_college_plus"]) for c in coops] == [
        (3, 2, 1),
        (2, 1, 1),
    ]

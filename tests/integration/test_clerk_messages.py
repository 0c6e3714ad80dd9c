"""What a clerk reads in `kttt check` and on the submission page (issue 29): the allowed values and the nearest for
an unknown status, sector or grade, the cooperative's name on every row problem, one root cause instead of its
knock-on differences, the summary sheet's figures counted as read, the rejection said once in Vietnamese."""

from __future__ import annotations

import pytest

from kttt_pipeline.clerk_check import check_file, render_check

from ..submission_returns import PERIOD, damaged, demo_returns
from ..workbook_factory import coop_row, coop_sheet, write_workbook

TITLE = [["UBND huyện Bình Liêu"], ["Ngày báo cáo: 14/10/2024"], ["(Số liệu lũy kế đến 30/9/2024)"]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_returns(tmp_path_factory.mktemp("clerk_messages"))


def test_an_unknown_status_sector_or_grade_says_the_allowed_values_and_the_nearest(tmp_path):
    rows = [
        coop_row(1, "HTX Sông Cầu", "5785630845", status="Đang hoạt độngg"),
        coop_row(2, "HTX Bãi Cháy", "5729543363", sector="Vận tả"),
        coop_row(3, "HTX Yên Than", None, grade="Trung bìnhh"),
    ]
    path = write_workbook(tmp_path / "BL.xlsx", [coop_sheet(rows, title=TITLE)])
    out = render_check(check_file(path, period="2024-Q3"))
    lines = {ln.split(":", 1)[0]: ln for ln in out.splitlines() if ln.startswith("  - ")}
    status = next(ln for ln in out.splitlines() if "'Đang hoạt độngg'" in ln)
    assert "'HTX Sông Cầu'" in status
    assert "Đang hoạt động, Tạm ngừng hoạt động, Chưa đi vào hoạt động" in status
    assert "(gần nhất với 'Đang hoạt độngg': 'Đang hoạt động')" in status
    sector = next(ln for ln in out.splitlines() if "'Vận tả'" in ln)
    assert "'HTX Bãi Cháy'" in sector and "Thương mại - dịch vụ" in sector and "'Vận tải')" in sector
    grade = next(ln for ln in out.splitlines() if "'Trung bìnhh'" in ln)
    assert "'HTX Yên Than'" in grade and "Tốt, Khá, Trung bình, Yếu kém" in grade and "'Trung bình')" in grade
    assert len(lines) == 3  # each row's problem once


def test_differences_a_row_left_out_explains_are_one_line_and_a_real_one_stays(demo, tmp_path):
    good = check_file(demo.good, period=PERIOD, raw_dir=str(demo.raw))
    assert good.verdict == "accepted"
    # a status typo only: the summary sheet counted the row, the detail cannot: every difference is that row's
    typo, _ = damaged(demo.good, tmp_path / "typo.xlsx", status="Đang hoạt độngg")
    report = check_file(typo, period=PERIOD, raw_dir=str(demo.raw))
    mismatches = [f for f in report.findings if f.kind == "SUMMARY_MISMATCH"]
    assert len(mismatches) >= 5  # what the pipeline records, each figure
    shown = [p for p in report.problems() if p.kind == "SUMMARY_MISMATCH"]
    assert len(shown) == 1 and shown[0].reason.startswith(f"{len(mismatches)} số liệu")
    assert "1 dòng bị loại" in shown[0].reason
    out = render_check(report)
    assert out.count("Số tổng hợp khác số chi tiết") == 1
    # and a negative count too: the members' difference is no longer the row's own value, so it is listed itself
    both, _ = damaged(demo.good, tmp_path / "both.xlsx", status="Đang hoạt độngg", members=-5)
    report = check_file(both, period=PERIOD, raw_dir=str(demo.raw))
    own = {(p.sheet, p.row) for p in report.problems() if p.kind == "SUMMARY_MISMATCH" and p.sheet}
    keys = {f.entity_key for f in report.findings if f.kind == "SUMMARY_MISMATCH" and (f.sheet, f.row_number) in own}
    assert own and keys == {"HTX_MEMBERS"}


def test_the_summary_sheets_figures_are_counted_as_read(demo):
    report = check_file(demo.good, period=PERIOD)
    out = render_check(report)
    summary = [s for s in report.ret.sheets if s.kind == "summary"]
    assert summary and report.ret.rows("summary")
    for s in summary:
        n = sum(1 for r in report.ret.rows("summary") if r["sheet"] == s.sheet)
        line = next(ln for ln in out.splitlines() if ln.startswith(f"  Sheet '{s.sheet}'"))
        assert f"{n} chỉ tiêu đọc được" in line and "0 dòng đọc" not in line


def test_a_unit_not_in_force_is_said_once_in_vietnamese(demo):
    report = check_file(demo.not_in_force, period=PERIOD)
    out = render_check(report)
    assert report.verdict == "rejected" and "not in force" not in out
    assert out.count("có hiệu lực đến") == 1


def test_an_xlsx_renamed_xls_is_read_as_what_it_is(demo, tmp_path):
    renamed = tmp_path / "bao cao.xls"
    renamed.write_bytes(demo.good.read_bytes())
    as_xlsx, as_xls = check_file(demo.good, period=PERIOD), check_file(renamed, period=PERIOD)
    assert as_xls.verdict == as_xlsx.verdict == "accepted"
    assert as_xls.ret.unit.unit_code == as_xlsx.ret.unit.unit_code
    assert len(as_xls.ret.rows("cooperative")) == len(as_xlsx.ret.rows("cooperative")) > 0
    assert "bị hỏng" not in render_check(as_xls)


def test_the_checks_help_is_vietnamese(capsys):
    from kttt_pipeline.cli import main

    with pytest.raises(SystemExit) as done:
        main(["check", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Cách dùng: kttt check") and "tùy chọn:" in out and "in hướng dẫn này rồi thoát" in out
    for english in ("usage:", "options:", "positional arguments", "show this help", "district return", "the pipeline"):
        assert english not in out

"""The figures text of the specimen (2024-Q3) in the plan's form, and a quarter whose credit funds are all excluded
or whose province workbook is missing: the text says the data is insufficient and names the file, and the quarter
is marked so (so_sanh.json, the published_reports metadata, the CLI line). Through the `kttt` console script, on
SQLite and PostgreSQL (the quarantine and audit rows the text reads come from the warehouse)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.specimen import SPECIMEN_RAW, needs_specimen

KTTT = str(Path(sys.executable).parent / "kttt")
PERIOD = "2024-Q3"


def _materialize(raw: Path, warehouse: str, reports: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_")}
    run = subprocess.run(
        [
            KTTT,
            "materialize",
            "--period",
            PERIOD,
            "--raw-dir",
            str(raw),
            "--warehouse",
            warehouse,
            "--reports-dir",
            str(reports),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run


@needs_specimen
def test_specimen_text_carries_the_plans_figures_in_the_plans_form(tmp_path):
    _materialize(SPECIMEN_RAW, f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "r")
    text = (tmp_path / "r" / PERIOD / "muc_1_1.txt").read_text(encoding="utf-8")
    for sentence in (
        "Trong 9 tháng đầu năm 2024, toàn tỉnh có 148 HTX thành lập mới",
        "có 01 HTX giải thể",
        "tổng số HTX trên địa bàn tỉnh là 895 HTX",
        "a) Hợp tác xã",
        "b) Liên hiệp hợp tác xã",
        "c) Tổ hợp tác",
        "d) Quỹ tín dụng nhân dân",
    ):
        assert sentence in text, sentence
    assert text.startswith(
        "1.1. Về số lượng, doanh thu và thu nhập của hợp tác xã, liên hiệp hợp tác xã, tổ hợp tác (HTX, LH HTX, THT)\n"
    )
    assert "\n1.2. Về thành viên, lao động" in text and "\n1.3. Về trình độ cán bộ quản lý" in text
    manifest = json.loads((tmp_path / "r" / PERIOD / "so_sanh.json").read_text(encoding="utf-8"))
    assert manifest["insufficient"] == {}


def _copy_specimen(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(SPECIMEN_RAW, raw)
    return raw


@needs_specimen
def test_credit_funds_all_excluded_are_said_insufficient_and_the_quarter_marked(tmp_path, warehouse_url):
    raw = _copy_specimen(tmp_path)
    (book,) = (raw / PERIOD / "province").glob("*.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["QTDND"]
    header = next(r for r in ws.iter_rows() if any(str(c.value or "").startswith("Dư nợ") for c in r))
    loans = next(c.column for c in header if str(c.value or "").startswith("Dư nợ"))
    negated = 0
    for row in ws.iter_rows(min_row=header[0].row + 1):
        if isinstance(row[0].value, int):  # a numbered credit fund (the total row is not numbered)
            ws.cell(row[0].row, loans).value = -abs(ws.cell(row[0].row, loans).value)
            negated += 1
    assert negated == 2
    wb.save(book)
    run = _materialize(raw, warehouse_url, tmp_path / "r")
    out = tmp_path / "r" / PERIOD
    text = (out / "muc_1_1.txt").read_text(encoding="utf-8")
    section_d = text.split("d) Quỹ tín dụng nhân dân", 1)[1].split("1.2.", 1)[0]
    assert "Chưa đủ số liệu để tổng hợp về quỹ tín dụng nhân dân của kỳ báo cáo: cả 02 dòng" in section_d
    assert f"'{PERIOD}/province/{book.name}', sheet 'QTDND'" in section_d
    assert "Quỹ tín dụng nhân dân," not in section_d and "dư nợ cho vay" not in text
    assert "0 Quỹ tín dụng nhân dân" not in text and "QTDND trên địa bàn tỉnh có tổng số" not in text
    manifest = json.loads((out / "so_sanh.json").read_text(encoding="utf-8"))
    assert list(manifest["insufficient"]) == ["QTDND"] and manifest["insufficient"]["QTDND"] in text
    assert f"CẢNH BÁO / insufficient data: {manifest['insufficient']['QTDND']}" in run.stdout
    # the unions of the same workbook are read whole and published as figures
    assert "Toàn tỉnh hiện có 03 Liên hiệp HTX" in text


@needs_specimen
def test_a_missing_province_workbook_is_said_insufficient(tmp_path):
    raw = _copy_specimen(tmp_path)
    shutil.rmtree(raw / PERIOD / "province")
    run = _materialize(raw, f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "r")
    text = (tmp_path / "r" / PERIOD / "muc_1_1.txt").read_text(encoding="utf-8")
    assert (
        text.count(
            f"chưa nhận được bảng tổng hợp liên hiệp hợp tác xã và quỹ tín dụng nhân dân của tỉnh "
            f"(thư mục {PERIOD}/province)"
        )
        == 2
    )
    assert "Liên hiệp HTX" not in text and "Quỹ tín dụng nhân dân," not in text
    assert run.stdout.count("CẢNH BÁO / insufficient data:") == 2

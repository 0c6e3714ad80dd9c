"""Whatever clerks send: each bad file or row gives a clear finding naming file, sheet, row and reason, and
the rest of the period still loads. Raw files are never modified."""

import hashlib
import shutil

import openpyxl
import pytest

from kttt_pipeline.run import run_period

from ..small_period import PERIOD, make_small_period
from ..workbook_factory import coop_row, coop_sheet, write_workbook


def _hashes(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    raw = make_small_period(tmp_path_factory.mktemp("raw"))
    d = raw / PERIOD / "districts"
    (d / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this zip is broken")
    (d / "csv_renamed.xlsx").write_text("STT,Tên HTX\n1,HTX A\n", encoding="utf-8")
    (d / "empty.xlsx").write_bytes(b"")
    wb = openpyxl.Workbook()
    wb.active.append(["Kính gửi: Sở Tài chính"])
    wb.save(d / "no_table.xlsx")
    write_workbook(
        d / "no_unit.xlsx", [coop_sheet([coop_row(1, "HTX Ẩn Danh", "5789167272")], title=[["BÁO CÁO HTX"], []])]
    )
    (d / "legacy.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (d / "protected.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    shutil.copy(d / "BL.xlsx", d / "BL - ban sao.xlsx")  # the same file twice under two names
    write_workbook(
        d / "VD.xlsx",
        [
            coop_sheet(
                [
                    coop_row(1, '=HYPERLINK("http://x","y")', "5792747442"),
                    coop_row(2, "HTX số âm", "5752533067", members=-5),
                    coop_row(3, "HTX tương lai", "5753187613", reg="01/01/2030"),
                    coop_row(4, "HTX giải thể trước thành lập", "5711672544", reg="01/01/2020", status="Đã giải thể"),
                    coop_row(5, "+HTX dấu cộng", None),
                ],
                title=[["ỦY BAN NHÂN DÂN HUYỆN VÂN ĐỒN"], ["Ngày báo cáo: 15/10/2024"], []],
            )
        ],
    )
    # a dissolution date before registration needs its own column
    wb = openpyxl.load_workbook(d / "VD.xlsx")
    ws = wb["Danh sách HTX"]
    ws.cell(row=4, column=21, value="Ngày giải thể")
    ws.cell(row=9, column=21, value="01/01/2019")
    name = ws.cell(row=6, column=2)
    name.value = '=HYPERLINK("http://x","y")'
    name.data_type = "s"  # typed as text by the clerk (a leading apostrophe in Excel)
    wb.save(d / "VD.xlsx")
    before = _hashes(raw)
    result = run_period(raw, PERIOD)
    return raw, before, result


def _audit(result, name):
    a = result.load_audit
    return a[a["source_file"].str.endswith(name)].iloc[0]


@pytest.mark.parametrize(
    "name, status, words",
    [
        ("corrupt.xlsx", "REJECTED", "hỏng"),
        ("csv_renamed.xlsx", "REJECTED", "không phải bảng tính"),
        ("empty.xlsx", "REJECTED", "rỗng"),
        ("no_table.xlsx", "REJECTED", "không tìm thấy bảng"),
        ("no_unit.xlsx", "UNIT_UNKNOWN", "không xác định được đơn vị"),
        ("legacy.xls", "REJECTED", "hỏng"),
        ("protected.xlsx", "REJECTED", "mật khẩu"),
    ],
)
def test_bad_files_are_rejected_with_a_reason_and_a_finding(messy, name, status, words):
    _, _, result = messy
    row = _audit(result, name)
    assert row["status"] == status and words in row["error"]
    kind = "UNIT_UNKNOWN" if status == "UNIT_UNKNOWN" else "FILE_REJECTED"
    hits = result.dq_issue[(result.dq_issue["kind"] == kind) & (result.dq_issue["entity_key"] == name)]
    assert len(hits) == 1 and name in hits.iloc[0]["detail"]


def test_the_rest_of_the_period_still_loads(messy):
    _, _, result = messy
    assert result.indicator("193", "HTX_TOTAL") == 4 and result.indicator("198", "HTX_TOTAL") == 1
    assert result.indicator("203", "HTX_TOTAL") == 2  # hostile name + "+HTX" row; three rows quarantined


def test_the_same_file_twice_counts_once(messy):
    _, _, result = messy
    assert {_audit(result, "BL.xlsx")["status"], _audit(result, "BL - ban sao.xlsx")["status"]} == {
        "LOADED",
        "SUPERSEDED",
    }
    assert result.indicator("198", "HTX_TOTAL") == 1


def test_bad_rows_are_quarantined_with_file_sheet_row_and_reason(messy):
    _, _, result = messy
    q = result.quarantine[result.quarantine["source_file"].str.endswith("VD.xlsx")]
    assert sorted(zip(q["row_number"], q["rule"])) == [
        (7, "negative_value"),
        (8, "registered_after_period"),
        (9, "dissolved_before_registered"),
    ]
    assert all(q["sheet"] == "Danh sách HTX") and q["reason_vi"].str.len().min() > 10


def test_hostile_names_are_kept_as_text(messy):
    _, _, result = messy
    names = set(result.cooperative["name"])
    assert '=HYPERLINK("http://x","y")' in names and "+HTX dấu cộng" in names


def test_raw_files_are_never_modified(messy):
    raw, before, _ = messy
    assert _hashes(raw) == before


def test_a_20000_row_listing_loads(tmp_path):
    from stdnum.vn import mst

    rows = []
    n = 0
    i = 100000000
    while n < 20000:
        i += 1
        digit = mst.calc_check_digit(str(i))
        if len(digit) != 1:
            continue
        n += 1
        rows.append(coop_row(n, f"HTX số {n}", f"{i}{digit}"))
    raw = tmp_path / "raw"
    write_workbook(raw / PERIOD / "districts" / "big.xlsx", [coop_sheet(rows, title=[["UBND huyện Cô Tô"], []])])
    result = run_period(raw, PERIOD)
    assert result.indicator("207", "HTX_TOTAL") == 20000
    # no tax register sent: one finding says so, not one NO_TAX_RECORD per cooperative (issue 23)
    kinds = result.dq_issue["kind"]
    assert (kinds == "TAX_REGISTER_MISSING").sum() == 1 and not (kinds == "NO_TAX_RECORD").any()

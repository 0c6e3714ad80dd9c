"""Reader rules on small workbooks built here: tables, headers, rows, units, dates, money units (spec §2–§6)."""

import datetime as dt
import unicodedata

import openpyxl
import pytest

from kttt_pipeline.core.admin_units import UnitMatcher, load_admin_units, reporting_units
from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.province_workbook import read_province_workbook
from kttt_pipeline.ingest.targets import read_targets
from kttt_pipeline.ingest.tax_register import parse_tax_status, read_tax_register
from kttt_pipeline.ingest.unit_return import read_unit_return
from kttt_pipeline.ingest.workbook import FileUnreadable, read_workbook

from ..workbook_factory import SheetSpec, coop_row, coop_sheet, group_sheet, summary_sheet, write_workbook

MATCHER = UnitMatcher(reporting_units(load_admin_units(), Period.parse("2024-Q3")))


def read(path):
    return read_unit_return(read_workbook(path), path.name, MATCHER)


def test_two_row_header_title_block_blank_heading_total_and_signature_rows(tmp_path):
    rows = [
        ["I", "Nông nghiệp"] + [None] * 18,
        coop_row(1, "HTX rau an toàn Nam Sơn", "5796132263"),
        [None] * 20,
        coop_row(2, "HTX dịch vụ nông nghiệp Ánh Dương", "5796998944", members=30, workers=12),
        ["II. Phi nông nghiệp"] + [None] * 19,
        coop_row(3, "HTX vận tải Bãi Cháy", "5729543363", sector="Vận tải", members=10),
        [None, "Tổng cộng", None, None, None, None, None, 60, 32] + [None] * 11,
    ]
    footer = [
        [],
        [None, None, None, "Bình Liêu, ngày 14 tháng 10 năm 2024"],
        [None, "NGƯỜI LẬP BIỂU", None, "TM. ỦY BAN NHÂN DÂN"],
        [None, "Nguyễn Văn A", None, "Trần Văn B"],
    ]
    path = write_workbook(tmp_path / "r.xlsx", [coop_sheet(rows, footer=footer)])
    ret = read(path)
    assert ret.unit.unit_code == "198"
    assert ret.report_date == dt.date(2024, 10, 14)
    sheet = ret.sheets[0]
    assert sheet.table.header_rows == 2
    assert [c["name"] for c in ret.rows("cooperative")] == [
        "HTX rau an toàn Nam Sơn",
        "HTX dịch vụ nông nghiệp Ánh Dương",
        "HTX vận tải Bãi Cháy",
    ]
    # read = 3 entity rows + non-entity rows (2 headings, 2 blank, 1 total); the signature block is not read
    assert sheet.rows_read == 8 and sheet.rows_non_entity == 5
    first = ret.rows("cooperative")[0]
    assert first["workers"] == 10 and first["member_workers"] == 8 and first["managers"] == 3
    assert first["managers_primary_secondary"] == 2 and first["managers_college_plus"] == 1
    assert first["registered_on"] == dt.date(2015, 3, 15)
    assert first["row_number"] == 7  # title rows 1-3, header rows 4-5, heading row 6
    totals = {t["field"]: t["value"] for t in ret.totals}
    assert totals == {"members": 60.0, "workers": 32.0}


def test_columns_in_any_order_extra_and_missing_columns(tmp_path):
    parents = [
        "Ghi chú",
        "Xếp loại",
        "Tên hợp tác xã",
        "Số điện thoại",
        "Mã số HTX/MST",
        "Tình trạng",
        "Lĩnh vực hoạt động",
        "Thành viên",
        "Cán bộ quản lý",
        None,
        None,
        "Lao động",
        None,
    ]
    children = [None] * 8 + [
        "Tổng số",
        "Sơ cấp - trung cấp",
        "Cao đẳng - đại học trở lên",
        "Tổng số lao động",
        "Trong đó: lao động là thành viên",
    ]
    rows = [
        ["mới", "Tốt", "HTX chè Nà Pá", "0203.38", "5789167272", "Đang hoạt động", "Nông nghiệp", 90, 5, 4, 1, 154, 82]
    ]
    spec = SheetSpec("DS HTX", [["UBND TP Uông Bí"]], parents, children, rows=rows)
    ret = read(write_workbook(tmp_path / "r.xlsx", [spec]))
    c = ret.rows("cooperative")[0]
    assert (c["name"], c["tax_code"], c["grade"], c["status"], c["sector"]) == (
        "HTX chè Nà Pá",
        "5789167272",
        "GOOD",
        "ACTIVE",
        "AGRI",
    )
    assert (c["members"], c["managers"], c["managers_primary_secondary"], c["managers_college_plus"]) == (90, 5, 4, 1)
    assert (c["workers"], c["member_workers"]) == (154, 82)
    assert c["registered_on"] is None and c["charter_capital"] is None  # missing columns read as empty
    assert ret.unit.unit_code == "196"


@pytest.mark.parametrize(
    "value, kind", [("thôn Nà Pá", "HEADER_UNMAPPED"), (9, "COLUMN_NOT_READ"), ("3.030,6", "COLUMN_NOT_READ")]
)
def test_unknown_header_is_reported_not_fatal(tmp_path, value, kind):
    """A column no header word names is left out with a note; when it holds figures, with a warning that they are
    not read (the clerk's check fails on it)."""
    parents = ["STT", "Tên HTX", "Mã số thuế", "Lĩnh vực", "Tình trạng", "Số thành viên", "Cột lạ xyz"]
    spec = SheetSpec(
        "HTX",
        [["UBND huyện Cô Tô"]],
        parents,
        None,
        rows=[[1, "HTX A", "5789167272", "Nông nghiệp", "Đang hoạt động", 5, value]],
    )
    ret = read(write_workbook(tmp_path / "r.xlsx", [spec]))
    assert len(ret.rows("cooperative")) == 1
    said = [f for f in ret.findings if f.kind in ("HEADER_UNMAPPED", "COLUMN_NOT_READ")]
    assert [f.kind for f in said] == [kind] and "Cột lạ xyz" in said[0].detail
    assert (said[0].sheet, said[0].row_number) == ("HTX", 2)


@pytest.mark.parametrize(
    "title, code",
    [
        ([["ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG"]], "193"),
        ([["UỶ BAN NHÂN DÂN"], ["THÀNH PHỐ CẨM PHẢ"]], "195"),
        ([["UBND H. Ba Chẽ"]], "202"),
        ([["UBND TX Quảng Yên"]], "206"),
        ([["UBND HUYEN TIEN YEN"]], "199"),
        ([["Phòng Tài chính"], ["Mã đơn vị: 207"]], "207"),
        ([["Mã đơn vị:", None, "203"]], "203"),
        ([[unicodedata.normalize("NFD", "UBND huyện Đầm Hà")]], "200"),
    ],
)
def test_unit_identified_from_title_block(tmp_path, title, code):
    ret = read(write_workbook(tmp_path / "r.xlsx", [coop_sheet([coop_row(1, "HTX A", "5789167272")], title=title)]))
    assert ret.unit is not None and ret.unit.unit_code == code


def test_unit_not_identified_when_title_names_none(tmp_path):
    ret = read(
        write_workbook(
            tmp_path / "r.xlsx", [coop_sheet([coop_row(1, "HTX A", "5789167272")], title=[["BÁO CÁO HỢP TÁC XÃ"], []])]
        )
    )
    assert ret.unit is None and ret.has_tables


def test_money_units_header_wins_then_unit_line(tmp_path):
    parents = [
        "STT",
        "Tên HTX",
        "Mã số thuế",
        "Lĩnh vực",
        "Tình trạng",
        "Vốn điều lệ (nghìn đồng)",
        "Doanh thu",
        "Thu nhập bình quân (triệu đồng/người/năm)",
    ]
    spec = SheetSpec(
        "Danh sách HTX",
        [["UBND huyện Cô Tô"], ["Đơn vị tính: tỷ đồng"]],
        parents,
        None,
        rows=[[1, "HTX A", "5789167272", "Nông nghiệp", "Đang hoạt động", 797000, "1,5", 60]],
    )
    c = read(write_workbook(tmp_path / "r.xlsx", [spec])).rows("cooperative")[0]
    assert c["charter_capital"] == pytest.approx(797.0)  # nghìn đồng → triệu đồng
    assert c["revenue"] == pytest.approx(1500.0)  # tỷ đồng from the Đơn vị tính line
    assert c["avg_income"] == pytest.approx(60.0)  # its own unit


def test_values_as_text_words_dropped_and_marks(tmp_path):
    rows = [
        coop_row(
            1,
            "HTX A",
            "5789167272",
            members="khoảng 45",
            capital="3.030,6",
            reg="24.04.2020",
            hightech="x",
            chain="Có",
            sector="Du lịch cộng đồng",
            grade="KHA",
            status="dang hoat dong",
        )
    ]
    ret = read(write_workbook(tmp_path / "r.xlsx", [coop_sheet(rows)]))
    c = ret.rows("cooperative")[0]
    assert c["members"] == 45 and c["charter_capital"] == pytest.approx(3030.6)
    assert c["registered_on"] == dt.date(2020, 4, 24)
    assert c["hightech"] is True and c["value_chain"] is True
    assert c["grade"] == "FAIR" and c["status"] == "ACTIVE" and c["sector"] is None
    words = [f for f in ret.findings if f.kind == "WORDS_DROPPED"]
    assert len(words) == 1 and words[0].row_number == 6 and words[0].sheet == "Danh sách HTX"


def test_sheet_name_variants_and_summary_sheet(tmp_path):
    items = [
        ["1.", "Số HTX lũy kế", "HTX", 2],
        [None, "1.1 HTX đang hoạt động", "HTX", 1],
        ["-", "Lao động là thành viên", "Người", 8],
        ["+", "Sơ cấp - trung cấp", "Người", "2"],
        ["5.", "Tổng vốn điều lệ", "Tỷ đồng", "1,5"],
        ["7.", "Thành viên THT", "Người", 9],
    ]
    sheets = [
        summary_sheet(items, name="Bieu tong hop"),
        coop_sheet([coop_row(1, "HTX A", "5789167272"), coop_row(2, "HTX B", "5796132263")], name="DS HTX"),
        group_sheet([[1, "THT may Nam Việt", "Mạc Quân", "Phương Nam", "CN - TTCN", 5, 171, 3]], name="THT"),
    ]
    ret = read(write_workbook(tmp_path / "r.xlsx", sheets))
    assert [s.kind for s in ret.sheets] == ["summary", "cooperative", "group"]
    got = {s["indicator_code"]: s["value"] for s in ret.rows("summary")}
    assert got == {
        "HTX_TOTAL": 2,
        "HTX_ACTIVE": 1,
        "HTX_MEMBER_WORKERS": 8,
        "HTX_MANAGERS_PRIMARY_SECONDARY": 2,
        "HTX_CHARTER_CAPITAL": 1500.0,
        "THT_MEMBERS": 9,
    }
    assert ret.rows("group")[0]["sector"] == "INDUSTRY" and ret.rows("group")[0]["avg_income_month"] == 3


def test_no_table_means_no_tables(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Kính gửi Sở Tài chính"])
    wb.active.append(["Xin gửi kèm báo cáo"])
    wb.save(tmp_path / "letter.xlsx")
    ret = read(tmp_path / "letter.xlsx")
    assert not ret.has_tables and ret.rows("cooperative") == []


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "rỗng"),
        (b"STT,Ten HTX\n1,HTX A\n", "không phải bảng tính"),
        (b"PK\x03\x04garbage", "hỏng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "mật khẩu"),
    ],
)
def test_unreadable_files_raise_with_a_vietnamese_reason(tmp_path, content, reason):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileUnreadable) as exc:
        read_workbook(path)
    assert reason in exc.value.reason_vi


def test_tax_register_csv_with_bom_status_forms_and_money_in_dong(tmp_path):
    text = (
        "STT,Mã số thuế,Tên người nộp thuế,Địa chỉ,Cơ quan thuế quản lý,Loại hình,Trạng thái,Ngày thay đổi trạng thái,"
        "Doanh thu kê khai lũy kế (đồng),Thuế phát sinh (đồng)\n"
        '1,5749309001,HTX chăn nuôi Tuấn Hưng,"phường Vạn Ninh, thành phố Móng Cái, tỉnh Quảng Ninh",'
        "Chi cục Thuế thành phố Móng Cái,Hợp tác xã,00 - NNT đang hoạt động,,172204000,1483000\n"
        "2,5768341963,HỢP TÁC XÃ TUYỀN HIỀN,xã Đông Mai,Chi cục Thuế thị xã Quảng Yên,Hợp tác xã,01,15/08/2024,0,0\n"
    )
    path = tmp_path / "thue.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    read = read_tax_register(read_workbook(path), "thue.csv", MATCHER)
    assert [r["tax_code"] for r in read.rows("tax")] == ["5749309001", "5768341963"]
    first, second = read.rows("tax")
    assert first["status_code"] == "00" and first["declared_revenue"] == pytest.approx(172.204)
    assert first["unit_code"] == "194"  # from the address
    assert second["unit_code"] == "206"  # from the tax office
    assert second["status_code"] == "01" and second["status_changed_on"] == dt.date(2024, 8, 15)


@pytest.mark.parametrize(
    "value, code",
    [
        ("00 - NNT đang hoạt động", "00"),
        ("05", "05"),
        (3, "03"),
        ("NNT tạm ngừng hoạt động có thời hạn", "05"),
        (None, None),
    ],
)
def test_tax_status_forms(value, code):
    assert parse_tax_status(value) == code


def test_province_workbook_and_total_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "LHHTX"
    for row in [
        ["SỞ TÀI CHÍNH"],
        ["Đơn vị tính: triệu đồng"],
        [],
        ["STT", "Tên", "MST", "Lĩnh vực", "Số HTX thành viên", "Số lao động", "Vốn điều lệ"],
        [1, "LH HTX A", "5730191571", "Nông nghiệp", 5, 32, 30000],
        [2, "LH HTX B", "5729543363", "Phi nông nghiệp", 4, 22, 15000],
        [None, "Tổng cộng", None, None, 22, 54, 45000],
    ]:
        ws.append(row)
    ws2 = wb.create_sheet("QTDND")
    for row in [
        [
            "STT",
            "Tên",
            "MST",
            "Số thành viên",
            "Số lao động",
            "Số cán bộ quản lý",
            "Tổng nguồn vốn",
            "Vốn chủ sở hữu",
            "Vốn huy động",
            "Dư nợ cho vay",
        ],
        [1, "QTDND X", "5713625645", 1234, 10, 4, "130.112", 11203, 115302, 90210],
    ]:
        ws2.append(row)
    wb.save(tmp_path / "p.xlsx")
    read = read_province_workbook(read_workbook(tmp_path / "p.xlsx"), "p.xlsx")
    assert [u["sector"] for u in read.rows("union")] == ["AGRI", "NON_AGRI"]
    assert read.rows("credit_fund")[0]["total_capital"] == 130112
    assert {(t["field"], t["value"]) for t in read.totals} == {
        ("member_htx", 22),
        ("workers", 54),
        ("charter_capital", 45000),
    }


def test_targets(tmp_path):
    wb = openpyxl.Workbook()
    for row in [
        ["CHỈ TIÊU KẾ HOẠCH NĂM 2025"],
        [],
        ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2025"],
        ["HTX_TOTAL", "Tổng số hợp tác xã", "HTX", 900],
        ["", "Số HTX thành lập mới từ đầu năm", "HTX", "60"],
    ]:
        wb.active.append(row)
    wb.save(tmp_path / "2025.xlsx")
    read = read_targets(read_workbook(tmp_path / "2025.xlsx"), "2025.xlsx", None)
    assert read.year == 2025
    assert {(t["indicator_code"], t["value"]) for t in read.rows("target")} == {("HTX_TOTAL", 900), ("HTX_NEW", 60)}


def test_tax_register_revenue_written_with_words_is_read_and_recorded(tmp_path):
    text = (
        "STT,Mã số thuế,Tên người nộp thuế,Địa chỉ,Cơ quan thuế quản lý,Loại hình,Trạng thái,"
        "Doanh thu kê khai lũy kế (đồng)\n"
        '1,5749309001,HTX chăn nuôi Tuấn Hưng,"phường Vạn Ninh, thành phố Móng Cái",,Hợp tác xã,00,'
        "khoảng 1.500.000.000 đồng\n"
    )
    path = tmp_path / "thue.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    read = read_tax_register(read_workbook(path), "thue.csv", MATCHER)
    assert read.rows("tax")[0]["declared_revenue"] == pytest.approx(1500.0)
    dropped = [f for f in read.findings if f.kind == "WORDS_DROPPED"]
    assert len(dropped) == 1 and dropped[0].row_number == 2 and dropped[0].source_file == "thue.csv"
    assert dropped[0].entity_key == "5749309001"


@pytest.mark.parametrize(
    "label",
    [
        "Toàn thành phố",
        "Toàn thị xã",
        "Toàn xã",
        "Cộng toàn thị xã",
        "Tổng số hợp tác xã trên địa bàn thành phố Hạ Long",
    ],
)
def test_total_rows_named_after_the_whole_unit_are_not_cooperatives(tmp_path, label):
    rows = [
        coop_row(1, "HTX A", "5789167272", members=10),
        coop_row(2, "HTX B", "5796132263", members=5),
        [None, label, None, None, None, None, None, 15, 20] + [None] * 11,
    ]
    ret = read(write_workbook(tmp_path / "r.xlsx", [coop_sheet(rows, title=[["UBND thành phố Hạ Long"]])]))
    assert [c["name"] for c in ret.rows("cooperative")] == ["HTX A", "HTX B"]
    assert {t["field"]: t["value"] for t in ret.totals}["members"] == 15.0


def test_sector_headings_with_subtotals_or_in_the_name_column_are_not_cooperatives(tmp_path):
    rows = [
        [None, "I. Nông nghiệp"] + [None] * 18,
        coop_row(1, "HTX A", "5789167272", members=10),
        ["II", "Phi nông nghiệp", None, None, None, None, None, 30, 40] + [None] * 11,
        coop_row(2, "HTX vận tải Bãi Cháy", "5729543363", sector="Vận tải", members=30),
    ]
    ret = read(write_workbook(tmp_path / "r.xlsx", [coop_sheet(rows, title=[["UBND huyện Cô Tô"]])]))
    assert [c["name"] for c in ret.rows("cooperative")] == ["HTX A", "HTX vận tải Bãi Cháy"]
    assert ret.sheets[0].rows_non_entity == 2


@pytest.mark.parametrize("header", ["Vốn điều lệ, tỷ đồng", "Vốn điều lệ - tỷ đồng", "Vốn điều lệ (đăng ký) (tỷ đồng)"])
def test_money_unit_named_after_a_comma_dash_or_in_a_later_bracket(tmp_path, header):
    parents = ["STT", "Tên HTX", "Mã số thuế", "Lĩnh vực", "Tình trạng", header]
    spec = SheetSpec(
        "Danh sách HTX",
        [["UBND huyện Cô Tô"]],
        parents,
        None,
        rows=[[1, "HTX A", "5789167272", "Nông nghiệp", "Đang hoạt động", "2,5"]],
    )
    c = read(write_workbook(tmp_path / "r.xlsx", [spec])).rows("cooperative")[0]
    assert c["charter_capital"] == pytest.approx(2500.0)


def test_a_summary_row_counted_in_workers_is_not_read_as_money(tmp_path):
    items = [
        [1, "Tổng số HTX", "HTX", 2],
        [2, "Lao động thường xuyên", "Lao động", 12],
        [3, "Tổng vốn điều lệ", "Tỷ đồng", "0,3"],
    ]
    spec = summary_sheet(items, title=[["UBND huyện Cô Tô"]])
    ret = read(write_workbook(tmp_path / "r.xlsx", [spec, coop_sheet([coop_row(1, "HTX A", "5789167272")])]))
    values = {s["indicator_code"]: s["value"] for s in ret.rows("summary")}
    assert values["HTX_WORKERS"] == 12 and values["HTX_CHARTER_CAPITAL"] == 300 and values["HTX_TOTAL"] == 2


@pytest.mark.parametrize(
    "title, code",
    [
        ([["UBND thành phố Đông Triều"]], "205"),  # the register's thị xã, titled as the city it became
        ([["UBND THÀNH PHỐ HẠ LO NG"]], "193"),  # a stray space inside the name
    ],
)
def test_unit_identified_despite_another_kind_word_or_a_stray_space(tmp_path, title, code):
    ret = read(write_workbook(tmp_path / "r.xlsx", [coop_sheet([coop_row(1, "HTX A", "5789167272")], title=title)]))
    assert ret.unit is not None and ret.unit.unit_code == code


def test_an_unknown_tax_status_is_kept_empty_with_a_finding_naming_file_row_and_value(tmp_path):
    text = (
        "STT,Mã số thuế,Tên người nộp thuế,Địa chỉ,Cơ quan thuế quản lý,Loại hình,Trạng thái\n"
        "1,5749309001,HTX chăn nuôi Tuấn Hưng,phường Vạn Ninh,Chi cục Thuế thành phố Móng Cái,Hợp tác xã,00\n"
        "2,5768341963,HỢP TÁC XÃ TUYỀN HIỀN,xã Đông Mai,Chi cục Thuế thị xã Quảng Yên,Hợp tác xã,09\n"
    )
    path = tmp_path / "thue.csv"
    path.write_bytes(text.encode("utf-8"))
    read = read_tax_register(read_workbook(path), "thue.csv", MATCHER)
    first, second = read.rows("tax")
    assert first["status_code"] == "00" and second["status_code"] is None  # kept, its status unknown
    [f] = [f for f in read.findings if f.kind == "TAX_STATUS_UNKNOWN"]
    assert f.source_file == "thue.csv" and f.row_number == 3 and "'09'" in f.detail


@pytest.mark.parametrize(
    "name, lock",
    [
        ("~$BC Ha Long.xlsx", True),
        (".~lock.BC Ha Long.xlsx#", True),
        ("BC Ha Long.xlsx", False),
        (".~lock.x.xlsx", False),
        ("a~$b.xlsx", False),
    ],
)
def test_office_lock_files(name, lock):
    from kttt_pipeline.ingest.raw_inventory import is_lock_file

    assert is_lock_file(name) is lock

"""One fixed small population of cooperatives and groups, written as a district return in many layouts.

Every layout must read to the same staging rows and indicators as the plain one (issue 13): column order, header
height (one to three rows, with or without a numbering row, "Cán bộ quản lý" over its children), title block,
merged cells (horizontal header merges, vertical runs of equal sectors or statuses), headers repeated inside the
table, sector headings, subtotals and a grand total (at the bottom or the top), spacer columns, notes and a
signature under the table, a listing continued on a second sheet, number, date and tax-code forms, money units
in the headers or in the "Đơn vị tính" line, NFC/NFD, clerks' abbreviations, hidden/notes/chart sheets; and (issue
24) the clerks' header words: sub-headers standing without their group row, abbreviated headers ("Số TV", "LĐ",
"CBQL", "Tình hình hoạt động"), headers without diacritics, blank spacer columns under a merged group header, plan
columns on the summary sheet ("Kế hoạch năm", "Thực hiện so với KH (%)").
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

from kttt_pipeline.core.tax_codes import check_digit_ok
from kttt_pipeline.core.text import strip_diacritics

PERIOD = "2024-Q3"
UNIT_TITLE = "UBND huyện Bình Liêu"
UNIT_CODE = "198"


def valid_code(prefix9: str) -> str:
    """The first valid 10-digit code from ``prefix9`` on (some prefixes have no valid check digit)."""
    n = int(prefix9)
    while True:
        for d in "0123456789":
            if check_digit_ok(f"{n:09d}{d}"):
                return f"{n:09d}{d}"
        n += 1


@dataclass(frozen=True)
class Coop:
    name: str
    code: str | None
    reg: dt.date
    sector: str  # canonical text
    status: str  # canonical text
    grade: str | None
    members: int
    workers: int
    member_workers: int
    managers: int
    ps: int
    cp: int
    capital: Decimal  # triệu đồng
    revenue: Decimal
    profit: Decimal
    income: Decimal  # triệu đồng/người/năm
    ocop: int = 0
    hightech: bool = False
    chain: bool = False
    dissolved: dt.date | None = None
    commune: str = "xã Hoành Mô"
    tax_status: str = "00"
    declared: int = 500_000_000  # đồng, in the tax register


D = Decimal
COOPS = [
    Coop(
        "HTX nông nghiệp tổng hợp Đông Tiến",
        valid_code("570100010"),
        dt.date(2015, 3, 15),
        "Nông nghiệp",
        "Đang hoạt động",
        "Tốt",
        45,
        30,
        22,
        5,
        3,
        2,
        D("1530"),
        D("3030.6"),
        D("412.5"),
        D("62.4"),
        ocop=1,
    ),
    Coop(
        "HTX Cộng Hòa",
        valid_code("570100020"),
        dt.date(2018, 11, 2),
        "Thủy sản",
        "Đang hoạt động",
        "Khá",
        20,
        12,
        10,
        3,
        2,
        1,
        D("800"),
        D("1250"),
        D("150"),
        D("55.2"),
        commune="xã Đồng Văn",
    ),
    Coop(
        "HTX dịch vụ Tổng cộng Hà",
        valid_code("570100030"),
        dt.date(2016, 6, 30),
        "Dịch vụ",
        "Đang hoạt động",
        "Trung bình",
        15,
        8,
        6,
        3,
        1,
        1,
        D("650.5"),
        D("980"),
        D("75.25"),
        D("48"),
        chain=True,
    ),
    Coop(
        "HTX chè Hoành Mô",
        valid_code("570100040"),
        dt.date(2012, 1, 9),
        "Nông - lâm - ngư nghiệp",
        "Đang hoạt động",
        None,
        30,
        18,
        18,
        3,
        3,
        0,
        D("1200"),
        D("2100"),
        D("260"),
        D("58.5"),
    ),
    Coop(
        "HTX vận tải Đồng Văn",
        valid_code("570100050"),
        dt.date(1998, 10, 3),
        "Vận tải",
        "Đang hoạt động",
        "Yếu",
        12,
        9,
        4,
        2,
        1,
        0,
        D("3000"),
        D("58500"),
        D("-120"),
        D("70"),
        commune="xã Đồng Văn",
    ),
    Coop(
        "HTX xây dựng Lục Hồn",
        valid_code("570100060"),
        dt.date(2014, 4, 1),
        "Xây dựng",
        "Tạm ngừng hoạt động",
        None,
        9,
        0,
        0,
        3,
        2,
        1,
        D("500"),
        D("0"),
        D("0"),
        D("0"),
        tax_status="05",
        declared=0,
    ),
    Coop(
        "HTX môi trường Tình Húc",
        valid_code("570100070"),
        dt.date(2024, 5, 10),
        "Vệ sinh môi trường",
        "Chưa đi vào hoạt động",
        None,
        7,
        0,
        0,
        2,
        1,
        1,
        D("300"),
        D("0"),
        D("0"),
        D("0"),
        declared=0,
    ),
    Coop(
        "HTX cơ khí Vô Ngại",
        valid_code("570100080"),
        dt.date(2011, 2, 14),
        "Công nghiệp",
        "Đang làm thủ tục giải thể",
        None,
        8,
        2,
        2,
        2,
        2,
        0,
        D("420"),
        D("35"),
        D("1.5"),
        D("24"),
        tax_status="03",
        declared=0,
    ),
    Coop(
        "HTX thương mại Húc Động",
        valid_code("570100090"),
        dt.date(2009, 9, 9),
        "Thương mại",
        "Đã giải thể",
        None,
        0,
        0,
        0,
        0,
        0,
        0,
        D("200"),
        D("0"),
        D("0"),
        D("0"),
        dissolved=dt.date(2024, 3, 15),
        tax_status="01",
        declared=0,
    ),
    Coop(
        "HTX chăn nuôi Bản Chuông",
        None,
        dt.date(2019, 12, 31),
        "Lâm nghiệp",
        "Đang hoạt động",
        "Khá",
        25,
        14,
        12,
        3,
        1,
        2,
        D("950"),
        D("1800.75"),
        D("210"),
        D("60"),
    ),
    Coop(
        "HTX dược liệu Đồng Tâm",
        valid_code("570100110"),
        dt.date(2024, 2, 1),
        "Nông nghiệp",
        "Đang hoạt động",
        "Tốt",
        18,
        10,
        9,
        3,
        1,
        2,
        D("2500"),
        D("4200"),
        D("630"),
        D("84.6"),
        ocop=2,
        hightech=True,
        chain=True,
    ),
    Coop(
        "HTX du lịch Cao Sơn",
        valid_code("570100120"),
        dt.date(2020, 7, 7),
        "Khác",
        "Đang hoạt động",
        "Khá",
        11,
        6,
        5,
        2,
        0,
        2,
        D("700"),
        D("900"),
        D("95"),
        D("50.4"),
    ),
]
#: the name the tax register gives the cooperative without a tax code (matched by name)
NAME_MATCH_CODE = valid_code("570100100")


@dataclass(frozen=True)
class Group:
    name: str
    representative: str
    commune: str
    sector: str
    members: int
    revenue: Decimal  # triệu đồng/năm
    income: Decimal  # triệu đồng/người/tháng


GROUPS = [
    Group("THT trồng quế Bản Chuông", "Bùi Văn Tú", "xã Húc Động", "Nông - lâm - ngư nghiệp", 6, D("448"), D("4.3")),
    Group("THT đan lát Lục Hồn", "Tô Thị Liên", "xã Lục Hồn", "CN - TTCN", 9, D("160"), D("4.8")),
    Group("THT nuôi ong Đồng Tâm", "Trần Văn Hải", "xã Đồng Tâm", "Nông - lâm - ngư nghiệp", 5, D("230.5"), D("3.9")),
    Group("THT dịch vụ Cộng Hòa", "Lý A Sáng", "xã Vô Ngại", "Khác", 7, D("1020"), D("5.25")),
    Group("THT rèn Tình Húc", "Hoàng Văn Lâm", "xã Tình Húc", "CN - TTCN", 4, D("96"), D("3")),
]

AGRI = {"Nông nghiệp", "Thủy sản", "Nông - lâm - ngư nghiệp", "Lâm nghiệp"}
ABBREVIATED_STATUS = {
    "Đang hoạt động": "Đang HĐ",
    "Tạm ngừng hoạt động": "Tạm ngừng HĐ",
    "Chưa đi vào hoạt động": "Chưa HĐ",
    "Đang làm thủ tục giải thể": "Đang làm TT giải thể",
    "Đã giải thể": "Đã GT",
}
ABBREVIATED_GRADE = {"Trung bình": "TB"}
#: grades as commune clerks write them, with their class word (issue 24)
CLASS_GRADE = {"Tốt": "Loại Tốt", "Khá": "Loại Khá", "Trung bình": "Loại TB", "Yếu": "Loại Yếu"}
#: names written with a common spelling confusion in a generic word (issue 24): the one without a tax code is
#: matched to the register's record by name all the same
MISSPELT_NAME = {
    "HTX chăn nuôi Bản Chuông": "HTX trăn luôi Bản Chuông",
    "HTX dịch vụ Tổng cộng Hà": "HTX rịch vụ Tổng cộng Hà",
    "HTX chè Hoành Mô": "HTX trè Hoành Mô",
    "HTX xây dựng Lục Hồn": "HTX xây rựng Lục Hồn",
}
ABBREVIATED_SECTOR = {"Công nghiệp": "CN - TTCN", "Thủy sản": "Thuỷ sản", "Dịch vụ": "Thương mại - dịch vụ"}
# a unit's header text and its factor to triệu đồng
MONEY_UNITS = [
    ("triệu đồng", D(1)),
    ("tr.đ", D(1)),
    ("trđ", D(1)),
    ("Tr.đồng", D(1)),
    ("tỷ đồng", D(1000)),
    ("tỷ đ", D(1000)),
    ("nghìn đồng", D("0.001")),
    ("nghìn đ", D("0.001")),
    ("ng.đ", D("0.001")),
    ("đồng", D("0.000001")),
]
DATE_FORMS = ["date", "dmy", "d/m", "dmy-", "dmy.", "ymd.", "ymd-", "ymd/", "serial", "serial_text", "dmy2"]
TAX_FORMS = ["int", "text", "spaced", "dotted"]
NUMBER_FORMS = ["number", "text", "mixed"]
TOTAL_STYLES = ["none", "grand_bottom", "grand_top", "sections", "sections_bare", "sections_top"]
# the subtotals of the "sections" style (agricultural, non-agricultural) as clerks word them (issue 24)
SUBTOTAL_WORDS = [
    ("Cộng I", "Cộng lĩnh vực phi nông nghiệp"),
    ("Cộng lĩnh vực nông, lâm, thủy sản", "Cộng lĩnh vực thương mại, dịch vụ và khác"),
    ("Cộng các HTX nông nghiệp", "Cộng các HTX công nghiệp, vận tải, dịch vụ"),
    ("CỘNG NGÀNH NÔNG NGHIỆP", "CỘNG NGÀNH CÔNG NGHIỆP - DỊCH VỤ"),
    ("Cộng trồng trọt, chăn nuôi", "Cộng vận tải, dịch vụ và khác"),
    ("Tổng lĩnh vực nông nghiệp", "Tổng ngành phi nông nghiệp và khác"),
    ("Cộng I - Nông nghiệp", "Cộng II - Thương mại, dịch vụ, vận tải"),
]
#: how the clerk words the column headers: the form's words, sub-headers standing alone (no "Cán bộ quản lý" row
#: over the managers' levels), or the clerks' abbreviations
HEADER_WORDS = ["plain", "standalone", "abbreviated"]
#: the column groups with a group header over sub-headers, and how many sub-columns each has
GROUPED = {"labour": 2, "managers": 3}


@dataclass
class Layout:
    order: list[str]  # column groups, left to right
    header_rows: int = 2  # text rows: 1 to 3
    numbering: bool = False
    merge_header: bool = True
    span_first_only: bool = False  # without merges: a parent written over its first child only, else repeated
    units_row: bool = False  # a row of units "(người)", "(tr.đ)" under a header of one or two rows
    title_rows: int = 3  # rows above the header (the first names the unit)
    money: str = "header"  # "header": each money column names its unit; "line": an "Đơn vị tính" line
    money_units: tuple[int, ...] = (
        0,
        0,
        0,
        0,
    )  # index into MONEY_UNITS per money column (capital, revenue, profit, income)
    totals: str = "none"
    label_col: str = "name"  # where a total/heading label stands: "seq", "name", "merged"
    vmerge: bool = False
    repeat_header_at: int | None = None
    spacers: tuple[int, ...] = ()
    footer: bool = False
    footer_col: str = "name"
    split_at: int | None = None
    split_header: bool = True
    split_name: str = "DS HTX (tiếp)"
    number_form: str = "number"
    date_form: str = "date"
    tax_form: str = "text"
    nfd: bool = False
    abbreviate: bool = False
    clerk_words: bool = False  # grades "Loại Tốt", names with a confusion in a generic word ("xản xuất")
    extra_sheets: bool = False
    group_order: list[str] = field(default_factory=lambda: list(GROUP_COLUMNS))
    group_totals: str = "none"
    summary_order: list[str] = field(default_factory=lambda: ["seq", "label", "unit", "value"])
    seed: int = 0
    subtotal_words: int = 0  # index into SUBTOTAL_WORDS
    one_sheet: bool = False  # the groups under the cooperatives, on the listing's last sheet, with their own header
    header_words: str = "plain"
    header_accents: bool = True  # False: the headers typed without diacritics
    #: blank spacer columns inside a column group, under its merged group header: (group, position among its
    #: sub-columns); only where the group has a group header (two or three header rows)
    group_spacers: tuple[tuple[str, int], ...] = ()


COOP_COLUMNS = [
    "seq",
    "name",
    "tax",
    "reg",
    "diss",
    "commune",
    "sector",
    "status",
    "grade",
    "members",
    "labour",
    "managers",
    "capital",
    "revenue",
    "profit",
    "income",
    "ocop",
    "hightech",
    "chain",
    "note",
]
GROUP_COLUMNS = ["seq", "name", "rep", "commune", "sector", "members", "revenue", "income"]
PLAIN = Layout(order=list(COOP_COLUMNS))

MONEY_COLUMNS = ["capital", "revenue", "profit", "income"]


def _headers(group: str, height: int, unit: str | None, record: str, words: str = "plain") -> list[list[str | None]]:
    """Header cells of a column group: one list per column, top to bottom, ``height`` rows (None: empty)."""

    def single(text):
        return [[text] + [None] * (height - 1)]

    abbreviated = words == "abbreviated"

    def money(text, per=""):
        return single(f"{text} ({unit}{per})" if unit else text)

    if record == "group":
        return {
            "seq": single("STT"),
            "name": single("Tên THT"),
            "rep": single("Người đại diện"),
            "commune": single("Địa chỉ"),
            "sector": single("Lĩnh vực"),
            "members": single("Số TV" if abbreviated else "Số thành viên"),
            "revenue": money("Doanh thu", "/năm"),
            "income": money("Thu nhập BQ" if abbreviated else "Thu nhập bình quân", "/người/tháng"),
        }[group]
    if group == "labour":
        if words == "standalone":  # "Là thành viên" without "Lao động" over it
            return [single("Tổng số lao động")[0], single("Là thành viên")[0]]
        if height == 1:
            return [["LĐ"], ["LĐ là TV"]] if abbreviated else [["Số lao động"], ["LĐ là thành viên"]]
        top = "LĐ" if abbreviated else "Lao động"
        return [
            [top, "Tổng số"] + [None] * (height - 2),
            [top, "Là TV" if abbreviated else "LĐ là thành viên"] + [None] * (height - 2),
        ]
    if group == "managers":
        if words == "standalone":  # the levels without "Cán bộ quản lý" over them
            return [
                single("Cán bộ quản lý")[0],
                single("Sơ cấp - trung cấp")[0],
                single("Cao đẳng - đại học trở lên")[0],
            ]
        top = "CBQL" if abbreviated else "Cán bộ quản lý"
        if height == 1:
            if abbreviated:
                return [["CBQL"], ["CBQL: Sơ cấp - trung cấp"], ["CBQL: Cao đẳng - đại học trở lên"]]
            return [["Tổng số cán bộ quản lý"], ["CBQL sơ cấp, trung cấp"], ["CBQL cao đẳng, đại học trở lên"]]
        if height == 2:
            return [[top, "Tổng số"], [top, "Sơ cấp, trung cấp"], [top, "Cao đẳng, đại học trở lên"]]
        return [
            [top, "Tổng số", None],
            [top, "Trình độ", "Sơ cấp, trung cấp"],
            [top, "Trình độ", "Cao đẳng, đại học trở lên"],
        ]
    return {
        "seq": single("STT"),
        "name": single("Tên HTX"),
        "tax": single("MST" if abbreviated else "Mã số thuế"),
        "reg": single("Ngày thành lập"),
        "diss": single("Ngày giải thể"),
        "commune": single("Địa chỉ"),
        "sector": single("Lĩnh vực"),
        "status": single("Tình hình hoạt động" if abbreviated else "Tình trạng"),
        "grade": single("Xếp loại"),
        "members": single("Số TV" if abbreviated else "Số thành viên"),
        "capital": money("Vốn điều lệ"),
        "revenue": money("Doanh thu ước năm"),
        "profit": money("Lợi nhuận ước năm"),
        "income": money("Thu nhập BQ" if abbreviated else "Thu nhập bình quân", "/người/năm"),
        "ocop": single("Số sản phẩm OCOP"),
        "hightech": single("Ứng dụng CNC"),
        "chain": single("Chuỗi liên kết"),
        "note": single("Ghi chú"),
    }[group]


def vn_number(value: Decimal) -> str:
    """A number as a Vietnamese clerk types it: "3.030,6", "58.500"."""
    value = value.normalize() if value != value.to_integral() else value.quantize(D(1))
    sign = "-" if value < 0 else ""
    text = format(abs(value), "f")
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


class _Writer:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.rng = random.Random(layout.seed)

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        return unicodedata.normalize("NFD", value) if self.layout.nfd else value

    def number(self, value) -> object:
        value = D(value) if not isinstance(value, Decimal) else value
        form = self.layout.number_form
        if form == "mixed":
            form = self.rng.choice(["number", "text"])
        if form == "text":
            return vn_number(value)
        return int(value) if value == value.to_integral() else float(value)

    def date(self, value: dt.date | None) -> object:
        if value is None:
            return None
        form = self.layout.date_form
        if form == "mixed":
            form = self.rng.choice(DATE_FORMS)
        serial = (value - dt.date(1899, 12, 30)).days
        return {
            "date": value,
            "dmy": value.strftime("%d/%m/%Y"),
            "d/m": f"{value.day}/{value.month}/{value.year}",
            "dmy-": value.strftime("%d-%m-%Y"),
            "dmy.": value.strftime("%d.%m.%Y"),
            "ymd.": value.strftime("%Y.%m.%d"),
            "ymd-": value.strftime("%Y-%m-%d"),
            "ymd/": value.strftime("%Y/%m/%d"),
            "serial": serial,
            "serial_text": str(serial),
            "dmy2": value.strftime("%d/%m/%y"),
        }[form]

    def tax(self, code: str | None) -> object:
        if code is None:
            return None
        form = self.layout.tax_form
        if form == "mixed":
            form = self.rng.choice(TAX_FORMS)
        return {
            "int": int(code),
            "text": code,
            "spaced": f"{code[:2]} {code[2:6]} {code[6:]}",
            "dotted": f"{code[:3]}.{code[3:6]}.{code[6:]}",
        }[form]


def _money_factor(layout: Layout, k: int) -> tuple[str | None, Decimal]:
    unit, factor = MONEY_UNITS[layout.money_units[k % len(layout.money_units)]]
    if layout.money == "line":
        unit, factor = MONEY_UNITS[layout.money_units[0]]
        return None, factor
    return unit, factor


def _coop_cells(c: Coop, w: _Writer, layout: Layout, seq: int) -> dict[str, list[object]]:
    ab = layout.abbreviate
    money = {}
    for k, (fld, v) in enumerate(zip(MONEY_COLUMNS, (c.capital, c.revenue, c.profit, c.income))):
        _, factor = _money_factor(layout, k)
        money[fld] = [w.number(v / factor)]
    return {
        "seq": [seq],
        "name": [w.text(MISSPELT_NAME.get(c.name, c.name) if layout.clerk_words else c.name)],
        "tax": [w.tax(c.code)],
        "reg": [w.date(c.reg)],
        "diss": [w.date(c.dissolved)],
        "commune": [w.text(c.commune)],
        "sector": [w.text(ABBREVIATED_SECTOR.get(c.sector, c.sector) if ab else c.sector)],
        "status": [w.text(ABBREVIATED_STATUS[c.status] if ab else c.status)],
        "grade": [
            w.text(
                CLASS_GRADE[c.grade]
                if layout.clerk_words and c.grade
                else ABBREVIATED_GRADE.get(c.grade, c.grade)
                if ab and c.grade
                else c.grade
            )
        ],
        "members": [w.number(c.members)],
        "labour": [w.number(c.workers), w.number(c.member_workers)],
        "managers": [w.number(c.managers), w.number(c.ps), w.number(c.cp)],
        **money,
        "ocop": [w.number(c.ocop)],
        "hightech": ["x" if c.hightech else None],
        "chain": ["X" if c.chain else None],
        "note": [w.text("mới thành lập") if c.reg.year == 2024 else None],
    }


_SUM_FIELDS = {
    "members": ["members"],
    "labour": ["workers", "member_workers"],
    "managers": ["managers", "ps", "cp"],
    "capital": ["capital"],
    "revenue": ["revenue"],
    "profit": ["profit"],
}


def _coop_total_cells(coops: list[Coop], w: _Writer, layout: Layout) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for grp, attrs in _SUM_FIELDS.items():
        vals = []
        for a in attrs:
            total = sum((D(getattr(c, a)) for c in coops), D(0))
            if grp in MONEY_COLUMNS:
                total = total / _money_factor(layout, MONEY_COLUMNS.index(grp))[1]
            vals.append(w.number(total))
        out[grp] = vals
    return out


def _group_cells(g: Group, w: _Writer, layout: Layout, seq: int) -> dict[str, list[object]]:
    _, f_rev = _money_factor(layout, 1)
    _, f_inc = _money_factor(layout, 3)
    return {
        "seq": [seq],
        "name": [w.text(g.name)],
        "rep": [w.text(g.representative)],
        "commune": [w.text(g.commune)],
        "sector": [w.text(g.sector)],
        "members": [w.number(g.members)],
        "revenue": [w.number(g.revenue / f_rev)],
        "income": [w.number(g.income / f_inc)],
    }


@dataclass
class _Sheet:
    name: str
    rows: list[list[object]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 1-based r1, c1, r2, c2
    hidden: bool = False


class _Table:
    """Lays out a listing: columns (with spacers), header block, rows."""

    def __init__(self, layout: Layout, w: _Writer, record: str, order: list[str]):
        self.layout, self.w, self.record = layout, w, record
        height = layout.header_rows if record == "cooperative" else 1
        units_row = layout.units_row and height < 3 and record == "cooperative"
        self.units_row = units_row
        self.height = height + (1 if units_row else 0)
        # (group, sub-column) per sheet column; (None, 0): a spacer; (group, None): a spacer under a group header
        self.slots: list[tuple[str | None, int | None]] = []
        self.headers: list[list[str | None]] = []
        grouped = height > 1 and layout.header_words != "standalone"
        for k, grp in enumerate(order):
            if record == "cooperative" and k in layout.spacers:
                self.slots.append((None, 0))
                self.headers.append([None] * self.height)
            unit = None
            if grp in MONEY_COLUMNS and layout.money == "header":
                unit = _money_factor(layout, MONEY_COLUMNS.index(grp))[0]
            if record == "group" and grp in ("revenue", "income") and layout.money == "header":
                unit = _money_factor(layout, 1 if grp == "revenue" else 3)[0]
            columns = _headers(grp, height, None if units_row else unit, record, layout.header_words)
            for sub, cells in enumerate(columns):
                # a group header typed once over its first sub-column, not merged, spans no spacer before it
                typed_once = not layout.merge_header and layout.span_first_only
                if (
                    record == "cooperative"
                    and grouped
                    and (grp, sub) in layout.group_spacers
                    and not (sub == 0 and typed_once)
                ):
                    self._group_spacer(grp, cells)
                self.slots.append((grp, sub))
                if units_row:  # a row of units under the titles: "(người)", "(tr.đ)"
                    cells = cells + [f"({unit})" if unit else "(người)" if grp in _SUM_FIELDS else None]
                self.headers.append(
                    cells if layout.header_accents else [strip_diacritics(t) if t else t for t in cells]
                )
            if record == "cooperative" and grouped and (grp, len(columns)) in layout.group_spacers:
                self._group_spacer(grp, columns[-1])
        self.width = len(self.slots)

    def _group_spacer(self, grp: str, beside: list[str | None]) -> None:
        """A blank column inside a group, under its group header (merged over it with the group's sub-columns)."""
        self.slots.append((grp, None))
        top = beside[0] if self.layout.header_accents else strip_diacritics(beside[0])
        self.headers.append([top] + [None] * (self.height - 1))

    def col(self, group: str, sub: int = 0) -> int:
        return self.slots.index((group, sub))

    def header_block(self, sheet: _Sheet) -> None:
        top = len(sheet.rows) + 1
        for k in range(self.height):
            sheet.rows.append([self.w.text(h[k]) for h in self.headers])
        if self.layout.numbering and self.record == "cooperative":
            sheet.rows.append([f"({n + 1})" if n % 2 else n + 1 for n in range(self.width)])
        if self.height == 1:
            return
        if not self.layout.merge_header:
            if self.layout.span_first_only:  # a parent typed once, over its first child only ("centre across")
                for k in range(self.height - (1 if self.units_row else 0)):  # a parent, never a unit
                    for c in range(self.width - 1, 0, -1):
                        if (
                            self.headers[c][k]
                            and self.headers[c - 1][k] == self.headers[c][k]
                            and self.slots[c][0] == self.slots[c - 1][0]
                        ):
                            sheet.rows[top + k - 1][c] = None
            return
        # horizontal merges of a parent over its children, vertical merges of a cell with nothing under it
        for k in range(self.height):
            c = 0
            while c < self.width:
                text = self.headers[c][k]
                end = c
                while (
                    end + 1 < self.width
                    and text
                    and self.headers[end + 1][k] == text
                    and all(self.headers[end + 1][q] == self.headers[c][q] for q in range(k))
                ):
                    end += 1
                if end > c:
                    sheet.merges.append((top + k, c + 1, top + k, end + 1))
                    for j in range(c + 1, end + 1):
                        sheet.rows[top + k - 1][j] = None
                if text:
                    below = k
                    while below + 1 < self.height and self.headers[c][below + 1] is None:
                        below += 1
                    if below > k and end == c:
                        sheet.merges.append((top + k, c + 1, top + below, c + 1))
                c = end + 1

    def row(self, cells: dict[str, list[object]]) -> list[object]:
        out: list[object] = [None] * self.width
        for j, (grp, sub) in enumerate(self.slots):
            if grp is not None and sub is not None and grp in cells and sub < len(cells[grp]):
                out[j] = cells[grp][sub]
        return out

    def label_row(
        self, sheet: _Sheet, label: str, cells: dict[str, list[object]], seq_label: str | None = None
    ) -> None:
        """A total or heading row, its label where the layout puts it."""
        row = self.row(cells)
        mode = self.layout.label_col
        if seq_label is not None:
            row[self.col("seq")] = self.w.text(seq_label)
            row[self.col("name")] = self.w.text(label)
        elif mode == "seq":
            row[self.col("seq")] = self.w.text(label)
        elif mode == "leftmost":  # in the first run of empty cells, merged across it
            start = next(j for j in range(self.width) if row[j] is None)
            end = start
            while end + 1 < self.width and row[end + 1] is None and end - start < 3:
                end += 1
            row[start] = self.w.text(label)
            if end > start:
                sheet.merges.append((len(sheet.rows) + 1, start + 1, len(sheet.rows) + 1, end + 1))
        else:
            j = self.col("name")
            row[j] = self.w.text(label)
            if mode == "merged":
                end = j
                while end + 1 < self.width and row[end + 1] is None and end - j < 2:
                    end += 1
                if end > j:
                    sheet.merges.append((len(sheet.rows) + 1, j + 1, len(sheet.rows) + 1, end + 1))
        sheet.rows.append(row)


def _title(layout: Layout, w: _Writer, listing: str) -> list[list[object]]:
    lines = [
        [w.text(UNIT_TITLE)],
        [w.text(f"DANH SÁCH {listing} TRÊN ĐỊA BÀN")],
        [w.text("(Số liệu lũy kế đến 30/9/2024)")],
        [w.text("Ngày báo cáo: 14/10/2024")],
        [None],
    ]
    out = lines[: max(1, layout.title_rows)]
    if layout.money == "line":
        out.append([None, None, w.text(f"Đơn vị tính: {MONEY_UNITS[layout.money_units[0]][0]}")])
    return out


def _coop_sheets(layout: Layout, w: _Writer) -> list[_Sheet]:
    t = _Table(layout, w, "cooperative", layout.order)
    sections = layout.totals.startswith("sections")
    coops = sorted(COOPS, key=lambda c: (c.sector not in AGRI if sections else 0, c.sector, c.status, c.name))
    first = _Sheet("Danh sách HTX")
    first.rows.extend(_title(layout, w, "HỢP TÁC XÃ"))
    t.header_block(first)
    sheets = [first]
    sheet = first
    header_len = t.height + (1 if layout.numbering else 0)
    written: list[tuple[_Sheet, int, Coop]] = []  # (sheet, 1-based row, coop) for vertical merges
    grand_label = {
        "grand_bottom": "Tổng cộng",
        "grand_top": "Tổng số",
        "sections": "Tổng cộng",
        "sections_bare": "Tổng cộng (I+II)",
        "sections_top": "Tổng cộng",
    }.get(layout.totals)
    if layout.totals in ("grand_top", "sections_top"):
        t.label_row(sheet, grand_label, _coop_total_cells(coops, w, layout))
    n = 0
    for part, title, sub_label in (
        ("agri", "I. Nông nghiệp", SUBTOTAL_WORDS[layout.subtotal_words][0]),
        ("non", "II. Phi nông nghiệp", SUBTOTAL_WORDS[layout.subtotal_words][1]),
    ):
        members = (
            [c for c in coops if (c.sector in AGRI) == (part == "agri")]
            if sections
            else (coops if part == "agri" else [])
        )
        if not members:
            continue
        if sections:
            cells = _coop_total_cells(members, w, layout) if layout.totals == "sections_top" else {}
            if part == "non" and layout.label_col != "merged":
                t.label_row(sheet, "Phi nông nghiệp", cells, seq_label="II")
            else:
                t.label_row(sheet, title, cells)
        for c in members:
            if layout.split_at is not None and n == layout.split_at:
                sheet = _Sheet(layout.split_name)
                sheets.append(sheet)
                if layout.split_header:
                    sheet.rows.append([w.text("DANH SÁCH HỢP TÁC XÃ (tiếp theo)")])
                    t.header_block(sheet)
            if layout.repeat_header_at is not None and n == layout.repeat_header_at and n:
                t.header_block(sheet)
            n += 1
            sheet.rows.append(t.row(_coop_cells(c, w, layout, n)))
            written.append((sheet, len(sheet.rows), c))
        if layout.totals in ("sections", "sections_bare"):
            label = "Cộng" if layout.totals == "sections_bare" else sub_label
            t.label_row(sheet, label, _coop_total_cells(members, w, layout))
    if layout.totals in ("grand_bottom", "sections", "sections_bare"):
        t.label_row(sheet, grand_label, _coop_total_cells(coops, w, layout))
    if layout.vmerge:
        for grp in ("sector", "status"):
            j = t.col(grp)
            k = 0
            while k < len(written):
                end = k
                while (
                    end + 1 < len(written)
                    and written[end + 1][0] is written[k][0]
                    and written[end + 1][1] == written[end][1] + 1
                    and written[end + 1][0].rows[written[end + 1][1] - 1][j] == written[k][0].rows[written[k][1] - 1][j]
                ):
                    end += 1
                if end > k:
                    sh = written[k][0]
                    sh.merges.append((written[k][1], j + 1, written[end][1], j + 1))
                    for q in range(k + 1, end + 1):
                        sh.rows[written[q][1] - 1][j] = None
                k = end + 1
    if layout.footer:
        j = t.col("name") if layout.footer_col == "name" else 0
        for text in [
            None,
            "Ghi chú: số liệu lao động là lao động thường xuyên.",
            "(*) HTX thành lập mới trong năm.",
            "Nguồn: Phòng Tài chính - Kế hoạch.",
            None,
            "Bình Liêu, ngày 14 tháng 10 năm 2024",
            "NGƯỜI LẬP BIỂU",
            "TM. ỦY BAN NHÂN DÂN",
            "KT. CHỦ TỊCH",
            None,
            "Nguyễn Văn An",
        ]:
            row = [None] * t.width
            row[j] = w.text(text)
            sheet.rows.append(row)
    del header_len
    return sheets


def _group_sheet(layout: Layout, w: _Writer, below: _Sheet | None = None) -> _Sheet:
    """The group listing on a sheet of its own, or ``below`` the cooperatives on their sheet: a blank line, its
    title line (and its "Đơn vị tính" line) and its own header."""
    t = _Table(layout, w, "group", layout.group_order)
    if below is None:
        sheet = _Sheet("Danh sách THT")
        sheet.rows.extend(_title(layout, w, "TỔ HỢP TÁC"))
    else:
        sheet = below
        sheet.rows += [[None], [w.text("DANH SÁCH TỔ HỢP TÁC")]]
        if layout.money == "line":
            sheet.rows.append([None, None, w.text(f"Đơn vị tính: {MONEY_UNITS[layout.money_units[0]][0]}")])
    t.header_block(sheet)

    def total_cells():
        _, f_rev = _money_factor(layout, 1)
        return {
            "members": [w.number(sum(g.members for g in GROUPS))],
            "revenue": [w.number(sum((g.revenue for g in GROUPS), D(0)) / f_rev)],
        }

    if layout.group_totals == "grand_top":
        t.label_row(sheet, "Tổng cộng", total_cells())
    for n, g in enumerate(GROUPS, 1):
        sheet.rows.append(t.row(_group_cells(g, w, layout, n)))
    if layout.group_totals == "grand_bottom":
        t.label_row(sheet, "Cộng", total_cells())
    return sheet


def _summary_sheet(w: _Writer, layout: Layout) -> _Sheet:
    sheet = _Sheet("Tổng hợp")
    order = layout.summary_order
    # plan columns, when the order has them: the plan and the period against it, never the period's figures
    header = {
        "seq": "STT",
        "label": "Chỉ tiêu",
        "unit": "Đơn vị tính",
        "value": "Số liệu",
        "plan": "Kế hoạch năm 2024",
        "ratio": "Thực hiện so với KH (%)",
    }
    sheet.rows += [[w.text(UNIT_TITLE)], [None], [w.text(header[k]) for k in order]]
    active = [c for c in COOPS if c.status != "Đã giải thể"]
    for seq, label, unit, value in [
        ("1.", "Tổng số HTX", "HTX", len(active)),
        # one wrong figure, so that reading the summary sheet shows in every layout
        ("2.", "Tổng số thành viên", "Người", sum(c.members for c in active) - 1),
        ("3.", "Tổng số THT", "THT", len(GROUPS)),
    ]:
        cells = {
            "seq": seq,
            "label": w.text(label),
            "unit": w.text(unit),
            "value": w.number(value),
            "plan": w.number(value + 4),
            "ratio": w.number(round(D(value * 100) / (value + 4), 1)),
        }
        sheet.rows.append([cells[k] for k in order])
    return sheet


def write_return(path: Path, layout: Layout) -> Path:
    """The population's return for one unit, written in ``layout``."""
    w = _Writer(layout)
    coop_sheets = _coop_sheets(layout, w)
    if layout.one_sheet:
        _group_sheet(layout, w, below=coop_sheets[-1])
        sheets = [_summary_sheet(w, layout), *coop_sheets]
    else:
        sheets = [_summary_sheet(w, layout), *coop_sheets, _group_sheet(layout, w)]
    if layout.extra_sheets:
        sheets.insert(
            1,
            _Sheet(
                "Hướng dẫn",
                [["Ghi chú: biểu này điền theo hướng dẫn của Sở."], ["Các cột tiền ghi theo đơn vị tính ở đầu biểu."]],
            ),
        )
        lookup = _Sheet(
            "Danh mục",
            [["Nông nghiệp", "Đang hoạt động"], ["Công nghiệp", "Tạm ngừng hoạt động"], ["Vận tải", "Đã giải thể"]],
            hidden=True,
        )
        old = _Sheet(
            "DS HTX cũ",
            [
                ["STT", "Tên HTX", "Mã số thuế", "Lĩnh vực", "Tình trạng", "Số thành viên"],
                [1, "HTX cũ đã chuyển đi", valid_code("570999990"), "Nông nghiệp", "Đang hoạt động", 99],
            ],
            hidden=True,
        )
        sheets += [lookup, old]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec.name)
        for r, row in enumerate(spec.rows, 1):
            for c, v in enumerate(row, 1):
                if v is not None:
                    ws.cell(row=r, column=c, value=v)
        for r1, c1, r2, c2 in spec.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        if spec.hidden:
            ws.sheet_state = "hidden"
    if layout.extra_sheets:
        chart = BarChart()
        data_ws = wb["Tổng hợp"]
        chart.add_data(Reference(data_ws, min_col=4, min_row=3, max_row=6), titles_from_data=True)
        wb.create_chartsheet("Biểu đồ").add_chart(chart)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_tax_register(path: Path) -> Path:
    lines = [
        "STT,Mã số thuế,Tên người nộp thuế,Địa chỉ,Cơ quan thuế quản lý,Loại hình,Trạng thái,"
        "Ngày thay đổi trạng thái,Doanh thu kê khai lũy kế (đồng),Thuế phát sinh (đồng)"
    ]
    for i, c in enumerate(COOPS, 1):
        code = c.code or NAME_MATCH_CODE
        changed = c.dissolved.strftime("%d/%m/%Y") if c.dissolved else ""
        lines.append(
            f'{i},{code},{c.name.replace("HTX", "HỢP TÁC XÃ").upper()},"{c.commune}, huyện Bình Liêu, '
            f'tỉnh Quảng Ninh",Chi cục Thuế huyện Bình Liêu,Hợp tác xã,{c.tax_status},{changed},'
            f"{c.declared},0"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    return path


def write_period(raw: Path, layout: Layout, suffix: str = ".xlsx") -> Path:
    """A period with this one return and the tax register: raw/<period>/districts/BL<suffix>."""
    write_return(raw / PERIOD / "districts" / f"BL{suffix}", layout)
    write_tax_register(raw / PERIOD / "tax" / "thue.csv")
    return raw

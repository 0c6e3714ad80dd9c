"""Small built periods on both sides of the 2025 reform (spec §11), for tests that must not depend on ../shared.

``make_district_period`` writes a 2025-Q2 period reported by two former districts, with listing addresses that
place their cooperatives and groups in current units by every rule of §11.1 (address, tax-register address,
whole district, a split commune, rows that cannot be placed). ``make_commune_period`` writes a 2025-Q3 period
reported by current units, with a return of a former district that must be rejected and small units.
Names and codes are those of the packaged register of province 22 (test data, not code).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from stdnum.vn import mst

from .workbook_factory import COOP_CHILDREN, COOP_PARENTS, SheetSpec, coop_row, group_sheet, write_workbook

DISTRICT_PERIOD = "2025-Q2"
COMMUNE_PERIOD = "2025-Q3"


def tax_code(n: int) -> str:
    """A valid 10-digit tax code (check digit of spec §6) numbered ``n``."""
    body = f"57{n:07d}"
    return body + mst.calc_check_digit(body)


def coop_sheet_with_address(rows: list[tuple[list[object], str | None]], title: list[list[object]]) -> SheetSpec:
    """A cooperative listing with an address column ('Địa chỉ') after the usual ones."""
    return SheetSpec(
        "Danh sách HTX",
        title,
        COOP_PARENTS + ["Địa chỉ"],
        COOP_CHILDREN + [None],
        rows=[row + [address] for row, address in rows],
    )


# (tax code number, name, listing address, tax-register address, district, where it must go, how)
DISTRICT_COOPS = [
    (1, "HTX nông nghiệp Tân Dân", "xã Tân Dân", "xã Tân Dân, thành phố Hạ Long", "193", "07054", "address"),
    (2, "HTX dịch vụ Hồng Hà", "P. Hồng Hà", "phường Hồng Hà, thành phố Hạ Long", "193", "06688", "address"),
    (3, "HTX chè Đồng Lâm", "Đồng Lâm", "xã Đồng Lâm, thành phố Hạ Long", "193", "07030", "split"),
    (4, "HTX vận tải Hà Khánh", None, "phường Hà Khánh, thành phố Hạ Long", "193", "06658", "register"),
    (5, "HTX thủy sản Bến Cũ", "thôn Bến Cũ", "phường Không Có, thành phố Hạ Long", "193", None, "unplaced"),
    (6, "HTX du lịch Quan Lạn", "Quan Lạn", "xã Quan Lạn, huyện Vân Đồn", "203", "06994", "district"),
    (7, "HTX hải sản Minh Châu", None, None, "203", "06994", "district"),
]
# (name, address, district, where it must go)
DISTRICT_GROUPS = [
    ("THT đan lát Hồng Hà", "Hồng Hà", "193", "06688"),
    ("THT trồng rừng Xa Xôi", "bản Xa Xôi", "193", None),
    ("THT nuôi hàu Vạn Yên", "Vạn Yên", "203", "06994"),
]
DISTRICT_TITLES = {"193": "ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG", "203": "UBND huyện Vân Đồn"}

# 2025-Q3: (unit code, title, cooperatives as (tax number, name, address), groups)
COMMUNE_RETURNS = [
    (
        "06688",
        "ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG",
        [(2, "HTX dịch vụ Hồng Hà", "phường Hạ Long"), (11, "HTX thương mại Hạ Long Xanh", "phường Hạ Long")],
        [("THT đan lát Hồng Hà", "phường Hạ Long")],
    ),
    ("07054", "UBND xã Quảng La", [(1, "HTX nông nghiệp Tân Dân", "xã Quảng La")], []),
    (
        "06994",
        "UBND ĐẶC KHU VÂN ĐỒN",
        [(6, "HTX du lịch Quan Lạn", "đặc khu Vân Đồn"), (7, "HTX hải sản Minh Châu", "đặc khu Vân Đồn")],
        [],
    ),
]
#: a return of the former city, after the reform: rejected (UNIT_NOT_IN_FORCE), its rows count nowhere
FORMER_CITY_TITLE = "UBND thành phố Hạ Long"
#: small units: a code typed as a number in the title block and no rows at all; a row "Không có"
SMALL_BY_CODE = ("06967", 6967)
SMALL_NOTHING = ("07192", "UBND ĐẶC KHU CÔ TÔ")


def _coop(n: int, seq: int, name: str, reg: str = "15/03/2015") -> list[object]:
    return coop_row(
        seq,
        name,
        tax_code(n),
        reg=reg,
        members=10 + n,
        workers=5 + n,
        member_workers=2,
        managers=3,
        ps=1,
        cp=1,
        capital=100.0 * n,
    )


def _tax_csv(path: Path, rows: list[tuple[str, str, str | None]]) -> None:
    lines = [
        "STT,Mã số thuế,Tên người nộp thuế,Địa chỉ,Cơ quan thuế quản lý,Loại hình,Trạng thái,"
        "Ngày thay đổi trạng thái,Doanh thu kê khai lũy kế (đồng),Thuế phát sinh (đồng)"
    ]
    for i, (code, name, address) in enumerate(rows, 1):
        lines.append(f'{i},{code},{name.upper()},"{address or ""}",Thuế cơ sở 1,Hợp tác xã,00,,500000000,0')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))


def _province_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "LHHTX"
    for row in [
        ["STT", "Tên", "MST", "Lĩnh vực", "Số HTX thành viên", "Số lao động", "Vốn điều lệ (triệu đồng)"],
        [1, "Liên hiệp HTX A", tax_code(900), "Nông nghiệp", 5, 32, 30000],
    ]:
        ws.append(row)
    ws = wb.create_sheet("QTDND")
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
        [1, "QTDND B", tax_code(901), 1234, 10, 4, 130112, 11203, 115302, 90210],
    ]:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def make_district_period(raw: Path, period: str = DISTRICT_PERIOD) -> Path:
    base = raw / period
    for district, title in DISTRICT_TITLES.items():
        coops = [
            (_coop(n, i, name), written)
            for i, (n, name, written, _, d, _, _) in enumerate([c for c in DISTRICT_COOPS if c[4] == district], 1)
        ]
        groups = [
            [i, name, "Nguyễn Văn A", address, "Nông nghiệp", 6, 100, 4.0]
            for i, (name, address, d, _) in enumerate([g for g in DISTRICT_GROUPS if g[2] == district], 1)
        ]
        head = [[title], ["Ngày báo cáo: 10/07/2025"], []]
        write_workbook(
            base / "districts" / f"{district}.xlsx",
            [coop_sheet_with_address(coops, head), group_sheet(groups, title=head)],
        )
    _tax_csv(base / "tax" / "thue.csv", [(tax_code(n), name, addr) for n, name, _, addr, *_ in DISTRICT_COOPS])
    _province_workbook(base / "province" / "tinh.xlsx")
    return raw


def make_commune_period(raw: Path, period: str = COMMUNE_PERIOD) -> Path:
    base = raw / period
    tax_rows = []
    for code, title, coops, groups in COMMUNE_RETURNS:
        head = [[title], ["Ngày báo cáo: 10/10/2025"], []]
        rows = [(_coop(n, i, name), addr) for i, (n, name, addr) in enumerate(coops, 1)]
        tax_rows += [(tax_code(n), name, addr) for n, name, addr in coops]
        sheets = [coop_sheet_with_address(rows, head)]
        if groups:
            sheets.append(
                group_sheet(
                    [
                        [i, name, "Nguyễn Văn A", addr, "Nông nghiệp", 6, 100, 4.0]
                        for i, (name, addr) in enumerate(groups, 1)
                    ],
                    title=head,
                )
            )
        write_workbook(base / "communes" / f"{code}.xlsx", sheets)
    # the former city's return: same title as in 2025-Q2, not in force any more
    head = [[FORMER_CITY_TITLE], ["Ngày báo cáo: 10/10/2025"], []]
    write_workbook(
        base / "communes" / "TP Ha Long.xlsx",
        [coop_sheet_with_address([(_coop(21, 1, "HTX cũ của thành phố"), "phường Hạ Long")], head)],
    )
    tax_rows.append((tax_code(21), "HTX cũ của thành phố", "phường Hạ Long"))
    # small units: listings with headers only (no row at all), or one row "Không có"
    code, number = SMALL_BY_CODE
    head = [["UBND xã", None, "Mã đơn vị:", number], ["Ngày báo cáo: 10/10/2025"], []]
    write_workbook(base / "units" / f"{code}.xlsx", [coop_sheet_with_address([], head), group_sheet([], title=head)])
    code, title = SMALL_NOTHING
    head = [[title], ["Ngày báo cáo: 10/10/2025"], []]
    write_workbook(
        base / "units" / f"{code}.xlsx",
        [
            coop_sheet_with_address([([None, "Không có"] + [None] * 18, None)], head),
            group_sheet([[None, "Không có", None, None, None, None, None, None]], title=head),
        ],
    )
    _tax_csv(base / "tax" / "thue.csv", tax_rows)
    _province_workbook(base / "province" / "tinh.xlsx")
    return raw

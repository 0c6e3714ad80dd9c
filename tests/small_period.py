"""A tiny but complete period of returns (two units, a tax CSV, the province workbook, targets) for
end-to-end tests that must not depend on ../shared."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from .workbook_factory import coop_row, coop_sheet, group_sheet, summary_sheet, write_workbook

PERIOD = "2024-Q3"

# (unit title, cooperatives, groups)
HL_COOPS = [
    coop_row(
        1, "HTX dịch vụ nông nghiệp Yên Lạc", "5723555475", grade="Tốt", members=47, workers=35, member_workers=24
    ),
    coop_row(2, "HTX vận tải Bãi Cháy", "5729543363", sector="Vận tải", grade="Trung bình", members=30, workers=20),
    coop_row(3, "HTX điện năng Khe Lánh", None, sector="Công nghiệp", grade="Khá"),  # matched by name
    coop_row(4, "HTX môi trường Nam Việt", "5711672544", sector="Môi trường", status="Đang hoạt động"),  # tax 05
    coop_row(5, "HTX lỗi số liệu", "5796132263", members=10, workers=5, member_workers=9),  # quarantined
]
BL_COOPS = [
    coop_row(1, "HTX nông lâm nghiệp Sông Cầu", "5785630845", reg="11/06/2024", grade="Khá"),
    coop_row(2, "HTX vận tải Bãi Cháy", "5729543363", sector="Vận tải"),  # also listed by 193
]
TAX_ROWS = [
    ("5723555475", "HỢP TÁC XÃ DỊCH VỤ NÔNG NGHIỆP YÊN LẠC", "thành phố Hạ Long", "00", 500_000_000),
    ("5729543363", "HỢP TÁC XÃ VẬN TẢI BÃI CHÁY", "thành phố Hạ Long", "00", 300_000_000),
    ("5737315057", "HỢP TÁC XÃ ĐIỆN NĂNG KHE LÁNH", "thành phố Hạ Long", "00", 200_000_000),
    ("5711672544", "HỢP TÁC XÃ MÔI TRƯỜNG NAM VIỆT", "thành phố Hạ Long", "05", 0),
    ("5785630845", "HỢP TÁC XÃ NÔNG LÂM NGHIỆP SÔNG CẦU", "huyện Bình Liêu", "00", 100_000_000),
    ("5796132263", "HỢP TÁC XÃ LỖI SỐ LIỆU", "thành phố Hạ Long", "00", 1_000_000),
    ("5768341963", "HỢP TÁC XÃ ĐÃ GIẢI THỂ TỪ LÂU", "huyện Bình Liêu", "01", 0),
]


def make_small_period(raw: Path, period: str = PERIOD) -> Path:
    base = raw / period
    write_workbook(
        base / "districts" / "HL.xlsx",
        [
            summary_sheet(
                [["1.", "Tổng số HTX", "HTX", 4], ["2.", "Tổng số thành viên", "Người", 999]],
                title=[["ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG"], ["Ngày báo cáo: 15/10/2024"], []],
            ),
            coop_sheet(HL_COOPS, title=[["ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG"], ["Ngày báo cáo: 15/10/2024"], []]),
            group_sheet(
                [
                    [1, "THT đan lát Phát Đạt", "Tô Liên", "Lê Lợi", "CN - TTCN", 9, 160, 4.8],
                    [2, "THT nuôi hàu Việt Xanh", "Trần Liên", "Hoành Bồ", "Nông nghiệp", 6, 308, 4.3],
                ],
                title=[["ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG"], []],
            ),
        ],
    )
    write_workbook(
        base / "districts" / "BL.xlsx",
        [
            coop_sheet(BL_COOPS, title=[["UBND huyện Bình Liêu"], ["Ngày báo cáo: 14/10/2024"], []]),
            group_sheet(
                [[1, "THT trồng quế Quảng Phúc", "Bùi Tú", "Yên Than", "Nông - lâm - ngư nghiệp", 6, 448, 4.3]],
                title=[["UBND huyện Bình Liêu"], []],
            ),
        ],
    )
    (base / "tax").mkdir(parents=True, exist_ok=True)
    lines = [
        "STT,Mã số thuế,Tên người nộp thuế,Địa chỉ,Cơ quan thuế quản lý,Loại hình,Trạng thái,"
        "Ngày thay đổi trạng thái,Doanh thu kê khai lũy kế (đồng),Thuế phát sinh (đồng)"
    ]
    for i, (code, name, where, status, revenue) in enumerate(TAX_ROWS, 1):
        lines.append(
            f'{i},{code},{name},"xã X, {where}, tỉnh Quảng Ninh",Chi cục Thuế {where},Hợp tác xã,{status},,{revenue},0'
        )
    (base / "tax" / "thue.csv").write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "LHHTX"
    for row in [
        ["STT", "Tên", "MST", "Lĩnh vực", "Số HTX thành viên", "Số lao động", "Vốn điều lệ (triệu đồng)"],
        [1, "Liên hiệp HTX A", "5730191571", "Nông nghiệp", 5, 32, 30000],
        [None, "Tổng cộng", None, None, 5, 32, 30000],
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
        [1, "QTDND Hưng Đạo", "5713625645", 1234, 10, 4, 130112, 11203, 115302, 90210],
    ]:
        ws.append(row)
    (base / "province").mkdir(parents=True, exist_ok=True)
    wb.save(base / "province" / "tinh.xlsx")
    wb = openpyxl.Workbook()
    for row in [
        ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", f"Kế hoạch năm {period[:4]}"],
        ["HTX_TOTAL", "Tổng số HTX", "HTX", 10],
        ["HTX_NEW", "HTX mới", "HTX", 2],
    ]:
        wb.active.append(row)
    (raw / "targets").mkdir(parents=True, exist_ok=True)
    wb.save(raw / "targets" / f"{period[:4]}.xlsx")
    return raw

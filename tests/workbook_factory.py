"""Small return workbooks built with openpyxl for the reader tests (no specimen needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import openpyxl


@dataclass
class SheetSpec:
    name: str
    title: list[list[object]]  # rows above the header
    parents: list[object]  # first header row
    children: list[object] | None = None  # second header row (None: one-row header)
    merges: list[str] = field(default_factory=list)  # e.g. "J5:K5"
    rows: list[list[object]] = field(default_factory=list)
    footer: list[list[object]] = field(default_factory=list)


COOP_PARENTS = [
    "STT",
    "Tên HTX",
    "Mã số thuế",
    "Ngày thành lập",
    "Lĩnh vực",
    "Tình trạng",
    "Xếp loại",
    "Số thành viên",
    "Lao động",
    None,
    "Cán bộ quản lý",
    None,
    None,
    "Vốn điều lệ (triệu đồng)",
    "Doanh thu ước năm (triệu đồng)",
    "Lợi nhuận ước năm (triệu đồng)",
    "Thu nhập bình quân (triệu đồng/người/năm)",
    "Số sản phẩm OCOP",
    "Ứng dụng CNC",
    "Chuỗi liên kết",
]
COOP_CHILDREN = [
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    "Tổng số",
    "LĐ là thành viên",
    "Tổng số",
    "Sơ cấp, trung cấp",
    "Cao đẳng, đại học trở lên",
    None,
    None,
    None,
    None,
    None,
    None,
    None,
]
GROUP_PARENTS = [
    "STT",
    "Tên THT",
    "Người đại diện",
    "Địa chỉ",
    "Lĩnh vực",
    "Số thành viên",
    "Doanh thu (triệu đồng/năm)",
    "Thu nhập bình quân (triệu đồng/người/tháng)",
]


def coop_row(
    seq,
    name,
    code,
    *,
    reg="15/03/2015",
    sector="Nông nghiệp",
    status="Đang hoạt động",
    grade="Khá",
    members=20,
    workers=10,
    member_workers=8,
    managers=3,
    ps=2,
    cp=1,
    capital=1000,
    revenue=500,
    profit=100,
    income=60,
    ocop=0,
    hightech=None,
    chain=None,
):
    return [
        seq,
        name,
        code,
        reg,
        sector,
        status,
        grade,
        members,
        workers,
        member_workers,
        managers,
        ps,
        cp,
        capital,
        revenue,
        profit,
        income,
        ocop,
        hightech,
        chain,
    ]


def coop_sheet(rows, *, title=None, name="Danh sách HTX", footer=None) -> SheetSpec:
    title = title if title is not None else [["UBND huyện Bình Liêu"], ["Ngày báo cáo: 14/10/2024"], []]
    return SheetSpec(name, title, COOP_PARENTS, COOP_CHILDREN, merges=[], rows=rows, footer=footer or [])


def group_sheet(rows, *, title=None, name="Danh sách THT") -> SheetSpec:
    title = title if title is not None else [["UBND huyện Bình Liêu"], []]
    return SheetSpec(name, title, GROUP_PARENTS, None, rows=rows)


def summary_sheet(items, *, title=None, name="Tổng hợp") -> SheetSpec:
    title = title if title is not None else [["UBND huyện Bình Liêu"], []]
    return SheetSpec(name, title, ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"], None, rows=items)


def _put(ws, r: int, values: list[object]) -> None:
    for c, v in enumerate(values, start=1):
        if v is not None:
            ws.cell(row=r, column=c, value=v)


def write_workbook(path: Path, sheets: list[SheetSpec]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec.name)
        r = 1
        for row in spec.title:
            _put(ws, r, row)
            r += 1
        header_row = r
        _put(ws, r, spec.parents)
        r += 1
        if spec.children is not None:
            _put(ws, r, spec.children)
            r += 1
            # merge parents spanning children horizontally, single cells vertically
            c = 0
            while c < len(spec.parents):
                if (
                    spec.parents[c] is not None
                    and c + 1 < len(spec.parents)
                    and spec.parents[c + 1] is None
                    and spec.children[c + 1]
                ):
                    end = c + 1
                    while end + 1 < len(spec.parents) and spec.parents[end + 1] is None and spec.children[end + 1]:
                        end += 1
                    ws.merge_cells(start_row=header_row, start_column=c + 1, end_row=header_row, end_column=end + 1)
                    c = end + 1
                    continue
                if spec.parents[c] is not None and not spec.children[c]:
                    ws.merge_cells(start_row=header_row, start_column=c + 1, end_row=header_row + 1, end_column=c + 1)
                c += 1
        for row in spec.rows + spec.footer:
            _put(ws, r, row)
            r += 1
        for rng in spec.merges:
            ws.merge_cells(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def copy_period_returns(raw: Path, source: str, dest: str) -> Path:
    """``raw/<source>`` copied as ``raw/<dest>``, the same returns re-dated: every text cell naming the source
    quarter's last day ("30/9/2024", "30/09/2024") names the destination's, so that a return's date line agrees
    with the folder it is filed under (a return whose date line says another quarter is rejected)."""
    import re
    import shutil

    from kttt_pipeline.core.periods import Period

    src, dst = Period.parse(source), Period.parse(dest)
    shutil.copytree(raw / src.key, raw / dst.key)
    end = src.end
    pattern = re.compile(rf"\b0?{end.day}/0?{end.month}/{end.year}\b")
    new = f"{dst.end.day}/{dst.end.month}/{dst.end.year}"
    for path in sorted((raw / dst.key).rglob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        changed = False
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and pattern.search(cell.value):
                        cell.value = pattern.sub(new, cell.value)
                        changed = True
        if changed:
            wb.save(path)
    return raw / dst.key

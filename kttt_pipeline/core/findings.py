"""Data-quality findings (``dq_issue``): one per decision or problem of spec §6–§7, with a stable kind."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

# kind -> (severity, Vietnamese label for the signer)
KINDS: dict[str, tuple[str, str]] = {
    "FILE_REJECTED": ("error", "Tệp bị từ chối"),
    "UNIT_UNKNOWN": ("error", "Không xác định được đơn vị báo cáo"),
    "UNIT_MISSING": ("error", "Đơn vị chưa gửi báo cáo"),
    "SUPERSEDED": ("info", "Báo cáo bị thay thế bởi bản gửi lại"),
    "ROW_QUARANTINED": ("error", "Dòng bị loại (vi phạm quy tắc kiểm tra)"),
    "TAX_CODE_INVALID": ("warning", "Mã số thuế không hợp lệ"),
    "NAME_MATCH": ("info", "Đối chiếu với cơ quan thuế theo tên"),
    "NO_TAX_RECORD": ("warning", "Không có trong danh sách của cơ quan thuế"),
    "DUPLICATE": ("warning", "HTX được kê khai trùng"),
    "STATUS_OVERRIDE": ("warning", "Tình trạng được điều chỉnh theo cơ quan thuế"),
    "SUMMARY_MISMATCH": ("warning", "Số tổng hợp khác số chi tiết"),
    "WORDS_DROPPED": ("warning", "Ô số có kèm chữ (đã bỏ chữ)"),
    "GRADE_MISSING": ("warning", "HTX đang hoạt động chưa được xếp loại"),
    "SECTOR_UNKNOWN": ("warning", "Lĩnh vực không có trong danh mục (tính vào Khác)"),
    "UNIT_NOT_IN_FORCE": ("error", "Đơn vị không còn (hoặc chưa) có hiệu lực trong kỳ báo cáo"),
    "COMMUNE_SPLIT": ("info", "Số liệu quy đổi: xã cũ được chia, tính vào đơn vị chính"),
    "COMMUNE_UNPLACED": ("warning", "Số liệu quy đổi: không xác định được đơn vị cấp xã mới (chỉ tính vào toàn tỉnh)"),
    "HEADER_UNMAPPED": ("info", "Cột không nhận diện được (bỏ qua)"),
    "COLUMN_MISSING": ("warning", "Thiếu cột"),
    "VALUE_UNREADABLE": ("warning", "Giá trị không đọc được (để trống)"),
    "STATUS_UNKNOWN": ("warning", "Tình trạng không có trong danh mục"),
    "PERIOD_MISMATCH": ("warning", "Kỳ báo cáo trong tệp khác kỳ đang xử lý"),
    "PROVINCE_WORKBOOK_MISSING": ("warning", "Chưa có bảng tổng hợp LHHTX, QTDND của tỉnh"),
    "COOP_VANISHED": ("warning", "HTX có trong kỳ trước, kỳ này không có và chưa giải thể"),
    "PERIOD_JUMP": ("warning", "Số liệu thay đổi bất thường so với quý trước"),
}

DQ_COLUMNS = [
    "period", "kind", "severity", "unit_code", "entity_key", "source_file", "sheet", "row_number",
    "detail", "value_reported", "value_computed", "rule",
]


@dataclass
class Finding:
    kind: str
    detail: str  # Vietnamese, for the clerk and the signer
    unit_code: str | None = None
    entity_key: str | None = None
    source_file: str | None = None
    sheet: str | None = None
    row_number: int | None = None
    value_reported: str | None = None
    value_computed: str | None = None
    rule: str | None = None
    severity: str = field(default="")

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind}")
        if not self.severity:
            self.severity = KINDS[self.kind][0]

    @property
    def row_ref(self) -> tuple[str | None, str | None, int | None]:
        return (self.source_file, self.sheet, self.row_number)

    def location_vi(self) -> str:
        parts = []
        if self.source_file:
            parts.append(f"tệp '{self.source_file}'")
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row_number:
            parts.append(f"dòng {self.row_number}")
        return ", ".join(parts)


def findings_frame(findings: list[Finding], period: str) -> pd.DataFrame:
    rows = [{"period": period, **asdict(f)} for f in findings]
    df = pd.DataFrame(rows, columns=DQ_COLUMNS) if rows else pd.DataFrame(columns=DQ_COLUMNS)
    df["row_number"] = df["row_number"].astype("Int64")
    return df[DQ_COLUMNS]

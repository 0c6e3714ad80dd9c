"""Vietnamese labels for the findings sheet the signer reads: finding kinds (spec §8), severities, rules."""

from __future__ import annotations

# Kinds of spec §8 (and the extra kinds the readers raise). ``kttt_pipeline.core.findings.KINDS`` holds the same
# labels for the pipeline; this table is the published wording and falls back to it for kinds added later.
KIND_VI: dict[str, str] = {
    "FILE_REJECTED": "Tệp bị từ chối (không đọc được)",
    "UNIT_UNKNOWN": "Không xác định được đơn vị báo cáo",
    "UNIT_MISSING": "Đơn vị chưa gửi báo cáo",
    "SUPERSEDED": "Báo cáo bị thay thế bởi bản gửi lại",
    "ROW_QUARANTINED": "Dòng bị loại (vi phạm quy tắc kiểm tra)",
    "TAX_CODE_INVALID": "Mã số thuế không hợp lệ",
    "NAME_MATCH": "Đối chiếu với cơ quan thuế theo tên",
    "NO_TAX_RECORD": "Không có trong danh sách của cơ quan thuế",
    "DUPLICATE": "HTX được kê khai trùng",
    "STATUS_OVERRIDE": "Tình trạng được điều chỉnh theo cơ quan thuế",
    "SUMMARY_MISMATCH": "Số tổng hợp khác số chi tiết",
    "WORDS_DROPPED": "Ô số có kèm chữ (đã bỏ phần chữ)",
    "GRADE_MISSING": "HTX đang hoạt động chưa được xếp loại",
    "SECTOR_UNKNOWN": "Lĩnh vực không có trong danh mục (tính vào lĩnh vực khác)",
    "COOP_VANISHED": "HTX có trong kỳ trước, kỳ này không có trong danh sách và chưa giải thể",
    "PERIOD_JUMP": "Số liệu của đơn vị thay đổi bất thường so với quý trước",
}

SEVERITY_VI: dict[str, str] = {
    "error": "Lỗi (đã loại)",
    "warning": "Cảnh báo",
    "info": "Ghi nhận",
}

#: order of the findings sheet: what was excluded first, then what was changed, then decisions recorded
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

#: the rules of spec §6–§7 a finding cites
RULE_VI: dict[str, str] = {
    "6": "Đọc giá trị (§6)",
    "6.1": "Chuẩn hóa văn bản (§6)",
    "6.2": "Đọc số kiểu Việt Nam (§6)",
    "6.3": "Đọc ngày (§6)",
    "6.4": "Quy đổi đơn vị tiền (§6)",
    "6.5": "Mã số thuế, số kiểm tra (§6)",
    "7.1": "Định danh HTX theo mã số thuế, đối chiếu theo tên (§7.1)",
    "7.2": "HTX trùng chỉ tính một lần (§7.2)",
    "7.3": "Báo cáo gửi lại: lấy bản mới nhất (§7.3)",
    "7.4": "Tình trạng theo cơ quan thuế (§7.4)",
    "7.5": "Số chi tiết được ưu tiên hơn số tổng hợp (§7.5)",
    "7.6": "Kiểm tra tính hợp lý, loại dòng sai (§7.6)",
    "7.7": "Đủ đơn vị báo cáo (§7.7)",
    "7.8": "Phạm vi tính chỉ tiêu (§7.8)",
    "2": "Nhận diện tệp và đơn vị báo cáo (§2)",
    "3": "Danh mục lĩnh vực, tình trạng, xếp loại (§3)",
    "11": "Đơn vị hành chính có hiệu lực trong kỳ (§11)",
    "11.1": "Quy đổi số liệu theo đơn vị hành chính mới (§11.1)",
    "so_sanh_ky": "So sánh với quý trước trong kho dữ liệu",
}


def kind_label(kind: str | None) -> str:
    if not kind:
        return ""
    if kind in KIND_VI:
        return KIND_VI[kind]
    try:  # kinds added to the pipeline after this table was written
        from kttt_pipeline.core.findings import KINDS

        if kind in KINDS:
            return KINDS[kind][1]
    except Exception:  # pragma: no cover - findings module always importable in the package
        pass
    return kind


def severity_label(severity: str | None) -> str:
    return SEVERITY_VI.get((severity or "").lower(), severity or "")


def rule_label(rule: str | None) -> str:
    """``"7.4"`` → ``"Tình trạng theo cơ quan thuế (§7.4)"``; unknown rules are shown as ``§<rule>``."""
    if rule is None:
        return ""
    # "7.6:mw_gt_workers" → the rule of §7.6; which check failed is in the finding's Vietnamese detail
    key = str(rule).strip().lstrip("§").strip().split(":")[0].strip()
    if not key:
        return ""
    if key in RULE_VI:
        return RULE_VI[key]
    head = key.split(".")[0]
    if key.count(".") > 1 and ".".join(key.split(".")[:2]) in RULE_VI:
        return f"{RULE_VI['.'.join(key.split('.')[:2])]} — {key}"
    return f"§{key}" if head.isdigit() else key

"""``kttt check``: a clerk's pre-flight check of one return, read exactly as the pipeline reads it.

Nothing is written: the file is read, the reading rules and the row rules (§6, §7.6) are applied, and every
problem is listed in Vietnamese with its sheet and row. Rules that need other files (the tax register, other
units' returns) are not applied here; the report says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .admin_units import UnitMatcher, former_communes, load_admin_units, load_province_crosswalk, reporting_units
from .findings import KINDS, Finding
from .ingest.district_return import DistrictReturn, read_district_return
from .ingest.workbook import FileUnreadable, read_workbook
from .periods import Period, period_of_date
from .pipeline import COOP_STAGE_COLUMNS, GROUP_STAGE_COLUMNS, _frame, _stage_sectors, not_in_force_reason
from .reconcile.plausibility import quarantine_rows
from .reconcile.summary_compare import compare_total_rows

EXPECTED_COOP_FIELDS = {
    "tax_code": "Mã số thuế", "registered_on": "Ngày thành lập", "sector": "Lĩnh vực", "status": "Tình trạng",
    "grade": "Xếp loại", "members": "Số thành viên", "workers": "Số lao động", "managers": "Cán bộ quản lý",
    "charter_capital": "Vốn điều lệ",
}


@dataclass
class CheckReport:
    path: Path
    rejected: bool
    reason_vi: str | None = None
    ret: DistrictReturn | None = None
    period: Period | None = None
    findings: list[Finding] = field(default_factory=list)
    rows_ok: int = 0
    rows_quarantined: int = 0


def _period_of(ret: DistrictReturn) -> Period:
    if ret.data_until:
        return period_of_date(ret.data_until)
    return period_of_date(ret.report_date - dt.timedelta(days=20) if ret.report_date else dt.date.today())


def check_file(path: Path, period: str | None = None, raw_dir: str | None = None,
               province: str | None = None) -> CheckReport:
    raw = Path(raw_dir) if raw_dir else None
    units = load_admin_units(raw, province)
    candidates = units + former_communes(load_province_crosswalk(raw, province, units), units)
    try:
        wb = read_workbook(path)
    except FileUnreadable as exc:
        return CheckReport(path, True, exc.reason_vi)
    the_period = Period.parse(period) if period else None
    if the_period is None:  # the period the return says it is for decides which unit its title names (§11)
        the_period = _period_of(read_district_return(wb, path.name, UnitMatcher(candidates)))
    matcher = UnitMatcher(candidates, the_period)
    ret = read_district_return(wb, path.name, matcher)
    report = CheckReport(path, False, ret=ret)
    if not any(s.table is not None and s.kind in ("cooperative", "group") for s in ret.sheets):
        report.rejected, report.reason_vi = True, "không tìm thấy bảng danh sách HTX/THT nhận diện được"
        return report
    if ret.unit is None:
        report.rejected = True
        report.reason_vi = "không xác định được đơn vị báo cáo (ghi tên UBND ở đầu biểu hoặc ô 'Mã đơn vị: …')"
        return report
    report.period = the_period
    if ret.unit not in matcher.reporting:
        report.rejected = True
        report.reason_vi = not_in_force_reason(ret.unit, the_period, reporting_units(units, the_period),
                                               ret.unit_evidence, len(ret.cooperatives), len(ret.groups))
        return report
    findings = list(ret.findings)
    for s in ret.sheets:
        if s.table is not None and s.kind == "cooperative":
            present = set(s.table.field_index())
            for fld, label in EXPECTED_COOP_FIELDS.items():
                if fld not in present:
                    findings.append(Finding("COLUMN_MISSING", f"không có cột '{label}'", unit_code=ret.unit.unit_code,
                                            source_file=path.name, sheet=s.sheet))
    coops = _stage_sectors(_frame(ret.cooperatives, COOP_STAGE_COLUMNS + ["tax_code_parent"], report.period),
                           findings, "cooperative")
    groups = _stage_sectors(_frame(ret.groups, GROUP_STAGE_COLUMNS, report.period), findings, "group")
    for df, rt in ((coops, "cooperative"), (groups, "group")):
        df["entity_key"] = df["tax_code_raw"] if "tax_code_raw" in df else df["name"]
        kept, q, f = quarantine_rows(df, rt, report.period)
        findings += f
        report.rows_ok += len(kept)
        report.rows_quarantined += len(q)
    for rec in coops.itertuples():
        if rec.tax_code_raw and not rec.tax_code_valid:
            findings.append(Finding("TAX_CODE_INVALID", f"HTX '{rec.name}': mã số thuế '{rec.tax_code_raw}' không hợp lệ",
                                    unit_code=rec.unit_code, entity_key=rec.tax_code_raw, source_file=path.name,
                                    sheet=rec.sheet, row_number=int(rec.row_number)))
    dup = coops[coops["tax_code"].notna() & coops.duplicated("tax_code", keep=False)]
    for code, g in dup.groupby("tax_code"):
        rows = ", ".join(str(int(r)) for r in g["row_number"])
        findings.append(Finding("DUPLICATE", f"mã số thuế {code} xuất hiện ở các dòng {rows}", unit_code=ret.unit.unit_code,
                                entity_key=code, source_file=path.name, sheet=g["sheet"].iloc[0]))
    totals = pd.DataFrame([{**t, "source_file": path.name} for t in ret.totals],
                          columns=["source_file", "record_type", "sheet", "row_number", "field", "value"])
    detail = {(path.name, s, "cooperative"): g for s, g in coops.groupby("sheet")}
    detail.update({(path.name, s, "group"): g for s, g in groups.groupby("sheet")})
    findings += compare_total_rows(totals, detail, {path.name: ret.unit.unit_code})
    report.findings = findings
    return report


def render_check(report: CheckReport) -> str:
    lines = [f"Kiểm tra tệp: {report.path.name}"]
    if report.ret is None or (report.rejected and report.ret.unit is None and report.reason_vi and report.ret is None):
        lines.append(f"KẾT QUẢ: TỆP SẼ BỊ TỪ CHỐI — {report.reason_vi}")
        return "\n".join(lines)
    ret = report.ret
    unit = f"{ret.unit.kind_vi} {ret.unit.name_vi} (mã {ret.unit.unit_code})" if ret.unit else "KHÔNG XÁC ĐỊNH"
    lines.append(f"Đơn vị báo cáo: {unit}" + (f" — nhận diện từ '{ret.unit_evidence}'" if ret.unit_evidence and ret.unit else ""))
    if ret.report_date:
        lines.append(f"Ngày báo cáo: {ret.report_date:%d/%m/%Y}")
    if report.period:
        lines.append(f"Kỳ báo cáo: {report.period.key} (số liệu lũy kế đến {report.period.end:%d/%m/%Y})")
    kind_vi = {"summary": "biểu tổng hợp", "cooperative": "danh sách HTX", "group": "danh sách THT", "unknown": "không nhận diện"}
    for s in ret.sheets:
        if s.table is None:
            lines.append(f"  Sheet '{s.sheet}': không có bảng nhận diện được (bỏ qua)")
        else:
            lines.append(f"  Sheet '{s.sheet}': {kind_vi.get(s.kind, s.kind)}, tiêu đề ở dòng "
                         f"{s.table.header_index + 1}, {s.rows_read} dòng đọc, {s.rows_non_entity} dòng không phải đơn vị "
                         "(trống, tiêu đề nhóm, dòng tổng)")
    lines.append(f"HTX: {len(ret.cooperatives)} dòng; THT: {len(ret.groups)} dòng; chỉ tiêu tổng hợp: {len(ret.summary)}")
    if report.rejected:
        lines.append(f"KẾT QUẢ: TỆP SẼ BỊ TỪ CHỐI — {report.reason_vi}")
        return "\n".join(lines)
    lines.append(f"Dòng hợp lệ: {report.rows_ok}; dòng bị loại: {report.rows_quarantined}")
    if report.findings:
        lines.append(f"Các vấn đề ({len(report.findings)}):")
        for f in sorted(report.findings, key=lambda f: (f.sheet or "", f.row_number or 0)):
            loc = ", ".join(x for x in (f"sheet '{f.sheet}'" if f.sheet else "", f"dòng {f.row_number}" if f.row_number else "") if x)
            lines.append(f"  - [{KINDS[f.kind][1]}] {loc}: {f.detail}")
    else:
        lines.append("Không phát hiện vấn đề.")
    lines.append("KẾT QUẢ: tệp sẽ được tiếp nhận" + (" (các dòng bị loại không được tính)" if report.rows_quarantined else "") +
                 ". Lưu ý: đối chiếu với cơ quan thuế và với báo cáo của đơn vị khác chỉ thực hiện khi chạy cả kỳ.")
    return "\n".join(lines)

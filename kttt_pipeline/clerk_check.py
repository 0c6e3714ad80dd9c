"""``kttt check``: a clerk's pre-flight check of one return, read and checked exactly as the pipeline does.

Nothing is written where the clerk keeps files: the return is copied into a throw-away raw folder as the only
return of its period and the pipeline's own ``extract_period`` and ``reconcile_period`` run on it, so the reader,
the row classification, the acceptance of the file, the row rules of §7.6 (quarantine), the sector and status
vocabularies, the total and summary comparisons of §7.5 and the words dropped are the pipeline's, never a copy.
Findings that need other files are left out: other units' returns (UNIT_MISSING) and, unless ``--raw-dir`` holds
the period's tax register, everything the register decides. The check fails (exit 1) when the file would be
rejected, any of its rows would be quarantined or a column holding figures has a header no header word names
(COLUMN_NOT_READ: its figures would not be read); a file whose title block contradicts itself or its period
(UNIT_CONFLICT, PERIOD_CONFLICT) is rejected and the check says "CẦN SỬA" with both readings.

The period: ``--period``, else the period of the raw folder the file sits in (``raw/<period>/…``), else the
period being collected, the last closed quarter (as ``kttt materialize``); a
return whose own dates say another quarter is then to be fixed, or checked again with ``--period`` if it is an
older quarter's. It is never taken silently from the file (docs/decisions.md, "Identifying a return").
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kttt_pipeline.core import fields
from kttt_pipeline.core.admin_units import UnitMatcher, former_communes, load_admin_units, load_province_crosswalk
from kttt_pipeline.core.findings import DQ_COLUMNS, Finding, kind_label
from kttt_pipeline.core.numfmt import format_date_vn
from kttt_pipeline.core.periods import Period, last_closed_quarter
from kttt_pipeline.core.suggestions import hint_vi
from kttt_pipeline.core.vocabulary import indicators, record_type_label
from kttt_pipeline.ingest.period import extract_period
from kttt_pipeline.ingest.registry import UNIT_RETURN
from kttt_pipeline.ingest.result import ReadResult
from kttt_pipeline.ingest.unit_return import read_unit_return
from kttt_pipeline.ingest.workbook import FileUnreadable, read_workbook
from kttt_pipeline.reconcile.indicators import ACTIVITY_INDICATORS
from kttt_pipeline.reconcile.period import reconcile_period

#: the columns a cooperative listing should have (field → label; ``expected`` in vocab/fields.csv)
#: findings about other files: never the clerk's return's problem
OTHER_FILES_KINDS = {
    "UNIT_MISSING",
    "SUPERSEDED",
    "PROVINCE_WORKBOOK_MISSING",
    "TAX_REGISTER_MISSING",
    # restating a district-era period on today's units is the warehouse's history, not the return's
    "COMMUNE_SPLIT",
    "COMMUNE_UNPLACED",
}
#: findings only the tax register can decide (left out when the check runs without it)
REGISTER_KINDS = {"NO_TAX_RECORD", "NAME_MATCH", "STATUS_OVERRIDE", "GRADE_MISSING"}


#: the verdicts of a check (the page's API answers them as they are): the file would be loaded as it is; loaded but
#: a row left out or a column of figures not read; rejected whole
ACCEPTED, NEEDS_FIX, REJECTED = "accepted", "needs_fix", "rejected"


@dataclass(frozen=True)
class Problem:
    """One thing the clerk reads about the return, where it is and what to do: ``category`` is ``rejected`` (why
    the whole file would be refused), ``left_out`` (a row counted in no figure), ``change`` (a figure the
    pipeline changes, a column not read, or anything the clerk should look at again) or ``note``.
    ``cooperative``: the name written on the row, when the problem is a row's."""

    category: str
    reason: str
    sheet: str | None = None
    row: int | None = None
    kind: str | None = None
    severity: str = "error"
    cooperative: str | None = None
    fix: str | None = None

    @property
    def kind_vi(self) -> str:
        return kind_label(self.kind) if self.kind else ""


#: what the clerk does about a problem of each category (the reason says what is wrong)
FIX_VI = {
    REJECTED: "sửa tệp theo lý do trên rồi kiểm tra lại",
    "left_out": "sửa giá trị của dòng này trong tệp rồi kiểm tra lại",
}


@dataclass
class QuarantinedRow:
    sheet: str | None
    row_number: int | None
    reason_vi: str
    entity_key: str | None = None


@dataclass
class CheckReport:
    path: Path
    rejected: bool
    reason_vi: str | None = None
    ret: ReadResult | None = None
    period: Period | None = None
    findings: list[Finding] = field(default_factory=list)
    rows_ok: int = 0
    rows_quarantined: int = 0
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    with_register: bool = False
    #: the period was given (``--period``), not the one being collected
    period_given: bool = True
    #: the period is that of the raw folder the file sits in (``…/<period>/units/x.xlsx``), as the pipeline files it
    period_from_folder: bool = False
    #: the file's title block contradicts itself or its period (UNIT_CONFLICT, PERIOD_CONFLICT)
    conflict_kind: str | None = None

    @property
    def unread_columns(self) -> list[Finding]:
        """The columns holding figures whose header is not understood (COLUMN_NOT_READ): their figures are lost."""
        return [f for f in self.findings if f.kind == "COLUMN_NOT_READ"]

    @property
    def fails(self) -> bool:
        """The clerk must act: the file would be rejected, a row would be left out of every figure, or a column's
        figures would not be read."""
        return self.rejected or self.rows_quarantined > 0 or bool(self.unread_columns)

    @property
    def verdict(self) -> str:
        """:data:`REJECTED`, :data:`NEEDS_FIX` (loaded, but a row left out or a column not read) or
        :data:`ACCEPTED`."""
        return REJECTED if self.rejected else NEEDS_FIX if self.fails else ACCEPTED

    def row_names(self) -> dict[tuple[str | None, int | None], str]:
        """(sheet, row) → the name written on that listing row (a cooperative's or a group's)."""
        if self.ret is None:
            return {}
        return {
            (r.get("sheet"), r.get("row_number")): r["name"]
            for rt in ("cooperative", "group")
            for r in self.ret.records.get(rt, [])
            if r.get("name")
        }

    def _left_out_rows(self) -> dict[tuple[str | None, int | None], tuple[str, dict]]:
        """(sheet, row) → (record type, the row as read) of every row left out."""
        wanted = {(q.sheet, q.row_number) for q in self.quarantined}
        out: dict[tuple[str | None, int | None], tuple[str, dict]] = {}
        if self.ret is not None:
            for rt in ("cooperative", "group"):
                for r in self.ret.records.get(rt, []):
                    if (r.get("sheet"), r.get("row_number")) in wanted:
                        out[(r.get("sheet"), r.get("row_number"))] = (rt, r)
        return out

    def _knock_on(self, f: Finding, left_out: dict[tuple[str | None, int | None], tuple[str, dict]]) -> bool:
        """A difference between a summary (the summary sheet or a listing's total row) and the detail that the rows
        left out explain exactly: the summary counted them and the detail could not. A sum differs by the rows'
        own values of the field; a count by at most the number of those rows that may count in it (all rows for a
        total; those of the sector for a sector's count; any for a status class when the status is unreadable,
        else those of that status; those registered this year for the new ones, dissolved this year for the
        dissolved). While the rows are left out such differences are one line under that cause (docs/decisions.md,
        "The submission page")."""
        if f.kind != "SUMMARY_MISMATCH" or not left_out or not f.entity_key:
            return False
        indicator = _INDICATORS.get(f.entity_key)
        rt = _GROUP_RECORD_TYPE.get(indicator.group) if indicator else None
        rows = [r for kind, r in left_out.values() if kind == rt]
        try:
            diff = float(f.value_reported or "") - float(f.value_computed or "")
        except ValueError:
            return False
        if not rows or diff == 0:
            return False
        summed = _SUMMED_FIELDS.get(f.entity_key)
        if summed is not None:
            values = [v for r in rows if isinstance(v := r.get(summed), (int, float)) and v == v]
            total = float(sum(values))
            return bool(values) and abs(diff - total) <= 1e-6 * max(1.0, abs(total))
        may_count = sum(1 for r in rows if _may_count(f.entity_key, r, self.period))
        return 0 < diff <= may_count

    def problems(self) -> list[Problem]:
        """Everything the clerk reads about the return, in the order it is shown: why the file would be rejected
        and its findings, or the rows left out, the changes, the notes. A row's problem is listed once (the
        reader's warning on a row left out for that value is the same reason) and names the cooperative written on
        the row; an unknown status, sector or grade says the values allowed and the nearest; differences that a
        row left out explains are one line under that cause, not one line each."""
        names = self.row_names()

        def problem(category: str, reason: str, f: Finding | None = None, **kw) -> Problem:
            sheet, row = (f.sheet, f.row_number) if f else (kw.pop("sheet"), kw.pop("row"))
            return Problem(
                category,
                reason,
                sheet,
                row,
                kind=f.kind if f else kw.pop("kind", None),
                severity=f.severity if f else kw.pop("severity", "error"),
                cooperative=names.get((sheet, row)) if row else None,
                fix=kw.pop("fix", None) or (_vocabulary_fix(f) if f else None) or FIX_VI.get(category),
            )

        ordered = sorted(self.findings, key=lambda f: (f.sheet or "", f.row_number or 0))
        if self.rejected:
            return [problem(REJECTED, self.reason_vi or "", sheet=None, row=None, kind=self.conflict_kind)] + [
                problem("note" if f.severity not in ("error", "warning") else "change", f.detail, f) for f in ordered
            ]
        left_rows = self._left_out_rows()
        out = []
        for q in self.quarantined:
            rt, rec = left_rows.get((q.sheet, q.row_number), (None, {}))
            status = rec.get("status_text") if rec.get("status") is None else None
            fix = f"ghi tình trạng hoạt động là {hint_vi('status', status)}" if status else None
            out.append(
                problem("left_out", q.reason_vi, sheet=q.sheet, row=q.row_number, kind="ROW_QUARANTINED", fix=fix)
            )
        left_out = {(q.sheet, q.row_number) for q in self.quarantined}
        others = [
            f
            for f in ordered
            if f.kind != "ROW_QUARANTINED" and not (f.kind == "STATUS_UNKNOWN" and (f.sheet, f.row_number) in left_out)
        ]
        knock_ons = [f for f in others if self._knock_on(f, left_rows)]
        others = [f for f in others if f not in knock_ons]
        if knock_ons:
            labels = list(dict.fromkeys(_indicator_label(f.entity_key) for f in knock_ons))
            out.append(
                problem(
                    "change",
                    f"{len(knock_ons)} số liệu của biểu tổng hợp hoặc dòng tổng khác số chi tiết "
                    f"({', '.join(labels)}) vì {len(self.quarantined)} dòng bị loại nêu trên không được tính",
                    sheet=None,
                    row=None,
                    kind="SUMMARY_MISMATCH",
                    severity="warning",
                    fix="sửa các dòng bị loại rồi kiểm tra lại; số liệu nào vẫn khác sẽ được nêu riêng",
                )
            )
        out += [problem("change", f.detail, f) for f in others if f.severity in ("error", "warning")]
        out += [problem("note", f.detail, f) for f in others if f.severity not in ("error", "warning")]
        return out


#: the indicators by code, the record type each group of indicators is counted over, the field a sum adds up
_INDICATORS = {i.code: i for i in indicators()}
_GROUP_RECORD_TYPE = {"HTX": "cooperative", "THT": "group"}
_SUMMED_FIELDS = {ind: fld for (rt, fld), ind in fields.sum_indicators().items() if rt in _GROUP_RECORD_TYPE.values()}
#: the finding kinds of a text not in a vocabulary: the vocabulary and what the clerk writes there
_VOCABULARY_KINDS = {
    "STATUS_UNKNOWN": ("status", "tình trạng hoạt động"),
    "SECTOR_UNKNOWN": ("sector", "lĩnh vực"),
    "GRADE_UNKNOWN": ("grade", "xếp loại"),
}


#: the status classes (indicators.csv) a cooperative of each status read may be counted in
_STATUS_COUNTS = {
    "ACTIVE": {"HTX_ACTIVE", "HTX_WEAK", "HTX_GOOD", "HTX_AVERAGE", "HTX_INACTIVE"},
    "SUSPENDED": {"HTX_SUSPENDED", "HTX_INACTIVE"},
    "NOT_STARTED": {"HTX_NOT_STARTED", "HTX_INACTIVE"},
    "DISSOLVING": {"HTX_DISSOLVING", "HTX_INACTIVE"},
}
_ANY_STATUS = set().union(*_STATUS_COUNTS.values())


def _may_count(code: str, row: dict, period: Period | None) -> bool:
    """Whether a listing row, as read, may be counted in the count indicator ``code`` (see ``_knock_on``)."""
    if code in ("HTX_TOTAL", "THT_TOTAL"):
        return True
    for prefix in ("HTX_SECTOR_", "THT_SECTOR_"):
        if code.startswith(prefix):
            return (row.get("sector") or "OTHER") == code[len(prefix) :]
    if code in _ANY_STATUS:
        status = row.get("status")
        return status is None or code in _STATUS_COUNTS.get(str(status), set())
    if period is not None and code == "HTX_NEW":
        reg = row.get("registered_on")
        return reg is not None and period.year_start <= reg <= period.end
    if period is not None and code == "HTX_DISSOLVED":
        dis = row.get("dissolved_on")
        return row.get("status") == "DISSOLVED" and dis is not None and period.year_start <= dis <= period.end
    return False


def _indicator_label(code: str | None) -> str:
    ind = _INDICATORS.get(code or "")
    return ind.name_vi if ind else (code or "")


def _vocabulary_fix(f: Finding) -> str | None:
    """For a status, sector or grade not in its vocabulary: the values allowed and the nearest to what is written."""
    if f.kind not in _VOCABULARY_KINDS or not f.value_reported:
        return None
    vocabulary, what = _VOCABULARY_KINDS[f.kind]
    return f"ghi {what} là {hint_vi(vocabulary, f.value_reported)}"


#: the rejections of a file whose title block contradicts itself or the period it is checked for
CONFLICT_KINDS = ("UNIT_CONFLICT", "PERIOD_CONFLICT")


def _findings_of(frame: pd.DataFrame, source_file: str, shown_as: str) -> list[Finding]:
    out = []
    for rec in frame[DQ_COLUMNS].to_dict("records"):
        if rec["source_file"] not in (None, source_file) and rec["source_file"] == rec["source_file"]:
            continue
        kw = {
            k: (None if v is None or (isinstance(v, float) and v != v) or v is pd.NA else v)
            for k, v in rec.items()
            if k not in ("period", "kind", "detail")
        }
        kw["source_file"] = shown_as if kw.get("source_file") else None
        detail = rec["detail"].replace(source_file, shown_as)  # the clerk's file, never the throw-away copy's path
        if kw.get("row_number") is not None:
            kw["row_number"] = int(kw["row_number"])
        out.append(Finding(rec["kind"], detail, **kw))
    return out


def _prepare_raw(tmp: Path, path: Path, period: Period, raw_dir: Path | None) -> bool:
    """The return as the only one of its period in ``tmp``; the province's files (admin units, crosswalk) and
    the period's tax register linked from ``raw_dir`` when given. Returns whether a register is there."""
    dest = tmp / period.key / "districts"
    dest.mkdir(parents=True)
    shutil.copy2(path, dest / path.name)
    if raw_dir is None:
        return False
    for f in raw_dir.iterdir():
        if f.is_file():
            (tmp / f.name).symlink_to(f.resolve())
    tax = raw_dir / period.key / "tax"
    if tax.is_dir() and any(tax.iterdir()):
        (tmp / period.key / "tax").symlink_to(tax.resolve(), target_is_directory=True)
        return True
    return False


def period_of_folder(path: Path) -> Period | None:
    """The period of the raw folder a file sits in (the nearest parent folder named ``YYYY-Qn``), which is the
    period the pipeline files it under; None when no parent folder is a period."""
    for parent in path.resolve().parents:
        try:
            return Period.parse(parent.name)
        except ValueError:
            continue
    return None


def check_file(
    path: Path, period: str | None = None, raw_dir: str | None = None, province: str | None = None
) -> CheckReport:
    path = Path(path)
    raw = Path(raw_dir) if raw_dir else None
    folder_period = None if period else period_of_folder(path)
    checked = Period.parse(period) if period else folder_period or last_closed_quarter()
    # the units with the kinds and names in force at the period end, as the pipeline reads the period
    units = load_admin_units(raw, province, checked.end)
    # the register's units and the former communes (reused codes, §11): the period decides which one a title names
    candidates = units + former_communes(load_province_crosswalk(raw, province, units), units)
    try:
        wb = read_workbook(path)
    except FileUnreadable as exc:
        return CheckReport(path, True, exc.reason_vi)
    report = CheckReport(
        path,
        False,
        period=checked,
        period_given=bool(period),
        period_from_folder=folder_period is not None,
    )
    # what the clerk is shown is read as the pipeline reads it: the unit a title names in this period (§11); one
    # not in force is named, and the pipeline's own reason for rejecting it is shown below
    report.ret = ret = read_unit_return(wb, path.name, UnitMatcher(candidates, report.period))

    with tempfile.TemporaryDirectory(prefix="kttt-check-") as tmp:
        report.with_register = _prepare_raw(Path(tmp), path, report.period, raw)
        # the register linked from the raw folder is read as the pipeline reads it (links out of both are not)
        staged = extract_period(Path(tmp), report.period, workers=1, province=province, link_roots=[raw] if raw else [])
        audit = staged.load_audit[staged.load_audit["file_kind"] == UNIT_RETURN].iloc[0]
        source_file = audit["source_file"]
        if audit["status"] != "LOADED":
            report.rejected, report.reason_vi = True, audit["error"]
            if ret.error_vi and ret.error_kind in CONFLICT_KINDS:  # the clerk reads the Vietnamese reason only
                report.conflict_kind, report.reason_vi = ret.error_kind, ret.error_vi
            seen = set()
            rejection = f"Tệp '{source_file}' không được nạp: "
            for f in [*staged.findings, *ret.findings]:
                if f.kind in OTHER_FILES_KINDS:  # about the period's other files (the register), not this one
                    continue
                if f.source_file == source_file and f.detail.startswith(rejection):
                    # the rejection itself: its Vietnamese reason is the verdict's (load_audit adds the English)
                    if not report.conflict_kind:
                        report.reason_vi = f.detail[len(rejection) :]
                    continue
                if f.source_file in (None, source_file, path.name) and (f.kind, f.detail) not in seen:
                    seen.add((f.kind, f.detail))
                    f.source_file = path.name if f.source_file else None
                    f.detail = f.detail.replace(f"'{source_file}'", f"'{path.name}'")  # not the throw-away copy's
                    report.findings.append(f)
            return report
        result = reconcile_period(staged)

    findings = _findings_of(result.dq_issue, source_file, path.name)
    summary_rows = {(r.sheet, int(r.row_number)) for r in result.stg_summary_figure.itertuples()}
    kept = []
    for f in findings:
        if f.kind in OTHER_FILES_KINDS:
            continue
        if not report.with_register and (
            f.kind in REGISTER_KINDS
            or (
                f.kind == "SUMMARY_MISMATCH"
                and f.entity_key in ACTIVITY_INDICATORS
                and (f.sheet, f.row_number) in summary_rows
            )
        ):
            continue
        kept.append(f)
    if ret.unit is not None:
        for s in ret.sheets:
            if s.table is not None and s.kind == "cooperative":
                present = set(s.table.field_index())
                for fld, label in fields.expected_fields("cooperative").items():
                    if fld not in present:
                        kept.append(
                            Finding(
                                "COLUMN_MISSING",
                                f"không có cột '{label}'",
                                unit_code=ret.unit.unit_code,
                                source_file=path.name,
                                sheet=s.sheet,
                            )
                        )
    report.findings = kept
    audit = result.load_audit.set_index("source_file").loc[source_file]
    report.rows_ok = int(audit["rows_loaded"])
    report.rows_quarantined = int(audit["rows_quarantined"])
    q = result.quarantine.sort_values(["sheet", "row_number"], kind="stable")
    report.quarantined = [
        QuarantinedRow(r.sheet, int(r.row_number) if r.row_number == r.row_number else None, r.reason_vi, r.entity_key)
        for r in q.itertuples()
    ]
    return report


def _loc(sheet: str | None, row: int | None) -> str:
    return ", ".join(x for x in (f"sheet '{sheet}'" if sheet else "", f"dòng {row}" if row else "") if x)


def where_vi(p: Problem) -> str:
    """Where a problem is, for the clerk: sheet, row and the cooperative written on it (when the reason does not
    name it already)."""
    loc = _loc(p.sheet, p.row)
    if p.cooperative and p.cooperative not in p.reason:
        loc = f"{loc}, '{p.cooperative}'" if loc else f"'{p.cooperative}'"
    return loc


def _line(p: Problem, labelled: bool = True) -> str:
    loc = where_vi(p)
    label = f"[{p.kind_vi}] " if labelled and p.kind else ""
    fix = f" — cách sửa: {p.fix}" if p.fix and p.fix not in FIX_VI.values() else ""
    return f"  - {label}{loc + ': ' if loc else ''}{p.reason}{fix}"


def render_check(report: CheckReport) -> str:
    lines = [f"Kiểm tra tệp: {report.path.name}"]
    ret = report.ret
    if ret is None:
        lines.append(conclusion_vi(report))
        return "\n".join(lines)
    unit = (
        f"{ret.unit.kind_vi} {ret.unit.name_vi} (mã {ret.unit.unit_code})"
        if ret.unit
        else "TIÊU ĐỀ VÀ MÃ ĐƠN VỊ KHÔNG THỐNG NHẤT"
        if report.conflict_kind == "UNIT_CONFLICT"
        else "KHÔNG XÁC ĐỊNH"
    )
    lines.append(
        f"Đơn vị báo cáo: {unit}" + (f" — nhận diện từ '{ret.unit_evidence}'" if ret.unit_evidence and ret.unit else "")
    )
    if ret.report_date:
        lines.append(f"Ngày báo cáo: {format_date_vn(ret.report_date)}")
    if report.period:
        lines.append(
            f"Kỳ báo cáo: {report.period.key} (số liệu lũy kế đến {format_date_vn(report.period.end)})"
            + (
                ""
                if report.period_given
                else " — kỳ của thư mục chứa tệp"
                if report.period_from_folder
                else " — kỳ đang thu nhận (quý đã kết thúc gần nhất); báo cáo của "
                "kỳ khác thì kiểm tra với --period YYYY-Qn"
            )
        )
    figures = Counter(r.get("sheet") for r in ret.rows("summary"))
    for s in ret.sheets:
        if s.table is None:
            lines.append(f"  Sheet '{s.sheet}': không có bảng nhận diện được (bỏ qua)")
        elif s.kind == "summary":  # its figures are read by their labels, not counted as rows (ingest/result.py)
            lines.append(
                f"  Sheet '{s.sheet}': {record_type_label(s.kind, in_sentence=True)}, tiêu đề ở dòng "
                f"{s.table.header_index + 1}, {figures[s.sheet]} chỉ tiêu đọc được"
            )
        else:
            lines.append(
                f"  Sheet '{s.sheet}': {record_type_label(s.kind, in_sentence=True)}, tiêu đề ở dòng "
                f"{s.table.header_index + 1}, {s.rows_read} dòng đọc, {s.rows_non_entity} dòng không phải đơn vị "
                "(trống, tiêu đề nhóm, dòng tổng)"
            )
    lines.append(
        f"HTX: {len(ret.rows('cooperative'))} dòng; THT: {len(ret.rows('group'))} dòng; chỉ tiêu tổng hợp: "
        f"{len(ret.rows('summary'))}"
    )
    problems = report.problems()
    if report.rejected:
        lines.append(conclusion_vi(report))
        lines += [_line(p) for p in problems if p.category != REJECTED]
        return "\n".join(lines)
    lines.append(f"Dòng được tính: {report.rows_ok}; dòng bị loại: {report.rows_quarantined}")
    left_out = [p for p in problems if p.category == "left_out"]
    if left_out:
        lines.append(f"Dòng bị loại khỏi mọi chỉ tiêu ({len(left_out)}) — cần sửa rồi gửi lại:")
        lines += [_line(p, labelled=False) for p in left_out]
    changes = [p for p in problems if p.category == "change"]
    notes = [p for p in problems if p.category == "note"]
    others = changes + notes
    if changes:
        lines.append(f"Điểm làm thay đổi hoặc cần xem lại số liệu ({len(changes)}):")
        lines += [_line(p) for p in changes]
    if notes:
        lines.append(f"Ghi nhận khác ({len(notes)}):")
        lines += [_line(p) for p in notes]
    if not report.quarantined and not others:
        lines.append("Không phát hiện vấn đề.")
    lines.append(conclusion_vi(report))
    return "\n".join(lines)


def conclusion_vi(report: CheckReport) -> str:
    """The verdict's sentence ("KẾT QUẢ: …"), as ``kttt check`` ends and the page heads its answer."""
    if report.rejected:
        if report.conflict_kind:
            return f"KẾT QUẢ: CẦN SỬA — TỆP SẼ BỊ TỪ CHỐI: {report.reason_vi}"
        return f"KẾT QUẢ: TỆP SẼ BỊ TỪ CHỐI — {report.reason_vi}"
    scope = (
        "Đã đối chiếu với danh sách của cơ quan thuế trong thư mục dữ liệu."
        if report.with_register
        else "Lưu ý: đối chiếu với cơ quan thuế (tình trạng hoạt động, xếp loại, HTX đang hoạt động) và với báo cáo "
        "của đơn vị khác chỉ thực hiện khi chạy cả kỳ."
    )
    lost = []
    if report.rows_quarantined:
        lost.append(f"{report.rows_quarantined} dòng bị loại sẽ không được tính vào bất kỳ chỉ tiêu nào")
    if report.unread_columns:
        named = "; ".join(f"cột '{f.value_reported}', {_loc(f.sheet, None)}" for f in report.unread_columns)
        lost.append(
            f"số liệu của {len(report.unread_columns)} cột không được đọc vì tiêu đề cột không nhận diện được "
            f"({named}): ghi tiêu đề cột theo mẫu"
        )
    if lost:
        return f"KẾT QUẢ: CẦN SỬA — tệp được tiếp nhận nhưng {'; '.join(lost)}. {scope}"
    return f"KẾT QUẢ: tệp sẽ được tiếp nhận. {scope}"

"""Stage 1, extract: the period's raw files read into staging frames (``extract_period``)."""


from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kttt_pipeline.core.admin_units import (AdminUnit, UnitMatcher, former_communes, load_admin_units,
                                            load_province_crosswalk, province_of, reporting_units, tier_vi,
                                            kind_tier, unit_label)
from kttt_pipeline.core import fields
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.numfmt import format_date_vn
from kttt_pipeline.core.vocabulary import sector_codes
from kttt_pipeline.ingest.district_return import DistrictReturn, read_district_return
from kttt_pipeline.ingest.province_workbook import read_province_workbook
from kttt_pipeline.ingest.targets import read_targets
from kttt_pipeline.ingest.tax_register import TaxRegisterRead, read_tax_register
from kttt_pipeline.ingest.workbook import FileUnreadable, read_workbook, sha256_of
from kttt_pipeline.core.periods import Period
from kttt_pipeline.reconcile.restate import place_old_addresses
from kttt_pipeline.reconcile.resubmissions import Submission, choose_winners
from kttt_pipeline.reconcile.summary_compare import TOTAL_ROW_COLUMNS
from kttt_pipeline.ingest.schemas import SECTORS

from kttt_pipeline.ingest.raw_inventory import FOLDERS as KIND_OF_FOLDER, UNIT_FOLDERS

FILE_KINDS = tuple(KIND_OF_FOLDER)

AUDIT_COLUMNS = ["period", "source_file", "file_kind", "sha256", "size_bytes", "modified_at", "unit_code",
                 "report_date", "sheets", "rows_read", "rows_loaded", "rows_quarantined", "rows_non_entity",
                 "status", "error"]
# the frames' columns, generated from vocab/fields.csv: a staging table's columns, then those the staged frame
# keeps beside them; a reconciled table's columns
COOP_STAGE_COLUMNS = fields.table_columns("stg_cooperative")
GROUP_STAGE_COLUMNS = fields.table_columns("stg_group")
TAX_STAGE_COLUMNS = fields.table_columns("stg_tax_register")
SUMMARY_STAGE_COLUMNS = fields.table_columns("stg_summary_figure")
COOP_COLUMNS = fields.table_columns("cooperative")
GROUP_COLUMNS = fields.table_columns("cooperative_group")
UNION_COLUMNS = fields.table_columns("cooperative_union")
FUND_COLUMNS = fields.table_columns("credit_fund")
#: kept on the staged cooperatives beside the warehouse columns: the parent of a branch code, and the numeric
#: cells that held text which is not a number (field → text; §7.6 quarantines a row whose count is unreadable)
STAGE_EXTRA_COLUMNS = [c for c in fields.staged_columns("cooperative") if c not in COOP_STAGE_COLUMNS]
TARGET_COLUMNS = fields.table_columns("target")
#: record type → the columns of its staged frame (``StagedPeriod.stg_*``)
STAGED_COLUMNS = {rt: fields.staged_columns(rt) for rt in fields.record_types()}
#: record type → its yes/no columns (marks and flags): False unless read as yes
STAGED_BOOL_COLUMNS = {rt: [f.field for f in fields.fields_of(rt) if f.staged and f.kind in ("mark", "flag")]
                       for rt in fields.record_types()}
STATUS_COLUMNS = ["period", "units_expected", "units_present", "units_missing", "is_complete", "files_seen",
                  "files_rejected"]


@dataclass
class StagedPeriod:
    period: Period
    raw_dir: Path
    units: list[AdminUnit]
    load_audit: pd.DataFrame
    stg_cooperative: pd.DataFrame
    stg_group: pd.DataFrame
    stg_tax_register: pd.DataFrame
    stg_summary_figure: pd.DataFrame
    stg_union: pd.DataFrame
    stg_credit_fund: pd.DataFrame
    total_rows: pd.DataFrame  # listing/province total rows kept aside for §7.5
    target: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    winners: dict[str, str] = field(default_factory=dict)  # unit_code -> source_file
    crosswalk: pd.DataFrame | None = None  # the province's 2025 commune crosswalk (§11.1), rows of its register


# ------------------------------------------------------------------------------------------ extract


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def _audit_row(period: Period, raw_dir: Path, path: Path, kind: str) -> dict:
    st = path.stat()
    return {
        "period": period.key, "source_file": path.relative_to(raw_dir).as_posix(), "file_kind": kind,
        "sha256": sha256_of(path), "size_bytes": int(st.st_size),
        # local time of the machine that runs kttt (the office's, Asia/Ho_Chi_Minh), as the dictionary says
        "modified_at": dt.datetime.fromtimestamp(st.st_mtime),
        "unit_code": None, "report_date": None, "sheets": "", "rows_read": 0, "rows_loaded": 0,
        "rows_quarantined": 0, "rows_non_entity": 0, "status": "LOADED", "error": None,
    }


def _reject(audit: dict, findings: list[Finding], reason_vi: str, reason_en: str | None = None,
            kind: str = "FILE_REJECTED") -> None:
    audit["status"] = {"FILE_REJECTED": "REJECTED"}.get(kind, kind)  # UNIT_UNKNOWN, UNIT_NOT_IN_FORCE
    audit["error"] = reason_vi if not reason_en else f"{reason_vi} ({reason_en})"
    findings.append(Finding(kind, f"Tệp '{audit['source_file']}' không được nạp: {reason_vi}",
                            unit_code=audit.get("unit_code"), entity_key=Path(audit["source_file"]).name,
                            source_file=audit["source_file"]))  # the kind's rule: vocab/finding_kinds.csv


#: load_audit statuses of a file that was not loaded
REJECTED_STATUSES = ("REJECTED", "UNIT_UNKNOWN", "UNIT_NOT_IN_FORCE")


def not_in_force_reason(unit: AdminUnit, period: Period, reporting: list[AdminUnit], evidence: str | None,
                        n_coops: int, n_groups: int) -> str:
    """Why a return naming ``unit`` is not loaded for ``period`` (Vietnamese, spec §11): the unit, its dates,
    who reports for the period, the unit in force of the same name (never silently the same), rows not counted."""
    when = []
    if unit.valid_from:
        when.append(f"từ {format_date_vn(unit.valid_from)}")
    if unit.valid_to:
        when.append(f"đến {format_date_vn(unit.valid_to)}")
    former = " (đơn vị cũ, trước sắp xếp)" if unit.level == "former_commune" else ""
    dates = f"có hiệu lực {' '.join(when)}" if when else "không phải đơn vị báo cáo"
    tiers = sorted({kind_tier(u.kind_vi) for u in reporting if kind_tier(u.kind_vi)})
    by = ", ".join(tier_vi(t) for t in tiers) or "các đơn vị đang có hiệu lực"
    same = [u for u in reporting if u.name_vi.casefold() == unit.name_vi.casefold()]
    also = "".join(f"; không phải {unit_label(u)} (mã {u.unit_code}) cùng tên" for u in same)
    seen = f"tiêu đề '{evidence}' ghi " if evidence else ""
    return (f"{seen}{unit_label(unit)} (mã {unit.unit_code}){former}, {dates}; kỳ {period.key} (đến "
            f"{format_date_vn(period.end)}) do các đơn vị {by} báo cáo{also}; {n_coops} dòng HTX / {n_groups} dòng THT "
            "của tệp không được tính")


def _frame(rows: list[dict], columns: list[str], period: Period | None = None) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    if period is not None:
        df["period"] = period.key
    for c in columns:
        if c not in df:
            df[c] = None
    df = df[columns]
    if "row_number" in df:
        df["row_number"] = df["row_number"].astype("int64")
    return df


def _stage_sectors(df: pd.DataFrame, findings: list[Finding], record_type: str) -> pd.DataFrame:
    """Unknown sector texts count as OTHER with a SECTOR_UNKNOWN finding (never silently dropped)."""
    allowed = sector_codes(record_type)
    sectors = []
    for rec in df.itertuples(index=False):
        s = rec.sector
        if record_type == "group" and s in SECTORS:
            sectors.append(s if s in allowed else "OTHER")
            continue
        if s in allowed:
            sectors.append(s)
            continue
        sectors.append("OTHER")
        text = rec.sector_text or ""
        what = f"lĩnh vực '{text}' không có trong danh mục" if text else "không ghi lĩnh vực"
        findings.append(Finding("SECTOR_UNKNOWN", f"{what}: tính vào lĩnh vực Khác",
                                unit_code=rec.unit_code, entity_key=rec.tax_code_raw if record_type == "cooperative" and rec.tax_code_raw else rec.name,
                                source_file=rec.source_file, sheet=rec.sheet, row_number=int(rec.row_number),
                                value_reported=text or None, value_computed="Khác", rule="3"))
    df = df.copy()
    df["sector"] = sectors
    return df


#: from this many district workbooks on, they are read by a pool of worker processes (one per core)
PARALLEL_READ_MIN_FILES = 40

_worker_matchers: dict[str, UnitMatcher] = {}


def _init_reader(units: list[AdminUnit], period: Period | None = None, tax_units: list[AdminUnit] | None = None) -> None:
    _worker_matchers["district"] = UnitMatcher(units, period)
    _worker_matchers["tax"] = UnitMatcher(tax_units if tax_units is not None else units)


def _read_file(kind: str, path: Path, source_file: str, matcher: UnitMatcher | None = None
               ) -> DistrictReturn | TaxRegisterRead | FileUnreadable:
    """One district workbook or tax-register extract read and parsed (in this process or a reading worker);
    an unreadable file is returned, not raised, so that it can travel back from a worker."""
    reader = {"district": read_district_return, "tax": read_tax_register}[kind]
    try:
        wb = read_workbook(path)
    except FileUnreadable as exc:
        return exc
    return reader(wb, source_file, matcher or _worker_matchers[kind])


def read_period_files(district_jobs: list[tuple[Path, str]], tax_jobs: list[tuple[Path, str]],
                      units: list[AdminUnit], matcher: UnitMatcher, workers: int | None = None,
                      tax_matcher: UnitMatcher | None = None
                      ) -> tuple[list[DistrictReturn | FileUnreadable], list[TaxRegisterRead | FileUnreadable]]:
    """Read the district workbooks and the tax extracts, each result in the order of its jobs.

    ``matcher`` identifies the returns' units (titles, codes); ``tax_matcher`` (default ``matcher``) places
    tax-register records by address or tax office, among the units in force.

    Reading is independent per file: a large period (hundreds of units) is spread over worker processes, the
    tax register (one large file) read beside the district workbooks; a small period is read here."""
    tax_matcher = tax_matcher or matcher
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if len(district_jobs) >= PARALLEL_READ_MIN_FILES else 1
    if workers <= 1 or len(district_jobs) + len(tax_jobs) < 2:
        return ([_read_file("district", path, src, matcher) for path, src in district_jobs],
                [_read_file("tax", path, src, tax_matcher) for path, src in tax_jobs])
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers start from a clean process, not a fork of a threaded one (Dagster, the webserver)
    ctx = mp.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_reader,
                             initargs=(matcher.units, matcher.period, tax_matcher.units)) as pool:
        tax_futures = [pool.submit(_read_file, "tax", path, src) for path, src in tax_jobs]  # the longest first
        chunk = max(1, len(district_jobs) // (workers * 8))
        districts = list(pool.map(_read_file, ["district"] * len(district_jobs), [p for p, _ in district_jobs],
                                  [s for _, s in district_jobs], chunksize=chunk))
        return districts, [f.result() for f in tax_futures]


def extract_period(raw_dir: Path | str, period: Period | str, *, workers: int | None = None,
                   province: str | None = None) -> StagedPeriod:
    """Read every file of the period once; stage rows; reject what cannot be read (recorded, never fatal).

    ``province``: the province code whose packaged register and crosswalk are used (default ``KTTT_PROVINCE``,
    else the packaged default); a register in the raw folder overrides it.
    ``workers``: processes reading the district workbooks and tax extracts (default: one per core for large
    periods, else 1)."""
    raw_dir = Path(raw_dir)
    period = Period.parse(period) if isinstance(period, str) else period
    units = load_admin_units(raw_dir, province)
    crosswalk = load_province_crosswalk(raw_dir, province, units)
    expected = reporting_units(units, period)
    # titles may name any unit of the register or a former commune: the period decides which is meant, and a
    # return of a unit not in force is rejected (§11); the tax register is placed among the units in force
    matcher = UnitMatcher(units + former_communes(crosswalk, units), period)
    tax_matcher = UnitMatcher(expected)
    folder = raw_dir / period.key
    findings: list[Finding] = []
    audits: list[dict] = []

    returns: list[tuple[dict, DistrictReturn]] = []
    district_paths = [p for f in UNIT_FOLDERS for p in _files(folder / f)]
    district_audits = [_audit_row(period, raw_dir, path, "district") for path in district_paths]
    tax_paths = _files(folder / "tax")
    tax_audits = [_audit_row(period, raw_dir, path, "tax") for path in tax_paths]
    reads, tax_reads = read_period_files([(p, a["source_file"]) for p, a in zip(district_paths, district_audits)],
                                         [(p, a["source_file"]) for p, a in zip(tax_paths, tax_audits)],
                                         units, matcher, workers, tax_matcher)
    for path, audit, ret in zip(district_paths, district_audits, reads):
        audits.append(audit)
        if isinstance(ret, FileUnreadable):
            _reject(audit, findings, ret.reason_vi, ret.reason_en)
            continue
        audit["sheets"] = ",".join(s.sheet for s in ret.sheets if s.table is not None)
        audit["unit_code"] = ret.unit.unit_code if ret.unit is not None and ret.unit in matcher.reporting else None
        audit["report_date"] = ret.report_date
        audit["rows_read"] = ret.rows_read
        audit["rows_non_entity"] = ret.rows_non_entity
        if not any(s.table is not None and s.kind in ("cooperative", "group") for s in ret.sheets):
            _reject(audit, findings, "không tìm thấy bảng danh sách HTX/THT nhận diện được (cần dòng tiêu đề có cột "
                    "'Tên HTX'/'Tên THT' và các cột số liệu)", "no recognisable listing table")
            continue
        if ret.unit is None:
            evidence = f" (thấy: {ret.unit_evidence})" if ret.unit_evidence else ""
            _reject(audit, findings, "không xác định được đơn vị báo cáo từ phần tiêu đề (tên UBND hoặc ô "
                    f"'Mã đơn vị'){evidence}", "reporting unit not identified", kind="UNIT_UNKNOWN")
            continue
        if ret.unit not in matcher.reporting:
            _reject(audit, findings, not_in_force_reason(ret.unit, period, expected, ret.unit_evidence,
                                                         len(ret.cooperatives), len(ret.groups)),
                    f"unit {ret.unit.unit_code} not in force for {period.key}", kind="UNIT_NOT_IN_FORCE")
            continue
        if ret.data_until and ret.data_until != period.end:
            findings.append(Finding("PERIOD_MISMATCH", f"Tệp ghi số liệu đến {format_date_vn(ret.data_until)}, kỳ đang xử lý "
                                    f"kết thúc {format_date_vn(period.end)}", unit_code=ret.unit.unit_code,
                                    entity_key=path.name, source_file=audit["source_file"],
                                    value_reported=format_date_vn(ret.data_until), value_computed=format_date_vn(period.end)))
        returns.append((audit, ret))

    winners, sup_findings = choose_winners([
        Submission(a["source_file"], r.unit.unit_code, r.report_date, a["modified_at"]) for a, r in returns])
    findings.extend(sup_findings)
    winning_files = {s.source_file for s in winners.values()}
    coop_rows, group_rows, summary_rows, totals = [], [], [], []
    for audit, ret in returns:
        if audit["source_file"] not in winning_files:
            audit["status"] = "SUPERSEDED"
            win = winners[ret.unit.unit_code].source_file
            audit["error"] = f"bị thay thế bởi '{win}' (superseded)"
            continue
        findings.extend(ret.findings)
        coop_rows.extend(ret.cooperatives)
        group_rows.extend(ret.groups)
        summary_rows.extend(ret.summary)
        totals.extend({**t, "source_file": ret.source_file} for t in ret.totals)

    stg_coop = _frame(coop_rows, COOP_STAGE_COLUMNS + STAGE_EXTRA_COLUMNS, period)
    stg_coop = _stage_sectors(stg_coop, findings, "cooperative")
    stg_group = _stage_sectors(_frame(group_rows, STAGED_COLUMNS["group"], period), findings,
                               "group")
    for col in STAGED_BOOL_COLUMNS["cooperative"]:
        stg_coop[col] = stg_coop[col].eq(True)

    tax_rows: list[dict] = []
    for audit, read in zip(tax_audits, tax_reads):
        audit["unit_code"] = province_of(units).unit_code
        audits.append(audit)
        if isinstance(read, FileUnreadable):
            _reject(audit, findings, read.reason_vi, read.reason_en)
            continue
        if read.error_vi:
            _reject(audit, findings, read.error_vi)
            continue
        audit.update(sheets=",".join(read.sheets), rows_read=read.rows_read, rows_non_entity=read.rows_non_entity,
                     rows_loaded=len(read.records))
        tax_rows.extend(read.records)
        findings.extend(read.findings)
    stg_tax = _frame(tax_rows, STAGED_COLUMNS["tax"], period)
    stg_tax["tax_code_valid"] = stg_tax["tax_code_valid"].eq(True)
    # addresses of the former era (commune and district before 1/7/2025) placed in the current unit (§11)
    stg_tax["unit_code"] = place_old_addresses(stg_tax["address"], stg_tax["unit_code"], period, units, crosswalk)
    # registers list a code once; if not, identity resolution takes the first record of the cooperative itself
    stg_tax = stg_tax.reset_index(drop=True)

    union_rows, fund_rows = [], []
    for path in _files(folder / "province"):
        audit = _audit_row(period, raw_dir, path, "province")
        audit["unit_code"] = province_of(units).unit_code
        audits.append(audit)
        try:
            read = read_province_workbook(read_workbook(path), audit["source_file"])
        except FileUnreadable as exc:
            _reject(audit, findings, exc.reason_vi, exc.reason_en)
            continue
        if read.error_vi:
            _reject(audit, findings, read.error_vi)
            continue
        audit.update(sheets=",".join(read.sheets), rows_read=read.rows_read, rows_non_entity=read.rows_non_entity,
                     rows_loaded=len(read.unions) + len(read.credit_funds))
        union_rows.extend(read.unions)
        fund_rows.extend(read.credit_funds)
        totals.extend({**t, "source_file": read.source_file} for t in read.totals)
        findings.extend(read.findings)

    target_rows = []
    for path in _files(raw_dir / "targets"):
        if not path.stem.isdigit() or int(path.stem) != period.year:
            continue
        audit = _audit_row(period, raw_dir, path, "targets")
        audit["unit_code"] = province_of(units).unit_code
        audits.append(audit)
        try:
            read = read_targets(read_workbook(path), audit["source_file"], period.year)
        except FileUnreadable as exc:
            _reject(audit, findings, exc.reason_vi, exc.reason_en)
            continue
        if read.error_vi:
            _reject(audit, findings, read.error_vi)
            continue
        audit.update(sheets=",".join(read.sheets), rows_read=read.rows_read, rows_loaded=len(read.targets),
                     rows_non_entity=read.rows_read - len(read.targets))
        target_rows.extend(read.targets)

    load_audit = pd.DataFrame(audits, columns=AUDIT_COLUMNS)
    return StagedPeriod(
        period=period, raw_dir=raw_dir, units=units, load_audit=load_audit,
        stg_cooperative=stg_coop, stg_group=stg_group, stg_tax_register=stg_tax,
        stg_summary_figure=_frame(summary_rows, SUMMARY_STAGE_COLUMNS, period),
        stg_union=_frame(union_rows, STAGED_COLUMNS["union"], period),
        stg_credit_fund=_frame(fund_rows, STAGED_COLUMNS["credit_fund"], period),
        total_rows=pd.DataFrame(totals, columns=TOTAL_ROW_COLUMNS),
        target=_frame(target_rows, TARGET_COLUMNS),
        findings=findings,
        winners={u: s.source_file for u, s in winners.items()},
        crosswalk=crosswalk,
    )


# ------------------------------------------------------------------------------------------ reconcile



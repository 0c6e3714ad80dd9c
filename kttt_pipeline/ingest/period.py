"""Stage 1, extract: the period's raw files read into staging frames (``extract_period``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from kttt_pipeline.core import fields
from kttt_pipeline.core.admin_units import (
    AdminUnit,
    UnitMatcher,
    former_communes,
    kind_tier,
    load_admin_units,
    load_province_crosswalk,
    province_of,
    reporting_units,
    tier_vi,
    unit_label,
)
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.numfmt import format_date_vn
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.placing import place_old_addresses
from kttt_pipeline.core.text import visible
from kttt_pipeline.core.vocabulary import sector_codes
from kttt_pipeline.ingest.raw_inventory import IGNORED, RawEntry, period_entries
from kttt_pipeline.ingest.registry import READER_OF_KIND, FileKind, ReadContext
from kttt_pipeline.ingest.resubmissions import keep_latest
from kttt_pipeline.ingest.result import TOTAL_ROW_COLUMNS, ReadResult
from kttt_pipeline.ingest.schemas import SECTORS
from kttt_pipeline.ingest.workbook import FileUnreadable, read_workbook, sha256_of
from kttt_pipeline.processes.collector import collector_paused
from kttt_pipeline.processes.cores import usable_cores
from kttt_pipeline.processes.pool import share_jobs, worker_pool, worker_state

AUDIT_COLUMNS = [
    "period",
    "source_file",
    "file_kind",
    "sha256",
    "size_bytes",
    "modified_at",
    "unit_code",
    "report_date",
    "sheets",
    "rows_read",
    "rows_loaded",
    "rows_quarantined",
    "rows_non_entity",
    "status",
    "error",
]


def staged_bool_columns(record_type: str) -> list[str]:
    """The yes/no columns (marks and flags) of a record type's staged frame: False unless read as yes."""
    return [f.field for f in fields.fields_of(record_type) if f.staged and f.kind in ("mark", "flag")]


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

    def release_rows(self) -> None:
        """Empty the staged row frames (their columns kept) once they are reconciled: the reconciled period holds
        what is loaded of them, and an in-process run would otherwise hold both until it ends."""
        for name in ("stg_cooperative", "stg_group", "stg_tax_register", "stg_summary_figure", "total_rows"):
            setattr(self, name, getattr(self, name).iloc[0:0].copy())


# ------------------------------------------------------------------------------------------ extract


def _file_row(period: Period, raw_dir: Path, path: Path, kind: str, size: int, mtime: float) -> dict:
    """A load_audit row of a file, nothing read yet. A name with a byte no encoding decodes (a lone surrogate) is
    stored with it shown visibly (core/text); the time is local to the machine that runs kttt (the office's,
    Asia/Ho_Chi_Minh), as the dictionary says."""
    return {
        "period": period.key,
        "source_file": visible(path.relative_to(raw_dir).as_posix()),
        "file_kind": kind,
        "sha256": None,
        "size_bytes": int(size),
        "modified_at": dt.datetime.fromtimestamp(mtime),
        "unit_code": None,
        "report_date": None,
        "sheets": "",
        "rows_read": 0,
        "rows_loaded": 0,
        "rows_quarantined": 0,
        "rows_non_entity": 0,
        "status": "LOADED",
        "error": None,
    }


def _audit_row(period: Period, raw_dir: Path, path: Path, kind: str) -> dict:
    st = path.stat()
    return {**_file_row(period, raw_dir, path, kind, st.st_size, st.st_mtime), "sha256": sha256_of(path)}


def _ignored_row(period: Period, raw_dir: Path, entry: RawEntry) -> dict:
    """The load_audit row of an entry not read (``raw_inventory``: hidden, lock file, not a regular file, link
    outside the raw folder, out of place): never opened nor hashed, no finding; the reason is the row's error."""
    return {
        **_file_row(period, raw_dir, entry.path, entry.kind, entry.size, entry.mtime),
        "status": IGNORED,
        "error": f"{entry.ignored_vi} ({entry.ignored_en})",
    }


def _reject(
    audit: dict,
    findings: list[Finding],
    reason_vi: str,
    reason_en: str | None = None,
    kind: str = "FILE_REJECTED",
    former_unit_code: str | None = None,
) -> None:
    audit["status"] = kind if kind in ("UNIT_UNKNOWN", "UNIT_NOT_IN_FORCE") else "REJECTED"  # their own status
    audit["error"] = reason_vi if not reason_en else f"{reason_vi} ({reason_en})"
    findings.append(
        Finding(
            kind,
            f"Tệp '{audit['source_file']}' không được nạp: {reason_vi}",
            unit_code=audit.get("unit_code"),
            entity_key=Path(audit["source_file"]).name,
            source_file=audit["source_file"],
            former_unit_code=former_unit_code,
        )
    )  # the kind's rule: vocab/finding_kinds.csv


#: load_audit statuses of a file that was not loaded
REJECTED_STATUSES = ("REJECTED", "UNIT_UNKNOWN", "UNIT_NOT_IN_FORCE")


def not_in_force_reason(
    unit: AdminUnit, period: Period, reporting: list[AdminUnit], evidence: str | None, n_coops: int, n_groups: int
) -> str:
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
    return (
        f"{seen}{unit_label(unit)} (mã {unit.unit_code}){former}, {dates}; kỳ {period.key} (đến "
        f"{format_date_vn(period.end)}) do các đơn vị {by} báo cáo{also}; {n_coops} dòng HTX / {n_groups} dòng THT "
        "của tệp không được tính"
    )


class RowTuples(NamedTuple):
    """A reader's records of one record type, each a tuple of its values under ``keys`` (a missing key: NaN, as
    ``pd.DataFrame`` reads a list of dicts). A record dict of 32 keys takes four times the memory of its tuple:
    a file's records are kept so from the moment it is read (:func:`read_file`) until they are staged."""

    keys: list[str]
    rows: list[tuple]

    def __len__(self) -> int:
        return len(self.rows)


def _as_tuples(records: list[dict]) -> RowTuples:
    """``records`` as tuples; the keys in the order ``pd.DataFrame(records)`` gives its columns (first seen)."""
    if not records:
        return RowTuples([], [])
    keys = list(records[0])
    if len(keys) > 1 and all(len(r) == len(keys) for r in records):
        getter = itemgetter(*keys)
        try:
            return RowTuples(keys, [getter(r) for r in records])  # every record has the same keys
        except KeyError:
            pass
    keys = list(dict.fromkeys(k for r in records for k in r))
    return RowTuples(keys, [tuple(r.get(k, np.nan) for k in keys) for r in records])


def _frame_of(pieces: list[RowTuples], columns: list[str], period: Period | None = None) -> pd.DataFrame:
    """The staged frame of the pieces' records in order: what :func:`_frame` gives of their dicts."""
    keys = list(dict.fromkeys(k for piece in pieces for k in piece.keys))
    rows: list[tuple] = []
    for piece in pieces:
        if piece.keys == keys:
            rows += piece.rows
        else:  # a key another file's records have and these lack: NaN, as in a frame of dicts
            at = {k: i for i, k in enumerate(piece.keys)}
            where = [at.get(k) for k in keys]
            rows += [tuple(np.nan if i is None else row[i] for i in where) for row in piece.rows]
    return _frame(pd.DataFrame(rows, columns=keys) if rows else [], columns, period)


def _frame(rows: list[dict] | pd.DataFrame, columns: list[str], period: Period | None = None) -> pd.DataFrame:
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    if period is not None:
        df["period"] = period.key
    for c in columns:
        if c not in df:
            df[c] = None
    df = df[columns].copy(deep=False)  # a frame of its own (no chained-assignment warning below)
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
        findings.append(
            Finding(
                "SECTOR_UNKNOWN",
                f"{what}: tính vào lĩnh vực Khác",
                unit_code=rec.unit_code,
                entity_key=rec.tax_code_raw if record_type == "cooperative" and rec.tax_code_raw else rec.name,
                source_file=rec.source_file,
                sheet=rec.sheet,
                row_number=int(rec.row_number),
                value_reported=text or None,
                value_computed="Khác",
                rule="3",
            )
        )
    df = df.copy()
    df["sector"] = sectors
    return df


#: from this many reporting units' returns on, or this many bytes of files in all, the period's files are read by
#: a pool of worker processes (one per core)
PARALLEL_READ_MIN_FILES = 40
PARALLEL_READ_MIN_BYTES = 4 * 2**20
#: a file this large is read while no other file is (a 30 MB return of 200,000 rows holds ≈ 700 MiB while read)
READ_ALONE_BYTES = 16 * 2**20


def _reading_context(title_units: list[AdminUnit], period: Period, units_in_force: list[AdminUnit]) -> ReadContext:
    """The period's context, rebuilt in a fork server's reading worker (a forked one inherits this process's)."""
    return ReadContext(period, UnitMatcher(title_units, period), UnitMatcher(units_in_force))


def read_file(
    kind: str, path: Path, source_file: str, context: ReadContext | None = None
) -> ReadResult | FileUnreadable:
    """One raw file read by the reader of its kind (in this process or a reading worker). A file that cannot be
    opened, or that its reader fails on, is returned as :class:`FileUnreadable` with the reason, never raised: it
    travels back from a worker, is rejected, and the period's other files still load. The records of the result
    are :class:`RowTuples`, no longer dicts."""
    try:
        read = READER_OF_KIND[kind].read(read_workbook(path), source_file, context or worker_state())
        read.records = {rt: _as_tuples(records) for rt, records in read.records.items()}  # RowTuples
        return read
    except FileUnreadable as exc:
        return exc
    except Exception as exc:  # noqa: BLE001  a reader failing on one file rejects that file, with what went wrong
        return FileUnreadable(
            f"lỗi khi đọc nội dung tệp ({type(exc).__name__}: {exc})",
            f"the {kind} reader failed: {type(exc).__name__}: {exc}",
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_files(jobs: list[tuple[str, Path, str]]) -> list[ReadResult | FileUnreadable]:
    """A batch of files read by a reading worker (a forked one inherits the paused collector, a fork server's
    does not)."""
    with collector_paused():
        return [read_file(kind, path, src) for kind, path, src in jobs]


def read_period_files(
    jobs: list[tuple[str, Path, str]], context: ReadContext, workers: int | None = None
) -> list[ReadResult | FileUnreadable]:
    """Read the period's files (kind, path, source_file), each result in the order of the jobs.

    Reading is independent per file: a large period (hundreds of units, or many megabytes) is read by ``workers``
    processes, this one included. The units' returns go in batches to a pool of ``workers - 1`` worker processes;
    meanwhile this process reads the single files (the tax register, the province workbook, the targets: their
    large results need not travel between processes), then takes over the batches no worker has started, from
    the last (``processes/pool.share_jobs``). A small period is read here alone. ``workers`` None: one per core this
    process may use (``processes/cores.py``: its share in a national run) for a large period, else 1.

    A file of :data:`READ_ALONE_BYTES` or more is read by this process after the others, while no other file is
    read: two such files read at once would hold both their grids and records (docs/decisions.md, "Resource
    bounds")."""
    alone = [n for n, (_, path, _) in enumerate(jobs) if _size(path) >= READ_ALONE_BYTES]
    together = [n for n in range(len(jobs)) if n not in set(alone)]
    got = dict(zip(together, _read_together([jobs[n] for n in together], context, workers)))
    got.update((n, read_file(*jobs[n], context)) for n in alone)
    return [got[n] for n in range(len(jobs))]


def _read_together(
    jobs: list[tuple[str, Path, str]], context: ReadContext, workers: int | None
) -> list[ReadResult | FileUnreadable]:
    """:func:`read_period_files` of files that may be read at the same time."""
    per_unit = [n for n, (kind, _, _) in enumerate(jobs) if READER_OF_KIND[kind].per_unit]
    if workers is None:
        large = (
            len(per_unit) >= PARALLEL_READ_MIN_FILES
            or sum(_size(path) for _, path, _ in jobs) >= PARALLEL_READ_MIN_BYTES
        )
        workers = min(usable_cores(), 8) if large else 1
    if workers <= 1 or not per_unit or len(jobs) < 2:
        return [read_file(kind, path, src, context) for kind, path, src in jobs]
    with reading_pool(context, workers - 1) as pool:
        return share_jobs(
            pool,
            jobs,
            per_unit,
            lambda job: read_file(*job, context),
            _read_files,
            batch_size=max(1, len(per_unit) // (workers * 8)),
        )


def reading_pool(context: ReadContext, workers: int) -> AbstractContextManager[ProcessPoolExecutor]:
    """A pool of ``workers`` reading worker processes for ``context``'s period, each of which dies with this
    process even when it is killed with SIGKILL (and so does the fork server that may start them): a killed run
    leaves no worker behind (``processes/pool.py``)."""
    return worker_pool(
        workers,
        context,
        _reading_context,
        (context.titles.units, context.period, context.units_in_force.units),
        preload=[__name__],
    )


class Rejection(NamedTuple):
    """Why a file read is not loaded: the Vietnamese reason, the English one, the finding kind."""

    reason_vi: str
    reason_en: str | None
    kind: str = "FILE_REJECTED"
    #: the unit the title names when it is not in force for the period (UNIT_NOT_IN_FORCE)
    former_unit_code: str | None = None


def _rejection(
    fk: FileKind, read: ReadResult | FileUnreadable, context: ReadContext, expected: list[AdminUnit]
) -> Rejection | None:
    """Why a file read is not loaded, or None."""
    if isinstance(read, FileUnreadable):
        return Rejection(read.reason_vi, read.reason_en)
    if read.error_vi:
        return Rejection(read.error_vi, read.error_en, read.error_kind)
    if not fk.per_unit:
        return None
    if read.unit is None:
        evidence = f" (thấy: {read.unit_evidence})" if read.unit_evidence else ""
        return Rejection(
            "không xác định được đơn vị báo cáo từ phần tiêu đề (tên UBND hoặc ô 'Mã đơn vị')" + evidence,
            "reporting unit not identified",
            kind="UNIT_UNKNOWN",
        )
    if read.unit not in context.titles.reporting:
        period = context.period
        return Rejection(
            not_in_force_reason(
                read.unit, period, expected, read.unit_evidence, len(read.rows("cooperative")), len(read.rows("group"))
            ),
            f"unit {read.unit.unit_code} not in force for {period.key}",
            kind="UNIT_NOT_IN_FORCE",
            former_unit_code=read.unit.unit_code,
        )
    return None


def _audit_read(
    audit: dict, fk: FileKind, read: ReadResult | FileUnreadable, context: ReadContext, province_code: str
) -> None:
    """What the file read says about itself, on its load_audit row: the unit (a unit's return: the unit its title
    names when in force; any other file: the province), sheets, report date and row counts."""
    audit["unit_code"] = None if fk.per_unit else province_code
    if isinstance(read, ReadResult):
        if fk.per_unit and read.unit in context.titles.reporting:
            audit["unit_code"] = read.unit.unit_code
        audit.update(
            sheets=",".join(read.sheet_names),
            report_date=read.report_date,
            rows_read=read.rows_read,
            rows_loaded=read.rows_loaded,
            rows_non_entity=read.rows_non_entity,
        )


def _register_missing(audits: list[dict], period: Period, province_code: str) -> list[Finding]:
    """TAX_REGISTER_MISSING when no tax register of the period was read (none sent, or every one rejected): the
    rules that need the register are skipped (no cooperative is NO_TAX_RECORD for want of it), and this one finding
    says why, naming the files rejected."""
    tax = [a for a in audits if a["file_kind"] == "tax"]
    loaded = [a for a in tax if a["status"] == "LOADED"]
    if any(a["rows_loaded"] for a in loaded):
        return []
    rejected = [a for a in tax if a["status"] in REJECTED_STATUSES]
    why = (
        "; ".join(
            [f"tệp '{a['source_file']}' bị từ chối: {a['error']}" for a in rejected]
            + [f"tệp '{a['source_file']}' không có dòng người nộp thuế nào" for a in loaded]
        )
        or f"chưa có tệp nào trong thư mục {period.key}/tax"
    )
    return [
        Finding(
            "TAX_REGISTER_MISSING",
            f"Chưa đọc được danh sách người nộp thuế của cơ quan thuế kỳ {period.key} "
            f"({why}): chưa đối chiếu mã số thuế và tình trạng hoạt động với cơ quan thuế (mục 7.1, 7.4), không "
            "HTX nào bị ghi là không có trong danh sách; số HTX đang hoạt động (có kê khai thuế) và các chỉ "
            "tiêu tính trên đó chưa tính được (bằng 0) cho đến khi có danh sách",
            unit_code=province_code,
            entity_key=f"{period.key}/tax",
            source_file=(rejected + loaded)[0]["source_file"] if len(rejected + loaded) == 1 else None,
            rule="7.1",
        )
    ]


def _period_mismatch(read: ReadResult, audit: dict, period: Period) -> list[Finding]:
    if not read.data_until or read.data_until == period.end:
        return []
    return [
        Finding(
            "PERIOD_MISMATCH",
            f"Tệp ghi số liệu đến {format_date_vn(read.data_until)}, kỳ đang xử lý kết "
            f"thúc {format_date_vn(period.end)}",
            unit_code=read.unit.unit_code,
            entity_key=Path(audit["source_file"]).name,
            source_file=audit["source_file"],
            value_reported=format_date_vn(read.data_until),
            value_computed=format_date_vn(period.end),
        )
    ]


#: the record types of the staged frames, and whether their rows carry the period (the columns of each:
#: ``fields.staged_columns``)
_STAGED = {rt: rt != "target" for rt in ("cooperative", "group", "summary", "tax", "union", "credit_fund", "target")}


@collector_paused()  # processes/collector.py: a third of the reading's time went to cyclic collections
def extract_period(
    raw_dir: Path | str,
    period: Period | str,
    *,
    workers: int | None = None,
    province: str | None = None,
    link_roots: Iterable[Path] = (),
) -> StagedPeriod:
    """Read every file of the period once, each by the reader of its kind (``ingest.registry``); reject what
    cannot be loaded (recorded in load_audit with its reason, never fatal); choose among a unit's resubmissions
    (§7.3); stage the rows of what is loaded.

    ``province``: the province code whose packaged register and crosswalk are used (default ``KTTT_PROVINCE``,
    else the packaged default); a register in the raw folder overrides it.
    ``workers``: processes reading the files (default: one per core for large periods, else 1).
    ``link_roots``: folders besides the raw folder that a symbolic link in it may resolve into (``raw_inventory``);
    every entry not read (hidden, lock file, not a regular file, link elsewhere) gets an IGNORED load_audit row."""
    raw_dir = Path(raw_dir)
    period = Period.parse(period) if isinstance(period, str) else period
    units = load_admin_units(raw_dir, province, period.end)
    crosswalk = load_province_crosswalk(raw_dir, province, units)
    expected = reporting_units(units, period)
    # titles may name any unit of the register or a former commune: the period decides which is meant, and a
    # return of a unit not in force is rejected (§11); the tax register is placed among the units in force
    context = ReadContext(period, UnitMatcher(units + former_communes(crosswalk, units), period), UnitMatcher(expected))
    province_code = province_of(units).unit_code
    entries, ignored = period_entries(raw_dir, period, link_roots)
    jobs = [(READER_OF_KIND[e.kind], e.path, _audit_row(period, raw_dir, e.path, e.kind)) for e in entries]
    reads = read_period_files([(fk.kind, path, a["source_file"]) for fk, path, a in jobs], context, workers)

    findings: list[Finding] = []
    returns: list[tuple[dict, ReadResult]] = []  # the units' returns, among which §7.3 chooses
    for (fk, _, audit), read in zip(jobs, reads):
        _audit_read(audit, fk, read, context, province_code)
        rejection = _rejection(fk, read, context, expected)
        if rejection is not None:
            audit["rows_loaded"] = 0
            _reject(
                audit,
                findings,
                rejection.reason_vi,
                rejection.reason_en,
                kind=rejection.kind,
                former_unit_code=rejection.former_unit_code,
            )
        elif fk.per_unit:
            findings += _period_mismatch(read, audit, period)
            returns.append((audit, read))
    findings += _register_missing([a for _, _, a in jobs], period, province_code)
    winners, superseded = keep_latest(returns)
    findings += superseded
    pieces: dict[str, list[RowTuples]] = {rt: [] for rt in _STAGED}
    totals: list[dict] = []
    for (fk, _, audit), read in zip(jobs, reads):
        if audit["status"] != "LOADED":  # rejected, or superseded by a resubmission
            continue
        findings += read.findings
        for rt in fk.record_types:
            pieces[rt].append(read.rows(rt))
        totals += [{**t, "source_file": read.source_file} for t in read.totals]
    staged: dict[str, pd.DataFrame] = {}
    for rt, with_period in _STAGED.items():
        staged[rt] = _frame_of(pieces.pop(rt), fields.staged_columns(rt), period if with_period else None)
        for read in reads:  # the records of that type, now a frame, freed before the next type's frame is built
            if isinstance(read, ReadResult):
                read.records.pop(rt, None)

    # each frame taken out of ``staged`` as it is changed into its staged form: not both kept to the end
    stg_coop = _stage_sectors(staged.pop("cooperative"), findings, "cooperative")
    stg_group = _stage_sectors(staged.pop("group"), findings, "group")
    for col in staged_bool_columns("cooperative"):
        stg_coop[col] = stg_coop[col].eq(True)
    stg_tax = staged.pop("tax")
    stg_tax["tax_code_valid"] = stg_tax["tax_code_valid"].eq(True)
    # addresses of the former era (commune and district before 1/7/2025) placed in the current unit (§11)
    stg_tax["unit_code"] = place_old_addresses(stg_tax["address"], stg_tax["unit_code"], period, units, crosswalk)
    # registers list a code once; if not, identity resolution takes the first record of the cooperative itself
    stg_tax = stg_tax.reset_index(drop=True)

    return StagedPeriod(
        period=period,
        raw_dir=raw_dir,
        units=units,
        load_audit=pd.DataFrame(
            [a for _, _, a in jobs] + [_ignored_row(period, raw_dir, e) for e in ignored], columns=AUDIT_COLUMNS
        ),
        stg_cooperative=stg_coop,
        stg_group=stg_group,
        stg_tax_register=stg_tax,
        stg_summary_figure=staged["summary"],
        stg_union=staged["union"],
        stg_credit_fund=staged["credit_fund"],
        total_rows=pd.DataFrame(totals, columns=TOTAL_ROW_COLUMNS),
        target=staged["target"],
        findings=findings,
        winners=winners,
        crosswalk=crosswalk,
    )

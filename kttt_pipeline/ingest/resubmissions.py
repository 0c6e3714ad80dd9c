"""§7.3 Resubmissions: the workbook with the latest "Ngày báo cáo" wins, then the latest modification time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.numfmt import format_date_vn
from kttt_pipeline.ingest.result import ReadResult


@dataclass(frozen=True)
class Submission:
    source_file: str
    unit_code: str
    report_date: dt.date | None
    modified_at: dt.datetime


def _fmt(d: dt.date | None) -> str:
    return format_date_vn(d, missing="(không ghi)")


def choose_winners(submissions: list[Submission]) -> tuple[dict[str, Submission], list[Finding]]:
    """unit_code → winning submission; a SUPERSEDED finding for every other workbook of the unit."""
    by_unit: dict[str, list[Submission]] = {}
    for s in submissions:
        by_unit.setdefault(s.unit_code, []).append(s)
    winners: dict[str, Submission] = {}
    findings: list[Finding] = []
    for unit, subs in by_unit.items():
        ranked = sorted(subs, key=lambda s: (s.report_date or dt.date.min, s.modified_at, s.source_file), reverse=True)
        win = ranked[0]
        winners[unit] = win
        for lost in ranked[1:]:
            if (lost.report_date or dt.date.min) < (win.report_date or dt.date.min):
                why = f"'Ngày báo cáo' {_fmt(lost.report_date)} sớm hơn {_fmt(win.report_date)} của '{win.source_file}'"
            else:
                why = (
                    f"cùng 'Ngày báo cáo' {_fmt(win.report_date)}; tệp '{win.source_file}' được sửa sau "
                    f"({win.modified_at:%d/%m/%Y %H:%M} so với {lost.modified_at:%d/%m/%Y %H:%M})"
                )
            findings.append(
                Finding(
                    "SUPERSEDED",
                    f"Bị thay thế bởi bản gửi lại: {why}; không cộng số liệu của tệp này",
                    unit_code=unit,
                    entity_key=Path(lost.source_file).name,
                    source_file=lost.source_file,
                    value_reported=_fmt(lost.report_date),
                    value_computed=_fmt(win.report_date),
                    rule="7.3",
                )
            )
    return winners, findings


def keep_latest(returns: list[tuple[dict, ReadResult]]) -> tuple[dict[str, str], list[Finding]]:
    """§7.3 over the period's accepted returns (each its load_audit row and its read): unit_code → winning
    source_file, and the SUPERSEDED findings. Every other return's audit row is marked SUPERSEDED (nothing of it
    loaded); its rows are never added."""
    winners, findings = choose_winners(
        [Submission(a["source_file"], r.unit.unit_code, r.report_date, a["modified_at"]) for a, r in returns]
    )
    won = {s.source_file for s in winners.values()}
    for audit, read in returns:
        if audit["source_file"] not in won:
            win = winners[read.unit.unit_code].source_file
            audit.update(status="SUPERSEDED", rows_loaded=0, error=f"bị thay thế bởi '{win}' (superseded)")
    return {u: s.source_file for u, s in winners.items()}, findings

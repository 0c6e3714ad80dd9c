"""Figures derived from nothing: a group of figures whose source is missing or whose every row was
excluded is never published as a figure ("0 quỹ tín dụng nhân dân … dư nợ cho vay 0 triệu đồng"); the documents
say the data is insufficient, and which file.

A group is one block of the figures text and of Biểu 01 (HTX, THT, LHHTX, QTDND). It has a gap when

* its figures come from the province workbook (LHHTX, QTDND) and that workbook was not read: missing (the
  PROVINCE_WORKBOOK_MISSING finding) or rejected (its load_audit row says why);
* its count is zero (or undefined) while the period's quarantine holds rows of its record type: every row the
  files gave was excluded by §7.6, so the zero is not a count of anything.

A count of zero from a file read whole with no such row is a real figure (a province without credit funds) and
no gap. :func:`figure_gaps` is what the paragraph, the Dagster metadata and the CLI read; the appendix may read it
too (``FigureGap.group`` is the indicator group of ``vocab/indicators.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kttt_pipeline.publish import paragraph_text as pt

#: indicator group → (its count, the record type of its rows, read from the province workbook)
GROUPS: dict[str, tuple[str, str, bool]] = {
    "HTX": ("HTX_TOTAL", "cooperative", False),
    "THT": ("THT_TOTAL", "group", False),
    "LHHTX": ("LHHTX_TOTAL", "union", True),
    "QTDND": ("QTDND_TOTAL", "credit_fund", True),
}


@dataclass(frozen=True)
class FigureGap:
    group: str
    #: why, in Vietnamese, naming the file or folder
    reason_vi: str
    #: the sentence the documents print instead of the group's figures
    text_vi: str


def figure_gaps(d: Any) -> dict[str, FigureGap]:
    """{indicator group: gap} of the period ``d`` (a :class:`~kttt_pipeline.publish.warehouse_reader.PeriodData`),
    in the order of :data:`GROUPS`; empty when every group's figures stand on rows."""
    with pt.document_values(province_word=d.province_word):
        return _figure_gaps(d)


def _figure_gaps(d: Any) -> dict[str, FigureGap]:
    out: dict[str, FigureGap] = {}
    for group, (count_code, record_type, from_workbook) in GROUPS.items():
        reason = None
        if from_workbook and not d.province_workbook_complete:
            reason = _workbook_reason(d)
        elif not d.value(count_code):
            reason = _excluded_reason(d, record_type)
        if reason is not None:
            subject = pt.fill(f"subject_{group.lower()}")
            out[group] = FigureGap(group, reason, pt.fill("insufficient", subject=subject, reason=reason) or reason)
    return out


def _workbook_reason(d: Any) -> str:
    from kttt_pipeline.ingest.period import REJECTED_STATUSES

    rejected = [f for f in d.files if f.get("file_kind") == "province" and f.get("status") in REJECTED_STATUSES]
    if rejected:
        f = rejected[0]
        return (
            pt.fill(
                "reason_file_rejected",
                file=str(f.get("source_file")),
                error=str(f.get("error") or f.get("status")).rstrip(". "),
            )
            or ""
        )
    return pt.fill("reason_file_missing", what=pt.fill("what_province"), folder=f"{d.period.key}/province") or ""


def _excluded_reason(d: Any, record_type: str) -> str | None:
    rows = [q for q in d.quarantined if q.get("record_type") == record_type]
    if not rows:
        return None
    files = sorted({f"'{q.get('source_file')}'" + (f", sheet '{q['sheet']}'" if q.get("sheet") else "") for q in rows})
    return pt.fill(
        "reason_all_excluded",
        rows=pt.count(len(rows)),
        what_rows=pt.fill(f"rows_{record_type}"),
        files="; ".join(files),
    )

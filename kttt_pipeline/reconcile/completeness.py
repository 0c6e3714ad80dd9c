"""§7.7 Completeness: every reporting unit in force for the period is expected; a missing unit is reported, and
the province totals are marked incomplete (the sum over the units present, flagged, never estimated)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kttt_pipeline.core.admin_units import AdminUnit
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.period import REJECTED_STATUSES
from kttt_pipeline.reconcile import indicators as ind

#: the columns of period_status
STATUS_COLUMNS = [
    "period",
    "units_expected",
    "units_present",
    "units_missing",
    "is_complete",
    "files_seen",
    "files_rejected",
    "compared_with",
]


@dataclass
class Completeness:
    expected: list[AdminUnit]
    present: set[str]  # unit codes with a winning return
    missing: list[AdminUnit]
    province_workbook_read: bool
    findings: list[Finding] = field(default_factory=list)


def check_completeness(
    expected: list[AdminUnit],
    present: set[str],
    load_audit: pd.DataFrame,
    period: Period,
    province_code: str,
    province_word: str = "tỉnh",
) -> Completeness:
    """The units that sent nothing (UNIT_MISSING each) and whether the province workbook was read
    (PROVINCE_WORKBOOK_MISSING if not). ``province_word``: the province's kind at the period's end
    (``core.admin_units.province_word``), as the texts name it ("toàn thành phố")."""
    missing = [u for u in expected if u.unit_code not in present]
    findings = [
        Finding(
            "UNIT_MISSING",
            f"{u.kind_vi} {u.name_vi} (mã {u.unit_code}) chưa gửi báo cáo kỳ {period.key}: "
            f"số liệu toàn {province_word} chỉ cộng các đơn vị đã gửi, chưa đầy đủ",
            unit_code=u.unit_code,
            entity_key=u.unit_code,
            rule="7.7",
        )
        for u in missing
    ]
    province_read = bool(((load_audit["file_kind"] == "province") & (load_audit["status"] == "LOADED")).any())
    if not province_read:
        findings.append(
            Finding(
                "PROVINCE_WORKBOOK_MISSING",
                "Chưa có bảng tổng hợp liên hiệp HTX và quỹ tín dụng "
                f"nhân dân của {province_word} (thư mục {period.key}/province) đọc được: số liệu LHHTX, QTDND "
                "chưa đủ",
                unit_code=province_code,
                entity_key=f"{period.key}/province",
                rule="7.7",
            )
        )
    return Completeness(expected, present, missing, province_read, findings)


def indicator_table(
    values: dict[str, dict[str, float | None]], period: Period, province_code: str, gaps: Completeness
) -> pd.DataFrame:
    """rpt_indicator for the period: the values with the province's totals marked incomplete when a unit is
    missing, its union and credit-fund figures when the province workbook was not read."""
    return ind.mark_completeness(
        ind.indicator_frame(values, period),
        province_code,
        units_complete=not gaps.missing,
        province_workbook_read=gaps.province_workbook_read,
    )


def period_status(gaps: Completeness, period: Period, load_audit: pd.DataFrame) -> pd.DataFrame:
    """The period's one status row: units expected / present / missing, files seen / rejected."""
    codes = {u.unit_code for u in gaps.expected}
    return pd.DataFrame(
        [
            {
                "period": period.key,
                "units_expected": len(gaps.expected),
                "units_present": len(gaps.present & codes),
                "units_missing": ",".join(u.unit_code for u in gaps.missing),
                "is_complete": not gaps.missing,
                "files_seen": len(load_audit),
                "files_rejected": int(load_audit["status"].isin(REJECTED_STATUSES).sum()),
                "compared_with": None,  # what the comparisons read, set by the load (docs/decisions.md, "Concurrency")
            }
        ],
        columns=STATUS_COLUMNS,
    )

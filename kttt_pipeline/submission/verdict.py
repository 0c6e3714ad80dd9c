"""The answer of ``POST /api/check``: ``kttt check``'s own report of a return, as JSON.

The check is :func:`kttt_pipeline.clerk_check.check_file`, the pipeline's reading and rules on a throw-away copy
(the same verdict ``kttt check`` prints); this module only words it for the page. Texts are returned as they were
read (a cell written ``=HYPERLINK(…)`` stays that text): the page shows them as text, never as markup.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from kttt_pipeline.clerk_check import NEEDS_FIX, REJECTED, CheckReport, check_file, conclusion_vi, where_vi
from kttt_pipeline.core.numfmt import format_date_vn
from kttt_pipeline.ingest.workbook import sha256_of

#: the verdict's heading for the clerk
VERDICT_VI = {
    "accepted": "Tệp sẽ được tiếp nhận",
    NEEDS_FIX: "Cần sửa: tệp được tiếp nhận nhưng có dòng hoặc cột không được tính",
    REJECTED: "Tệp sẽ bị từ chối",
}


def verdict_of(report: CheckReport, name_sent: str) -> dict:
    """The report as the API answers it: ``verdict``, ``unit_code``, ``period`` and ``problems`` (each with
    ``sheet``, ``row``, ``reason``, the cooperative, how to fix it), and what the clerk reads beside them."""
    ret = report.ret
    unit = ret.unit if ret is not None else None
    problems = []
    for p in report.problems():
        item = asdict(p)
        item["kind_vi"] = p.kind_vi
        item["where"] = where_vi(p)
        problems.append(item)
    return {
        "file_name": name_sent,
        "verdict": report.verdict,
        "verdict_vi": VERDICT_VI[report.verdict],
        "conclusion": conclusion_vi(report),
        "reason": report.reason_vi if report.rejected else None,
        "unit_code": unit.unit_code if unit else None,
        "unit_name": f"{unit.kind_vi} {unit.name_vi}" if unit else None,
        "unit_evidence": ret.unit_evidence if ret is not None and unit else None,
        "period": report.period.key if report.period else None,
        "period_end": format_date_vn(report.period.end) if report.period else None,
        "report_date": format_date_vn(ret.report_date) if ret is not None and ret.report_date else None,
        "rows": {
            "cooperatives": len(ret.rows("cooperative")) if ret is not None else 0,
            "groups": len(ret.rows("group")) if ret is not None else 0,
            "summary_figures": len(ret.rows("summary")) if ret is not None else 0,
            "counted": report.rows_ok,
            "left_out": report.rows_quarantined,
        },
        "with_register": report.with_register,
        "problems": problems,
    }


def check_upload(path: Path, name_sent: str, period: str | None, raw_dir: Path | None, province: str | None) -> dict:
    """Check one received return as ``kttt check --raw-dir`` does (the period given, else the period being
    collected) and answer its verdict with the file's digest (the receipt names it)."""
    raw = str(raw_dir) if raw_dir is not None and Path(raw_dir).is_dir() else None
    report = check_file(path, period=period, raw_dir=raw, province=province)
    answer = verdict_of(report, name_sent)
    answer["sha256"] = sha256_of(path)
    answer["size"] = path.stat().st_size
    return answer

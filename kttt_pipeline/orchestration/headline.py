"""The headline figures of a period as a short Markdown/terminal summary (Vietnamese number formatting)."""

from __future__ import annotations

from kttt_pipeline.core.numfmt import format_vn
from kttt_pipeline.publish.layouts import headline
from kttt_pipeline.reconcile.period import PeriodResult

#: (indicator code, label) of the headline, from vocab/layouts/headline.csv
HEADLINE = list(headline())


def headline_rows(result: PeriodResult) -> list[tuple[str, str]]:
    province = result.admin_unit[result.admin_unit["level"] == "province"]["unit_code"].iloc[0]
    return [(label, format_vn(result.indicator(province, code))) for code, label in HEADLINE]


def headline_markdown(result: PeriodResult) -> str:
    status = result.period_status.iloc[0]
    lines = [
        f"**Kỳ {result.period}** — {'đủ' if status['is_complete'] else 'CHƯA ĐỦ'} đơn vị báo cáo "
        f"({status['units_present']}/{status['units_expected']})",
        "",
        "| Chỉ tiêu | Số liệu |",
        "|---|---:|",
    ]
    lines += [f"| {label} | {value} |" for label, value in headline_rows(result)]
    return "\n".join(lines)


def frame_markdown(df, max_rows: int = 50) -> str:
    """A small DataFrame as a Markdown table (for Dagster metadata)."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for rec in df.head(max_rows).itertuples(index=False):
        lines.append("| " + " | ".join("" if v is None or v != v else str(v).replace("|", "/") for v in rec) + " |")
    if len(df) > max_rows:
        lines.append(f"| … {len(df) - max_rows} more | " + " | " * (len(cols) - 1))
    return "\n".join(lines)

"""The plain-function path through one period: extract then reconcile. The CLI and the tests call it; nothing
here knows Dagster."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.period import extract_period
from kttt_pipeline.ingest.registry import UNIT_FOLDERS
from kttt_pipeline.reconcile.period import PeriodResult, reconcile_period, reporting_level
from kttt_pipeline.reconcile.period_compare import PreviousQuarter


class NothingToPublish(Exception):
    """No return of the period could be read: there is nothing to publish."""


def run_period(
    raw_dir: Path | str,
    period: Period | str,
    *,
    province: str | None = None,
    history: "PreviousQuarter | Engine | None" = None,
) -> PeriodResult:
    """Extract and reconcile one period. Raises :class:`NothingToPublish` when no return could be read.

    ``history``: the previous quarter (a :class:`PreviousQuarter`), or a warehouse engine to read it from; None:
    no comparison with earlier periods."""
    staged = extract_period(raw_dir, period, province=province)
    if not staged.winners:
        folders = ", ".join(f"{f}/" for f in UNIT_FOLDERS)
        reasons = (
            "; ".join(f"{r.source_file}: {r.error}" for r in staged.load_audit.itertuples() if r.error)
            or f"không có tệp nào trong {Path(raw_dir) / staged.period.key} ({folders})"
        )
        raise NothingToPublish(f"Kỳ {staged.period.key}: không có báo cáo nào của đơn vị đọc được ({reasons})")
    compared_with = None
    if history is not None and not isinstance(history, PreviousQuarter):
        from kttt_pipeline.core.admin_units import province_of
        from kttt_pipeline.warehouse.history import compared_previous_quarter

        # with what was compared, so that the load can tell whether it changed since (docs/decisions.md)
        history, compared_with = compared_previous_quarter(
            history, staged.period, reporting_level(staged), province_of(staged.units).unit_code
        )
    result = reconcile_period(staged, history)
    result.compared_with = compared_with
    return result

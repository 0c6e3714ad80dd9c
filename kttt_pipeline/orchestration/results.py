"""What a run of the period job produced, read from its events (for the CLI and the tests)."""

from __future__ import annotations

import dagster as dg

from kttt_pipeline.orchestration.assets.reports import DOCUMENTS, STALE_COMPARISONS


def materialization(result: dg.ExecuteInProcessResult, asset: str) -> dg.AssetMaterialization | None:
    """The run's materialization of ``asset`` (a warehouse table, ``published_reports``, …), None if none."""
    key = dg.AssetKey(asset)
    for event in result.get_asset_materialization_events():
        if event.asset_key == key:
            return event.event_specific_data.materialization
    return None


def published_documents(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """{document name: path} of the reports the run published (empty when it published nothing)."""
    mat = materialization(result, "published_reports")
    return dict(mat.metadata[DOCUMENTS].value) if mat is not None else {}


def failed_checks(result: dg.ExecuteInProcessResult) -> list[tuple[str, str, str | None]]:
    """(table, check name, description) of every failed blocking (ERROR) asset check of a run, in run order."""
    return [
        (ev.asset_key.to_user_string(), ev.check_name, ev.description)
        for ev in result.get_asset_check_evaluations()
        if not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR
    ]


def comparison_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    """The CLI's lines on the comparisons with earlier periods: compared again at load because the
    earlier period was loaded or replaced after reconciling; stale in the published documents."""
    lines = []
    loaded = materialization(result, "rpt_indicator")  # the warehouse step's own metadata (assets/warehouse.py)
    recompared = loaded.metadata["recompared"].value if loaded is not None and "recompared" in loaded.metadata else []
    for period in recompared or []:
        lines.append(
            f"  So sánh lại với kỳ {period} khi nạp (kỳ {period} được nạp hoặc nạp lại trong lúc xử lý) "
            f"/ compared again with {period}, loaded meanwhile"
        )
    mat = materialization(result, "published_reports")
    stale = mat.metadata[STALE_COMPARISONS].value if mat is not None and STALE_COMPARISONS in mat.metadata else {}
    for note in (stale or {}).values():
        lines.append(f"  CẢNH BÁO (so sánh chưa cập nhật / stale comparison): {note}")
    return lines


def loaded_rows(result: dg.ExecuteInProcessResult, table: str, default: int) -> int:
    """Rows the run loaded into ``table`` (its ``dagster/row_count``); ``default`` when it loaded nothing. The
    findings are those loaded: the load may have compared again with an earlier period."""
    mat = materialization(result, table)
    return (
        int(mat.metadata["dagster/row_count"].value)
        if mat is not None and "dagster/row_count" in mat.metadata
        else default
    )


#: the errors by which Dagster reports a run it stopped (Ctrl-C, SIGTERM, Terminate in the UI)
_INTERRUPTS = {"KeyboardInterrupt", "DagsterExecutionInterruptedError"}


def interrupted(result: dg.ExecuteInProcessResult) -> bool:
    """Whether the run ended because it was interrupted (``execute_in_process(raise_on_error=False)`` turns an
    interrupt into a failed run and returns): a run of many provinces then stops instead of going on."""
    from dagster._core.execution.plan.objects import ErrorSource

    for event in result.all_events:
        data = event.event_specific_data
        if event.is_step_failure and getattr(data, "error_source", None) == ErrorSource.INTERRUPT:
            return True
        error = getattr(data, "error", None)
        if event.event_type in (dg.DagsterEventType.RUN_FAILURE, dg.DagsterEventType.RUN_CANCELED) and error:
            if error.cls_name in _INTERRUPTS:
                return True
    return False

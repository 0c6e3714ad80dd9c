"""What a run of the period job produced, read from its events (for the CLI and the tests)."""

from __future__ import annotations

import dagster as dg

from kttt_pipeline.orchestration.assets.reports import DOCUMENTS


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
    return [(ev.asset_key.to_user_string(), ev.check_name, ev.description)
            for ev in result.get_asset_check_evaluations()
            if not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR]

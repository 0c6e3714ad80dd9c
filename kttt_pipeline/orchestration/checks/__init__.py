"""Dagster asset checks, each on the warehouse table it checks (``check_specs`` of the warehouse step): staging
schemas on the ``stg_*`` tables, the status identity on ``rpt_indicator``, completeness on ``period_status``
(on the reconciled frames, before the load), the Great Expectations suite on the tables it validates (after it)."""

from kttt_pipeline.orchestration.checks.reconciliation import FRAME_CHECK_SPECS
from kttt_pipeline.orchestration.checks.warehouse_quality import SUITE_CHECK_SPECS

TABLE_CHECK_SPECS = [*FRAME_CHECK_SPECS, *SUITE_CHECK_SPECS]

__all__ = ["FRAME_CHECK_SPECS", "SUITE_CHECK_SPECS", "TABLE_CHECK_SPECS"]

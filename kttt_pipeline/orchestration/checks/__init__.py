"""Dagster asset checks: staging schemas, reconciliation identities, completeness, warehouse quality."""

from kttt_pipeline.orchestration.checks.reconciliation import RECONCILIATION_CHECKS
from kttt_pipeline.orchestration.checks.warehouse_quality import warehouse_expectations

ALL_CHECKS = [*RECONCILIATION_CHECKS, warehouse_expectations]

__all__ = ["ALL_CHECKS", "RECONCILIATION_CHECKS"]

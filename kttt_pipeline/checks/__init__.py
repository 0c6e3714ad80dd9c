"""Dagster asset checks: staging schemas, reconciliation identities, completeness, warehouse quality."""

from .reconciliation import RECONCILIATION_CHECKS
from .warehouse_quality import warehouse_expectations

ALL_CHECKS = [*RECONCILIATION_CHECKS, warehouse_expectations]

__all__ = ["ALL_CHECKS", "RECONCILIATION_CHECKS"]

"""Dagster asset checks: staging schemas, reconciliation identities, completeness, warehouse quality."""

from .reconciliation import ALL_CHECKS

__all__ = ["ALL_CHECKS"]

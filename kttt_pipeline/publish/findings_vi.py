"""The findings sheet's Vietnamese labels: one table for the clerk and the signer, kept in ``vocab/finding_kinds.csv``,
``vocab/rules.csv`` and ``vocab/severities.csv`` and loaded by :mod:`kttt_pipeline.core.findings`."""

from kttt_pipeline.core.findings import (
    SEVERITY_ORDER,
    kind_label,
    rule_label,
    severity_label,
)

__all__ = ["SEVERITY_ORDER", "kind_label", "rule_label", "severity_label"]

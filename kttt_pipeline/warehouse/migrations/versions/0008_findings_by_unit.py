"""every finding findable by unit: dq_issue.current_unit_code (the unit in force since the 2025 reform the finding
concerns) and dq_issue.former_unit_code (the former unit it concerns where unit_code cannot name it), an index
by current unit, and the view v_finding (each finding with the names of its units).

Rows loaded before this revision keep their findings; their current_unit_code is set to unit_code where that unit
is still in force (no valid_to); the restated and cross-reform findings get their units when the period is
loaded again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT_COMMENT = (
    "The unit in force since the 2025 reform the finding concerns: the unit itself when unit_code is a unit still "
    "in force; for a restated row of a former district, the current unit it was placed in (COMMUNE_SPLIT); null "
    "where no single current unit is known (a former unit as a whole, a cooperative that vanished across the "
    "reform, an unplaced row)."
)
FORMER_COMMENT = (
    "The unit no longer in force the finding concerns, where unit_code (a unit reporting for the period, or null) "
    "cannot name it: the unit a rejected return's title names (UNIT_NOT_IN_FORCE), the former unit a cooperative "
    "was counted in before the reform (COOP_VANISHED), the former district of a restated row (COMMUNE_SPLIT, "
    "COMMUNE_UNPLACED)."
)
INDEX = "ix_dq_issue_province_code_period_current_unit"

V_FINDING = """
    CREATE VIEW v_finding AS
    SELECT d.province_code, d.period, d.id, d.kind, d.severity,
           d.unit_code, TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
           d.current_unit_code, TRIM(COALESCE(c.kind_vi, '') || ' ' || c.name_vi) AS current_unit_name,
           d.former_unit_code, TRIM(COALESCE(f.kind_vi, '') || ' ' || f.name_vi) AS former_unit_name,
           d.entity_key, d.detail, d.value_reported, d.value_computed, d.source_file, d.sheet, d.row_number, d.rule
    FROM dq_issue d
    LEFT JOIN admin_unit u ON u.unit_code = d.unit_code
    LEFT JOIN admin_unit c ON c.unit_code = d.current_unit_code
    LEFT JOIN admin_unit f ON f.unit_code = d.former_unit_code
"""
#: the view of 0005 that reads dq_issue, dropped and made again around the downgrade's table copy (SQLite)
V_FINDINGS_BY_UNIT = """
    CREATE VIEW v_findings_by_unit AS
    SELECT d.province_code, d.period, d.unit_code,
           TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
           d.kind, d.severity, COUNT(*) AS count
    FROM dq_issue d
    LEFT JOIN admin_unit u ON u.unit_code = d.unit_code
    GROUP BY d.province_code, d.period, d.unit_code, u.kind_vi, u.name_vi, d.kind, d.severity
"""


def upgrade() -> None:
    op.add_column("dq_issue", sa.Column("current_unit_code", sa.String(), nullable=True, comment=CURRENT_COMMENT))
    op.add_column("dq_issue", sa.Column("former_unit_code", sa.String(), nullable=True, comment=FORMER_COMMENT))
    op.create_index(INDEX, "dq_issue", ["province_code", "period", "current_unit_code"])
    op.execute(
        sa.text(
            "UPDATE dq_issue SET current_unit_code = unit_code WHERE unit_code IN "
            "(SELECT unit_code FROM admin_unit WHERE valid_to IS NULL)"
        )
    )
    op.execute(sa.text(V_FINDING))


def downgrade() -> None:
    op.execute(sa.text("DROP VIEW IF EXISTS v_finding"))
    op.drop_index(INDEX, table_name="dq_issue")
    op.execute(sa.text("DROP VIEW IF EXISTS v_findings_by_unit"))
    with op.batch_alter_table("dq_issue") as batch:
        batch.drop_column("former_unit_code")
        batch.drop_column("current_unit_code")
    op.execute(sa.text(V_FINDINGS_BY_UNIT))

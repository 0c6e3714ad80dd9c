"""breakdown tables (issue 15): rpt_breakdown, the sector × status cross-tab of Biểu 02 computed in the
reconcile stage by the indicators' classification.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:57:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rpt_breakdown",
        sa.Column(
            "id",
            sa.Integer(),
            autoincrement=True,
            nullable=False,
            comment="Surrogate key (no meaning; changes when the period is reloaded).",
        ),
        sa.Column(
            "period",
            sa.String(length=7),
            nullable=False,
            comment="Reporting period YYYY-Qn; figures are cumulative from 1 January to the quarter's end (lũy kế).",
        ),
        sa.Column("unit_code", sa.String(), nullable=False, comment="Province or reporting unit."),
        sa.Column(
            "breakdown",
            sa.String(),
            nullable=False,
            comment="Which breakdown: 'sector_status' (sector × status and grade class of the counted cooperatives).",
        ),
        sa.Column(
            "row_key",
            sa.String(),
            nullable=False,
            comment="Row of the breakdown; sector_status: the sector code (AGRI … OTHER).",
        ),
        sa.Column(
            "col_key",
            sa.String(),
            nullable=False,
            comment="Column of the breakdown; sector_status: ACTIVE, GOOD, AVERAGE (grades of ACTIVE), WEAK, SUSPENDED, NOT_STARTED or DISSOLVING (a cooperative 'Đã giải thể' dissolved after the period end counts as DISSOLVING, as in HTX_DISSOLVING).",
        ),
        sa.Column("value", sa.Float(), nullable=False, comment="The figure (a count for sector_status)."),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_rpt_breakdown_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rpt_breakdown")),
        sa.UniqueConstraint(
            "period",
            "unit_code",
            "breakdown",
            "row_key",
            "col_key",
            name=op.f("uq_rpt_breakdown_period_unit_code_breakdown_row_key_col_key"),
        ),
        comment="Cross-tabulated figures the published sheets show beyond single indicators, computed in the reconcile stage by the indicators' own definitions (kttt_pipeline/reconcile/breakdown.py), for the province and each reporting unit with figures; every cell of a grid is a row, zeros included. breakdown 'sector_status' (Biểu 02): cooperatives counted in HTX_TOTAL by sector (row_key) and status or grade class (col_key); a row's ACTIVE, WEAK, SUSPENDED, NOT_STARTED and DISSOLVING add up to HTX_SECTOR_<row_key>, a column's sectors to HTX_<col_key>. Completeness as rpt_indicator's (period_status).",
    )
    op.create_index(
        op.f("ix_rpt_breakdown_breakdown_unit_code_period"),
        "rpt_breakdown",
        ["breakdown", "unit_code", "period"],
        unique=False,
    )
    op.create_index(op.f("ix_rpt_breakdown_unit_code"), "rpt_breakdown", ["unit_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_rpt_breakdown_unit_code"), table_name="rpt_breakdown")
    op.drop_index(op.f("ix_rpt_breakdown_breakdown_unit_code_period"), table_name="rpt_breakdown")
    op.drop_table("rpt_breakdown")

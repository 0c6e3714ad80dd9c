"""restated history (spec §11.1): rpt_indicator_restated and the analysts' view v_indicator_comparable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 21:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# documented in models.VIEW_DOCS; portable SQL (SQLite >= 3.25 and PostgreSQL). Every period's restated rows are
# loaded (for a period reported by the current units they are rpt_indicator's own count and sum rows), so the view
# reads them alone; 'source' says whether the unit itself reported the figure in that period.
VIEW_COMPARABLE = """
    CREATE VIEW v_indicator_comparable AS
    SELECT s.period, s.unit_code,
           TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
           s.indicator_code, s.value,
           CASE WHEN r.id IS NULL THEN 'restated' ELSE 'reported' END AS source,
           ps.is_complete AS is_complete
    FROM rpt_indicator_restated s
    JOIN admin_unit u ON u.unit_code = s.unit_code
    LEFT JOIN rpt_indicator r
           ON r.period = s.period AND r.unit_code = s.unit_code AND r.indicator_code = s.indicator_code
    LEFT JOIN period_status ps ON ps.period = s.period
"""


def upgrade() -> None:
    op.create_table(
        "rpt_indicator_restated",
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
        sa.Column("unit_code", sa.String(), nullable=False, comment="Province or a unit in force since the reform."),
        sa.Column(
            "indicator_code",
            sa.String(),
            nullable=False,
            comment="A count or sum indicator of vocab/indicators.csv over cooperatives and groups (no averages, shares or % of plan).",
        ),
        sa.Column(
            "value",
            sa.Float(),
            nullable=True,
            comment="Value restated on the unit (the province row equals rpt_indicator's).",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_rpt_indicator_restated_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rpt_indicator_restated")),
        sa.UniqueConstraint(
            "period",
            "unit_code",
            "indicator_code",
            name=op.f("uq_rpt_indicator_restated_period_unit_code_indicator_code"),
        ),
        comment="Restated history (spec §11.1): the count and sum indicators over cooperatives and groups for the province and each unit in force since the reform (communes, wards, special zones). A period reported by the former districts is re-counted by placing each cooperative and group in its current unit (address, else tax-register address, else a whole former district); the rows it could not place count in the province row only (finding COMMUNE_UNPLACED). For a period reported by the current units the rows are rpt_indicator's.",
    )
    op.create_index(
        op.f("ix_rpt_indicator_restated_indicator_code_unit_code_period"),
        "rpt_indicator_restated",
        ["indicator_code", "unit_code", "period"],
        unique=False,
    )
    op.create_index(op.f("ix_rpt_indicator_restated_unit_code"), "rpt_indicator_restated", ["unit_code"], unique=False)
    op.execute(sa.text(VIEW_COMPARABLE))


def downgrade() -> None:
    op.execute(sa.text("DROP VIEW IF EXISTS v_indicator_comparable"))
    op.drop_index(op.f("ix_rpt_indicator_restated_unit_code"), table_name="rpt_indicator_restated")
    op.drop_index(
        op.f("ix_rpt_indicator_restated_indicator_code_unit_code_period"), table_name="rpt_indicator_restated"
    )
    op.drop_table("rpt_indicator_restated")

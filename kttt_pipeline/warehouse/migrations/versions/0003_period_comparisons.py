"""comparisons with earlier periods (issue 16): v_indicator_history and v_indicator_comparable gain the values of
the previous quarter and of the same quarter a year earlier.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Period keys are 'YYYY-Qn'. The previous quarter and the same quarter a year earlier are computed from the key
# (SUBSTR, CAST, ||: the same on SQLite >= 3.25 and PostgreSQL) and joined, so a quarter that is not loaded gives
# a null, never the value of another quarter. Documented in models.VIEW_DOCS.
def _previous_quarter(col: str) -> str:
    return (
        f"CASE WHEN SUBSTR({col}, 7, 1) = '1' "
        f"THEN CAST(CAST(SUBSTR({col}, 1, 4) AS INTEGER) - 1 AS VARCHAR(4)) || '-Q4' "
        f"ELSE SUBSTR({col}, 1, 6) || CAST(CAST(SUBSTR({col}, 7, 1) AS INTEGER) - 1 AS VARCHAR(1)) END"
    )


def _previous_year(col: str) -> str:
    return f"CAST(CAST(SUBSTR({col}, 1, 4) AS INTEGER) - 1 AS VARCHAR(4)) || SUBSTR({col}, 5, 3)"


_PCT = "CASE WHEN {v} IS NULL OR {p} IS NULL OR {p} = 0 THEN NULL ELSE 100.0 * ({v} - {p}) / {p} END"

VIEW_HISTORY = f"""
    CREATE VIEW v_indicator_history AS
    SELECT h.indicator_code, h.unit_code, h.period, h.value, h.previous_period, h.previous_value,
           h.value - h.previous_value AS change,
           h.previous_quarter, pq.value AS previous_quarter_value,
           h.previous_year_period, py.value AS previous_year_value,
           {_PCT.format(v="h.value", p="py.value")} AS change_vs_previous_year_pct
    FROM (
        SELECT r.indicator_code, r.unit_code, r.period, r.value,
               LAG(r.period) OVER (PARTITION BY r.indicator_code, r.unit_code ORDER BY r.period) AS previous_period,
               LAG(r.value) OVER (PARTITION BY r.indicator_code, r.unit_code ORDER BY r.period) AS previous_value,
               {_previous_quarter("r.period")} AS previous_quarter,
               {_previous_year("r.period")} AS previous_year_period
        FROM rpt_indicator r
    ) h
    LEFT JOIN rpt_indicator pq
           ON pq.indicator_code = h.indicator_code AND pq.unit_code = h.unit_code AND pq.period = h.previous_quarter
    LEFT JOIN rpt_indicator py
           ON py.indicator_code = h.indicator_code AND py.unit_code = h.unit_code
          AND py.period = h.previous_year_period
"""

VIEW_COMPARABLE = f"""
    CREATE VIEW v_indicator_comparable AS
    SELECT c.period, c.unit_code, c.unit_name, c.indicator_code, c.value, c.source, c.is_complete,
           c.previous_quarter, pq.value AS previous_quarter_value,
           c.previous_year_period, py.value AS previous_year_value,
           {_PCT.format(v="c.value", p="py.value")} AS change_vs_previous_year_pct
    FROM (
        SELECT s.period, s.unit_code,
               TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
               s.indicator_code, s.value,
               CASE WHEN r.id IS NULL THEN 'restated' ELSE 'reported' END AS source,
               ps.is_complete AS is_complete,
               {_previous_quarter("s.period")} AS previous_quarter,
               {_previous_year("s.period")} AS previous_year_period
        FROM rpt_indicator_restated s
        JOIN admin_unit u ON u.unit_code = s.unit_code
        LEFT JOIN rpt_indicator r
               ON r.period = s.period AND r.unit_code = s.unit_code AND r.indicator_code = s.indicator_code
        LEFT JOIN period_status ps ON ps.period = s.period
    ) c
    LEFT JOIN rpt_indicator_restated pq
           ON pq.indicator_code = c.indicator_code AND pq.unit_code = c.unit_code AND pq.period = c.previous_quarter
    LEFT JOIN rpt_indicator_restated py
           ON py.indicator_code = c.indicator_code AND py.unit_code = c.unit_code
          AND py.period = c.previous_year_period
"""

# the definitions of 0001 and 0002, restored by the downgrade
OLD_HISTORY = """
    CREATE VIEW v_indicator_history AS
    SELECT h.indicator_code, h.unit_code, h.period, h.value, h.previous_period, h.previous_value,
           h.value - h.previous_value AS change
    FROM (
        SELECT r.indicator_code, r.unit_code, r.period, r.value,
               LAG(r.period) OVER (PARTITION BY r.indicator_code, r.unit_code ORDER BY r.period) AS previous_period,
               LAG(r.value) OVER (PARTITION BY r.indicator_code, r.unit_code ORDER BY r.period) AS previous_value
        FROM rpt_indicator r
    ) h
"""
OLD_COMPARABLE = """
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
    op.execute(sa.text("DROP VIEW IF EXISTS v_indicator_history"))
    op.execute(sa.text("DROP VIEW IF EXISTS v_indicator_comparable"))
    op.execute(sa.text(VIEW_HISTORY))
    op.execute(sa.text(VIEW_COMPARABLE))


def downgrade() -> None:
    op.execute(sa.text("DROP VIEW IF EXISTS v_indicator_history"))
    op.execute(sa.text("DROP VIEW IF EXISTS v_indicator_comparable"))
    op.execute(sa.text(OLD_HISTORY))
    op.execute(sa.text(OLD_COMPARABLE))

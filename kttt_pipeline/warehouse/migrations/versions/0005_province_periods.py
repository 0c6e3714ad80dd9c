"""a period belongs to a province (issue 23): every per-period table and the targets gain ``province_code``, part of
their keys and indexes; the analysts' views carry it and join on it. Loading a province's period then replaces
exactly (province_code, period), the targets exactly (province_code, year), so one warehouse holds several
provinces side by side.

Existing rows are kept and backfilled (docs/decisions.md, "A period belongs to a province"):

1. a period's rows take the province whose own row is among the period's ``rpt_indicator`` rows (the row whose
   unit_code is a unit of level 'province': the rows say themselves whose period they are);
2. rows of a period without such a row (or with several), and targets of a year whose periods do not name one
   province, take the warehouse's only province of ``admin_unit`` when it holds exactly one;
3. else the configured province (``KTTT_PROVINCE``, else the packaged default) of the process that migrates.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


PROVINCE_COMMENT = (
    "Province the row belongs to (the province's admin_unit.unit_code, e.g. '22'): a period belongs "
    "to a province, and loading one replaces exactly its (province_code, period) rows."
)
STATUS_COMMENT = "Province the period belongs to (the province's admin_unit.unit_code, e.g. '22')."
TARGET_COMMENT = (
    "Province whose plan this is (the province's admin_unit.unit_code, e.g. '22'); a load replaces "
    "exactly its (province_code, year) rows."
)

# table → its keys and indexes that gain province_code: (kind, old name, new name, new columns)
KEYS: dict[str, list[tuple[str, str, str, list[str]]]] = {
    "load_audit": [
        (
            "uq",
            "uq_load_audit_period_source_file",
            "uq_load_audit_province_code_period_source_file",
            ["province_code", "period", "source_file"],
        )
    ],
    "stg_cooperative": [
        (
            "ix",
            "ix_stg_cooperative_period_unit_code",
            "ix_stg_cooperative_province_code_period_unit_code",
            ["province_code", "period", "unit_code"],
        )
    ],
    "stg_group": [
        (
            "ix",
            "ix_stg_group_period_unit_code",
            "ix_stg_group_province_code_period_unit_code",
            ["province_code", "period", "unit_code"],
        )
    ],
    "stg_tax_register": [
        (
            "ix",
            "ix_stg_tax_register_period_tax_code",
            "ix_stg_tax_register_province_code_period_tax_code",
            ["province_code", "period", "tax_code"],
        )
    ],
    "stg_summary_figure": [
        (
            "ix",
            "ix_stg_summary_figure_period_unit_code",
            "ix_stg_summary_figure_province_code_period_unit_code",
            ["province_code", "period", "unit_code"],
        )
    ],
    "quarantine": [
        (
            "ix",
            "ix_quarantine_period_unit_code",
            "ix_quarantine_province_code_period_unit_code",
            ["province_code", "period", "unit_code"],
        )
    ],
    "cooperative": [
        (
            "uq",
            "uq_cooperative_period_coop_key",
            "uq_cooperative_province_code_period_coop_key",
            ["province_code", "period", "coop_key"],
        ),
        (
            "ix",
            "ix_cooperative_period_unit_code",
            "ix_cooperative_province_code_period_unit_code",
            ["province_code", "period", "unit_code"],
        ),
    ],
    "cooperative_group": [
        (
            "ix",
            "ix_cooperative_group_period_unit_code",
            "ix_cooperative_group_province_code_period_unit_code",
            ["province_code", "period", "unit_code"],
        )
    ],
    "cooperative_union": [
        ("ix", "ix_cooperative_union_period", "ix_cooperative_union_province_code_period", ["province_code", "period"])
    ],
    "credit_fund": [
        ("ix", "ix_credit_fund_period", "ix_credit_fund_province_code_period", ["province_code", "period"])
    ],
    "rpt_indicator": [
        (
            "uq",
            "uq_rpt_indicator_period_unit_code_indicator_code",
            "uq_rpt_indicator_province_code_period_unit_code_indicator_code",
            ["province_code", "period", "unit_code", "indicator_code"],
        )
    ],
    "rpt_indicator_restated": [
        (
            "uq",
            "uq_rpt_indicator_restated_period_unit_code_indicator_code",
            "uq_rpt_indicator_restated_province_code_period_unit_indicator",
            ["province_code", "period", "unit_code", "indicator_code"],
        )
    ],
    "rpt_breakdown": [
        (
            "uq",
            "uq_rpt_breakdown_period_unit_code_breakdown_row_key_col_key",
            "uq_rpt_breakdown_province_code_period_unit_code_cell",
            ["province_code", "period", "unit_code", "breakdown", "row_key", "col_key"],
        )
    ],
    "dq_issue": [
        ("ix", "ix_dq_issue_period_kind", "ix_dq_issue_province_code_period_kind", ["province_code", "period", "kind"]),
        (
            "ix",
            "ix_dq_issue_period_unit_code",
            "ix_dq_issue_province_code_period_unit_code",
            ["province_code", "period", "unit_code"],
        ),
    ],
    "target": [
        (
            "ix",
            "ix_target_year_indicator_code",
            "ix_target_province_code_year_indicator_code",
            ["province_code", "year", "indicator_code"],
        )
    ],
}
PERIOD_TABLES = ["period_status", *[t for t in KEYS if t != "target"]]
VIEW_NAMES = ["v_indicator_by_unit", "v_indicator_history", "v_indicator_comparable", "v_findings_by_unit"]


# ------------------------------------------------------------------------------------------------- views
# Portable SQL (SQLite >= 3.25 and PostgreSQL), documented in models.VIEW_DOCS. Every join stays within one
# province; a province's own row is its unit_code = province_code.
def _previous_quarter(col: str) -> str:
    return (
        f"CASE WHEN SUBSTR({col}, 7, 1) = '1' "
        f"THEN CAST(CAST(SUBSTR({col}, 1, 4) AS INTEGER) - 1 AS VARCHAR(4)) || '-Q4' "
        f"ELSE SUBSTR({col}, 1, 6) || CAST(CAST(SUBSTR({col}, 7, 1) AS INTEGER) - 1 AS VARCHAR(1)) END"
    )


def _previous_year(col: str) -> str:
    return f"CAST(CAST(SUBSTR({col}, 1, 4) AS INTEGER) - 1 AS VARCHAR(4)) || SUBSTR({col}, 5, 3)"


_PCT = "CASE WHEN {v} IS NULL OR {p} IS NULL OR {p} = 0 THEN NULL ELSE 100.0 * ({v} - {p}) / {p} END"

VIEWS: dict[str, str] = {
    "v_indicator_by_unit": """
        CREATE VIEW v_indicator_by_unit AS
        SELECT r.province_code, r.period, r.indicator_code, r.unit_code,
               TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
               r.value,
               p.value AS province_value,
               CASE WHEN r.value IS NULL OR p.value IS NULL OR p.value = 0 THEN NULL
                    ELSE 100.0 * r.value / p.value END AS share_of_province,
               p.is_complete AS province_is_complete
        FROM rpt_indicator r
        JOIN admin_unit u ON u.unit_code = r.unit_code
        LEFT JOIN rpt_indicator p
               ON p.province_code = r.province_code AND p.period = r.period
              AND p.indicator_code = r.indicator_code AND p.unit_code = r.province_code
        WHERE r.unit_code <> r.province_code AND u.level <> 'province'
    """,
    "v_indicator_history": f"""
        CREATE VIEW v_indicator_history AS
        SELECT h.province_code, h.indicator_code, h.unit_code, h.period, h.value, h.previous_period,
               h.previous_value, h.value - h.previous_value AS change,
               h.previous_quarter, pq.value AS previous_quarter_value,
               h.previous_year_period, py.value AS previous_year_value,
               {_PCT.format(v="h.value", p="py.value")} AS change_vs_previous_year_pct
        FROM (
            SELECT r.province_code, r.indicator_code, r.unit_code, r.period, r.value,
                   LAG(r.period) OVER (PARTITION BY r.province_code, r.indicator_code, r.unit_code
                                       ORDER BY r.period) AS previous_period,
                   LAG(r.value) OVER (PARTITION BY r.province_code, r.indicator_code, r.unit_code
                                      ORDER BY r.period) AS previous_value,
                   {_previous_quarter("r.period")} AS previous_quarter,
                   {_previous_year("r.period")} AS previous_year_period
            FROM rpt_indicator r
        ) h
        LEFT JOIN rpt_indicator pq
               ON pq.province_code = h.province_code AND pq.indicator_code = h.indicator_code
              AND pq.unit_code = h.unit_code AND pq.period = h.previous_quarter
        LEFT JOIN rpt_indicator py
               ON py.province_code = h.province_code AND py.indicator_code = h.indicator_code
              AND py.unit_code = h.unit_code AND py.period = h.previous_year_period
    """,
    "v_indicator_comparable": f"""
        CREATE VIEW v_indicator_comparable AS
        SELECT c.province_code, c.period, c.unit_code, c.unit_name, c.indicator_code, c.value, c.source,
               c.is_complete, c.previous_quarter, pq.value AS previous_quarter_value,
               c.previous_year_period, py.value AS previous_year_value,
               {_PCT.format(v="c.value", p="py.value")} AS change_vs_previous_year_pct
        FROM (
            SELECT s.province_code, s.period, s.unit_code,
                   TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
                   s.indicator_code, s.value,
                   CASE WHEN r.id IS NULL THEN 'restated' ELSE 'reported' END AS source,
                   ps.is_complete AS is_complete,
                   {_previous_quarter("s.period")} AS previous_quarter,
                   {_previous_year("s.period")} AS previous_year_period
            FROM rpt_indicator_restated s
            JOIN admin_unit u ON u.unit_code = s.unit_code
            LEFT JOIN rpt_indicator r
                   ON r.province_code = s.province_code AND r.period = s.period AND r.unit_code = s.unit_code
                  AND r.indicator_code = s.indicator_code
            LEFT JOIN period_status ps ON ps.province_code = s.province_code AND ps.period = s.period
        ) c
        LEFT JOIN rpt_indicator_restated pq
               ON pq.province_code = c.province_code AND pq.indicator_code = c.indicator_code
              AND pq.unit_code = c.unit_code AND pq.period = c.previous_quarter
        LEFT JOIN rpt_indicator_restated py
               ON py.province_code = c.province_code AND py.indicator_code = c.indicator_code
              AND py.unit_code = c.unit_code AND py.period = c.previous_year_period
    """,
    "v_findings_by_unit": """
        CREATE VIEW v_findings_by_unit AS
        SELECT d.province_code, d.period, d.unit_code,
               TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
               d.kind, d.severity, COUNT(*) AS count
        FROM dq_issue d
        LEFT JOIN admin_unit u ON u.unit_code = d.unit_code
        GROUP BY d.province_code, d.period, d.unit_code, u.kind_vi, u.name_vi, d.kind, d.severity
    """,
}

# the definitions of 0001 and 0003, restored by the downgrade
OLD_VIEWS: dict[str, str] = {
    "v_indicator_by_unit": """
        CREATE VIEW v_indicator_by_unit AS
        SELECT r.period, r.indicator_code, r.unit_code,
               TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
               r.value,
               p.value AS province_value,
               CASE WHEN r.value IS NULL OR p.value IS NULL OR p.value = 0 THEN NULL
                    ELSE 100.0 * r.value / p.value END AS share_of_province,
               p.is_complete AS province_is_complete
        FROM rpt_indicator r
        JOIN admin_unit u ON u.unit_code = r.unit_code
        JOIN admin_unit pu ON pu.level = 'province'
        LEFT JOIN rpt_indicator p
               ON p.period = r.period AND p.indicator_code = r.indicator_code AND p.unit_code = pu.unit_code
        WHERE u.level <> 'province'
    """,
    "v_indicator_history": f"""
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
    """,
    "v_indicator_comparable": f"""
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
    """,
    "v_findings_by_unit": """
        CREATE VIEW v_findings_by_unit AS
        SELECT d.period, d.unit_code,
               TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
               d.kind, d.severity, COUNT(*) AS count
        FROM dq_issue d
        LEFT JOIN admin_unit u ON u.unit_code = d.unit_code
        GROUP BY d.period, d.unit_code, u.kind_vi, u.name_vi, d.kind, d.severity
    """,
}


def _drop_views() -> None:
    for name in reversed(VIEW_NAMES):
        op.execute(sa.text(f"DROP VIEW IF EXISTS {name}"))


def _configured_province() -> str:
    from kttt_pipeline.core.admin_units import default_province

    return default_province()


def backfill_provinces(conn: sa.Connection) -> tuple[dict[str, str], dict[int, str], str]:
    """The province of each period and of each target year the existing rows name, and the fallback
    (module docstring)."""
    provinces = [str(r[0]) for r in conn.execute(sa.text("SELECT unit_code FROM admin_unit WHERE level = 'province'"))]
    found: dict[str, set[str]] = {}
    for period, code in conn.execute(
        sa.text(
            "SELECT DISTINCT r.period, r.unit_code FROM rpt_indicator r "
            "JOIN admin_unit u ON u.unit_code = r.unit_code WHERE u.level = 'province'"
        )
    ):
        found.setdefault(str(period), set()).add(str(code))
    by_period = {p: next(iter(codes)) for p, codes in found.items() if len(codes) == 1}
    fallback = provinces[0] if len(provinces) == 1 else _configured_province()
    years: dict[int, set[str]] = {}
    for p, code in by_period.items():
        years.setdefault(int(p[:4]), set()).add(code)
    by_year = {y: next(iter(codes)) for y, codes in years.items() if len(codes) == 1}
    return by_period, by_year, fallback


def upgrade() -> None:
    conn = op.get_bind()
    _drop_views()
    for table in ["period_status", *KEYS]:
        op.add_column(table, sa.Column("province_code", sa.String(), nullable=True))
    by_period, by_year, fallback = backfill_provinces(conn)
    for table in PERIOD_TABLES:
        for period, code in sorted(by_period.items()):
            conn.execute(
                sa.text(f"UPDATE {table} SET province_code = :c WHERE period = :p AND province_code IS NULL"),
                {"c": code, "p": period},
            )
        conn.execute(sa.text(f"UPDATE {table} SET province_code = :c WHERE province_code IS NULL"), {"c": fallback})
    for year, code in sorted(by_year.items()):
        conn.execute(
            sa.text("UPDATE target SET province_code = :c WHERE year = :y AND province_code IS NULL"),
            {"c": code, "y": year},
        )
    conn.execute(sa.text("UPDATE target SET province_code = :c WHERE province_code IS NULL"), {"c": fallback})

    with op.batch_alter_table("period_status", recreate="auto") as batch:
        batch.alter_column("province_code", existing_type=sa.String(), nullable=False, comment=STATUS_COMMENT)
        batch.drop_constraint("pk_period_status", type_="primary")
        batch.create_primary_key("pk_period_status", ["province_code", "period"])
    for table, keys in KEYS.items():
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "province_code",
                existing_type=sa.String(),
                nullable=False,
                comment=TARGET_COMMENT if table == "target" else PROVINCE_COMMENT,
            )
            for kind, old, new, cols in keys:
                if kind == "uq":
                    batch.drop_constraint(old, type_="unique")
                    batch.create_unique_constraint(new, cols)
                else:
                    batch.drop_index(old)
                    batch.create_index(new, cols, unique=False)
    for name in VIEW_NAMES:
        op.execute(sa.text(VIEWS[name]))


def downgrade() -> None:
    """Back to one province per warehouse: fails (a unique key) when the warehouse holds several provinces'
    rows of one period."""
    _drop_views()
    for table, keys in KEYS.items():
        with op.batch_alter_table(table) as batch:
            for kind, old, new, cols in keys:
                if kind == "uq":
                    batch.drop_constraint(new, type_="unique")
                    batch.create_unique_constraint(old, [c for c in cols if c != "province_code"])
                else:
                    batch.drop_index(new)
                    batch.create_index(old, [c for c in cols if c != "province_code"], unique=False)
            batch.drop_column("province_code")
    with op.batch_alter_table("period_status", recreate="auto") as batch:
        batch.drop_constraint("pk_period_status", type_="primary")
        batch.create_primary_key("pk_period_status", ["period"])
        batch.drop_column("province_code")
    for name in VIEW_NAMES:
        op.execute(sa.text(OLD_VIEWS[name]))

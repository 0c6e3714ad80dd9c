"""dated units: table admin_unit_version (one row per unit of a province's register and validity interval, the
province itself included, with the kind and name in force in it) and the view v_unit_in_force (each unit as it was
at the end of each loaded period); the views that name units (v_indicator, v_indicator_by_unit,
v_indicator_comparable, v_findings_by_unit, v_finding) name them as the period's end does. Comments: dim_indicator
(the sector shares have their rows), dq_issue.current_unit_code (a cooperative vanished across the reform has one).

Rows loaded before this revision are kept: admin_unit stays as it was (the key every table refers to), and each of
its rows whose province is known (the province itself, its units, their former communes) becomes one version of
its unit; the next load of a province writes the register's dated versions over them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 15:30:00
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the first day of a version the register gives no start for ("since before the data")
OPEN_START = dt.date(1, 1, 1)

TABLE_COMMENT = (
    "The dated versions of the units of each province's register (a slowly changing dimension): one row per unit "
    "and validity interval, the province itself included (unit_code = province_code), with the kind and name in "
    "force in that interval; a unit whose kind or name changed (a xã that became a phường, a tỉnh that became a "
    "thành phố) has a row per interval. Every load writes its province's register, keeping the versions it does "
    "not hold; v_unit_in_force gives the version in force at each loaded period's end."
)
COLUMNS = [
    (
        "province_code",
        sa.String,
        False,
        "Province whose register the version comes from (the province's admin_unit.unit_code); a load writes its "
        "province's versions only.",
    ),
    (
        "unit_code",
        sa.String,
        False,
        "The unit (admin_unit.unit_code); the province's own versions have unit_code = province_code.",
    ),
    (
        "valid_from",
        sa.Date,
        False,
        "First day the version is in force; 0001-01-01 where the register gives none (since before the data).",
    ),
    ("valid_to", sa.Date, True, "Last day the version is in force (null: still in force)."),
    ("level", sa.String, False, "province, district, commune, special_zone (as in admin_unit)."),
    ("name_vi", sa.Text, False, "Vietnamese name in force in the interval, without its kind, e.g. 'Quảng Ninh'."),
    (
        "kind_vi",
        sa.Text,
        True,
        "Kind in force in the interval: Tỉnh, Thành phố, Thị xã, Huyện, Xã, Phường, Đặc khu.",
    ),
    (
        "parent_code",
        sa.String,
        True,
        "Unit this one belongs to in the interval (the province for reporting units); null for the province.",
    ),
]

INDICATOR_COMMENT_OLD = (
    "The indicators of vocab/indicators.csv (the dimension of rpt_indicator.indicator_code): Vietnamese label, unit "
    "of measure and kind (count, sum, average or share), written by every load. The sector shares <CODE>_PCT "
    "derived from a sector count have no row."
)
INDICATOR_COMMENT = (
    "The indicators of vocab/indicators.csv (the dimension of rpt_indicator.indicator_code): Vietnamese label, unit "
    "of measure and kind (count, sum, average or share), written by every load. The sector shares <CODE>_PCT have "
    "their rows (vocab/indicator_shares.csv)."
)

CURRENT_COMMENT_OLD = (
    "The unit in force since the 2025 reform the finding concerns: the unit itself when unit_code is a unit still "
    "in force; for a restated row of a former district, the current unit it was placed in (COMMUNE_SPLIT); null "
    "where no single current unit is known (a former unit as a whole, a cooperative that vanished across the "
    "reform, an unplaced row)."
)
CURRENT_COMMENT = (
    "The unit in force since the 2025 reform the finding concerns: the unit itself when unit_code is a unit still "
    "in force; for a restated row of a former district, the current unit it was placed in (COMMUNE_SPLIT); for a "
    "cooperative that vanished across the reform, the unit its address places it in (COOP_VANISHED); null where "
    "no single current unit is known (a former unit as a whole, an unplaced row)."
)


def _comments(table: str, new: str, old: str, column: str | None = None) -> None:
    """A table's or column's comment changed (SQLite keeps no comments)."""
    if op.get_bind().dialect.name == "sqlite":
        return
    if column is None:
        op.create_table_comment(table, new, existing_comment=old)
    else:
        op.alter_column(
            table, column, comment=new, existing_comment=old, existing_type=sa.String(), existing_nullable=True
        )


def _period_end(col: str, dialect: str) -> str:
    """The last day of a period 'YYYY-Qn' as SQL: a date on PostgreSQL, its ISO text on SQLite (where the Date
    columns hold ISO text)."""
    text = (
        f"SUBSTR({col}, 1, 4) || CASE SUBSTR({col}, 7, 1) WHEN '1' THEN '-03-31' WHEN '2' THEN '-06-30' "
        "WHEN '3' THEN '-09-30' ELSE '-12-31' END"
    )
    return f"CAST({text} AS DATE)" if dialect == "postgresql" else f"({text})"


def _v_unit_in_force(dialect: str) -> str:
    end = _period_end("p.period", dialect)
    return f"""
    CREATE VIEW v_unit_in_force AS
    SELECT p.province_code, p.period, {end} AS period_end, v.unit_code, v.level, v.kind_vi, v.name_vi,
           TRIM(COALESCE(v.kind_vi, '') || ' ' || v.name_vi) AS unit_name, v.parent_code, v.valid_from, v.valid_to
    FROM period_status p
    JOIN admin_unit_version v
      ON v.province_code = p.province_code AND v.valid_from <= {end}
     AND (v.valid_to IS NULL OR v.valid_to >= {end})
"""


def _name(alias: str, unit: str) -> str:
    """The unit's kind and name in force at the period's end (``{alias}``: its v_unit_in_force row), else as
    admin_unit holds it (``{unit}``: a unit not in force then)."""
    return f"COALESCE({alias}.unit_name, TRIM(COALESCE({unit}.kind_vi, '') || ' ' || {unit}.name_vi))"


def _in_force(alias: str, row: str, code: str) -> str:
    return (
        f"LEFT JOIN v_unit_in_force {alias} ON {alias}.province_code = {row}.province_code "
        f"AND {alias}.period = {row}.period AND {alias}.unit_code = {code}"
    )


_PCT = "CASE WHEN {v} IS NULL OR {p} IS NULL OR {p} = 0 THEN NULL ELSE 100.0 * ({v} - {p}) / {p} END"


def _previous_quarter(col: str) -> str:
    return (
        f"CASE WHEN SUBSTR({col}, 7, 1) = '1' "
        f"THEN CAST(CAST(SUBSTR({col}, 1, 4) AS INTEGER) - 1 AS VARCHAR(4)) || '-Q4' "
        f"ELSE SUBSTR({col}, 1, 6) || CAST(CAST(SUBSTR({col}, 7, 1) AS INTEGER) - 1 AS VARCHAR(1)) END"
    )


def _previous_year(col: str) -> str:
    return f"CAST(CAST(SUBSTR({col}, 1, 4) AS INTEGER) - 1 AS VARCHAR(4)) || SUBSTR({col}, 5, 3)"


#: the views that name units, as this revision makes them (in force at the period's end)
VIEWS: dict[str, str] = {
    "v_indicator_by_unit": f"""
        CREATE VIEW v_indicator_by_unit AS
        SELECT r.province_code, r.period, r.indicator_code, r.unit_code,
               {_name("w", "u")} AS unit_name,
               r.value,
               p.value AS province_value,
               CASE WHEN r.value IS NULL OR p.value IS NULL OR p.value = 0 THEN NULL
                    ELSE 100.0 * r.value / p.value END AS share_of_province,
               p.is_complete AS province_is_complete
        FROM rpt_indicator r
        JOIN admin_unit u ON u.unit_code = r.unit_code
        {_in_force("w", "r", "r.unit_code")}
        LEFT JOIN rpt_indicator p
               ON p.province_code = r.province_code AND p.period = r.period
              AND p.indicator_code = r.indicator_code AND p.unit_code = r.province_code
        WHERE r.unit_code <> r.province_code AND u.level <> 'province'
    """,
    "v_indicator_comparable": f"""
        CREATE VIEW v_indicator_comparable AS
        SELECT c.province_code, c.period, c.unit_code, c.unit_name, c.indicator_code, c.value, c.source,
               c.is_complete, c.previous_quarter, pq.value AS previous_quarter_value,
               c.previous_year_period, py.value AS previous_year_value,
               {_PCT.format(v="c.value", p="py.value")} AS change_vs_previous_year_pct
        FROM (
            SELECT s.province_code, s.period, s.unit_code,
                   {_name("w", "u")} AS unit_name,
                   s.indicator_code, s.value,
                   CASE WHEN r.id IS NULL THEN 'restated' ELSE 'reported' END AS source,
                   ps.is_complete AS is_complete,
                   {_previous_quarter("s.period")} AS previous_quarter,
                   {_previous_year("s.period")} AS previous_year_period
            FROM rpt_indicator_restated s
            JOIN admin_unit u ON u.unit_code = s.unit_code
            {_in_force("w", "s", "s.unit_code")}
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
    "v_findings_by_unit": f"""
        CREATE VIEW v_findings_by_unit AS
        SELECT d.province_code, d.period, d.unit_code,
               CASE WHEN d.unit_code IS NULL THEN NULL ELSE {_name("w", "u")} END AS unit_name,
               d.kind, d.severity, COUNT(*) AS count
        FROM dq_issue d
        LEFT JOIN admin_unit u ON u.unit_code = d.unit_code
        {_in_force("w", "d", "d.unit_code")}
        GROUP BY d.province_code, d.period, d.unit_code, w.unit_name, u.kind_vi, u.name_vi, d.kind, d.severity
    """,
    "v_finding": f"""
        CREATE VIEW v_finding AS
        SELECT d.province_code, d.period, d.id, d.kind, d.severity,
               d.unit_code, CASE WHEN d.unit_code IS NULL THEN NULL ELSE {_name("wu", "u")} END AS unit_name,
               d.current_unit_code,
               CASE WHEN d.current_unit_code IS NULL THEN NULL ELSE {_name("wc", "c")} END AS current_unit_name,
               d.former_unit_code,
               CASE WHEN d.former_unit_code IS NULL THEN NULL ELSE {_name("wf", "f")} END AS former_unit_name,
               d.entity_key, d.detail, d.value_reported, d.value_computed, d.source_file, d.sheet, d.row_number, d.rule
        FROM dq_issue d
        LEFT JOIN admin_unit u ON u.unit_code = d.unit_code
        LEFT JOIN admin_unit c ON c.unit_code = d.current_unit_code
        LEFT JOIN admin_unit f ON f.unit_code = d.former_unit_code
        {_in_force("wu", "d", "d.unit_code")}
        {_in_force("wc", "d", "d.current_unit_code")}
        {_in_force("wf", "d", "d.former_unit_code")}
    """,
    "v_indicator": f"""
        CREATE VIEW v_indicator AS
        SELECT r.province_code, r.period, r.unit_code,
               {_name("w", "u")} AS unit_name,
               r.indicator_code, i.name_vi AS indicator_name, i.unit_vi, i.kind,
               CASE WHEN i.kind = 'count' AND r.value IS NOT NULL THEN CAST(ROUND(r.value) AS INTEGER) END
                   AS count_value,
               r.value, r.is_complete
        FROM rpt_indicator r
        LEFT JOIN admin_unit u ON u.unit_code = r.unit_code
        {_in_force("w", "r", "r.unit_code")}
        LEFT JOIN dim_indicator i ON i.indicator_code = r.indicator_code
    """,
}

#: the definitions of 0005 and 0008, restored by the downgrade
OLD_VIEWS: dict[str, str] = {
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
    "v_finding": """
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
    """,
    "v_indicator": """
        CREATE VIEW v_indicator AS
        SELECT r.province_code, r.period, r.unit_code,
               TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
               r.indicator_code, i.name_vi AS indicator_name, i.unit_vi, i.kind,
               CASE WHEN i.kind = 'count' AND r.value IS NOT NULL THEN CAST(ROUND(r.value) AS INTEGER) END AS count_value,
               r.value, r.is_complete
        FROM rpt_indicator r
        LEFT JOIN admin_unit u ON u.unit_code = r.unit_code
        LEFT JOIN dim_indicator i ON i.indicator_code = r.indicator_code
    """,
}


def _versions_of_existing_units(bind) -> list[dict]:
    """One version per admin_unit row whose province is known: the province row itself, a unit whose parent is a
    province, a unit whose parent's parent is one (a former commune); placeholders of unknown units have none."""
    units = sa.table(
        "admin_unit",
        *(sa.column(c) for c in ("unit_code", "level", "name_vi", "kind_vi", "parent_code", "valid_from", "valid_to")),
    )
    rows = [dict(r._mapping) for r in bind.execute(sa.select(units))]
    by_code = {r["unit_code"]: r for r in rows}

    def province_of(row: dict, depth: int = 0) -> str | None:
        if row["level"] == "province":
            return row["unit_code"]
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        return province_of(parent, depth + 1) if parent is not None and depth < 3 else None

    out = []
    for r in rows:
        province = province_of(r)
        if province is None:
            continue
        start = r["valid_from"]
        if isinstance(start, str):
            start = dt.date.fromisoformat(start[:10])
        end = r["valid_to"]
        if isinstance(end, str):
            end = dt.date.fromisoformat(end[:10])
        out.append(
            {
                "province_code": province,
                "unit_code": r["unit_code"],
                "valid_from": start or OPEN_START,
                "valid_to": end,
                "level": r["level"],
                "name_vi": r["name_vi"],
                "kind_vi": r["kind_vi"],
                "parent_code": r["parent_code"],
            }
        )
    return out


def upgrade() -> None:
    bind = op.get_bind()
    versions = op.create_table(
        "admin_unit_version",
        *[sa.Column(name, type_(), nullable=nullable, comment=comment) for name, type_, nullable, comment in COLUMNS],
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_admin_unit_version_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("province_code", "unit_code", "valid_from", name=op.f("pk_admin_unit_version")),
        comment=TABLE_COMMENT,
    )
    rows = _versions_of_existing_units(bind)
    if rows:
        op.bulk_insert(versions, rows)
    _comments("dim_indicator", INDICATOR_COMMENT, INDICATOR_COMMENT_OLD)
    _comments("dq_issue", CURRENT_COMMENT, CURRENT_COMMENT_OLD, "current_unit_code")
    for name in VIEWS:
        op.execute(sa.text(f"DROP VIEW IF EXISTS {name}"))
    op.execute(sa.text(_v_unit_in_force(bind.dialect.name)))
    for sql in VIEWS.values():
        op.execute(sa.text(sql))


def downgrade() -> None:
    for name in VIEWS:
        op.execute(sa.text(f"DROP VIEW IF EXISTS {name}"))
    op.execute(sa.text("DROP VIEW IF EXISTS v_unit_in_force"))
    for sql in OLD_VIEWS.values():
        op.execute(sa.text(sql))
    _comments("dim_indicator", INDICATOR_COMMENT_OLD, INDICATOR_COMMENT)
    _comments("dq_issue", CURRENT_COMMENT_OLD, CURRENT_COMMENT, "current_unit_code")
    op.drop_table("admin_unit_version")

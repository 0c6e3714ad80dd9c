"""every finding findable by unit: dq_issue.current_unit_code (the unit in force since the 2025 reform the finding
concerns) and dq_issue.former_unit_code (the former unit it concerns where unit_code cannot name it), an index
by current unit, and the view v_finding (each finding with the names of its units); the indicator dimension
(table dim_indicator, written by every load from vocab/indicators.csv) and the view v_indicator (each published figure
with its unit's name, its label and kind, counts as integers); the province's 2025 crosswalk (table
unit_crosswalk, written by every load).

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
INDICATOR_COMMENT = (
    "The indicators of vocab/indicators.csv (the dimension of rpt_indicator.indicator_code): Vietnamese label, unit "
    "of measure and kind (count, sum, average or share), written by every load. The sector shares <CODE>_PCT "
    "derived from a sector count have no row."
)
INDICATOR_COLUMNS = [
    ("indicator_code", "Indicator code, e.g. HTX_TOTAL (rpt_indicator.indicator_code)."),
    ("indicator_group", "Group of the indicator in vocab/indicators.csv: HTX, THT, LHHTX, QTDND …"),
    ("name_vi", "Vietnamese label, as the report prints it."),
    ("unit_vi", "Unit of measure in Vietnamese: HTX, THT, người, triệu đồng, triệu đồng/người/tháng, % …"),
    (
        "kind",
        "count (a number of entities or people: an integer), sum (an amount of money), average (a rate per person "
        "or per entity) or share (a percentage), from the unit of measure.",
    ),
    ("definition", "How the indicator is computed (vocab/indicators.csv)."),
]
#: the SQL types of the indicator columns (codes String, words Text)
INDICATOR_TYPES = {"indicator_code": sa.String, "indicator_group": sa.String, "kind": sa.String}

UNIT_CROSSWALK_COMMENT = "The 2025 crosswalk of the province (spec §11.1): every former commune, ward or town (with its former district) and each current unit it went to, from the register a load used; a load replaces exactly its province's rows. A former commune split among several units has a row per unit, is_main on the one its cooperatives are restated in."
CROSSWALK_COLUMNS = [
    ("id", "Integer", False, "Surrogate key (no meaning; changes when the period is reloaded)."),
    (
        "province_code",
        "String",
        False,
        "Province whose crosswalk this is (its admin_unit.unit_code); a load replaces exactly its rows.",
    ),
    (
        "old_province_code",
        "String",
        False,
        "Province code of the former commune before the reform (a merged province's former provinces differ from province_code).",
    ),
    ("old_code", "String", False, "Code of the former commune (before 1/7/2025)."),
    ("old_name", "Text", False, "Name of the former commune, without its kind."),
    ("old_kind", "Text", True, "Kind of the former commune: Xã, Phường, Thị trấn."),
    ("old_district_code", "String", True, "Code of the former district it belonged to (admin_unit.unit_code)."),
    (
        "new_unit_code",
        "String",
        False,
        "The current unit (since 1/7/2025) the former commune went to in whole or in part.",
    ),
    ("share", "String", True, "full (the whole former commune) or partial (a part of it)."),
    (
        "is_main",
        "Boolean",
        False,
        "True for the unit a split former commune's cooperatives are restated in (spec §11.1).",
    ),
]

#: the SQL types of the crosswalk's columns by name
SQL_TYPES = {"Integer": sa.Integer, "String": sa.String, "Text": sa.Text, "Boolean": sa.Boolean}

V_INDICATOR = """
    CREATE VIEW v_indicator AS
    SELECT r.province_code, r.period, r.unit_code,
           TRIM(COALESCE(u.kind_vi, '') || ' ' || u.name_vi) AS unit_name,
           r.indicator_code, i.name_vi AS indicator_name, i.unit_vi, i.kind,
           CASE WHEN i.kind = 'count' AND r.value IS NOT NULL THEN CAST(ROUND(r.value) AS INTEGER) END AS count_value,
           r.value, r.is_complete
    FROM rpt_indicator r
    LEFT JOIN admin_unit u ON u.unit_code = r.unit_code
    LEFT JOIN dim_indicator i ON i.indicator_code = r.indicator_code
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
    op.create_table(
        "dim_indicator",
        *[
            sa.Column(name, INDICATOR_TYPES.get(name, sa.Text)(), nullable=False, comment=comment)
            for name, comment in INDICATOR_COLUMNS
        ],
        sa.PrimaryKeyConstraint("indicator_code", name=op.f("pk_dim_indicator")),
        comment=INDICATOR_COMMENT,
    )
    op.execute(sa.text(V_INDICATOR))
    op.create_table(
        "unit_crosswalk",
        *[
            sa.Column(
                name,
                SQL_TYPES[type_](),
                nullable=nullable,
                autoincrement=True if name == "id" else "auto",
                comment=comment,
            )
            for name, type_, nullable, comment in CROSSWALK_COLUMNS
        ],
        sa.ForeignKeyConstraint(
            ["new_unit_code"], ["admin_unit.unit_code"], name=op.f("fk_unit_crosswalk_new_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_crosswalk")),
        sa.UniqueConstraint("province_code", "old_code", "new_unit_code", name="uq_unit_crosswalk_province_old_new"),
        comment=UNIT_CROSSWALK_COMMENT,
    )
    op.create_index(op.f("ix_unit_crosswalk_new_unit_code"), "unit_crosswalk", ["new_unit_code"], unique=False)
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
    op.drop_index(op.f("ix_unit_crosswalk_new_unit_code"), table_name="unit_crosswalk")
    op.drop_table("unit_crosswalk")
    op.execute(sa.text("DROP VIEW IF EXISTS v_indicator"))
    op.drop_table("dim_indicator")
    op.execute(sa.text("DROP VIEW IF EXISTS v_finding"))
    op.drop_index(INDEX, table_name="dq_issue")
    op.execute(sa.text("DROP VIEW IF EXISTS v_findings_by_unit"))
    with op.batch_alter_table("dq_issue") as batch:
        batch.drop_column("former_unit_code")
        batch.drop_column("current_unit_code")
    op.execute(sa.text(V_FINDINGS_BY_UNIT))

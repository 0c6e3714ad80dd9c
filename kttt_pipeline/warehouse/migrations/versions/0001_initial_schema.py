"""initial schema: admin units, period status and load audit, staging and quarantine, reconciled entities,
indicators, findings, targets, and the analysts' views.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 08:58:13.128968
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The analysts' views (documented in models.VIEW_DOCS; a later change is a new revision). Portable SQL: SQLite >= 3.25 and PostgreSQL.
VIEWS: dict[str, str] = {
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
    "v_indicator_history": """
        CREATE VIEW v_indicator_history AS
        SELECT h.indicator_code, h.unit_code, h.period, h.value, h.previous_period, h.previous_value,
               h.value - h.previous_value AS change
        FROM (
            SELECT r.indicator_code, r.unit_code, r.period, r.value,
                   LAG(r.period) OVER (PARTITION BY r.indicator_code, r.unit_code ORDER BY r.period) AS previous_period,
                   LAG(r.value) OVER (PARTITION BY r.indicator_code, r.unit_code ORDER BY r.period) AS previous_value
            FROM rpt_indicator r
        ) h
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
DROP_VIEW: dict[str, str] = {
    "v_indicator_by_unit": "DROP VIEW IF EXISTS v_indicator_by_unit",
    "v_indicator_history": "DROP VIEW IF EXISTS v_indicator_history",
    "v_findings_by_unit": "DROP VIEW IF EXISTS v_findings_by_unit",
}


def upgrade() -> None:
    op.create_table(
        "admin_unit",
        sa.Column(
            "unit_code",
            sa.String(),
            nullable=False,
            comment="Official unit code (province '22'; districts '193', '194', …).",
        ),
        sa.Column(
            "level",
            sa.String(),
            nullable=False,
            comment="province, district, commune, special_zone (or 'unknown' for a code seen in data but not in the register).",
        ),
        sa.Column("name_vi", sa.Text(), nullable=False, comment="Vietnamese name without its kind, e.g. 'Hạ Long'."),
        sa.Column(
            "kind_vi",
            sa.Text(),
            nullable=True,
            comment="Kind of unit in Vietnamese: Tỉnh, Thành phố, Thị xã, Huyện, Xã, Phường, Đặc khu.",
        ),
        sa.Column(
            "parent_code",
            sa.String(),
            nullable=True,
            comment="Unit this one belongs to (the province for reporting units); null for the province.",
        ),
        sa.Column(
            "valid_from",
            sa.Date(),
            nullable=True,
            comment="First day the unit is in force (null: since before the data).",
        ),
        sa.Column(
            "valid_to",
            sa.Date(),
            nullable=True,
            comment="Last day the unit is in force (null: still in force), e.g. 2025-06-30 for the districts.",
        ),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["admin_unit.unit_code"], name=op.f("fk_admin_unit_parent_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("unit_code", name=op.f("pk_admin_unit")),
        comment="Administrative units: the province and its reporting units with their validity (district-level units until 30/6/2025, communes and special zones from 1/7/2025). Not per period.",
    )
    op.create_index(op.f("ix_admin_unit_parent_code"), "admin_unit", ["parent_code"], unique=False)

    op.create_table(
        "cooperative_union",
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
        sa.Column("name", sa.Text(), nullable=False, comment="Union name."),
        sa.Column("tax_code", sa.String(), nullable=True, comment="Tax code (MST)."),
        sa.Column("sector", sa.String(), nullable=True, comment="AGRI (Nông nghiệp) or NON_AGRI (Phi nông nghiệp)."),
        sa.Column("member_htx", sa.Integer(), nullable=True, comment="Member cooperatives."),
        sa.Column("workers", sa.Integer(), nullable=True, comment="Workers."),
        sa.Column("charter_capital", sa.Float(), nullable=True, comment="Charter capital, triệu đồng."),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperative_union")),
        comment="Cooperative unions (LHHTX) per period, from the province workbook (total rows excluded).",
    )
    op.create_index(op.f("ix_cooperative_union_period"), "cooperative_union", ["period"], unique=False)

    op.create_table(
        "credit_fund",
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
        sa.Column("name", sa.Text(), nullable=False, comment="Fund name."),
        sa.Column("tax_code", sa.String(), nullable=True, comment="Tax code (MST)."),
        sa.Column("members", sa.Integer(), nullable=True, comment="Members."),
        sa.Column("workers", sa.Integer(), nullable=True, comment="Workers."),
        sa.Column("managers", sa.Integer(), nullable=True, comment="Managers."),
        sa.Column("total_capital", sa.Float(), nullable=True, comment="Total capital (Tổng nguồn vốn), triệu đồng."),
        sa.Column("equity", sa.Float(), nullable=True, comment="Owners' equity (Vốn chủ sở hữu), triệu đồng."),
        sa.Column("mobilised", sa.Float(), nullable=True, comment="Mobilised funds (Vốn huy động), triệu đồng."),
        sa.Column("loans", sa.Float(), nullable=True, comment="Outstanding loans (Dư nợ cho vay), triệu đồng."),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_fund")),
        comment="People's credit funds (QTDND) per period, from the province workbook (total rows excluded).",
    )
    op.create_index(op.f("ix_credit_fund_period"), "credit_fund", ["period"], unique=False)

    op.create_table(
        "period_status",
        sa.Column(
            "period",
            sa.String(length=7),
            nullable=False,
            comment="Reporting period YYYY-Qn; figures are cumulative from 1 January to the quarter's end (lũy kế).",
        ),
        sa.Column(
            "units_expected", sa.Integer(), nullable=False, comment="Reporting units in force at the period end."
        ),
        sa.Column("units_present", sa.Integer(), nullable=False, comment="Expected units whose return was loaded."),
        sa.Column(
            "units_missing",
            sa.Text(),
            nullable=True,
            comment="Comma-separated codes of the expected units that sent nothing.",
        ),
        sa.Column(
            "is_complete",
            sa.Boolean(),
            nullable=False,
            comment="True when every expected unit is present (province totals are complete).",
        ),
        sa.Column("files_seen", sa.Integer(), nullable=False, comment="Files found for the period (load_audit rows)."),
        sa.Column(
            "files_rejected",
            sa.Integer(),
            nullable=False,
            comment="Files rejected or whose unit could not be identified.",
        ),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_period_status")),
        comment="One row per loaded period: completeness of the returns (spec §7.7) and files seen.",
    )
    op.create_table(
        "target",
        sa.Column(
            "id",
            sa.Integer(),
            autoincrement=True,
            nullable=False,
            comment="Surrogate key (no meaning; changes when the period is reloaded).",
        ),
        sa.Column("year", sa.Integer(), nullable=False, comment="Plan year."),
        sa.Column("indicator_code", sa.String(), nullable=False, comment="Indicator code of vocab/indicators.csv."),
        sa.Column("value", sa.Float(), nullable=True, comment="Target value for the year."),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
        comment="Annual plan targets (Kế hoạch năm) by indicator; keyed by year, not by period.",
    )
    op.create_index(op.f("ix_target_year_indicator_code"), "target", ["year", "indicator_code"], unique=False)

    op.create_table(
        "cooperative",
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
        sa.Column(
            "coop_key",
            sa.Text(),
            nullable=False,
            comment="Stable identity: the 10-digit tax code, else 'name:<unit>:<folded name>'.",
        ),
        sa.Column(
            "unit_code",
            sa.String(),
            nullable=False,
            comment="Reporting unit the cooperative is attributed to (spec §7.2).",
        ),
        sa.Column("name", sa.Text(), nullable=True, comment="Name as written in the winning listing row."),
        sa.Column(
            "tax_code",
            sa.String(),
            nullable=True,
            comment="Valid tax code (written, or found in the tax register by name).",
        ),
        sa.Column("tax_code_written", sa.Text(), nullable=True, comment="Tax code as written in the return."),
        sa.Column(
            "match_method", sa.String(), nullable=True, comment="How the tax record was found: tax_code, name or none."
        ),
        sa.Column(
            "sector",
            sa.String(),
            nullable=True,
            comment="Canonical sector: AGRI, INDUSTRY, CONSTRUCTION, ENVIRONMENT, TRANSPORT, TRADE, OTHER.",
        ),
        sa.Column("status_reported", sa.String(), nullable=True, comment="Canonical status as reported by the unit."),
        sa.Column(
            "status", sa.String(), nullable=True, comment="Status after the tax register's override (spec §7.4)."
        ),
        sa.Column(
            "grade",
            sa.String(),
            nullable=True,
            comment="Canonical grade: GOOD, FAIR, AVERAGE, WEAK (null: not graded).",
        ),
        sa.Column("registered_on", sa.Date(), nullable=True, comment="Registration / founding date."),
        sa.Column(
            "dissolved_on", sa.Date(), nullable=True, comment="Dissolution date (reported or from the tax register)."
        ),
        sa.Column("members", sa.Integer(), nullable=True, comment="Members."),
        sa.Column("workers", sa.Integer(), nullable=True, comment="Regular workers."),
        sa.Column("member_workers", sa.Integer(), nullable=True, comment="Workers who are members."),
        sa.Column("managers", sa.Integer(), nullable=True, comment="Managers (total)."),
        sa.Column(
            "managers_primary_secondary",
            sa.Integer(),
            nullable=True,
            comment="Managers with primary or secondary vocational training.",
        ),
        sa.Column(
            "managers_college_plus",
            sa.Integer(),
            nullable=True,
            comment="Managers with college or university education.",
        ),
        sa.Column("charter_capital", sa.Float(), nullable=True, comment="Charter capital, triệu đồng."),
        sa.Column("revenue", sa.Float(), nullable=True, comment="Estimated revenue of the year, triệu đồng."),
        sa.Column(
            "profit", sa.Float(), nullable=True, comment="Estimated profit of the year, triệu đồng (may be negative)."
        ),
        sa.Column(
            "avg_income",
            sa.Float(),
            nullable=True,
            comment="Average income of a worker, triệu đồng per person per year.",
        ),
        sa.Column("ocop_products", sa.Integer(), nullable=True, comment="OCOP-certified products."),
        sa.Column("hightech", sa.Boolean(), nullable=True, comment="Applies high technology."),
        sa.Column("value_chain", sa.Boolean(), nullable=True, comment="Takes part in a value chain."),
        sa.Column(
            "tax_status_code",
            sa.String(),
            nullable=True,
            comment="Tax status code of the matched tax record (null: no record).",
        ),
        sa.Column(
            "declared_revenue",
            sa.Float(),
            nullable=True,
            comment="Revenue declared to the tax authority, triệu đồng (null: no record).",
        ),
        sa.Column(
            "in_total",
            sa.Boolean(),
            nullable=False,
            comment="Counted in HTX_TOTAL (registered by the period end and not dissolved by then).",
        ),
        sa.Column(
            "is_active", sa.Boolean(), nullable=False, comment="Counted in HTX_ACTIVE (see vocab/indicators.csv)."
        ),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column("sheet", sa.Text(), nullable=True, comment="Worksheet name in the source file (null for CSV files)."),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_cooperative_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperative")),
        sa.UniqueConstraint("period", "coop_key", name=op.f("uq_cooperative_period_coop_key")),
        comment="Reconciled cooperatives (HTX) per period: one row per distinct cooperative after identity, duplicate and status rules (spec §7.1–7.4, §7.8).",
    )
    op.create_index(op.f("ix_cooperative_period_unit_code"), "cooperative", ["period", "unit_code"], unique=False)
    op.create_index(op.f("ix_cooperative_tax_code"), "cooperative", ["tax_code"], unique=False)

    op.create_table(
        "cooperative_group",
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
        sa.Column("unit_code", sa.String(), nullable=False, comment="Reporting unit."),
        sa.Column("name", sa.Text(), nullable=False, comment="Group name as written."),
        sa.Column("sector", sa.String(), nullable=True, comment="Canonical THT sector: AGRI, INDUSTRY, OTHER."),
        sa.Column("members", sa.Integer(), nullable=True, comment="Members."),
        sa.Column("revenue", sa.Float(), nullable=True, comment="Revenue, triệu đồng per year."),
        sa.Column(
            "avg_income_month", sa.Float(), nullable=True, comment="Average income, triệu đồng per person per month."
        ),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column("sheet", sa.Text(), nullable=True, comment="Worksheet name in the source file (null for CSV files)."),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_cooperative_group_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperative_group")),
        comment="Reconciled cooperative groups (THT) per period: distinct by folded name within a unit.",
    )
    op.create_index(
        op.f("ix_cooperative_group_period_unit_code"), "cooperative_group", ["period", "unit_code"], unique=False
    )

    op.create_table(
        "dq_issue",
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
        sa.Column(
            "kind",
            sa.String(),
            nullable=False,
            comment="Stable finding code, e.g. UNIT_MISSING, DUPLICATE, STATUS_OVERRIDE, SUMMARY_MISMATCH (spec §8).",
        ),
        sa.Column(
            "severity",
            sa.String(),
            nullable=False,
            comment="error (a row or file was excluded), warning (a figure was changed or is doubtful), info (a decision recorded).",
        ),
        sa.Column(
            "unit_code", sa.String(), nullable=True, comment="Unit concerned (null for province-level findings)."
        ),
        sa.Column(
            "entity_key",
            sa.Text(),
            nullable=True,
            comment="Tax code or written name, THT name, file name, indicator code or unit code, by kind.",
        ),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column("sheet", sa.Text(), nullable=True, comment="Worksheet name in the source file (null for CSV files)."),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.Column("detail", sa.Text(), nullable=False, comment="What was found and done, in Vietnamese."),
        sa.Column(
            "value_reported", sa.Text(), nullable=True, comment="Value as reported (for mismatches and overrides)."
        ),
        sa.Column("value_computed", sa.Text(), nullable=True, comment="Value computed or applied instead."),
        sa.Column(
            "rule",
            sa.String(),
            nullable=True,
            comment="Contract rule applied, e.g. '7.4' or '7.6:member_workers_le_workers'.",
        ),
        sa.ForeignKeyConstraint(["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_dq_issue_unit_code_admin_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_issue")),
        comment="Data-quality findings: one row per problem found or decision taken under spec §6–§7, with a stable kind code.",
    )
    op.create_index(op.f("ix_dq_issue_period_kind"), "dq_issue", ["period", "kind"], unique=False)
    op.create_index(op.f("ix_dq_issue_period_unit_code"), "dq_issue", ["period", "unit_code"], unique=False)

    op.create_table(
        "load_audit",
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
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=False,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column("file_kind", sa.String(), nullable=False, comment="district, tax, province or targets."),
        sa.Column("sha256", sa.String(), nullable=True, comment="SHA-256 of the file's bytes (hex)."),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True, comment="File size in bytes."),
        sa.Column(
            "modified_at", sa.DateTime(), nullable=True, comment="File modification time (local time, no time zone)."
        ),
        sa.Column(
            "unit_code",
            sa.String(),
            nullable=True,
            comment="Reporting unit identified from inside the workbook (null when not identified or not a unit's file).",
        ),
        sa.Column(
            "report_date",
            sa.Date(),
            nullable=True,
            comment="'Ngày báo cáo' written in the workbook (decides between resubmissions).",
        ),
        sa.Column("sheets", sa.Text(), nullable=True, comment="Comma-separated sheets recognised and read."),
        sa.Column(
            "rows_read",
            sa.Integer(),
            nullable=True,
            comment="Rows read from the file's tables (rows_loaded + rows_quarantined + rows_non_entity for a loaded file).",
        ),
        sa.Column("rows_loaded", sa.Integer(), nullable=True, comment="Entity rows loaded."),
        sa.Column("rows_quarantined", sa.Integer(), nullable=True, comment="Rows quarantined by a §7.6 rule."),
        sa.Column(
            "rows_non_entity", sa.Integer(), nullable=True, comment="Blank, heading and total rows (not entities)."
        ),
        sa.Column("status", sa.String(), nullable=False, comment="LOADED, SUPERSEDED, REJECTED or UNIT_UNKNOWN."),
        sa.Column(
            "error", sa.Text(), nullable=True, comment="Why the file was rejected or superseded (null when loaded)."
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_load_audit_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_load_audit")),
        sa.UniqueConstraint("period", "source_file", name=op.f("uq_load_audit_period_source_file")),
        comment="One row per raw file seen for the period: its fingerprint, unit, rows read/loaded/quarantined and fate.",
    )
    op.create_index(op.f("ix_load_audit_unit_code"), "load_audit", ["unit_code"], unique=False)

    op.create_table(
        "quarantine",
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
        sa.Column("unit_code", sa.String(), nullable=True, comment="Reporting unit (admin_unit.unit_code)."),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column("sheet", sa.Text(), nullable=True, comment="Worksheet name in the source file (null for CSV files)."),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.Column("record_type", sa.String(), nullable=False, comment="cooperative, group, union, credit_fund or tax."),
        sa.Column("entity_key", sa.Text(), nullable=True, comment="Tax code, else the written name of the entity."),
        sa.Column("rule", sa.Text(), nullable=True, comment="Comma-separated codes of the rules broken."),
        sa.Column("reason_vi", sa.Text(), nullable=True, comment="Reason in Vietnamese, for the clerk and the signer."),
        sa.Column("raw_values", sa.Text(), nullable=True, comment="The row's values as read (JSON object)."),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_quarantine_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
        comment="Rows that broke a plausibility rule (spec §7.6): kept with their reason, counted in no indicator.",
    )
    op.create_index(op.f("ix_quarantine_period_unit_code"), "quarantine", ["period", "unit_code"], unique=False)

    op.create_table(
        "rpt_indicator",
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
        sa.Column("unit_code", sa.String(), nullable=False, comment="Province ('22') or reporting unit."),
        sa.Column(
            "indicator_code",
            sa.String(),
            nullable=False,
            comment="Indicator code of vocab/indicators.csv, or <HTX_SECTOR_*|THT_SECTOR_*>_PCT (100 × count / total).",
        ),
        sa.Column(
            "value",
            sa.Float(),
            nullable=True,
            comment="Value (counts exact, averages unrounded); null when undefined, e.g. a mean over nothing.",
        ),
        sa.Column(
            "is_complete",
            sa.Boolean(),
            nullable=False,
            comment="False when a province figure sums an incomplete set of units (spec §7.7).",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_rpt_indicator_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rpt_indicator")),
        sa.UniqueConstraint(
            "period", "unit_code", "indicator_code", name=op.f("uq_rpt_indicator_period_unit_code_indicator_code")
        ),
        comment="Every indicator of vocab/indicators.csv (plus <CODE>_PCT sector shares) for the province ('22') and each reporting unit: the figures the plan publishes (spec §8).",
    )
    op.create_index(
        op.f("ix_rpt_indicator_indicator_code_unit_code_period"),
        "rpt_indicator",
        ["indicator_code", "unit_code", "period"],
        unique=False,
    )
    op.create_index(op.f("ix_rpt_indicator_unit_code"), "rpt_indicator", ["unit_code"], unique=False)

    op.create_table(
        "stg_cooperative",
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
        sa.Column("unit_code", sa.String(), nullable=True, comment="Reporting unit (admin_unit.unit_code)."),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column("sheet", sa.Text(), nullable=True, comment="Worksheet name in the source file (null for CSV files)."),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.Column("name", sa.Text(), nullable=True, comment="Cooperative name as written (Tên HTX)."),
        sa.Column("tax_code_raw", sa.Text(), nullable=True, comment="Tax code cell as written (Mã số thuế / MST)."),
        sa.Column(
            "tax_code",
            sa.String(),
            nullable=True,
            comment="Tax code reduced to digits (10 digits, or 10-3 for a branch); null when empty.",
        ),
        sa.Column(
            "tax_code_valid",
            sa.Boolean(),
            nullable=True,
            comment="True when tax_code is well formed with a correct check digit.",
        ),
        sa.Column("registered_on", sa.Date(), nullable=True, comment="Registration / founding date (Ngày thành lập)."),
        sa.Column("dissolved_on", sa.Date(), nullable=True, comment="Dissolution date (Ngày giải thể)."),
        sa.Column("commune", sa.Text(), nullable=True, comment="Address / commune as written."),
        sa.Column("sector_text", sa.Text(), nullable=True, comment="Sector as written (Lĩnh vực)."),
        sa.Column(
            "sector",
            sa.String(),
            nullable=True,
            comment="Canonical sector: AGRI, INDUSTRY, CONSTRUCTION, ENVIRONMENT, TRANSPORT, TRADE, OTHER.",
        ),
        sa.Column("status_text", sa.Text(), nullable=True, comment="Status as written (Tình trạng)."),
        sa.Column(
            "status",
            sa.String(),
            nullable=True,
            comment="Canonical status: ACTIVE, SUSPENDED, NOT_STARTED, DISSOLVING, DISSOLVED.",
        ),
        sa.Column("grade_text", sa.Text(), nullable=True, comment="Grade as written (Xếp loại)."),
        sa.Column(
            "grade",
            sa.String(),
            nullable=True,
            comment="Canonical grade: GOOD, FAIR, AVERAGE, WEAK (null: not graded).",
        ),
        sa.Column("members", sa.Integer(), nullable=True, comment="Members (Số thành viên)."),
        sa.Column("workers", sa.Integer(), nullable=True, comment="Regular workers (Số lao động)."),
        sa.Column("member_workers", sa.Integer(), nullable=True, comment="Workers who are members."),
        sa.Column("managers", sa.Integer(), nullable=True, comment="Managers (Cán bộ quản lý, total)."),
        sa.Column(
            "managers_primary_secondary",
            sa.Integer(),
            nullable=True,
            comment="Managers with primary or secondary vocational training (sơ cấp, trung cấp).",
        ),
        sa.Column(
            "managers_college_plus",
            sa.Integer(),
            nullable=True,
            comment="Managers with college or university education (cao đẳng, đại học trở lên).",
        ),
        sa.Column("charter_capital", sa.Float(), nullable=True, comment="Charter capital, triệu đồng."),
        sa.Column("revenue", sa.Float(), nullable=True, comment="Estimated revenue of the year, triệu đồng."),
        sa.Column(
            "profit", sa.Float(), nullable=True, comment="Estimated profit of the year, triệu đồng (may be negative)."
        ),
        sa.Column(
            "avg_income",
            sa.Float(),
            nullable=True,
            comment="Average income of a worker, triệu đồng per person per year.",
        ),
        sa.Column("ocop_products", sa.Integer(), nullable=True, comment="OCOP-certified products."),
        sa.Column("hightech", sa.Boolean(), nullable=True, comment="Applies high technology (Ứng dụng công nghệ cao)."),
        sa.Column("value_chain", sa.Boolean(), nullable=True, comment="Takes part in a value chain (Chuỗi liên kết)."),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_stg_cooperative_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stg_cooperative")),
        comment="Staging: every cooperative (HTX) listing row as read from the district returns, before reconciliation (values normalised: NFC text, canonical codes, money in triệu đồng).",
    )
    op.create_index(
        op.f("ix_stg_cooperative_period_unit_code"), "stg_cooperative", ["period", "unit_code"], unique=False
    )
    op.create_index(op.f("ix_stg_cooperative_tax_code"), "stg_cooperative", ["tax_code"], unique=False)

    op.create_table(
        "stg_group",
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
        sa.Column("unit_code", sa.String(), nullable=True, comment="Reporting unit (admin_unit.unit_code)."),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column("sheet", sa.Text(), nullable=True, comment="Worksheet name in the source file (null for CSV files)."),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.Column("name", sa.Text(), nullable=True, comment="Group name as written (Tên THT)."),
        sa.Column("representative", sa.Text(), nullable=True, comment="Representative (Người đại diện)."),
        sa.Column("commune", sa.Text(), nullable=True, comment="Address / commune as written."),
        sa.Column("sector_text", sa.Text(), nullable=True, comment="Sector as written."),
        sa.Column("sector", sa.String(), nullable=True, comment="Canonical THT sector: AGRI, INDUSTRY, OTHER."),
        sa.Column("members", sa.Integer(), nullable=True, comment="Members."),
        sa.Column("revenue", sa.Float(), nullable=True, comment="Revenue, triệu đồng per year."),
        sa.Column(
            "avg_income_month", sa.Float(), nullable=True, comment="Average income, triệu đồng per person per month."
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_stg_group_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stg_group")),
        comment="Staging: every cooperative-group (THT) listing row as read from the district returns.",
    )
    op.create_index(op.f("ix_stg_group_period_unit_code"), "stg_group", ["period", "unit_code"], unique=False)

    op.create_table(
        "stg_summary_figure",
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
        sa.Column("unit_code", sa.String(), nullable=True, comment="Reporting unit (admin_unit.unit_code)."),
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column("sheet", sa.Text(), nullable=True, comment="Worksheet name in the source file (null for CSV files)."),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.Column("label", sa.Text(), nullable=True, comment="Indicator label as written (Chỉ tiêu)."),
        sa.Column(
            "indicator_code",
            sa.String(),
            nullable=True,
            comment="Indicator code of vocab/indicators.csv (null: label not recognised).",
        ),
        sa.Column("value", sa.Float(), nullable=True, comment="Figure as reported (Số liệu)."),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_stg_summary_figure_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stg_summary_figure")),
        comment="Staging: each figure of a unit's summary sheet (Tổng hợp), mapped to an indicator code where recognised.",
    )
    op.create_index(
        op.f("ix_stg_summary_figure_period_unit_code"), "stg_summary_figure", ["period", "unit_code"], unique=False
    )

    op.create_table(
        "stg_tax_register",
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
        sa.Column(
            "source_file",
            sa.Text(),
            nullable=True,
            comment="Raw file the row was read from, relative to the raw folder.",
        ),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=True,
            comment="Row number in the source sheet (Excel numbering, header rows included).",
        ),
        sa.Column("tax_code", sa.String(), nullable=True, comment="Tax code reduced to digits."),
        sa.Column(
            "tax_code_valid",
            sa.Boolean(),
            nullable=True,
            comment="True when the tax code is well formed with a correct check digit.",
        ),
        sa.Column("name", sa.Text(), nullable=True, comment="Taxpayer name (Tên người nộp thuế)."),
        sa.Column("address", sa.Text(), nullable=True, comment="Taxpayer address."),
        sa.Column("tax_office", sa.Text(), nullable=True, comment="Managing tax office (Cơ quan thuế quản lý)."),
        sa.Column(
            "entity_type",
            sa.Text(),
            nullable=True,
            comment="Hợp tác xã, Liên hiệp hợp tác xã or Quỹ tín dụng nhân dân.",
        ),
        sa.Column(
            "status_code",
            sa.String(),
            nullable=True,
            comment="Two-character tax status code (see vocab/tax_status_codes.csv).",
        ),
        sa.Column("status_changed_on", sa.Date(), nullable=True, comment="Date of the last status change."),
        sa.Column(
            "declared_revenue",
            sa.Float(),
            nullable=True,
            comment="Declared revenue cumulative for the year, triệu đồng (converted from đồng).",
        ),
        sa.Column("tax_incurred", sa.Float(), nullable=True, comment="Tax incurred, triệu đồng (converted from đồng)."),
        sa.Column(
            "unit_code",
            sa.String(),
            nullable=True,
            comment="Unit inferred from the tax office or address (null when not inferable).",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["admin_unit.unit_code"], name=op.f("fk_stg_tax_register_unit_code_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stg_tax_register")),
        comment="Staging: the tax authority's register of cooperative-type taxpayers for the period (spec §4).",
    )
    op.create_index(
        op.f("ix_stg_tax_register_period_tax_code"), "stg_tax_register", ["period", "tax_code"], unique=False
    )

    for body in VIEWS.values():
        op.execute(sa.text(body))


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(sa.text(DROP_VIEW[name]))
    op.drop_index(op.f("ix_stg_tax_register_period_tax_code"), table_name="stg_tax_register")

    op.drop_table("stg_tax_register")
    op.drop_index(op.f("ix_stg_summary_figure_period_unit_code"), table_name="stg_summary_figure")

    op.drop_table("stg_summary_figure")
    op.drop_index(op.f("ix_stg_group_period_unit_code"), table_name="stg_group")

    op.drop_table("stg_group")
    op.drop_index(op.f("ix_stg_cooperative_tax_code"), table_name="stg_cooperative")
    op.drop_index(op.f("ix_stg_cooperative_period_unit_code"), table_name="stg_cooperative")

    op.drop_table("stg_cooperative")
    op.drop_index(op.f("ix_rpt_indicator_unit_code"), table_name="rpt_indicator")
    op.drop_index(op.f("ix_rpt_indicator_indicator_code_unit_code_period"), table_name="rpt_indicator")

    op.drop_table("rpt_indicator")
    op.drop_index(op.f("ix_quarantine_period_unit_code"), table_name="quarantine")

    op.drop_table("quarantine")
    op.drop_index(op.f("ix_load_audit_unit_code"), table_name="load_audit")

    op.drop_table("load_audit")
    op.drop_index(op.f("ix_dq_issue_period_unit_code"), table_name="dq_issue")
    op.drop_index(op.f("ix_dq_issue_period_kind"), table_name="dq_issue")

    op.drop_table("dq_issue")
    op.drop_index(op.f("ix_cooperative_group_period_unit_code"), table_name="cooperative_group")

    op.drop_table("cooperative_group")
    op.drop_index(op.f("ix_cooperative_tax_code"), table_name="cooperative")
    op.drop_index(op.f("ix_cooperative_period_unit_code"), table_name="cooperative")

    op.drop_table("cooperative")
    op.drop_index(op.f("ix_target_year_indicator_code"), table_name="target")

    op.drop_table("target")
    op.drop_table("period_status")
    op.drop_index(op.f("ix_credit_fund_period"), table_name="credit_fund")

    op.drop_table("credit_fund")
    op.drop_index(op.f("ix_cooperative_union_period"), table_name="cooperative_union")

    op.drop_table("cooperative_union")
    op.drop_index(op.f("ix_admin_unit_parent_code"), table_name="admin_unit")

    op.drop_table("admin_unit")

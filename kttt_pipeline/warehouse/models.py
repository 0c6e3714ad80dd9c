"""The analysts' warehouse: SQLAlchemy 2 declarative models (spec §8, docs/architecture.md).

Every table and column carries a ``comment=`` (a PostgreSQL ``COMMENT``; the data dictionary
``docs/warehouse.md`` is generated from them by :mod:`kttt_pipeline.warehouse.dictionary`).

The schema itself is created and changed only by the Alembic migrations in ``migrations/versions``; these
models are the reference a test compares the migrated schema with (``alembic.autogenerate.compare_metadata``).

Conventions
* Per-period tables carry ``province_code`` and ``period`` (``YYYY-Qn``, figures cumulative from 1 January to the
  quarter's end) and a surrogate integer ``id``: a period belongs to a province, and loading it replaces exactly
  that province's period (the targets: exactly that province's years). One warehouse holds several provinces.
* Money is in triệu đồng (million VND); counts of people/cooperatives are integers.
* ``unit_code`` refers to ``admin_unit`` (the province row's unit_code is the row's ``province_code``, e.g. ``'22'``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# ----------------------------------------------------------------------------------------------- helpers
# Shared column builders, so that the same column means the same thing in every table.


def _id() -> Mapped[int]:
    return mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        comment="Surrogate key (no meaning; changes when the period is reloaded).",
    )


def _province() -> Mapped[str]:
    return mapped_column(
        String,
        nullable=False,
        comment="Province the row belongs to (the province's admin_unit.unit_code, e.g. '22'): a period belongs "
        "to a province, and loading one replaces exactly its (province_code, period) rows.",
    )


def _period() -> Mapped[str]:
    return mapped_column(
        String(7),
        nullable=False,
        comment="Reporting period YYYY-Qn; figures are cumulative from 1 January to the quarter's end (lũy kế).",
    )


def _unit(comment: str = "Reporting unit (admin_unit.unit_code).", nullable: bool = True) -> Mapped[str | None]:
    return mapped_column(String, ForeignKey("admin_unit.unit_code"), nullable=nullable, comment=comment)


def _source_file(nullable: bool = True) -> Mapped[str | None]:
    return mapped_column(Text, nullable=nullable, comment="Raw file the row was read from, relative to the raw folder.")


def _sheet() -> Mapped[str | None]:
    return mapped_column(Text, comment="Worksheet name in the source file (null for CSV files).")


def _row_number() -> Mapped[int | None]:
    return mapped_column(Integer, comment="Row number in the source sheet (Excel numbering, header rows included).")


def _count(comment: str) -> Mapped[int | None]:
    return mapped_column(Integer, comment=comment)


def _money(comment: str) -> Mapped[float | None]:
    return mapped_column(Float, comment=comment)


# --------------------------------------------------------------------------------------------- dimension


class AdminUnit(Base):
    __tablename__ = "admin_unit"
    __table_args__ = (
        Index(None, "parent_code"),
        {
            "comment": "Administrative units: the province and its reporting units with their validity "
            "(district-level units until 30/6/2025, communes and special zones from 1/7/2025). Not per period."
        },
    )

    unit_code: Mapped[str] = mapped_column(
        String, primary_key=True, comment="Official unit code (province '22'; districts '193', '194', …)."
    )
    level: Mapped[str] = mapped_column(
        String,
        nullable=False,
        comment="province, district, commune, special_zone (or 'unknown' for a code seen in data but not in the register).",
    )
    name_vi: Mapped[str] = mapped_column(
        Text, nullable=False, comment="Vietnamese name without its kind, e.g. 'Hạ Long'."
    )
    kind_vi: Mapped[str | None] = mapped_column(
        Text, comment="Kind of unit in Vietnamese: Tỉnh, Thành phố, Thị xã, Huyện, Xã, Phường, Đặc khu."
    )
    parent_code: Mapped[str | None] = mapped_column(
        String,
        ForeignKey("admin_unit.unit_code"),
        comment="Unit this one belongs to (the province for reporting units); null for the province.",
    )
    valid_from: Mapped[dt.date | None] = mapped_column(
        Date, comment="First day the unit is in force (null: since before the data)."
    )
    valid_to: Mapped[dt.date | None] = mapped_column(
        Date, comment="Last day the unit is in force (null: still in force), e.g. 2025-06-30 for the districts."
    )


# --------------------------------------------------------------------------------------------- load audit


#: period_status.compared_with (migration 0006 carries the same text)
COMPARED_WITH_COMMENT = (
    "What the period's comparison findings (COOP_VANISHED, PERIOD_JUMP) were computed against, as "
    "JSON {earlier period: its identity in the warehouse at this load (a digest of its "
    "cooperatives and figures), null: not loaded}; null: not compared. Publishing checks it "
    '(docs/decisions.md, "Concurrency").'
)


class PeriodStatus(Base):
    __tablename__ = "period_status"
    __table_args__ = {"comment": "One row per loaded period: completeness of the returns (spec §7.7) and files seen."}

    province_code: Mapped[str] = mapped_column(
        String,
        primary_key=True,
        comment="Province the period belongs to (the province's admin_unit.unit_code, e.g. '22').",
    )
    period: Mapped[str] = mapped_column(
        String(7),
        primary_key=True,
        comment="Reporting period YYYY-Qn; figures are cumulative from 1 January to the quarter's end (lũy kế).",
    )
    units_expected: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="Reporting units in force at the period end."
    )
    units_present: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="Expected units whose return was loaded."
    )
    units_missing: Mapped[str | None] = mapped_column(
        Text, comment="Comma-separated codes of the expected units that sent nothing."
    )
    is_complete: Mapped[bool] = mapped_column(
        Boolean, nullable=False, comment="True when every expected unit is present (province totals are complete)."
    )
    files_seen: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="Files found for the period (load_audit rows)."
    )
    files_rejected: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="Files rejected or whose unit could not be identified."
    )
    compared_with: Mapped[str | None] = mapped_column(Text, comment=COMPARED_WITH_COMMENT)


class LoadAudit(Base):
    __tablename__ = "load_audit"
    __table_args__ = (
        UniqueConstraint("province_code", "period", "source_file"),
        Index(None, "unit_code"),
        {
            "comment": "One row per raw file seen for the period: its fingerprint, unit, rows read/loaded/quarantined and fate."
        },
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    source_file: Mapped[str] = _source_file(nullable=False)
    file_kind: Mapped[str] = mapped_column(
        String, nullable=False, comment="unit_return (a reporting unit's return), tax, province or targets."
    )
    sha256: Mapped[str | None] = mapped_column(String, comment="SHA-256 of the file's bytes (hex).")
    size_bytes: Mapped[int | None] = mapped_column(BigInteger, comment="File size in bytes.")
    modified_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime, comment="File modification time (local time, no time zone)."
    )
    unit_code: Mapped[str | None] = _unit(
        "Reporting unit identified from inside the workbook (null when not identified or not a unit's file)."
    )
    report_date: Mapped[dt.date | None] = mapped_column(
        Date, comment="'Ngày báo cáo' written in the workbook (decides between resubmissions)."
    )
    sheets: Mapped[str | None] = mapped_column(Text, comment="Comma-separated sheets recognised and read.")
    rows_read: Mapped[int | None] = _count(
        "Rows read from the file's tables (rows_loaded + rows_quarantined + rows_non_entity for a loaded file)."
    )
    rows_loaded: Mapped[int | None] = _count("Entity rows loaded.")
    rows_quarantined: Mapped[int | None] = _count("Rows quarantined by a §7.6 rule.")
    rows_non_entity: Mapped[int | None] = _count("Blank, heading and total rows (not entities).")
    status: Mapped[str] = mapped_column(String, nullable=False, comment="LOADED, SUPERSEDED, REJECTED or UNIT_UNKNOWN.")
    error: Mapped[str | None] = mapped_column(
        Text, comment="Why the file was rejected or superseded (null when loaded)."
    )


# ------------------------------------------------------------------------------------------------ staging


class StgCooperative(Base):
    __tablename__ = "stg_cooperative"
    __table_args__ = (
        Index(None, "province_code", "period", "unit_code"),
        Index(None, "tax_code"),
        {
            "comment": "Staging: every cooperative (HTX) listing row as read from the unit returns, before reconciliation "
            "(values normalised: NFC text, canonical codes, money in triệu đồng)."
        },
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    unit_code: Mapped[str | None] = _unit()
    source_file: Mapped[str | None] = _source_file()
    sheet: Mapped[str | None] = _sheet()
    row_number: Mapped[int | None] = _row_number()
    name: Mapped[str | None] = mapped_column(Text, comment="Cooperative name as written (Tên HTX).")
    tax_code_raw: Mapped[str | None] = mapped_column(Text, comment="Tax code cell as written (Mã số thuế / MST).")
    tax_code: Mapped[str | None] = mapped_column(
        String, comment="Tax code reduced to digits (10 digits, or 10-3 for a branch); null when empty."
    )
    tax_code_valid: Mapped[bool | None] = mapped_column(
        Boolean, comment="True when tax_code is well formed with a correct check digit."
    )
    registered_on: Mapped[dt.date | None] = mapped_column(
        Date, comment="Registration / founding date (Ngày thành lập)."
    )
    dissolved_on: Mapped[dt.date | None] = mapped_column(Date, comment="Dissolution date (Ngày giải thể).")
    commune: Mapped[str | None] = mapped_column(Text, comment="Address / commune as written.")
    sector_text: Mapped[str | None] = mapped_column(Text, comment="Sector as written (Lĩnh vực).")
    sector: Mapped[str | None] = mapped_column(
        String, comment="Canonical sector: AGRI, INDUSTRY, CONSTRUCTION, ENVIRONMENT, TRANSPORT, TRADE, OTHER."
    )
    status_text: Mapped[str | None] = mapped_column(Text, comment="Status as written (Tình trạng).")
    status: Mapped[str | None] = mapped_column(
        String, comment="Canonical status: ACTIVE, SUSPENDED, NOT_STARTED, DISSOLVING, DISSOLVED."
    )
    grade_text: Mapped[str | None] = mapped_column(Text, comment="Grade as written (Xếp loại).")
    grade: Mapped[str | None] = mapped_column(
        String, comment="Canonical grade: GOOD, FAIR, AVERAGE, WEAK (null: not graded)."
    )
    members: Mapped[int | None] = _count("Members (Số thành viên).")
    workers: Mapped[int | None] = _count("Regular workers (Số lao động).")
    member_workers: Mapped[int | None] = _count("Workers who are members.")
    managers: Mapped[int | None] = _count("Managers (Cán bộ quản lý, total).")
    managers_primary_secondary: Mapped[int | None] = _count(
        "Managers with primary or secondary vocational training (sơ cấp, trung cấp)."
    )
    managers_college_plus: Mapped[int | None] = _count(
        "Managers with college or university education (cao đẳng, đại học trở lên)."
    )
    charter_capital: Mapped[float | None] = _money("Charter capital, triệu đồng.")
    revenue: Mapped[float | None] = _money("Estimated revenue of the year, triệu đồng.")
    profit: Mapped[float | None] = _money("Estimated profit of the year, triệu đồng (may be negative).")
    avg_income: Mapped[float | None] = _money("Average income of a worker, triệu đồng per person per year.")
    ocop_products: Mapped[int | None] = _count("OCOP-certified products.")
    hightech: Mapped[bool | None] = mapped_column(Boolean, comment="Applies high technology (Ứng dụng công nghệ cao).")
    value_chain: Mapped[bool | None] = mapped_column(Boolean, comment="Takes part in a value chain (Chuỗi liên kết).")


class StgGroup(Base):
    __tablename__ = "stg_group"
    __table_args__ = (
        Index(None, "province_code", "period", "unit_code"),
        {"comment": "Staging: every cooperative-group (THT) listing row as read from the unit returns."},
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    unit_code: Mapped[str | None] = _unit()
    source_file: Mapped[str | None] = _source_file()
    sheet: Mapped[str | None] = _sheet()
    row_number: Mapped[int | None] = _row_number()
    name: Mapped[str | None] = mapped_column(Text, comment="Group name as written (Tên THT).")
    representative: Mapped[str | None] = mapped_column(Text, comment="Representative (Người đại diện).")
    commune: Mapped[str | None] = mapped_column(Text, comment="Address / commune as written.")
    sector_text: Mapped[str | None] = mapped_column(Text, comment="Sector as written.")
    sector: Mapped[str | None] = mapped_column(String, comment="Canonical THT sector: AGRI, INDUSTRY, OTHER.")
    members: Mapped[int | None] = _count("Members.")
    revenue: Mapped[float | None] = _money("Revenue, triệu đồng per year.")
    avg_income_month: Mapped[float | None] = _money("Average income, triệu đồng per person per month.")


class StgTaxRegister(Base):
    __tablename__ = "stg_tax_register"
    __table_args__ = (
        Index(None, "province_code", "period", "tax_code"),
        {"comment": "Staging: the tax authority's register of cooperative-type taxpayers for the period (spec §4)."},
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    source_file: Mapped[str | None] = _source_file()
    row_number: Mapped[int | None] = _row_number()
    tax_code: Mapped[str | None] = mapped_column(String, comment="Tax code reduced to digits.")
    tax_code_valid: Mapped[bool | None] = mapped_column(
        Boolean, comment="True when the tax code is well formed with a correct check digit."
    )
    name: Mapped[str | None] = mapped_column(Text, comment="Taxpayer name (Tên người nộp thuế).")
    address: Mapped[str | None] = mapped_column(Text, comment="Taxpayer address.")
    tax_office: Mapped[str | None] = mapped_column(Text, comment="Managing tax office (Cơ quan thuế quản lý).")
    entity_type: Mapped[str | None] = mapped_column(
        Text, comment="Hợp tác xã, Liên hiệp hợp tác xã or Quỹ tín dụng nhân dân."
    )
    status_code: Mapped[str | None] = mapped_column(
        String, comment="Two-character tax status code (see vocab/tax_status_codes.csv)."
    )
    status_changed_on: Mapped[dt.date | None] = mapped_column(Date, comment="Date of the last status change.")
    declared_revenue: Mapped[float | None] = _money(
        "Declared revenue cumulative for the year, triệu đồng (converted from đồng)."
    )
    tax_incurred: Mapped[float | None] = _money("Tax incurred, triệu đồng (converted from đồng).")
    unit_code: Mapped[str | None] = _unit("Unit inferred from the tax office or address (null when not inferable).")


class StgSummaryFigure(Base):
    __tablename__ = "stg_summary_figure"
    __table_args__ = (
        Index(None, "province_code", "period", "unit_code"),
        {
            "comment": "Staging: each figure of a unit's summary sheet (Tổng hợp), mapped to an indicator code where recognised."
        },
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    unit_code: Mapped[str | None] = _unit()
    source_file: Mapped[str | None] = _source_file()
    sheet: Mapped[str | None] = _sheet()
    row_number: Mapped[int | None] = _row_number()
    label: Mapped[str | None] = mapped_column(Text, comment="Indicator label as written (Chỉ tiêu).")
    indicator_code: Mapped[str | None] = mapped_column(
        String, comment="Indicator code of vocab/indicators.csv (null: label not recognised)."
    )
    value: Mapped[float | None] = mapped_column(Float, comment="Figure as reported (Số liệu).")


class Quarantine(Base):
    __tablename__ = "quarantine"
    __table_args__ = (
        Index(None, "province_code", "period", "unit_code"),
        {
            "comment": "Rows that broke a plausibility rule (spec §7.6): kept with their reason, counted in no indicator."
        },
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    unit_code: Mapped[str | None] = _unit()
    source_file: Mapped[str | None] = _source_file()
    sheet: Mapped[str | None] = _sheet()
    row_number: Mapped[int | None] = _row_number()
    record_type: Mapped[str] = mapped_column(
        String, nullable=False, comment="cooperative, group, union, credit_fund or tax."
    )
    entity_key: Mapped[str | None] = mapped_column(Text, comment="Tax code, else the written name of the entity.")
    rule: Mapped[str | None] = mapped_column(Text, comment="Comma-separated codes of the rules broken.")
    reason_vi: Mapped[str | None] = mapped_column(Text, comment="Reason in Vietnamese, for the clerk and the signer.")
    raw_values: Mapped[str | None] = mapped_column(Text, comment="The row's values as read (JSON object).")


# ----------------------------------------------------------------------------------- reconciled entities


class Cooperative(Base):
    __tablename__ = "cooperative"
    __table_args__ = (
        UniqueConstraint("province_code", "period", "coop_key"),
        Index(None, "province_code", "period", "unit_code"),
        Index(None, "tax_code"),
        {
            "comment": "Reconciled cooperatives (HTX) per period: one row per distinct cooperative after identity, "
            "duplicate and status rules (spec §7.1–7.4, §7.8)."
        },
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    coop_key: Mapped[str] = mapped_column(
        Text, nullable=False, comment="Stable identity: the 10-digit tax code, else 'name:<unit>:<folded name>'."
    )
    unit_code: Mapped[str] = _unit("Reporting unit the cooperative is attributed to (spec §7.2).", nullable=False)
    name: Mapped[str | None] = mapped_column(Text, comment="Name as written in the winning listing row.")
    tax_code: Mapped[str | None] = mapped_column(
        String, comment="Valid tax code (written, or found in the tax register by name)."
    )
    tax_code_written: Mapped[str | None] = mapped_column(Text, comment="Tax code as written in the return.")
    match_method: Mapped[str | None] = mapped_column(
        String, comment="How the tax record was found: tax_code, name or none."
    )
    sector: Mapped[str | None] = mapped_column(
        String, comment="Canonical sector: AGRI, INDUSTRY, CONSTRUCTION, ENVIRONMENT, TRANSPORT, TRADE, OTHER."
    )
    status_reported: Mapped[str | None] = mapped_column(String, comment="Canonical status as reported by the unit.")
    status: Mapped[str | None] = mapped_column(String, comment="Status after the tax register's override (spec §7.4).")
    grade: Mapped[str | None] = mapped_column(
        String, comment="Canonical grade: GOOD, FAIR, AVERAGE, WEAK (null: not graded)."
    )
    registered_on: Mapped[dt.date | None] = mapped_column(Date, comment="Registration / founding date.")
    dissolved_on: Mapped[dt.date | None] = mapped_column(
        Date, comment="Dissolution date (reported or from the tax register)."
    )
    members: Mapped[int | None] = _count("Members.")
    workers: Mapped[int | None] = _count("Regular workers.")
    member_workers: Mapped[int | None] = _count("Workers who are members.")
    managers: Mapped[int | None] = _count("Managers (total).")
    managers_primary_secondary: Mapped[int | None] = _count("Managers with primary or secondary vocational training.")
    managers_college_plus: Mapped[int | None] = _count("Managers with college or university education.")
    charter_capital: Mapped[float | None] = _money("Charter capital, triệu đồng.")
    revenue: Mapped[float | None] = _money("Estimated revenue of the year, triệu đồng.")
    profit: Mapped[float | None] = _money("Estimated profit of the year, triệu đồng (may be negative).")
    avg_income: Mapped[float | None] = _money("Average income of a worker, triệu đồng per person per year.")
    ocop_products: Mapped[int | None] = _count("OCOP-certified products.")
    hightech: Mapped[bool | None] = mapped_column(Boolean, comment="Applies high technology.")
    value_chain: Mapped[bool | None] = mapped_column(Boolean, comment="Takes part in a value chain.")
    tax_status_code: Mapped[str | None] = mapped_column(
        String, comment="Tax status code of the matched tax record (null: no record)."
    )
    declared_revenue: Mapped[float | None] = _money(
        "Revenue declared to the tax authority, triệu đồng (null: no record)."
    )
    in_total: Mapped[bool] = mapped_column(
        Boolean,
        nullable=False,
        comment="Counted in HTX_TOTAL (registered by the period end and not dissolved by then).",
    )
    is_active: Mapped[bool] = mapped_column(
        Boolean, nullable=False, comment="Counted in HTX_ACTIVE (see vocab/indicators.csv)."
    )
    source_file: Mapped[str | None] = _source_file()
    sheet: Mapped[str | None] = _sheet()
    row_number: Mapped[int | None] = _row_number()


class CooperativeGroup(Base):
    __tablename__ = "cooperative_group"
    __table_args__ = (
        Index(None, "province_code", "period", "unit_code"),
        {"comment": "Reconciled cooperative groups (THT) per period: distinct by folded name within a unit."},
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    unit_code: Mapped[str] = _unit("Reporting unit.", nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False, comment="Group name as written.")
    sector: Mapped[str | None] = mapped_column(String, comment="Canonical THT sector: AGRI, INDUSTRY, OTHER.")
    members: Mapped[int | None] = _count("Members.")
    revenue: Mapped[float | None] = _money("Revenue, triệu đồng per year.")
    avg_income_month: Mapped[float | None] = _money("Average income, triệu đồng per person per month.")
    source_file: Mapped[str | None] = _source_file()
    sheet: Mapped[str | None] = _sheet()
    row_number: Mapped[int | None] = _row_number()


class CooperativeUnion(Base):
    __tablename__ = "cooperative_union"
    __table_args__ = (
        Index(None, "province_code", "period"),
        {"comment": "Cooperative unions (LHHTX) per period, from the province workbook (total rows excluded)."},
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    name: Mapped[str] = mapped_column(Text, nullable=False, comment="Union name.")
    tax_code: Mapped[str | None] = mapped_column(String, comment="Tax code (MST).")
    sector: Mapped[str | None] = mapped_column(String, comment="AGRI (Nông nghiệp) or NON_AGRI (Phi nông nghiệp).")
    member_htx: Mapped[int | None] = _count("Member cooperatives.")
    workers: Mapped[int | None] = _count("Workers.")
    charter_capital: Mapped[float | None] = _money("Charter capital, triệu đồng.")
    source_file: Mapped[str | None] = _source_file()
    row_number: Mapped[int | None] = _row_number()


class CreditFund(Base):
    __tablename__ = "credit_fund"
    __table_args__ = (
        Index(None, "province_code", "period"),
        {"comment": "People's credit funds (QTDND) per period, from the province workbook (total rows excluded)."},
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    name: Mapped[str] = mapped_column(Text, nullable=False, comment="Fund name.")
    tax_code: Mapped[str | None] = mapped_column(String, comment="Tax code (MST).")
    members: Mapped[int | None] = _count("Members.")
    workers: Mapped[int | None] = _count("Workers.")
    managers: Mapped[int | None] = _count("Managers.")
    total_capital: Mapped[float | None] = _money("Total capital (Tổng nguồn vốn), triệu đồng.")
    equity: Mapped[float | None] = _money("Owners' equity (Vốn chủ sở hữu), triệu đồng.")
    mobilised: Mapped[float | None] = _money("Mobilised funds (Vốn huy động), triệu đồng.")
    loans: Mapped[float | None] = _money("Outstanding loans (Dư nợ cho vay), triệu đồng.")
    source_file: Mapped[str | None] = _source_file()
    row_number: Mapped[int | None] = _row_number()


# ------------------------------------------------------------------------------------ published figures


class RptIndicator(Base):
    __tablename__ = "rpt_indicator"
    __table_args__ = (
        UniqueConstraint("province_code", "period", "unit_code", "indicator_code"),
        Index(None, "indicator_code", "unit_code", "period"),
        Index(None, "unit_code"),
        {
            "comment": "Every indicator of vocab/indicators.csv (plus <CODE>_PCT sector shares) for the province ('22') "
            "and each reporting unit: the figures the plan publishes (spec §8)."
        },
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    unit_code: Mapped[str] = _unit("Province ('22') or reporting unit.", nullable=False)
    indicator_code: Mapped[str] = mapped_column(
        String,
        nullable=False,
        comment="Indicator code of vocab/indicators.csv, or <HTX_SECTOR_*|THT_SECTOR_*>_PCT (100 × count / total).",
    )
    value: Mapped[float | None] = mapped_column(
        Float, comment="Value (counts exact, averages unrounded); null when undefined, e.g. a mean over nothing."
    )
    is_complete: Mapped[bool] = mapped_column(
        Boolean, nullable=False, comment="False when a province figure sums an incomplete set of units (spec §7.7)."
    )


class RptIndicatorRestated(Base):
    __tablename__ = "rpt_indicator_restated"
    __table_args__ = (
        # named: the convention's name would pass PostgreSQL's 63 characters
        UniqueConstraint(
            "province_code",
            "period",
            "unit_code",
            "indicator_code",
            name="uq_rpt_indicator_restated_province_code_period_unit_indicator",
        ),
        Index(None, "indicator_code", "unit_code", "period"),
        Index(None, "unit_code"),
        {
            "comment": "Restated history (spec §11.1): the count and sum indicators over cooperatives and groups for "
            "the province and each unit in force since the reform (communes, wards, special zones). A "
            "period reported by the former districts is re-counted by placing each cooperative and group "
            "in its current unit (address, else tax-register address, else a whole former district); the "
            "rows it could not place count in the province row only (finding COMMUNE_UNPLACED). For a "
            "period reported by the current units the rows are rpt_indicator's."
        },
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    unit_code: Mapped[str] = _unit("Province or a unit in force since the reform.", nullable=False)
    indicator_code: Mapped[str] = mapped_column(
        String,
        nullable=False,
        comment="A count or sum indicator of vocab/indicators.csv over cooperatives and groups (no averages, shares or % of plan).",
    )
    value: Mapped[float | None] = mapped_column(
        Float, comment="Value restated on the unit (the province row equals rpt_indicator's)."
    )


class RptBreakdown(Base):
    __tablename__ = "rpt_breakdown"
    __table_args__ = (
        # named: the convention's name would pass PostgreSQL's 63 characters
        UniqueConstraint(
            "province_code",
            "period",
            "unit_code",
            "breakdown",
            "row_key",
            "col_key",
            name="uq_rpt_breakdown_province_code_period_unit_code_cell",
        ),
        Index(None, "breakdown", "unit_code", "period"),
        Index(None, "unit_code"),
        {
            "comment": "Cross-tabulated figures the published sheets show beyond single indicators, computed in the "
            "reconcile stage by the indicators' own definitions (kttt_pipeline/reconcile/breakdown.py), for "
            "the province and each reporting unit with figures; every cell of a grid is a row, zeros "
            "included. breakdown 'sector_status' (Biểu 02): cooperatives counted in HTX_TOTAL by sector "
            "(row_key) and status or grade class (col_key); a row's ACTIVE, WEAK, SUSPENDED, NOT_STARTED "
            "and DISSOLVING add up to HTX_SECTOR_<row_key>, a column's sectors to HTX_<col_key>. "
            "Completeness as rpt_indicator's (period_status)."
        },
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    unit_code: Mapped[str] = _unit("Province or reporting unit.", nullable=False)
    breakdown: Mapped[str] = mapped_column(
        String,
        nullable=False,
        comment="Which breakdown: 'sector_status' (sector × status and grade class of the counted cooperatives).",
    )
    row_key: Mapped[str] = mapped_column(
        String, nullable=False, comment="Row of the breakdown; sector_status: the sector code (AGRI … OTHER)."
    )
    col_key: Mapped[str] = mapped_column(
        String,
        nullable=False,
        comment="Column of the breakdown; sector_status: ACTIVE, GOOD, AVERAGE (grades of ACTIVE), WEAK, SUSPENDED, NOT_STARTED or DISSOLVING (a cooperative 'Đã giải thể' dissolved after the period end counts as DISSOLVING, as in HTX_DISSOLVING).",
    )
    value: Mapped[float] = mapped_column(Float, nullable=False, comment="The figure (a count for sector_status).")


class DqIssue(Base):
    __tablename__ = "dq_issue"
    __table_args__ = (
        Index(None, "province_code", "period", "kind"),
        Index(None, "province_code", "period", "unit_code"),
        {
            "comment": "Data-quality findings: one row per problem found or decision taken under spec §6–§7, with a stable kind code."
        },
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = _province()
    period: Mapped[str] = _period()
    kind: Mapped[str] = mapped_column(
        String,
        nullable=False,
        comment="Stable finding code, e.g. UNIT_MISSING, DUPLICATE, STATUS_OVERRIDE, SUMMARY_MISMATCH (spec §8).",
    )
    severity: Mapped[str] = mapped_column(
        String,
        nullable=False,
        comment="error (a row or file was excluded), warning (a figure was changed or is doubtful), info (a decision recorded).",
    )
    unit_code: Mapped[str | None] = _unit("Unit concerned (null for province-level findings).")
    entity_key: Mapped[str | None] = mapped_column(
        Text, comment="Tax code or written name, THT name, file name, indicator code or unit code, by kind."
    )
    source_file: Mapped[str | None] = _source_file()
    sheet: Mapped[str | None] = _sheet()
    row_number: Mapped[int | None] = _row_number()
    detail: Mapped[str] = mapped_column(Text, nullable=False, comment="What was found and done, in Vietnamese.")
    value_reported: Mapped[str | None] = mapped_column(
        Text, comment="Value as reported (for mismatches and overrides)."
    )
    value_computed: Mapped[str | None] = mapped_column(Text, comment="Value computed or applied instead.")
    rule: Mapped[str | None] = mapped_column(
        String, comment="Contract rule applied, e.g. '7.4' or '7.6:member_workers_le_workers'."
    )


class Target(Base):
    __tablename__ = "target"
    __table_args__ = (
        Index(None, "province_code", "year", "indicator_code"),
        {"comment": "Annual plan targets (Kế hoạch năm) by indicator; keyed by year, not by period."},
    )

    id: Mapped[int] = _id()
    province_code: Mapped[str] = mapped_column(
        String,
        nullable=False,
        comment="Province whose plan this is (the province's admin_unit.unit_code, e.g. '22'); "
        "a load replaces exactly its (province_code, year) rows.",
    )
    year: Mapped[int] = mapped_column(Integer, nullable=False, comment="Plan year.")
    indicator_code: Mapped[str] = mapped_column(
        String, nullable=False, comment="Indicator code of vocab/indicators.csv."
    )
    value: Mapped[float | None] = mapped_column(Float, comment="Target value for the year.")
    source_file: Mapped[str | None] = _source_file()


#: tables replaced per period, in insert order (the reverse is the delete order)
PERIOD_TABLES: tuple[str, ...] = (
    "period_status",
    "load_audit",
    "stg_cooperative",
    "stg_group",
    "stg_tax_register",
    "stg_summary_figure",
    "quarantine",
    "cooperative",
    "cooperative_group",
    "cooperative_union",
    "credit_fund",
    "rpt_indicator",
    "rpt_indicator_restated",
    "rpt_breakdown",
    "dq_issue",
)

#: every table, dimension first
ALL_TABLES: tuple[str, ...] = ("admin_unit", *PERIOD_TABLES, "target")


# --------------------------------------------------------------------------------------------------- views
# The views are created by the migrations (SQL frozen there); this is their documentation, checked against
# the database by the tests and written into the data dictionary.

VIEW_DOCS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "v_indicator_by_unit": (
        "Each reporting unit's indicator value beside the province's, with the unit's share of the province figure "
        "(province rows themselves are not repeated as units).",
        [
            (
                "province_code",
                "Province the period belongs to (its admin_unit.unit_code); every join of the view is within it.",
            ),
            ("period", "Reporting period YYYY-Qn."),
            ("indicator_code", "Indicator code."),
            ("unit_code", "Reporting unit."),
            ("unit_name", "Unit kind and name, e.g. 'Thành phố Hạ Long'."),
            ("value", "The unit's value."),
            ("province_value", "The province's value of the same indicator, province and period."),
            (
                "share_of_province",
                "100 × value / province_value (null when the province value is null or 0); meaningful for counts and sums, not for averages or _PCT codes.",
            ),
            ("province_is_complete", "False when the province figure sums an incomplete set of units (spec §7.7)."),
        ],
    ),
    "v_indicator_history": (
        "Every indicator of every unit across the loaded periods, with the value of the previous loaded period "
        "of the same unit and the change. Figures are cumulative within a year (lũy kế).",
        [
            (
                "province_code",
                "Province the period belongs to (its admin_unit.unit_code); every join of the view is within it.",
            ),
            ("indicator_code", "Indicator code."),
            ("unit_code", "Province ('22') or reporting unit."),
            ("period", "Reporting period YYYY-Qn."),
            ("value", "Value in this period."),
            (
                "previous_period",
                "The previous period loaded for this province, unit and indicator (null for the first).",
            ),
            ("previous_value", "Value in previous_period."),
            ("change", "value − previous_value (null when either is null)."),
            ("previous_quarter", "The quarter before period ('2024-Q4' for '2025-Q1'), loaded or not."),
            (
                "previous_quarter_value",
                "Value in previous_quarter (null when that quarter is not loaded). Cumulative "
                "figures restart on 1 January: a Q1 value is not comparable with Q4's.",
            ),
            ("previous_year_period", "The same quarter a year earlier ('2023-Q3' for '2024-Q3')."),
            (
                "previous_year_value",
                "Value in previous_year_period (null when not loaded). Across the 2025 reform a "
                "unit's code may name another unit: compare units in v_indicator_comparable.",
            ),
            (
                "change_vs_previous_year_pct",
                "100 × (value − previous_year_value) / previous_year_value (null when "
                "either is null or the earlier value is 0).",
            ),
        ],
    ),
    "v_indicator_comparable": (
        "One comparable series per current unit across the 2025 reform (spec §11.1): for every loaded period, the "
        "count and sum indicators of the province and of each unit in force since the reform — as reported for "
        "the periods those units report, restated from the former districts' returns for the earlier ones "
        "(rpt_indicator for commune-era periods ∪ rpt_indicator_restated for earlier periods).",
        [
            (
                "province_code",
                "Province the period belongs to (its admin_unit.unit_code); every join of the view is within it.",
            ),
            ("period", "Reporting period YYYY-Qn."),
            ("unit_code", "Province or a unit in force since the reform."),
            ("unit_name", "Unit kind and name, e.g. 'Phường Hạ Long'."),
            ("indicator_code", "A count or sum indicator of vocab/indicators.csv."),
            ("value", "The value: reported, or restated on the current unit."),
            (
                "source",
                "'reported' (the unit itself reported it in that period; the province row always) or "
                "'restated' (re-counted from the former districts' returns).",
            ),
            (
                "is_complete",
                "False when some reporting unit of the period sent nothing (period_status.is_complete): "
                "the figure is then a sum over the units present.",
            ),
            ("previous_quarter", "The quarter before period, loaded or not."),
            (
                "previous_quarter_value",
                "The series' value in previous_quarter (reported or restated; null when not loaded).",
            ),
            ("previous_year_period", "The same quarter a year earlier."),
            (
                "previous_year_value",
                "The series' value in previous_year_period: across the reform, the former "
                "period restated on the current unit (null when not loaded).",
            ),
            (
                "change_vs_previous_year_pct",
                "100 × (value − previous_year_value) / previous_year_value (null when "
                "either is null or the earlier value is 0).",
            ),
        ],
    ),
    "v_findings_by_unit": (
        "Number of data-quality findings per period, unit, kind and severity (province-level findings have a null unit_code).",
        [
            (
                "province_code",
                "Province the period belongs to (its admin_unit.unit_code); every join of the view is within it.",
            ),
            ("period", "Reporting period YYYY-Qn."),
            ("unit_code", "Unit concerned (null: province level)."),
            ("unit_name", "Unit kind and name (null when unit_code is null)."),
            ("kind", "Finding code."),
            ("severity", "error, warning or info."),
            ("count", "Number of findings."),
        ],
    ),
}

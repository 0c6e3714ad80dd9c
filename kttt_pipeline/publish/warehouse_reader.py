"""What the published documents of a period read from the warehouse (never from raw files). The documents:

* :func:`kttt_pipeline.publish.report.publish_period` — everything under ``reports_dir/<period>/``;
* :func:`kttt_pipeline.publish.appendix.write_appendix` — the appendix workbook (Phụ biểu);
* :func:`kttt_pipeline.publish.paragraph.render_paragraph` / ``write_paragraph`` — Part One §1.1;
* :func:`kttt_pipeline.publish.charts.write_charts` — PNG charts.

This module reads the warehouse: tables are reflected (``MetaData.reflect``), so publishing does not depend on
the ORM models, and every query is a SQLAlchemy Core ``select`` with bound parameters. A table that does not
exist (an older warehouse) yields empty data rather than an error; the indicator table is required.

A period belongs to a province: every row read is the province's (``province_code``), the one asked for
or, when none is, the warehouse's only province, else the configured one
(:func:`kttt_pipeline.warehouse.province.reader_province`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, select
from sqlalchemy.engine import Engine

from kttt_pipeline.core.admin_units import (
    REGISTER_FILE,
    commonest_level,
    in_force,
    load_register_rows,
    unit_kinds,
    unit_sort_key,
    units_on,
)
from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import XML_ILLEGAL
from kttt_pipeline.core.vocabulary import indicators as _vocab_indicators
from kttt_pipeline.warehouse.history import as_date as _date
from kttt_pipeline.warehouse.history import as_number as _number
from kttt_pipeline.warehouse.province import reader_province

__all__ = ["PeriodData", "IndicatorMeta", "load_period_data", "period_end_vi", "unit_display_name"]

TABLES = (
    "rpt_indicator",
    "rpt_breakdown",
    "dq_issue",
    "admin_unit",
    "cooperative",
    "cooperative_union",
    "credit_fund",
    "target",
    "period_status",
    "load_audit",
    "quarantine",
)


@dataclass(frozen=True)
class IndicatorMeta:
    code: str
    group: str
    name_vi: str
    unit: str


@dataclass
class PeriodData:
    """What the published documents need of one period, read from the warehouse."""

    period: Period
    province_code: str
    province_name: str
    #: reporting units (children of the province in force at the period end, plus any unit with figures),
    #: each a dict with unit_code, name_vi, kind_vi
    units: list[dict[str, Any]]
    #: unit_code → indicator_code → value (None when undefined)
    values: dict[str, dict[str, float | None]]
    #: unit_code → indicator_code → is_complete
    complete_flags: dict[str, dict[str, bool]]
    #: unit codes in force for the period that sent nothing
    missing_units: list[str]
    is_complete: bool
    status: dict[str, Any] | None
    #: indicator_code → annual target of the period's year
    targets: dict[str, float]
    unions: list[dict[str, Any]] = field(default_factory=list)
    credit_funds: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: the counted cooperatives (in_total) a finding names (its entity_key is their tax code or key), with
    #: unit_code, coop_key, name, tax_code — for their names in the findings sheet only: every figure comes from
    #: rpt_indicator or rpt_breakdown
    cooperatives: list[dict[str, Any]] = field(default_factory=list)
    #: rpt_breakdown: unit_code → breakdown → (row_key, col_key) → value (empty for a warehouse without it)
    breakdowns: dict[str, dict[str, dict[tuple[str, str], float | None]]] = field(default_factory=dict)
    unit_names: dict[str, str] = field(default_factory=dict)
    #: every unit of the warehouse's register (admin_unit) by its name in a sentence ("xã Bình Liêu"): a finding
    #: may cite a unit that is not one of the period's (a former district, a 2025 commune a restating note names)
    register_names: dict[str, str] = field(default_factory=dict)
    #: the same quarter a year earlier as the warehouse holds it (None: not loaded); across the reform its unit
    #: figures are restated on the current units, its province figures are rpt_indicator's
    year_ago: Any = None
    #: the quarter before (None: not loaded)
    previous_quarter: Any = None
    #: the province's figures of the last quarters loaded up to this one (oldest first, at most TREND_QUARTERS)
    trend: list[Any] = field(default_factory=list)
    #: days the reporting tier changed (1/7/2025), from the unit register
    tier_changes: list[dt.date] = field(default_factory=list)
    #: why the period's comparison findings do not match the earlier periods as the warehouse holds them now
    #: (an earlier period loaded or replaced after this one compared with it: publish/report.stale_findings)
    comparison_notes: list[str] = field(default_factory=list)
    #: the rows §7.6 excluded (quarantine): record_type, unit_code, source_file, sheet — to tell a figure of zero
    #: rows from a figure whose every row was excluded (publish/figure_gaps.py)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    #: the files seen for the period (load_audit): source_file, file_kind, status, error
    files: list[dict[str, Any]] = field(default_factory=list)
    #: the province's own kind in force at the period end, as the register writes it ("Tỉnh", "Thành phố")
    province_kind_vi: str = ""

    # ---- the province's own kind and name at the period end (the register's dated rows) ------------------
    @property
    def province_word(self) -> str:
        """``tỉnh`` / ``thành phố``: the province's kind in force at the period end, in lower case (the first
        province kind of vocab/unit_kinds.csv when the register gives none)."""
        kind = self.province_kind_vi.strip() or next((k.kind_vi for k in unit_kinds() if k.tier == "province"), "")
        return kind.lower()

    @property
    def province_label(self) -> str:
        """``tỉnh Quảng Ninh`` / ``thành phố Quảng Ninh``: the province as a sentence names it."""
        return f"{self.province_word} {self.province_name}".strip()

    @property
    def province_title(self) -> str:
        """``TỈNH QUẢNG NINH`` / ``THÀNH PHỐ BẮC NINH``: the province as a title names it."""
        return self.province_label.upper()

    # ---- comparisons with earlier periods ---------------------------------------------------------------
    @property
    def year_ago_period(self) -> Period:
        return Period(self.period.year - 1, self.period.quarter)

    def year_ago_value(self, code: str, unit_code: str | None = None) -> float | None:
        """The figure of the same quarter a year earlier (None when that period or figure is not in the
        warehouse — never 0 for a missing one)."""
        if self.year_ago is None:
            return None
        if unit_code is None or unit_code == self.province_code:
            return self.year_ago.value(code)
        return self.year_ago.value(code, unit_code)

    def ratio_to_year_ago(self, code: str, unit_code: str | None = None) -> float | None:
        """``So với cùng kỳ (%)``: 100 × this figure / the same quarter's a year earlier (None when undefined)."""
        return share(self.value(code, unit_code), self.year_ago_value(code, unit_code))

    def change_vs_year_ago(self, code: str, unit_code: str | None = None) -> float | None:
        """The change in percent against the same quarter a year earlier: 100 × (now − then) / then."""
        ratio = self.ratio_to_year_ago(code, unit_code)
        return None if ratio is None else ratio - 100.0

    # ---- convenience -------------------------------------------------------------------------------
    def value(self, code: str, unit_code: str | None = None) -> float | None:
        return self.values.get(unit_code or self.province_code, {}).get(code)

    def breakdown(self, breakdown: str, row_key: str, col_key: str, unit_code: str | None = None) -> float | None:
        """A cell of a breakdown table (``rpt_breakdown``) computed in the reconcile stage; None when the
        warehouse has none for the unit."""
        return self.breakdowns.get(unit_code or self.province_code, {}).get(breakdown, {}).get((row_key, col_key))

    def target(self, code: str) -> float | None:
        return self.targets.get(code)

    def pct_of_plan(self, code: str) -> float | None:
        """``So với KH (%)``: the warehouse's ``<CODE>_PCT_PLAN`` when present, else 100 × value / target."""
        stored = self.value(f"{code}_PCT_PLAN")
        if stored is not None:
            return stored
        value, target = self.value(code), self.target(code)
        if value is None or target in (None, 0):
            return None
        return 100.0 * value / target  # type: ignore[operator]

    @property
    def end_vi(self) -> str:
        return period_end_vi(self.period)

    @property
    def missing_unit_names(self) -> list[str]:
        return [self.unit_names.get(code, code) for code in self.missing_units]

    def incomplete_note(self) -> str:
        """``(chưa đủ số liệu: thiếu huyện Cô Tô, thành phố Móng Cái)`` or "" when complete."""
        if self.is_complete:
            return ""
        if self.missing_units:
            return f"(chưa đủ số liệu: thiếu {', '.join(self.missing_unit_names)})"
        return "(chưa đủ số liệu)"

    @property
    def province_workbook_complete(self) -> bool:
        """False when the unions' and credit funds' figures are marked incomplete (the province workbook was not
        read); a missing reporting unit does not touch them."""
        meta = indicator_meta()
        flags = self.complete_flags.get(self.province_code, {})
        return all(ok for code, ok in flags.items() if _from_province_workbook(code, meta))

    def unit_has_figures(self, unit_code: str) -> bool:
        return bool(self.values.get(unit_code))

    # ---- the tier of the reporting units (vocab/unit_kinds.csv) -------------------------------------------
    @property
    def unit_level(self) -> str:
        """The level of the reporting units in force ("district" until 2025-Q2, "commune" since, §11)."""
        return commonest_level(u.get("level") for u in self.units)

    @property
    def tier_vi(self) -> str:
        """``cấp xã`` / ``cấp huyện``: the tier of the units in force, from vocab/unit_kinds.csv."""
        return next((k.tier_vi for k in unit_kinds() if k.tier == self.unit_level), "")

    def unit_kind_counts(self) -> list[tuple[str, int]]:
        """(kind in lower case, number of reporting units) in the vocabulary's order of kinds, kinds with no unit
        left out: ``[("xã", 22), ("phường", 30), ("đặc khu", 2)]``."""
        order = {(k.tier, k.kind_vi.lower()): k.kind_order for k in unit_kinds()}
        counts: dict[str, int] = {}
        for u in self.units:
            kind = str(u.get("kind_vi") or "").strip().lower()
            counts[kind] = counts.get(kind, 0) + 1
        return sorted(counts.items(), key=lambda kv: (order.get((self.unit_level, kv[0]), 99), kv[0]))

    def units_phrase(self) -> str:
        """``54 xã, phường, đặc khu`` / ``13 huyện, thị xã, thành phố``: the reporting units counted from the
        register in force, named by their kinds."""
        kinds = [k for k, _ in self.unit_kind_counts() if k]
        return f"{len(self.units)} {', '.join(kinds)}" if kinds else f"{len(self.units)} đơn vị"

    def grouped_units(self) -> list[tuple[str | None, list[dict[str, Any]]]]:
        """The reporting units as the by-unit sheet lists them: grouped by kind (vocabulary order), alphabetical
        within each kind, where the tier says so (``group_by_kind``, the 54 or 99 communes); otherwise one group
        in code order (the 13 districts, as the plan has always listed them)."""
        group = any(k.group_by_kind for k in unit_kinds() if k.tier == self.unit_level)
        if not group:
            return [(None, list(self.units))]
        out = []
        for kind, _n in self.unit_kind_counts():
            members = [u for u in self.units if str(u.get("kind_vi") or "").strip().lower() == kind]
            out.append((kind, sorted(members, key=lambda u: name_sort_key(u.get("name_vi") or u["unit_code"]))))
        return out


def name_sort_key(name: str) -> list:
    """Alphabetical order of Vietnamese names for a reader: letters without their tone marks first, numbers as
    numbers ("Móng Cái 2" before "Móng Cái 10"), then the exact spelling."""
    import re

    from kttt_pipeline.core.text import fold

    parts = re.split(r"(\d+)", fold(name))
    return [(0, int(p)) if p.isdigit() else (1, p) for p in parts if p] + [(2, str(name))]


def period_end_vi(period: Period | str) -> str:
    """``2024-Q3`` → ``30/9/2024`` (day/month without leading zeros, as the plan writes dates)."""
    p = Period.parse(period) if isinstance(period, str) else period
    return f"{p.end.day}/{p.end.month}/{p.end.year}"


def unit_display_name(unit: dict[str, Any], *, capitalise: bool = False) -> str:
    """``{"kind_vi": "Huyện", "name_vi": "Cô Tô"}`` → ``huyện Cô Tô`` (``Huyện Cô Tô`` when capitalised)."""
    kind = (unit.get("kind_vi") or "").strip()
    name = (unit.get("name_vi") or unit.get("unit_code") or "").strip()
    if not kind:
        return name
    kind = kind[0].upper() + kind[1:].lower() if capitalise else kind.lower()
    return f"{kind} {name}"


def indicator_meta() -> dict[str, IndicatorMeta]:
    return {i.code: IndicatorMeta(i.code, i.group, i.name_vi, i.unit) for i in _vocab_indicators()}


# ---- reading -----------------------------------------------------------------------------------------


def _bool(value: Any, default: bool = True) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "t", "yes", "y"}
    return bool(value)


def _reflect(engine: Engine) -> dict[str, Table]:
    md = MetaData()
    md.reflect(engine, only=lambda name, _md: name in TABLES)
    return {name: md.tables[name] for name in TABLES if name in md.tables}


def _keys_named(findings: list[dict[str, Any]]) -> set[str]:
    """The entity keys the findings name, as written and as the findings sheet writes them."""
    keys = {str(f["entity_key"]) for f in findings if f.get("entity_key") is not None}
    return keys | {XML_ILLEGAL.sub("", k) for k in keys}  # as the appendix's cells write them


def _rows(conn, table: Table | None, *where) -> list[dict[str, Any]]:
    if table is None:
        return []
    stmt = select(table)
    for clause in where:
        stmt = stmt.where(clause)
    result = conn.execute(stmt)
    columns = list(result.keys())
    return [dict(zip(columns, r)) for r in result.all()]


def _columns(conn, table: Table | None, columns: tuple[str, ...], province: str, key: str) -> list[dict[str, Any]]:
    """Some columns of a table's rows of the province's period (those of ``columns`` it has); [] without it."""
    if table is None:
        return []
    wanted = [c for c in columns if c in table.c]
    stmt = select(*[table.c[c] for c in wanted]).where(table.c.province_code == province, table.c.period == key)
    return [dict(zip(wanted, r)) for r in conn.execute(stmt).all()]


def _indicator_values(
    conn, t: Table, key: str, province: str
) -> tuple[dict[str, dict[str, float | None]], dict[str, dict[str, bool]], set[str]]:
    """The period's indicator values and completeness flags by unit and indicator, and the units that carry
    province-workbook indicators (LHHTX, QTDND), taken in row by row."""
    values: dict[str, dict[str, float | None]] = {}
    flags: dict[str, dict[str, bool]] = {}
    workbook_units: set[str] = set()
    complete = t.c.is_complete if "is_complete" in t.c else None
    cols = [t.c.unit_code, t.c.indicator_code, t.c.value] + ([complete] if complete is not None else [])
    for r in conn.execute(select(*cols).where(t.c.province_code == province, t.c.period == key)):
        unit, code = str(r[0]), str(r[1])
        values.setdefault(unit, {})[code] = _number(r[2])
        flags.setdefault(unit, {})[code] = _bool(r[3] if complete is not None else None, True)
        if code.startswith(("LHHTX_", "QTDND_")):
            workbook_units.add(unit)
    return values, flags, workbook_units


def _breakdown_values(
    conn, t: Table, key: str, province: str
) -> dict[str, dict[str, dict[tuple[str, str], float | None]]]:
    """The period's breakdown cells by unit, breakdown and (row, column) key, taken in row by row."""
    breakdowns: dict[str, dict[str, dict[tuple[str, str], float | None]]] = {}
    stmt = select(t.c.unit_code, t.c.breakdown, t.c.row_key, t.c.col_key, t.c.value).where(
        t.c.province_code == province, t.c.period == key
    )
    for unit, breakdown, row_key, col_key, value in conn.execute(stmt):
        breakdowns.setdefault(str(unit), {}).setdefault(str(breakdown), {})[(str(row_key), str(col_key))] = _number(
            value
        )
    return breakdowns


#: quarters of the trend chart
TREND_QUARTERS = 8


def share(part: float | None, whole: float | None) -> float | None:
    from kttt_pipeline.core.numfmt import share as _share

    return _share(part, whole)


def load_period_data(
    engine: Engine, period: Period | str, province: str | None = None, raw_dir: Path | str | None = None
) -> PeriodData:
    """Read everything the published documents of the province's ``period`` need from the warehouse, and the
    earlier periods of the province it is compared with. ``province`` None:
    :func:`~kttt_pipeline.warehouse.province.reader_province`. The units' and the province's kinds and names
    are those in force at the period end (:func:`dated_units`; ``raw_dir``: a register placed there)."""
    p = Period.parse(period) if isinstance(period, str) else period
    key = p.key
    tables = _reflect(engine)
    if "rpt_indicator" not in tables:
        raise LookupError("the warehouse has no rpt_indicator table: materialise the period first")
    with engine.connect() as conn:
        whose = reader_province(conn, province, tables["rpt_indicator"])
        t = tables.get("admin_unit")
        admin = dated_units(_rows(conn, t), whose, p.end, raw_dir)
        # the two largest reads (a row per unit and indicator or breakdown cell) are taken in row by row as the
        # values they give, never as a list of row dicts (at national scale such lists are the largest thing the
        # publication holds; the driver still buffers the rows themselves)
        t = tables["rpt_indicator"]
        values, flags, workbook_units = _indicator_values(conn, t, key, whose)
        t = tables.get("rpt_breakdown")
        breakdowns = _breakdown_values(conn, t, key, whose) if t is not None else {}
        t = tables.get("period_status")
        status_rows = _rows(conn, t, t.c.province_code == whose, t.c.period == key) if t is not None else []
        t = tables.get("target")
        target_rows = _rows(conn, t, t.c.province_code == whose, t.c.year == p.year) if t is not None else []
        t = tables.get("cooperative_union")
        unions = _rows(conn, t, t.c.province_code == whose, t.c.period == key) if t is not None else []
        t = tables.get("credit_fund")
        funds = _rows(conn, t, t.c.province_code == whose, t.c.period == key) if t is not None else []
        t = tables.get("dq_issue")
        findings = _rows(conn, t, t.c.province_code == whose, t.c.period == key) if t is not None else []
        t = tables.get("quarantine")
        quarantined = _columns(conn, t, ("record_type", "unit_code", "source_file", "sheet"), whose, key)
        t = tables.get("load_audit")
        files = _columns(conn, t, ("source_file", "file_kind", "status", "error"), whose, key)
        t = tables.get("cooperative")
        coops: list[dict[str, Any]] = []
        if t is not None:
            named = _keys_named(findings)
            wanted = [c for c in ("unit_code", "coop_key", "name", "tax_code", "in_total") if c in t.c]
            stmt = select(*[t.c[c] for c in wanted]).where(t.c.province_code == whose, t.c.period == key)
            coops = [
                c
                for r in conn.execute(stmt).all()
                if (c := dict(zip(wanted, r))).get("tax_code")
                and str(c["tax_code"]) in named
                or c.get("coop_key")
                and str(c["coop_key"]) in named
            ]
    if not values:
        raise LookupError(
            f"no indicators in the warehouse for period {key} of province {whose}: materialise the period first"
        )

    # province and reporting units
    province = next((u for u in admin if str(u.get("level")) == "province" and str(u["unit_code"]) == whose), None)
    if province is not None:
        province_code = str(province["unit_code"])
    else:  # no register row: the province is the unit carrying the province-only figures (unions, credit funds)
        codes = workbook_units
        if len(codes) != 1:
            raise LookupError(f"period {key}: the warehouse's admin_unit has no province row")
        province_code = codes.pop()
    province_name = str(province["name_vi"]) if province else ""
    province_kind = str(province.get("kind_vi") or "") if province else ""
    unit_by_code = {str(u["unit_code"]): u for u in admin}

    def unit_in_force(u: dict[str, Any]) -> bool:
        return in_force(_date(u.get("valid_from")), _date(u.get("valid_to")), p.end)

    units = [
        {
            "unit_code": str(u["unit_code"]),
            "name_vi": u.get("name_vi"),
            "kind_vi": u.get("kind_vi"),
            "level": u.get("level"),
        }
        for u in admin
        if str(u["unit_code"]) != province_code
        and str(u.get("parent_code") or "") == province_code
        and unit_in_force(u)
    ]
    known = {u["unit_code"] for u in units}
    for code in values:  # a unit with figures but no (or an out-of-force) admin row is still shown
        if code != province_code and code not in known:
            u = unit_by_code.get(code, {})
            units.append(
                {
                    "unit_code": code,
                    "name_vi": u.get("name_vi") or code,
                    "kind_vi": u.get("kind_vi"),
                    "level": u.get("level"),
                }
            )
            known.add(code)
    units.sort(key=lambda u: unit_sort_key(u["unit_code"]))

    status = status_rows[0] if status_rows else None
    if status is not None:
        missing = [c.strip() for c in str(status.get("units_missing") or "").split(",") if c.strip()]
        complete = _bool(status.get("is_complete"), True) and not missing
    else:
        missing = [u["unit_code"] for u in units if u["unit_code"] not in values]
        complete = not missing
    province_flags = flags.get(province_code, {})
    meta = indicator_meta()
    # the units' figures decide the period's completeness; the province workbook's (LHHTX, QTDND) have their own
    if any(not ok for code, ok in province_flags.items() if not _from_province_workbook(code, meta)):
        complete = False
    missing.sort(key=unit_sort_key)
    for code in missing:
        if code not in known:
            u = unit_by_code.get(code, {})
            units.append(
                {
                    "unit_code": code,
                    "name_vi": u.get("name_vi") or code,
                    "kind_vi": u.get("kind_vi"),
                    "level": u.get("level"),
                }
            )
            known.add(code)
    units.sort(key=lambda u: unit_sort_key(u["unit_code"]))
    unit_names = {u["unit_code"]: unit_display_name(u) for u in units}
    register_names = {code: unit_display_name(u) for code, u in unit_by_code.items()}
    unit_names[province_code] = (
        f"{province_kind.lower() or _province_kind_word()} {province_name}".strip()
        if province
        else f"toàn {_province_kind_word()}"
    )

    targets = {str(r["indicator_code"]): v for r in target_rows if (v := _number(r["value"])) is not None}

    findings.sort(
        key=lambda f: (
            _severity_rank(f.get("severity")),
            str(f.get("kind") or ""),
            unit_sort_key(str(f.get("unit_code") or "")),
            str(f.get("entity_key") or ""),
        )
    )
    coops = [c for c in coops if _bool(c.get("in_total"), True)]
    unions.sort(key=lambda r: (_int(r.get("row_number")), str(r.get("name") or "")))
    funds.sort(key=lambda r: (_int(r.get("row_number")), str(r.get("name") or "")))

    data = PeriodData(
        period=p,
        province_code=province_code,
        province_name=province_name,
        units=units,
        values=values,
        complete_flags=flags,
        missing_units=missing,
        is_complete=complete,
        status=status,
        targets=targets,
        unions=unions,
        credit_funds=funds,
        findings=findings,
        cooperatives=coops,
        unit_names=unit_names,
        register_names=register_names,
        breakdowns=breakdowns,
        quarantined=quarantined,
        files=files,
        province_kind_vi=province_kind,
    )
    from kttt_pipeline.warehouse.history import loaded_periods, period_figures, tier_change_days

    level = data.unit_level
    data.year_ago = period_figures(engine, data.year_ago_period, level, province=whose)
    data.previous_quarter = period_figures(engine, p.previous(), level, province=whose)
    data.trend = [
        f
        for q in [q for q in loaded_periods(engine, whose) if q <= p][-TREND_QUARTERS:]
        if (f := period_figures(engine, q, units=False, province=whose)) is not None
    ]
    data.tier_changes = tier_change_days(admin, whose)
    return data


def _province_kind_word() -> str:
    """The first province kind of vocab/unit_kinds.csv in lower case ("tỉnh"): the word when no register row
    says which kind the province is."""
    return next((k.kind_vi for k in unit_kinds() if k.tier == "province"), "").lower()


def dated_units(
    admin: list[dict[str, Any]], province: str, day: dt.date, raw_dir: Path | str | None = None
) -> list[dict[str, Any]]:
    """The warehouse's admin_unit rows with the kind, name, level and parent in force on ``day`` (a period's
    end) taken from the province's register (``<raw_dir>/admin_units.csv`` when it holds the province, else
    the packaged register of ``province``): the warehouse keeps one row per code, the one loaded last, so a
    2026-Q3 report read after 2026-Q4 was loaded would otherwise take the later kind. A unit of the warehouse
    the register does not hold keeps its row, and a register unit the warehouse does not hold is not added (the
    warehouse says which units were loaded); with no register for the province, the rows are as they are."""
    rows = None
    raw = Path(raw_dir) if raw_dir else None
    sources = ([raw] if raw is not None and (raw / REGISTER_FILE).is_file() else []) + [None]
    for source in sources:
        try:
            candidate = load_register_rows(source, province)
        except (ValueError, OSError):  # no packaged register of the province: the warehouse's rows
            continue
        if any(u.level == "province" and u.unit_code == str(province) for u in candidate):
            rows = candidate
            break
    if rows is None:
        return admin
    dated = {
        u.unit_code: {
            "unit_code": u.unit_code,
            "level": u.level,
            "name_vi": u.name_vi,
            "kind_vi": u.kind_vi,
            "parent_code": u.parent_code,
            "valid_from": u.valid_from,
            "valid_to": u.valid_to,
        }
        for u in units_on(rows, day)
    }
    return [{**row, **dated[code]} if (code := str(row.get("unit_code"))) in dated else row for row in admin]


#: indicator groups read from the province workbook (its figures do not depend on the reporting units)
PROVINCE_WORKBOOK_GROUPS = ("LHHTX", "QTDND")


def _from_province_workbook(code: str, meta: dict[str, IndicatorMeta]) -> bool:
    m = meta.get(code)
    return m is not None and m.group in PROVINCE_WORKBOOK_GROUPS


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _severity_rank(severity: Any) -> int:
    from kttt_pipeline.core.findings import SEVERITY_ORDER

    return SEVERITY_ORDER.get(str(severity or "").lower(), 9)

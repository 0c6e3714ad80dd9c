"""Earlier periods as the warehouse holds them, for comparisons (COOP_VANISHED, PERIOD_JUMP, trends).

Read-only, tables reflected (like :mod:`kttt_pipeline.publish`), SQLAlchemy Core with bound parameters, the same
on SQLite and PostgreSQL. A period that is not loaded yields ``None``; nothing is ever invented as zero.

Across the 2025 reform the reporting tier changes (districts → communes): unit-level figures of an earlier period
reported by another tier are read from ``rpt_indicator_restated`` (restated on the current units); within one
tier, and always for the province, from ``rpt_indicator``.

A period belongs to a province: every read is of one province's rows, ``province`` (None: the
warehouse's only province, else the configured one; :func:`kttt_pipeline.warehouse.province.reader_province`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import MetaData, Table, select
from sqlalchemy.engine import Connection, Engine

from kttt_pipeline.core.admin_units import commonest_level
from kttt_pipeline.core.periods import Period
from kttt_pipeline.warehouse.province import reader_province

_TABLES = ("rpt_indicator", "rpt_indicator_restated", "admin_unit", "cooperative", "period_status")


@dataclass
class PeriodFigures:
    """One earlier period's figures, as a comparison reads them."""

    period: Period
    #: the province's figures (rpt_indicator, always compared directly)
    province: dict[str, float | None]
    #: unit_code → indicator_code → value, on the units of the period compared with
    units: dict[str, dict[str, float | None]] = field(default_factory=dict)
    #: True when ``units`` are rpt_indicator_restated's rows (the earlier period was reported by another tier)
    restated: bool = False
    #: the reporting tier of the period ("district" / "commune")
    level: str = ""
    is_complete: bool = True

    def value(self, code: str, unit_code: str | None = None) -> float | None:
        if unit_code is None:
            return self.province.get(code)
        return self.units.get(unit_code, {}).get(code)


def as_number(value: Any) -> float | None:
    """A figure as the warehouse returns it (float, Decimal on PostgreSQL, None, NaN), as a float or None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = float(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


@contextmanager
def _connect(bind: Engine | Connection) -> Iterator[Connection]:
    """A connection of ``bind``: the caller's own (a load's transaction, one read snapshot) or a new one."""
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


#: the tables reflected so far, by database, while :func:`tables_reflected_once` holds (None: not held)
_REFLECTED: ContextVar[dict[Engine, dict[str, Table]] | None] = ContextVar("_REFLECTED", default=None)


@contextmanager
def tables_reflected_once() -> Iterator[None]:
    """Within the block, the warehouse's tables are reflected once per database instead of at each read: a
    publication reads the earlier periods a dozen times (digests, identities, the trend), and nothing it does
    changes the warehouse's schema."""
    token = _REFLECTED.set({})
    try:
        yield
    finally:
        _REFLECTED.reset(token)


def _reflect(engine: Engine | Connection) -> dict[str, Table]:
    cache = _REFLECTED.get()
    database = engine.engine if isinstance(engine, Connection) else engine
    if cache is not None and database in cache:
        return cache[database]
    md = MetaData()
    md.reflect(engine, only=lambda name, _md: name in _TABLES)
    tables = {name: md.tables[name] for name in _TABLES if name in md.tables}
    if cache is not None:
        cache[database] = tables
    return tables


def loaded_periods(engine: Engine, province: str | None = None) -> list[Period]:
    """Every period of the province with indicators in the warehouse, oldest first."""
    tables = _reflect(engine)
    t = tables.get("rpt_indicator")
    if t is None:
        return []
    with _connect(engine) as conn:
        code = reader_province(conn, province, t)
        keys = [r[0] for r in conn.execute(select(t.c.period).where(t.c.province_code == code).distinct())]
    return sorted(Period.parse(k) for k in keys)


def _province_code(admin: list[dict[str, Any]]) -> str | None:
    return next((str(u["unit_code"]) for u in admin if str(u.get("level")) == "province"), None)


def _level_of(unit_codes: set[str], admin: list[dict[str, Any]]) -> str:
    """The reporting tier of a period: the commonest level among the units with figures (province excluded)."""
    level_of = {str(u["unit_code"]): str(u.get("level") or "") for u in admin}
    return commonest_level(level_of.get(c) for c in unit_codes)


def period_figures(
    engine: Engine,
    period: Period | str,
    current_level: str | None = None,
    *,
    units: bool = True,
    province: str | None = None,
) -> PeriodFigures | None:
    """The figures of ``period`` as a later period of tier ``current_level`` compares with them (None when the
    period is not in the warehouse). ``current_level`` None: the period's own tier (no restatement).
    ``units`` False: the province's figures only (a trend)."""
    p = Period.parse(period) if isinstance(period, str) else period
    tables = _reflect(engine)
    t = tables.get("rpt_indicator")
    if t is None:
        return None
    with _connect(engine) as conn:
        code = reader_province(conn, province, t)
        a = tables.get("admin_unit")
        admin = [dict(r._mapping) for r in conn.execute(select(a))] if a is not None else []
        stmt = select(t.c.unit_code, t.c.indicator_code, t.c.value).where(
            t.c.province_code == code, t.c.period == p.key
        )
        if not units:
            stmt = stmt.where(t.c.unit_code == code)
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        if not rows:
            return None
        s = tables.get("period_status")
        status = (
            [dict(r._mapping) for r in conn.execute(select(s).where(s.c.province_code == code, s.c.period == p.key))]
            if s is not None
            else []
        )
        province = code
        codes = {str(r["unit_code"]) for r in rows} - {province}
        level = _level_of(codes, admin)
        restated = units and bool(current_level) and bool(level) and level != current_level
        unit_rows = rows
        if restated:
            rt = tables.get("rpt_indicator_restated")
            unit_rows = (
                [
                    dict(r._mapping)
                    for r in conn.execute(
                        select(rt.c.unit_code, rt.c.indicator_code, rt.c.value).where(
                            rt.c.province_code == code, rt.c.period == p.key
                        )
                    )
                ]
                if rt is not None
                else []
            )
    prov: dict[str, float | None] = {}
    units: dict[str, dict[str, float | None]] = {}
    for r in rows:
        if str(r["unit_code"]) == province:
            prov[str(r["indicator_code"])] = as_number(r["value"])
    for r in unit_rows:
        if str(r["unit_code"]) != province:
            units.setdefault(str(r["unit_code"]), {})[str(r["indicator_code"])] = as_number(r["value"])
    complete = True
    if status:
        v = status[0].get("is_complete")
        complete = bool(v) if not isinstance(v, str) else v.strip().lower() in {"1", "true", "t"}
    return PeriodFigures(p, prov, units, restated, level, complete)


def indicator_frame(figures: PeriodFigures) -> pd.DataFrame:
    """The unit-level figures as an ``rpt_indicator``-shaped frame (unit_code, indicator_code, value)."""
    rows = [(u, c, v) for u, vals in figures.units.items() for c, v in vals.items()]
    return pd.DataFrame(rows, columns=["unit_code", "indicator_code", "value"])


def period_cooperatives(engine: Engine, period: Period | str, province: str | None = None) -> pd.DataFrame | None:
    """The cooperatives of ``period`` (tax_code, in_total, unit_code, name, source_file), None when not loaded."""
    p = Period.parse(period) if isinstance(period, str) else period
    t = _reflect(engine).get("cooperative")
    cols = ["tax_code", "in_total", "unit_code", "name", "source_file"]
    if t is None:
        return None
    with _connect(engine) as conn:
        code = reader_province(conn, province)
        rows = [
            dict(r._mapping)
            for r in conn.execute(select(*[t.c[c] for c in cols]).where(t.c.province_code == code, t.c.period == p.key))
        ]
    if not rows:
        return None
    return pd.DataFrame(rows, columns=cols)


def fingerprint(engine: Engine, period: Period | str, province: str | None = None) -> str | None:
    """A digest of the figures of ``period`` a comparison reads (rpt_indicator and rpt_indicator_restated): it
    changes exactly when a reload changes a figure. None when the period is not loaded."""
    p = Period.parse(period) if isinstance(period, str) else period
    tables = _reflect(engine)
    h = hashlib.sha256()
    found = False
    with _connect(engine) as conn:
        code = reader_province(conn, province, tables.get("rpt_indicator"))
        for name in ("rpt_indicator", "rpt_indicator_restated"):
            t = tables.get(name)
            if t is None:
                continue
            rows = sorted(
                (str(u), str(c), "" if (v := as_number(val)) is None else repr(round(v, 6)))
                for u, c, val in conn.execute(
                    select(t.c.unit_code, t.c.indicator_code, t.c.value).where(
                        t.c.province_code == code, t.c.period == p.key
                    )
                )
            )
            found = found or (name == "rpt_indicator" and bool(rows))
            for row in rows:
                h.update(f"{name}|{'|'.join(row)}\n".encode())
    return h.hexdigest()[:16] if found else None


def as_date(value: Any) -> dt.date | None:
    """A date as the warehouse returns it (a date, a datetime, ISO text on SQLite), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def tier_change_days(admin: list[dict[str, Any]], province: str | None = None) -> list[dt.date]:
    """Days the province's reporting units changed (1/7/2025): the first day of children of the province that
    begin the day after other children end. From the unit register only; nothing in code names the date."""
    province = province or _province_code(admin)
    day = as_date

    children = [u for u in admin if str(u.get("parent_code") or "") == str(province)]
    ends = {d for u in children if (d := day(u.get("valid_to"))) is not None}
    starts = {d for u in children if (d := day(u.get("valid_from"))) is not None}
    return sorted(s for s in starts if s - dt.timedelta(days=1) in ends)


def previous_quarter(engine: Engine, period: Period | str, current_level: str, province: str | None = None):
    """The quarter before ``period`` as the reconciliation compares with it
    (:class:`kttt_pipeline.reconcile.period_compare.PreviousQuarter`), None when it is not in the warehouse."""
    from kttt_pipeline.reconcile.period_compare import PreviousQuarter

    p = Period.parse(period) if isinstance(period, str) else period
    prev = p.previous()
    figures = period_figures(engine, prev, current_level, province=province)
    coops = period_cooperatives(engine, prev, province)
    if figures is None or coops is None:
        return None
    names: dict[str, str] = {}
    a = _reflect(engine).get("admin_unit")
    if a is not None:
        with _connect(engine) as conn:
            for u in conn.execute(select(a.c.unit_code, a.c.kind_vi, a.c.name_vi)):
                names[str(u.unit_code)] = f"{u.kind_vi or ''} {u.name_vi or ''}".strip()
    return PreviousQuarter(prev, coops, indicator_frame(figures), figures.restated, names)


# ---- concurrency: what a comparison read, read in one snapshot ------------------------------------------------

#: the cooperative columns a comparison reads (COOP_VANISHED), part of a period's identity
_IDENTITY_COOP_COLUMNS = ("tax_code", "in_total", "unit_code", "name", "source_file")


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """One connection whose reads all see one committed state of the warehouse, never a period half replaced by
    a load running at the same time: PostgreSQL REPEATABLE READ (one snapshot for the whole transaction); SQLite
    a read transaction (``make_engine`` lets SQLAlchemy emit BEGIN; in WAL mode the snapshot is that of the first
    read, and a load's changes are invisible until it commits)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        yield conn


def period_identity(bind: Engine | Connection, period: Period | str, province: str | None = None) -> str | None:
    """The identity of ``period`` as loaded: a digest of every row a comparison with it reads (its cooperatives
    and its figures, restated ones included: :func:`fingerprint` and more). It changes exactly when a load
    changes one of those rows; None when the period is not loaded. A load with the same rows keeps it."""
    p = Period.parse(period) if isinstance(period, str) else period
    with _connect(bind) as conn:
        code = reader_province(conn, province)
        figures = fingerprint(conn, p, code)
        if figures is None:
            return None
        h = hashlib.sha256(f"figures|{figures}\n".encode())
        t = _reflect(conn).get("cooperative")
        if t is not None:
            cols = [t.c[c] for c in _IDENTITY_COOP_COLUMNS if c in t.c]
            rows = sorted(
                tuple("" if v is None else str(v) for v in r)
                for r in conn.execute(select(*cols).where(t.c.province_code == code, t.c.period == p.key))
            )
            for row in rows:
                h.update(f"cooperative|{'|'.join(row)}\n".encode())
    return h.hexdigest()[:16]


def compared_previous_quarter(
    engine: Engine | Connection, period: Period | str, current_level: str, province: str | None = None
):
    """The previous quarter to compare ``period`` with (:func:`previous_quarter`) and what that comparison read:
    ``(previous quarter or None, {its key: its period_identity, None when not loaded})``, both from one snapshot,
    so that the identity is that of the rows compared (docs/decisions.md, "Concurrency")."""
    p = Period.parse(period) if isinstance(period, str) else period
    with read_snapshot(engine) if isinstance(engine, Engine) else _connect(engine) as conn:
        previous = previous_quarter(conn, p, current_level, province)
        basis = {p.previous().key: period_identity(conn, p.previous(), province)}
    return previous, basis


def compared_identities(
    conn: Connection, period: Period | str, province: str | None = None
) -> dict[str, str | None] | None:
    """What the loaded comparison findings of ``period`` were computed against (``period_status.compared_with``:
    {earlier period: its identity then, None: not loaded then}); None when the period was loaded without a
    comparison (or before the column existed)."""
    import json

    p = Period.parse(period) if isinstance(period, str) else period
    t = _reflect(conn).get("period_status")
    if t is None or "compared_with" not in t.c:
        return None
    code = reader_province(conn, province)
    text = conn.execute(select(t.c.compared_with).where(t.c.province_code == code, t.c.period == p.key)).scalar()
    if not text:
        return None
    try:
        return {str(k): (None if v is None else str(v)) for k, v in json.loads(text).items()}
    except (ValueError, AttributeError):
        return None


def recheck_comparisons(
    conn: Connection, result, province: str | None = None
) -> tuple[dict[str, str | None], tuple[str, ...], pd.DataFrame | None]:
    """For a load, in its transaction (the compared periods locked): the identities now of the periods whose
    rows the comparison findings of ``result`` (a reconciled period) read, the periods among them that changed
    since (loaded, replaced or deleted), and when any did, the ``dq_issue`` frame with those findings computed
    again against the previous quarter as the warehouse holds it now (else None)."""
    from kttt_pipeline.reconcile.period_compare import recompared_findings, result_level

    recorded = dict(result.compared_with or {})
    now = {k: period_identity(conn, k, province) for k in sorted(recorded, key=Period.parse)}
    changed = tuple(k for k in now if now[k] != recorded[k])
    if not changed:
        return now, changed, None
    previous = previous_quarter(conn, result.period, result_level(result), province)
    return now, changed, recompared_findings(result, previous)

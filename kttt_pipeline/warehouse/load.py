"""Loading one period into the warehouse: one transaction that replaces exactly that province's period.

``load_period(engine, "2024-Q3", result)`` takes the frames of a period result (docs/architecture.md, "The
period result"), stamps every row with the run's province (``province_code``: :func:`.province.load_province`,
the province row of the run's unit register; here and nowhere else), converts them to plain Python rows
(NaN/NaT → None, numpy → Python, float counts → int) *before* touching the database, then in ONE transaction:

1. upgrades the schema to head (a separate, earlier transaction; a no-op when already there),
2. upserts the admin units (from ``result.admin_unit`` when present, else ``vocab/admin_units.csv``), adding a
   placeholder unit (level ``unknown``) for any unit code the frames use that the register lacks, so that
   such a row never breaks the foreign keys of the others (a warning is logged),
3. deletes the (province_code, period) rows from every per-period table and the (province_code, year) targets of
   the years present: another province's rows of the same period or year are never touched,
4. bulk-inserts the new rows (``insert(table)`` with lists of dicts; executemany).

A failure anywhere rolls the whole transaction back: the previous content of the period stays intact.
Locked or unreachable databases are retried a few times, then :class:`~.engine.WarehouseUnavailable`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import zlib
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

from kttt_pipeline.core.periods import Period
from kttt_pipeline.core.text import fold
from kttt_pipeline.core.vocabulary import marks
from kttt_pipeline.warehouse.engine import run_with_retry
from kttt_pipeline.warehouse.migrate import upgrade
from kttt_pipeline.warehouse.models import PERIOD_TABLES, Base
from kttt_pipeline.warehouse.province import PROVINCE_COLUMN, load_province, reader_province

log = logging.getLogger(__name__)

TABLES: dict[str, Table] = dict(Base.metadata.tables)
ADMIN_UNIT = TABLES["admin_unit"]
TARGET = TABLES["target"]
INDICATOR = TABLES["dim_indicator"]
CROSSWALK = TABLES["unit_crosswalk"]
UNIT_VERSION = TABLES["admin_unit_version"]
PLACEHOLDER_LEVEL = "unknown"

#: advisory-lock namespace (PostgreSQL) serialising concurrent loads of the same period
_PG_LOCK_NAMESPACE = 0x4B54


class FrameMismatch(ValueError):
    """A frame's columns or periods do not fit its warehouse table (the schema needs a migration, or a bug)."""


# -------------------------------------------------------------------------------------------- public API


def load_period(engine: Engine, period: str, result: Any, province: str | None = None) -> dict[str, int]:
    """Replace the province's ``period`` rows in the warehouse with the frames of ``result``; return rows written
    per table.

    ``result`` has the DataFrame attributes of docs/architecture.md (``load_audit`` … ``period_status``, and
    optionally ``admin_unit``). ``province``: whose period it is (default: the province row of
    ``result.admin_unit``, else the configured province); every row is stamped with it. The returned dict has one
    entry per per-period table, plus ``target`` (rows of the years present) and ``admin_unit`` (units upserted,
    placeholders included).
    """
    key = Period.parse(period).key
    code = load_province(result, province)
    compared = getattr(result, "compared_with", None)  # what its comparisons read (docs/decisions.md, "Concurrency")
    rows = {
        name: frame_columns(TABLES[name], _with_compared(_frame(result, name), name), period=key, province=code)
        for name in PERIOD_TABLES
    }
    target_rows = frame_columns(TARGET, _frame(result, "target"), period=None, province=code)
    units = admin_unit_rows(getattr(result, "admin_unit", None))

    upgrade(engine)

    recheck = None

    def transaction() -> dict[str, int]:
        nonlocal recheck
        with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
            lock_period(conn, key, province=code)
            if compared is not None:  # the periods compared with cannot change until this load commits
                for earlier in sorted(compared):
                    lock_period(conn, earlier, shared=True, province=code)
                recheck = _recheck_comparisons(conn, result, rows, code)
            n_units = _upsert_admin_units(conn, units, _unit_codes_used(rows))
            n_versions = _write_unit_versions(conn, getattr(result, "admin_unit_version", None), code)
            n_indicators = _upsert_indicators(conn, getattr(result, "dim_indicator", None))
            n_crosswalk = _replace_crosswalk(conn, getattr(result, "unit_crosswalk", None), code)
            for name in reversed(PERIOD_TABLES):
                table = TABLES[name]
                conn.execute(delete(table).where(table.c.province_code == code, table.c.period == key))
            years = sorted(set(target_rows.get("year", [])))
            if years:
                conn.execute(delete(TARGET).where(TARGET.c.province_code == code, TARGET.c.year.in_(years)))
            counts: dict[str, int] = {
                "admin_unit": n_units,
                "admin_unit_version": n_versions,
                "dim_indicator": n_indicators,
                "unit_crosswalk": n_crosswalk,
            }
            for name in PERIOD_TABLES:
                _bulk_insert(conn, TABLES[name], rows[name])
                counts[name] = _n_rows(rows[name])
            _bulk_insert(conn, TARGET, target_rows)
            counts["target"] = _n_rows(target_rows)
            return counts

    counts = run_with_retry(engine, transaction)
    if recheck is not None:  # what was loaded: the result says it (the CLI and the step's metadata read it)
        result.compared_with, result.recompared, dq_issue = recheck
        if dq_issue is not None:
            result.dq_issue = dq_issue
    log.info(
        "warehouse: province %s period %s loaded (%s)", code, key, ", ".join(f"{k}={v}" for k, v in counts.items())
    )
    return counts


def lock_period(conn: Connection, period: str, *, shared: bool = False, province: str | None = None) -> None:
    """PostgreSQL: the period's advisory lock until the transaction ends, exclusive for a load of the period,
    shared for a load that reads it (its comparisons), so that a period never changes under a load comparing with
    it. SQLite: nothing (``BEGIN IMMEDIATE`` serialises every write transaction)."""
    if conn.dialect.name != "postgresql":
        return
    p = Period.parse(period)
    lock = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    # the province's period: one 31-bit key from both (a period of another province never waits for this one)
    key = zlib.crc32(f"{province or ''}|{p.key}".encode()) & 0x7FFFFFFF
    conn.execute(select(lock(_PG_LOCK_NAMESPACE, key)))


def _with_compared(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """period_status gains ``compared_with`` (set in the load's transaction by :func:`_recheck_comparisons`)."""
    if name == "period_status" and "compared_with" not in frame.columns:
        return frame.assign(compared_with=None)
    return frame


def _recheck_comparisons(conn: Connection, result: Any, rows: dict[str, dict[str, list]], province: str):
    """In the load's transaction, the compared periods locked: their identities now; when one differs from what
    the reconcile compared with (loaded, replaced or deleted since), the comparison findings computed again against
    the warehouse as it is now, in ``rows``. Returns (identities now, periods compared again, new dq_issue frame or
    None); ``period_status.compared_with`` records the identities."""
    import json

    from kttt_pipeline.warehouse.history import recheck_comparisons

    now, changed, dq_issue = recheck_comparisons(conn, result, province)
    if dq_issue is not None:
        rows["dq_issue"] = frame_columns(
            TABLES["dq_issue"], dq_issue, period=Period.parse(result.period).key, province=province
        )
    if rows["period_status"]:
        rows["period_status"]["compared_with"] = [json.dumps(now, sort_keys=True)] * _n_rows(rows["period_status"])
    return now, changed, dq_issue


def period_row_counts(engine: Engine, period: str, province: str | None = None) -> dict[str, int]:
    """Rows per per-period table for the province's ``period`` (what an analyst would count after a load);
    ``province`` None: :func:`.province.reader_province`."""
    out = {}
    with engine.connect() as conn:
        code = reader_province(conn, province, TABLES["rpt_indicator"])
        for name in PERIOD_TABLES:
            table = TABLES[name]
            out[name] = int(
                conn.execute(
                    select(func.count())
                    .select_from(table)
                    .where(table.c.province_code == code, table.c.period == period)
                ).scalar_one()
            )
    return out


def delete_period(engine: Engine, period: str, province: str | None = None) -> dict[str, int]:
    """Remove every row of the province's ``period`` (one transaction; ``province`` None:
    :func:`.province.reader_province`); returns rows deleted per table."""
    key = Period.parse(period).key
    upgrade(engine)

    def transaction() -> dict[str, int]:
        out = {}
        with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
            code = reader_province(conn, province, TABLES["rpt_indicator"])
            lock_period(conn, key, province=code)
            for name in reversed(PERIOD_TABLES):
                table = TABLES[name]
                out[name] = conn.execute(
                    delete(table).where(table.c.province_code == code, table.c.period == key)
                ).rowcount
        return out

    return run_with_retry(engine, transaction)


# ------------------------------------------------------------------------------------- frames → rows


#: frames a period result may lack (results made before the table existed): loaded as no rows
OPTIONAL_FRAMES = frozenset({"rpt_indicator_restated", "rpt_breakdown"})


def _frame(result: Any, name: str) -> pd.DataFrame:
    frame = getattr(result, name, None)
    if frame is None and name in OPTIONAL_FRAMES:
        return pd.DataFrame()
    if frame is None:
        raise FrameMismatch(f"the period result has no frame '{name}'")
    if not isinstance(frame, pd.DataFrame):
        raise FrameMismatch(f"'{name}' must be a pandas DataFrame, got {type(frame).__name__}")
    return frame


def frame_rows(
    table: Table, frame: pd.DataFrame, *, period: str | None, province: str | None = None
) -> list[dict[str, Any]]:
    """Plain rows for ``table`` from ``frame``: checked columns, NaN/NaT → None, values of the column's type."""
    converted = frame_columns(table, frame, period=period, province=province)
    names = list(converted)
    return [dict(zip(names, vals)) for vals in zip(*(converted[n] for n in names))]


def _n_rows(columns: dict[str, list]) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def frame_columns(
    table: Table, frame: pd.DataFrame, *, period: str | None, province: str | None = None
) -> dict[str, list]:
    """What :func:`frame_rows` gives, column by column (column name → plain values); {} for no rows.

    ``province``: the value of ``province_code`` of every row, for a table that has the column (the frames of a
    period result do not carry it: the load stamps it); a frame that carries it must hold only that value."""
    columns = [c for c in table.columns if not (c.primary_key and c.autoincrement is True and c.name == "id")]
    names = [c.name for c in columns]
    extra = [c for c in frame.columns if c not in names]
    if extra:
        raise FrameMismatch(
            f"frame '{table.name}' has columns the warehouse table lacks: {extra} "
            f"(a migration is needed, or the frame is wrong)"
        )
    if frame.empty:
        return {}
    stamp = province is not None and PROVINCE_COLUMN in names
    if stamp and PROVINCE_COLUMN in frame.columns:
        wrong = frame[PROVINCE_COLUMN].isna() | (frame[PROVINCE_COLUMN].astype(str) != province)
        if wrong.any():
            seen = sorted({str(p) for p in frame.loc[wrong, PROVINCE_COLUMN]})
            raise FrameMismatch(f"frame '{table.name}' holds rows of other provinces {seen}; expected only {province}")
    missing = [n for n in names if n not in frame.columns and not (stamp and n == PROVINCE_COLUMN)]
    if missing:
        raise FrameMismatch(f"frame '{table.name}' lacks columns {missing}")
    if period is not None and "period" in names:
        wrong = frame["period"].isna() | (frame["period"].astype(str) != period)
        if wrong.any():
            seen = sorted({str(p) for p in frame.loc[wrong, "period"]})
            raise FrameMismatch(f"frame '{table.name}' holds rows of other periods {seen}; expected only {period}")
    converted: dict[str, list] = {}
    for col in columns:
        if stamp and col.name == PROVINCE_COLUMN:
            converted[col.name] = [province] * len(frame)
            continue
        series = frame[col.name]
        values = _column_fast(col.type, series)
        if values is None:  # the reference path, value by value
            convert = _converter(col.type, f"{table.name}.{col.name}")
            na = series.isna().to_numpy()
            values = [None if missing_ else convert(v) for v, missing_ in zip(series.tolist(), na)]
        converted[col.name] = values
    return converted


def _column_fast(sqltype: Any, series: pd.Series) -> list | None:
    """A whole column converted at once, giving exactly what the per-value converters give; None when the
    column's dtype or values need the per-value path (object columns of mixed types, counts that are not whole
    numbers, dates)."""
    if not isinstance(series.dtype, np.dtype):  # pandas extension dtypes (Int64, string, …): per value
        return None
    kind = series.dtype.kind
    if isinstance(sqltype, (Integer, BigInteger)) and not isinstance(sqltype, Boolean):
        if kind in "iu":
            arr = series.to_numpy()
            if len(arr) and int(np.abs(arr).max()) > _INT_MAX:
                return None
            return arr.tolist()
        if kind == "f":
            arr = series.to_numpy(dtype=float)
            na = np.isnan(arr)
            vals = arr[~na]
            rounded = np.round(vals)  # half to even, as round()
            if len(vals) and not (
                np.isfinite(vals).all() and (np.abs(vals) <= _INT_MAX).all() and (np.abs(vals - rounded) <= 1e-9).all()
            ):
                return None
            out = np.round(np.where(na, 0.0, arr)).astype(np.int64).tolist()
            return [None if m else v for v, m in zip(out, na.tolist())] if na.any() else out
        return None
    if isinstance(sqltype, Float) and kind in "fiu":
        arr = series.to_numpy(dtype=float)
        na = np.isnan(arr)
        out = arr.tolist()
        return [None if m else v for v, m in zip(out, na.tolist())] if na.any() else out
    if kind == "O" and not isinstance(sqltype, (Boolean, Integer, BigInteger, Float, Date, DateTime)):
        from pandas.api.types import infer_dtype

        if infer_dtype(series, skipna=True) in ("string", "empty"):
            na = series.isna().to_numpy()
            out = series.tolist()
            return [None if m else v for v, m in zip(out, na.tolist())] if na.any() else out
    return None


def _converter(sqltype: Any, where: str) -> Callable[[Any], Any]:
    if isinstance(sqltype, Boolean):
        return _to_bool
    if isinstance(sqltype, (Integer, BigInteger)):
        return lambda v: _to_int(v, where)
    if isinstance(sqltype, Float):
        return _to_float
    if isinstance(sqltype, DateTime):
        return _to_datetime
    if isinstance(sqltype, Date):
        return _to_date
    return _to_text


def _to_bool(v: Any) -> bool:
    if isinstance(v, str):
        text = fold(v)  # the yes/no marks of vocab/marks.csv
        if text in marks().yes:
            return True
        if text in marks().no:
            return False
        raise ValueError(f"not a boolean: {v!r}")
    return bool(v)


_INT_MAX = 2**31 - 1


def _to_int(v: Any, where: str) -> int | None:
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)) and abs(int(v)) <= _INT_MAX:
        return int(v)
    f = float(v)
    if not math.isfinite(f) or abs(f) > _INT_MAX or abs(f - round(f)) > 1e-9:
        # only in staging rows that plausibility (§7.6) quarantined with a finding: the value as read is kept in
        # quarantine.raw_values; the INTEGER column holds NULL rather than a made-up count or a failed load
        log.warning("%s: %r is not a count; stored as NULL (the row is quarantined with its raw values)", where, v)
        return None  # type: ignore[return-value]
    return int(round(f))


def _to_float(v: Any) -> float:
    return float(v)


def _to_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):  # pd.Timestamp included
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, np.datetime64):
        return pd.Timestamp(v).date()
    if isinstance(v, str):
        return dt.date.fromisoformat(v.strip()[:10])
    raise ValueError(f"not a date: {v!r}")


def _to_datetime(v: Any) -> dt.datetime:
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    if isinstance(v, (np.datetime64, str)):
        return pd.Timestamp(v).to_pydatetime()
    raise ValueError(f"not a timestamp: {v!r}")


def _to_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


# ------------------------------------------------------------------------------------------ admin units


def admin_unit_rows(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Admin-unit rows from ``frame``, or from the packaged register when the frame is absent or empty."""
    if frame is None or frame.empty:
        from kttt_pipeline.core.admin_units import admin_units_frame, load_admin_units

        frame = admin_units_frame(load_admin_units())
    rows = frame_rows(ADMIN_UNIT, frame, period=None)
    seen: dict[str, dict] = {}
    for r in rows:
        if not r["unit_code"]:
            raise FrameMismatch("admin_unit: a unit without unit_code")
        seen[r["unit_code"]] = r
    return list(seen.values())


def _unit_codes_used(rows: dict[str, dict[str, list]]) -> set[str]:
    used: set[str] = set()
    for name, columns in rows.items():
        if "unit_code" in TABLES[name].c and columns:
            used.update(c for c in columns["unit_code"] if c)
    return used


def _upsert_admin_units(conn: Connection, units: list[dict], used: Iterable[str]) -> int:
    """Insert new units, update known ones (never delete: earlier periods refer to them); placeholders for
    codes used by the frames but absent from both the register and the database."""
    by_code = {u["unit_code"]: dict(u) for u in units}
    wanted = set(by_code) | set(used) | {u["parent_code"] for u in units if u.get("parent_code")}
    existing = set(
        conn.execute(select(ADMIN_UNIT.c.unit_code).where(ADMIN_UNIT.c.unit_code.in_(sorted(wanted)))).scalars()
    )
    for code in sorted(wanted - set(by_code) - existing):
        log.warning(
            "admin_unit: code %s is used by the data but not in the unit register; added as a placeholder", code
        )
        by_code[code] = {
            "unit_code": code,
            "level": PLACEHOLDER_LEVEL,
            "name_vi": f"(mã {code})",
            "kind_vi": None,
            "parent_code": None,
            "valid_from": None,
            "valid_to": None,
        }
    new = [dict(u, parent_code=None) for code, u in by_code.items() if code not in existing]
    if new:  # parents are set in the update below, once every unit exists
        # two periods loaded at once into a new warehouse (a backfill) both add the same units: the second
        # insert of a code is skipped, not an error (the update below writes the same values either way)
        conn.execute(_insert_ignoring_existing(conn, ADMIN_UNIT), new)
    rows = list(by_code.values())
    if rows:
        _update_by_key(conn, ADMIN_UNIT, "unit_code", rows)
    return len(rows)


def _update_by_key(conn: Connection, table: Table, key: str | tuple[str, ...], rows: list[dict]) -> None:
    """The table's other columns that ``rows`` hold written over the row of the same ``key`` (a column, or several:
    one executemany)."""
    keys = (key,) if isinstance(key, str) else key
    stmt = (
        update(table)
        .where(*[table.c[k] == bindparam(f"b_{k}") for k in keys])
        .values({c.name: bindparam(f"b_{c.name}") for c in table.c if c.name in rows[0] and c.name not in keys})
    )
    conn.execute(stmt, [{f"b_{k}": v for k, v in r.items()} for r in rows])


def _write_unit_versions(conn: Connection, frame: pd.DataFrame | None, province: str) -> int:
    """The province's dated unit versions (``admin_unit_version``) become the register's (the result's frame: every
    row of the register the period used, each interval of each unit): a version of the same (unit, first day) is
    updated, a new one inserted, and a stored version of the unit that overlaps a new one without being it (the
    register's dates were corrected) is deleted; every other stored version stays (a register that no longer
    holds a unit's earlier interval does not erase the periods it named). A result without the frame writes none.
    """
    if frame is None or frame.empty:
        return 0
    rows = frame_rows(UNIT_VERSION, frame, period=None, province=province)
    known = set(conn.execute(select(ADMIN_UNIT.c.unit_code)).scalars())
    rows = [r for r in rows if r["unit_code"] in known]  # (every code of the register is in admin_unit)
    mine = UNIT_VERSION.c.province_code == province
    stored = conn.execute(
        select(UNIT_VERSION.c.unit_code, UNIT_VERSION.c.valid_from, UNIT_VERSION.c.valid_to).where(mine)
    ).all()
    new_by_unit: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for r in rows:
        new_by_unit.setdefault(r["unit_code"], []).append((r["valid_from"], r["valid_to"]))
    for unit, start, end in stored:
        new = new_by_unit.get(unit, [])
        if any(s == start for s, _ in new) or not any(_overlap(start, end, s, e) for s, e in new):
            continue  # updated below, or kept
        conn.execute(
            delete(UNIT_VERSION).where(mine, UNIT_VERSION.c.unit_code == unit, UNIT_VERSION.c.valid_from == start)
        )
    if not rows:
        return 0
    conn.execute(_insert_ignoring_existing(conn, UNIT_VERSION), rows)
    _update_by_key(conn, UNIT_VERSION, ("province_code", "unit_code", "valid_from"), rows)
    return len(rows)


def _overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Two validity intervals (first and last day, an open end None) share a day."""
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def _upsert_indicators(conn: Connection, frame: pd.DataFrame | None) -> int:
    """The indicator dimension as the period result gives it (``dim_indicator``: vocab/indicators.csv now); rows
    are never deleted (loaded figures refer to their codes). A result without it writes none."""
    if frame is None or frame.empty:
        return 0
    rows = [{c.name: rec.get(c.name) for c in INDICATOR.c} for rec in frame.to_dict("records")]
    conn.execute(_insert_ignoring_existing(conn, INDICATOR), rows)
    _update_by_key(conn, INDICATOR, "indicator_code", rows)
    return len(rows)


def _replace_crosswalk(conn: Connection, frame: pd.DataFrame | None, province: str) -> int:
    """The province's crosswalk rows become the result's (``unit_crosswalk``): rows it no longer has are deleted,
    new ones inserted (a second load of the same province at once skips them), the others updated. A result
    without the frame leaves them as they are."""
    if frame is None:
        return 0
    rows = [
        {
            c.name: (None if not isinstance(v := rec.get(c.name), str | bool) else v)
            for c in CROSSWALK.c
            if c.name != "id"
        }
        | {"province_code": province}
        for rec in frame.to_dict("records")
    ]
    keys = {(r["old_code"], r["new_unit_code"]) for r in rows}
    mine = CROSSWALK.c.province_code == province
    for old, new in conn.execute(select(CROSSWALK.c.old_code, CROSSWALK.c.new_unit_code).where(mine)).all():
        if (old, new) not in keys:
            conn.execute(delete(CROSSWALK).where(mine, CROSSWALK.c.old_code == old, CROSSWALK.c.new_unit_code == new))
    if not rows:
        return 0
    conn.execute(_insert_ignoring_existing(conn, CROSSWALK), rows)
    _update_by_key(conn, CROSSWALK, ("province_code", "old_code", "new_unit_code"), rows)
    return len(rows)


def _insert_ignoring_existing(conn: Connection, table: Table):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table)


def _bulk_insert(conn: Connection, table: Table, data: dict[str, list], chunk: int = 10_000) -> None:
    """Insert plain rows: the core ``insert(table)`` compiled once for the dialect, its column types' own bind
    processors applied column by column, then one driver ``executemany`` per chunk (SQLite), in the
    caller's transaction. Columns hold plain Python values of the column types (:func:`frame_columns`)."""
    if not data:
        return
    dialect = conn.dialect
    names = list(data)
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    if not compiled.positional:
        # PostgreSQL (pyformat): SQLAlchemy's "insertmanyvalues" batches (multi-row VALUES) are faster here than
        # psycopg's pipelined executemany (one statement per batch of rows, not one per row)
        rows = [dict(zip(names, vals)) for vals in zip(*(data[n] for n in names))]
        for start in range(0, len(rows), chunk):
            conn.execute(insert(table), rows[start : start + chunk])
        return
    # SQLite (qmark): tuples in the statement's order, each column through its type's bind processor
    columns = [data[n] for n in names]
    for i, n in enumerate(names):
        proc = table.c[n].type.dialect_impl(dialect).bind_processor(dialect)
        if proc is not None:
            columns[i] = [None if v is None else proc(v) for v in columns[i]]
    order = [names.index(k) for k in compiled.positiontup]
    params = list(zip(*(columns[i] for i in order)))
    sql = str(compiled)
    for start in range(0, len(params), chunk):
        conn.exec_driver_sql(sql, params[start : start + chunk])

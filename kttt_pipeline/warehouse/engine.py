"""Engines for the warehouse: SQLite (embedded default) or PostgreSQL (``postgresql+psycopg://…``).

* SQLite: foreign keys on, WAL journal, a busy timeout, and transactions that begin with ``BEGIN`` emitted by
  SQLAlchemy (not by the driver), so that a load can ask for ``BEGIN IMMEDIATE`` and take the write lock up
  front instead of failing half-way on a lock upgrade.
* :class:`WarehouseUnavailable`: the one error raised when the database stays locked or unreachable after a
  few retries (:func:`run_with_retry`); its message is in Vietnamese and English.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from kttt_pipeline.core.secrets import masked_url, redact

log = logging.getLogger(__name__)

T = TypeVar("T")

#: seconds SQLite waits for a lock before giving up (then :func:`run_with_retry` retries)
SQLITE_BUSY_TIMEOUT_S = float(os.environ.get("KTTT_SQLITE_BUSY_TIMEOUT", "15"))
#: attempts and first delay (doubled each time) of :func:`run_with_retry`
RETRY_ATTEMPTS = int(os.environ.get("KTTT_WAREHOUSE_RETRIES", "3"))
RETRY_DELAY_S = float(os.environ.get("KTTT_WAREHOUSE_RETRY_DELAY", "1.0"))

# PostgreSQL SQLSTATEs worth retrying: serialization failure, deadlock, lock not available, cannot connect now,
# too many connections, and the whole connection-exception class 08
_PG_TRANSIENT = {"40001", "40P01", "55P03", "57P03", "53300"}
_TRANSIENT_TEXT = (
    "database is locked",
    "database is busy",
    "database table is locked",
    "unable to open database file",
    "connection refused",
    "could not connect",
    "connection failed",
    "connection timed out",
    "timeout expired",
    "server closed the connection",
    "could not translate host name",
    "the database system is starting up",
    "the database system is shutting down",
    "no route to host",
    "connection reset",
)


class WarehouseUnavailable(RuntimeError):
    """The warehouse database is locked or cannot be reached (after retries)."""

    def __init__(self, url: str | URL, cause: BaseException | None = None, attempts: int = 1):
        self.url = masked_url(url)
        self.cause = cause
        self.attempts = attempts
        why = _first_line(cause) if cause is not None else "unknown error"
        super().__init__(
            f"Không kết nối được kho dữ liệu {self.url} (cơ sở dữ liệu đang bị khóa hoặc không truy cập được, "
            f"đã thử {attempts} lần); hãy kiểm tra máy chủ / tệp cơ sở dữ liệu rồi chạy lại. — "
            f"The warehouse {self.url} is unavailable (database locked or unreachable after {attempts} attempt(s)): "
            f"{why}. Check the server or database file and run again."
        )


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return redact(text[0]) if text else type(orig).__name__


def is_transient(exc: BaseException) -> bool:
    """True for errors that mean 'locked or unreachable' (worth a retry), not for errors in the data or SQL."""
    if isinstance(exc, WarehouseUnavailable):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code and (code in _PG_TRANSIENT or str(code).startswith("08")):
        return True
    if isinstance(exc, OperationalError):
        text = str(orig).lower()
        return any(t in text for t in _TRANSIENT_TEXT)
    return False


def run_with_retry(
    engine: Engine, fn: Callable[[], T], *, attempts: int | None = None, delay: float | None = None
) -> T:
    """Run ``fn`` (one whole transaction), retrying transient failures; raise :class:`WarehouseUnavailable`.

    ``fn`` must be safe to run again: it is, when it does all its work in one transaction that rolled back.
    """
    attempts = RETRY_ATTEMPTS if attempts is None else max(1, attempts)
    delay = RETRY_DELAY_S if delay is None else delay
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except (DBAPIError, WarehouseUnavailable) as exc:
            if not is_transient(exc):
                raise
            if attempt == attempts:
                cause = exc.cause if isinstance(exc, WarehouseUnavailable) else exc
                raise WarehouseUnavailable(engine.url, cause, attempts) from exc
            wait = delay * 2 ** (attempt - 1)
            log.warning(
                "warehouse %s unavailable (%s); retry %d/%d in %.1f s",
                masked_url(engine.url),
                _first_line(exc),
                attempt,
                attempts - 1,
                wait,
            )
            time.sleep(wait)
    raise AssertionError("unreachable")


def check_connection(engine: Engine, *, attempts: int | None = None, delay: float | None = None) -> None:
    """Open and close a connection (with retries); raise :class:`WarehouseUnavailable` when impossible."""

    def probe() -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    run_with_retry(engine, probe, attempts=attempts, delay=delay)


def make_engine(url: str | URL, **kwargs) -> Engine:
    """An engine for the warehouse URL (``sqlite:///warehouse/kttt.db`` or ``postgresql+psycopg://…``).

    For SQLite: ``PRAGMA foreign_keys=ON``, ``journal_mode=WAL`` (file databases), ``busy_timeout``, and
    transactions opened with ``BEGIN`` — or ``BEGIN IMMEDIATE`` on a connection with the execution option
    ``sqlite_begin="IMMEDIATE"`` (used by loads). PostgreSQL engines get ``pool_pre_ping``.
    """
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _sqlite_setup(
            engine,
            in_memory=url.database in (None, "", ":memory:"),
            busy_timeout_ms=int(float(connect_args["timeout"]) * 1000),
        )
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_setup(engine: Engine, *, in_memory: bool, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # let SQLAlchemy, not the driver, emit BEGIN (so that transactional DDL and BEGIN IMMEDIATE work)
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms:d}")  # an int, not text from outside
            if not in_memory:
                _enter_wal(cur, busy_timeout_ms / 1000)
                cur.execute("PRAGMA synchronous=NORMAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        mode = str(conn.get_execution_options().get("sqlite_begin", "")).upper()
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def _enter_wal(cur, timeout_s: float) -> None:  # noqa: ANN001 (a DB-API cursor)
    """``PRAGMA journal_mode=WAL``, tried again while the database is locked, for up to ``timeout_s``.

    A database not yet in WAL mode (a new warehouse) changes its journal mode under an exclusive lock. Two
    processes that open it at the same moment (the workers of ``kttt materialize --jobs 2``) can each hold the
    shared lock the other needs: SQLite then answers "database is locked" at once, without its busy timeout.
    """
    deadline = time.monotonic() + timeout_s
    delay = 0.01
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.25)

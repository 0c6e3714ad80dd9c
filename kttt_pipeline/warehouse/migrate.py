"""Schema creation and change: Alembic, run programmatically (at the start of every load).

``upgrade(engine_or_url)`` brings a new or existing warehouse to the newest revision in one transaction.
Concurrent upgrades are serialised (PostgreSQL: a transaction-level advisory lock; SQLite: ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, select
from sqlalchemy.engine import URL, Engine

from kttt_pipeline.warehouse.engine import make_engine, run_with_retry

HERE = Path(__file__).resolve().parent
ALEMBIC_INI = HERE / "alembic.ini"
MIGRATIONS = HERE / "migrations"

# pg_advisory_xact_lock key of "kttt warehouse migrations" (any constant bigint)
_PG_LOCK_KEY = 0x4B545454_0001


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config(str(ALEMBIC_INI))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def head_revision() -> str:
    """The newest revision of the migrations shipped with this code (read once per process: every load asks, and
    reading the migrations executes each of their files)."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the warehouse migrations must have exactly one head, found {heads}")
    return heads[0]


def current_revision(engine_or_url: Engine | str | URL) -> str | None:
    """The revision the warehouse is at (None: not created yet)."""
    engine, owned = _engine(engine_or_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        if owned:
            engine.dispose()


def upgrade(engine_or_url: Engine | str | URL, revision: str = "head") -> str | None:
    """Create or upgrade the warehouse schema to ``revision`` (default: head); returns the revision reached.

    A warehouse already at the target is left untouched (one cheap query).
    """
    engine, owned = _engine(engine_or_url)
    target = head_revision() if revision == "head" else revision
    try:

        def run() -> str | None:
            with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
                current = MigrationContext.configure(conn).get_current_revision()
                if current == target:
                    return current
                command.upgrade(alembic_config(conn), revision)
                return MigrationContext.configure(conn).get_current_revision()

        return run_with_retry(engine, run)
    finally:
        if owned:
            engine.dispose()


def downgrade(engine_or_url: Engine | str | URL, revision: str) -> str | None:
    """Downgrade to ``revision`` (``"base"`` drops everything). For tests and DBAs, never called by a load."""
    engine, owned = _engine(engine_or_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), revision)
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        if owned:
            engine.dispose()


def _engine(engine_or_url: Engine | str | URL) -> tuple[Engine, bool]:
    if isinstance(engine_or_url, Engine):
        return engine_or_url, False
    from kttt_pipeline.core import config

    config.ensure_sqlite_parent(str(engine_or_url))
    return make_engine(engine_or_url), True

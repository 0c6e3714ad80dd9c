"""Alembic environment of the kttt warehouse.

Run by :func:`kttt_pipeline.warehouse.migrate.upgrade` with an open connection in
``config.attributes["connection"]`` (the whole upgrade is one transaction), or by the ``alembic`` command line
with ``-c kttt_pipeline/warehouse/alembic.ini`` (URL from ``-x url=…``, else ``KTTT_WAREHOUSE_URL``).
"""

from __future__ import annotations

from alembic import context

from kttt_pipeline.core import config as kttt_config
from kttt_pipeline.warehouse.engine import make_engine
from kttt_pipeline.warehouse.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return (
        context.get_x_argument(as_dictionary=True).get("url")
        or config.get_main_option("sqlalchemy.url")
        or kttt_config.warehouse_url()
    )


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    url = _url()
    _configure(
        url=url, literal_binds=True, dialect_opts={"paramstyle": "named"}, render_as_batch=url.startswith("sqlite")
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        return
    url = _url()
    kttt_config.ensure_sqlite_parent(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _configure(connection=conn, render_as_batch=conn.dialect.name == "sqlite")
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Shared fixtures. Warehouse: ``sqlite_url``, ``postgres_url`` and ``warehouse_url`` (both engines)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

POSTGRES_ENV = "KTTT_TEST_POSTGRES_URL"


def strict_tools() -> bool:
    """True under `make test` / .ci/run (scripts/test.sh sets KTTT_TEST_STRICT=1, having installed and started
    every tool) and under CI: a missing PostgreSQL, LibreOffice or Chromium is then a failure, never a skip."""
    return bool(os.environ.get("KTTT_TEST_STRICT") or os.environ.get("CI"))


#: Debian's chromium, headless in a container: no sandbox, no GPU, nothing fetched in the background
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@contextmanager
def chromium_browser(*extra_args: str) -> Iterator:
    """Debian's chromium driven by playwright (no browser download); a failure under `make test` when it is
    missing, else a skip."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        if strict_tools():
            pytest.fail("chromium is missing: scripts/install_test_tools.sh should have installed it")
        pytest.skip("chromium is not installed (scripts/install_test_tools.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A fresh, empty SQLite warehouse file."""
    (tmp_path / "warehouse").mkdir(exist_ok=True)
    return f"sqlite:///{tmp_path / 'warehouse' / 'kttt.db'}"


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL warehouse: a private schema (first on the search_path) in the database of
    ``KTTT_TEST_POSTGRES_URL`` (set by scripts/test.sh, which starts a throwaway server), dropped afterwards.

    Without the variable: skipped, except under CI (env ``CI`` set), where the PostgreSQL tests must run."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        why = (
            f"{POSTGRES_ENV} is not set: run the tests with `make test` / `bash scripts/test.sh`, which start a "
            f"throwaway PostgreSQL server (scripts/postgres_server.sh)"
        )
        if strict_tools():
            pytest.fail(f"{why}; under CI the PostgreSQL tests must run, not skip", pytrace=False)
        pytest.skip(why)
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.schema import CreateSchema, DropSchema

    schema = f"kttt_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(CreateSchema(schema))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.begin() as conn:
            conn.execute(DropSchema(schema, cascade=True))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse_url(request) -> str:
    """The same test on an SQLite and on a PostgreSQL warehouse."""
    return request.getfixturevalue(f"{request.param}_url")


# Rendering the appendix to PDF takes LibreOffice a few seconds per publication: the tests that publish a period
# for other reasons do not render it; tests/integration/test_appendix_print.py renders it (KTTT_APPENDIX_PDF=1).
os.environ.setdefault("KTTT_APPENDIX_PDF", "0")
# a developer's DAGSTER_HOME (`make demo`, `make ui`) is not the tests': `kttt materialize` then runs in a throw-away
# instance, unless a test sets its own
os.environ.pop("DAGSTER_HOME", None)

# The tests run quarters from 2015 on, each with its own raw folder: the definitions they load at import (the UI's
# `defs`) take their partitions from 2015-Q1 on (orchestration/partitions.py: the earlier of KTTT_FIRST_PERIOD and
# the raw folder's earliest quarter). tests/integration/test_dagster_ops.py tests the first period itself.
os.environ.setdefault("KTTT_FIRST_PERIOD", "2015-Q1")

"""Fixtures of the integration tests (the warehouse's are in tests/conftest.py)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def no_kttt_env(monkeypatch):
    """The project's commands as a fresh shell runs them: no ``KTTT_*`` setting of the developer's shell (but the
    test PostgreSQL URL), no ``DAGSTER_HOME``, and no appendix PDF (no LibreOffice round trip: the layout is what
    is tested; a test that prints sets ``KTTT_APPENDIX_PDF=1`` itself)."""
    for key in [k for k in os.environ if k.startswith("KTTT_") and k != "KTTT_TEST_POSTGRES_URL"]:
        monkeypatch.delenv(key)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("KTTT_APPENDIX_PDF", "0")


def assert_provinces_published(url: str, reports, period: str, codes) -> None:
    """Each province of ``codes`` loaded into the warehouse at ``url`` for ``period`` and its appendix published
    under ``reports/<code>/<period>/``."""
    from kttt_pipeline.warehouse import make_engine, period_row_counts

    engine = make_engine(url)
    try:
        for code in codes:
            assert period_row_counts(engine, period, code)["cooperative"] > 0, code
            assert (reports / code / period / f"phu_bieu_{period}.xlsx").is_file(), code
    finally:
        engine.dispose()

"""Where things are: defaults from the environment (KTTT_RAW_DIR, KTTT_WAREHOUSE_URL, KTTT_REPORTS_DIR,
KTTT_PROVINCE)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_RAW_DIR = "raw"
DEFAULT_WAREHOUSE_URL = "sqlite:///warehouse/kttt.db"
DEFAULT_REPORTS_DIR = "warehouse/reports"
#: the environment variable of the warehouse URL (it may carry a password: the UI shows its name, never its value)
WAREHOUSE_URL_ENV = "KTTT_WAREHOUSE_URL"


def raw_dir() -> str:
    return os.environ.get("KTTT_RAW_DIR", DEFAULT_RAW_DIR)


def warehouse_url() -> str:
    return os.environ.get(WAREHOUSE_URL_ENV, DEFAULT_WAREHOUSE_URL)


def reports_dir() -> str:
    return os.environ.get("KTTT_REPORTS_DIR", DEFAULT_REPORTS_DIR)


def province() -> str | None:
    """The province code of ``KTTT_PROVINCE`` (None: the packaged default, see admin_units.default_province)."""
    return os.environ.get("KTTT_PROVINCE", "").strip() or None


def ensure_sqlite_parent(url: str) -> None:
    """Create the folder of a file-based SQLite URL (sqlite:///warehouse/kttt.db)."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + ":memory:"):
        Path(url[len(prefix) :]).parent.mkdir(parents=True, exist_ok=True)


def plan_reference() -> tuple[str | None, str | None]:
    """The plan the appendix is attached to: ``KTTT_PLAN_NUMBER`` (e.g. ``247/KH-UBND``) and ``KTTT_PLAN_DATE``
    (e.g. ``25/10/2024``); None for either one not configured (the appendix then prints dotted blanks)."""
    number = os.environ.get("KTTT_PLAN_NUMBER", "").strip() or None
    date = os.environ.get("KTTT_PLAN_DATE", "").strip() or None
    return number, date


def appendix_pdf() -> str:
    """``KTTT_APPENDIX_PDF``: ``auto`` (default: a PDF of the appendix when LibreOffice's soffice is on the PATH),
    ``1`` (required: publishing fails without it) or ``0`` (never)."""
    value = os.environ.get("KTTT_APPENDIX_PDF", "auto").strip().lower()
    return {"": "auto", "yes": "1", "true": "1", "on": "1", "no": "0", "false": "0", "off": "0"}.get(value, value)

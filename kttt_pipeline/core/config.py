"""Where things are: defaults from the environment (KTTT_RAW_DIR, KTTT_WAREHOUSE_URL, KTTT_REPORTS_DIR,
KTTT_PROVINCE)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_RAW_DIR = "raw"
DEFAULT_WAREHOUSE_URL = "sqlite:///warehouse/kttt.db"
DEFAULT_REPORTS_DIR = "warehouse/reports"


def raw_dir() -> str:
    return os.environ.get("KTTT_RAW_DIR", DEFAULT_RAW_DIR)


def warehouse_url() -> str:
    return os.environ.get("KTTT_WAREHOUSE_URL", DEFAULT_WAREHOUSE_URL)


def reports_dir() -> str:
    return os.environ.get("KTTT_REPORTS_DIR", DEFAULT_REPORTS_DIR)


def province() -> str | None:
    """The province code of ``KTTT_PROVINCE`` (None: the packaged default, see admin_units.default_province)."""
    return os.environ.get("KTTT_PROVINCE", "").strip() or None


def ensure_sqlite_parent(url: str) -> None:
    """Create the folder of a file-based SQLite URL (sqlite:///warehouse/kttt.db)."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + ":memory:"):
        Path(url[len(prefix):]).parent.mkdir(parents=True, exist_ok=True)

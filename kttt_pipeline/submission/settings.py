"""Where ``kttt serve`` keeps its state and the limits it applies (environment variables, each read at start)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kttt_pipeline.core import config

MiB = 2**20
#: the folder of the sending keys' hashes and the receipts (never inside the raw folder, whose files are data)
STATE_DIR_ENV = "KTTT_SUBMISSION_DIR"
DEFAULT_STATE_DIR = "warehouse/submission"
#: an upload's largest body: a commune's return is tens of kB to a few MB; the demo's 200,000-row return (28 MB)
#: is a load test, not a clerk's file
MAX_UPLOAD_ENV = "KTTT_MAX_UPLOAD_BYTES"
DEFAULT_MAX_UPLOAD_BYTES = 32 * MiB
#: checks run at once (each in a worker thread, off the event loop); more wait their turn
CHECKS_ENV = "KTTT_SERVE_CHECKS"
DEFAULT_CHECKS = 2


def _whole(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip().replace("_", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


@dataclass(frozen=True)
class ServeSettings:
    """``raw_dir``: the raw folder returns are filed into (and whose province files and tax register the check
    reads, as ``kttt check --raw-dir``); ``state_dir``: keys and receipts."""

    raw_dir: Path
    state_dir: Path
    province: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    checks: int = DEFAULT_CHECKS

    @property
    def keys_file(self) -> Path:
        return self.state_dir / "keys.json"

    @property
    def receipts_file(self) -> Path:
        return self.state_dir / "receipts.jsonl"

    @classmethod
    def from_env(
        cls, raw_dir: str | None = None, state_dir: str | None = None, province: str | None = None
    ) -> "ServeSettings":
        return cls(
            raw_dir=Path(raw_dir or config.raw_dir()),
            state_dir=Path(state_dir or os.environ.get(STATE_DIR_ENV, DEFAULT_STATE_DIR)),
            province=province or config.province(),
            max_upload_bytes=_whole(MAX_UPLOAD_ENV, DEFAULT_MAX_UPLOAD_BYTES),
            checks=_whole(CHECKS_ENV, DEFAULT_CHECKS),
        )

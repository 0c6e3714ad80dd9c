"""The record of what was filed: one receipt per return sent, appended to a JSON-lines file, never rewritten.

A receipt names the time it was received, the unit and period, the file's SHA-256 and the name it was filed
under (relative to the raw folder); its number is the first characters of a digest of all that, which the clerk
quotes when asking about it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Receipt:
    received_at: str  # ISO 8601 with its UTC offset
    received_at_vi: str  # as the clerk reads it: 14:05:09 ngày 07/12/2026
    unit_code: str
    unit_name: str
    period: str
    sha256: str
    size: int
    file_name: str  # as the clerk sent it (text only)
    stored_as: str  # relative to the raw folder: <period>/<units folder>/<name>
    verdict: str
    problems: int

    @property
    def number(self) -> str:
        seed = f"{self.received_at}|{self.unit_code}|{self.period}|{self.sha256}|{self.stored_as}"
        return hashlib.sha256(seed.encode()).hexdigest()[:10].upper()

    def as_json(self) -> dict:
        return {"number": self.number, **asdict(self)}


def record(path: Path, receipt: Receipt) -> None:
    """Append the receipt (one line, written at once under a lock, synced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(receipt.as_json(), ensure_ascii=False, sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_receipts(path: Path) -> list[dict]:
    """Every receipt recorded, oldest first."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]

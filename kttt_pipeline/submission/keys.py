"""The units' sending keys: issued and revoked by the office (``kttt keys issue UNIT`` / ``kttt keys revoke UNIT``).

A key is a random token given once to the unit's clerk; only its SHA-256 is kept (a random 192-bit token needs no
slow hash: nothing can be guessed from its digest). One key per unit: issuing again replaces the unit's key, so a
lost key is revoked by issuing a new one. The file is rewritten whole (beside, then renamed) under a lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from contextlib import contextmanager
from pathlib import Path

#: the key's prefix, so a clerk (and a log scanner) can tell it apart from a password
KEY_PREFIX = "kttt_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()


class KeyStore:
    """The keys' hashes by unit code, in a JSON file (``{unit_code: {"sha256", "issued_at"}}``)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data if isinstance(data, dict) else {}

    @contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, data: dict[str, dict]) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def issue(self, unit_code: str) -> str:
        """A new key for the unit (its previous key, if any, no longer works); the key itself is not kept."""
        key = KEY_PREFIX + secrets.token_urlsafe(24)
        with self._locked():
            data = self._read()
            data[unit_code] = {"sha256": _digest(key), "issued_at": dt.datetime.now(dt.timezone.utc).isoformat()}
            self._write(data)
        return key

    def revoke(self, unit_code: str) -> bool:
        """Whether the unit had a key (it no longer works)."""
        with self._locked():
            data = self._read()
            if unit_code not in data:
                return False
            del data[unit_code]
            self._write(data)
        return True

    def unit_of(self, key: str | None) -> str | None:
        """The unit whose key this is, or None (no key, unknown or revoked)."""
        if not key or not key.strip():
            return None
        digest = _digest(key)
        found = None
        for unit, entry in self._read().items():
            if hmac.compare_digest(str(entry.get("sha256", "")), digest):
                found = unit
        return found

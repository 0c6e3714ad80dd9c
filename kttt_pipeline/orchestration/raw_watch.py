"""Watching the raw folder: which periods changed since the last look (plain logic behind the sensor).

The state (the sensor's cursor) remembers, per period, a digest of its files' sha256 hashes. A period is
requested when its digest changed and its newest file is older than the debounce delay (files still being
copied do not trigger a run). Hashes are recomputed only for files whose size or mtime changed.

Only the files a run reads count (``raw_inventory.period_entries``): hidden and lock files, FIFOs, sockets and
devices, links out of the raw folder are never opened nor hashed here (a lock file coming and going while a clerk
edits a return triggers nothing; a FIFO never blocks the sensor). A file that vanishes after the listing is left
out; one that cannot be read counts by its name (the run rejects it with the reason).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from kttt_pipeline.ingest.raw_inventory import period_files
from kttt_pipeline.ingest.workbook import sha256_of

_PERIOD_DIR = re.compile(r"^\d{4}-Q[1-4]$")


@dataclass(frozen=True)
class PeriodChange:
    period: str
    digest: str

    @property
    def run_key(self) -> str:
        return f"{self.period}:{self.digest[:16]}"


def load_state(cursor: str | None) -> dict:
    if not cursor:
        return {"periods": {}, "files": {}}
    try:
        state = json.loads(cursor)
        state.setdefault("periods", {})
        state.setdefault("files", {})
        return state
    except json.JSONDecodeError:
        return {"periods": {}, "files": {}}


def scan(
    raw_dir: Path, cursor: str | None, now: float, debounce_seconds: float = 120.0
) -> tuple[list[PeriodChange], str]:
    """Periods whose files changed (and settled) since ``cursor``; the new cursor."""
    state = load_state(cursor)
    files_cache: dict = state["files"]
    new_cache: dict = {}
    changes: list[PeriodChange] = []
    raw_dir = Path(raw_dir)
    periods = (
        sorted(p.name for p in raw_dir.iterdir() if p.is_dir() and _PERIOD_DIR.match(p.name))
        if raw_dir.is_dir()
        else []
    )
    for period in periods:
        entries = []
        newest = 0.0
        for path, _kind in period_files(raw_dir, period):
            rel = path.relative_to(raw_dir).as_posix()
            try:
                st = path.stat()
            except OSError:
                continue  # gone since the listing
            newest = max(newest, st.st_mtime)
            cached = files_cache.get(rel)
            if cached and cached[0] == st.st_size and cached[1] == st.st_mtime:
                sha = cached[2]
            else:
                try:
                    sha = sha256_of(path)
                except OSError as exc:  # unreadable (permissions): the run rejects it by name; not cached
                    entries.append(f"{rel}\tunreadable {type(exc).__name__}")
                    continue
            new_cache[rel] = [st.st_size, st.st_mtime, sha]
            entries.append(f"{rel}\t{sha}")
        if not entries:
            continue
        digest = hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()
        if state["periods"].get(period) == digest:
            continue
        if now - newest < debounce_seconds:
            continue  # still arriving: look again on a later tick (the old digest stays in the cursor)
        state["periods"][period] = digest
        changes.append(PeriodChange(period, digest))
    state["files"] = new_cache
    return changes, json.dumps(state, sort_keys=True)

"""Watching the raw folder: which periods changed since the last look (plain logic behind the sensor).

The state (the sensor's cursor) remembers, per period, a digest of its files' sha256 hashes. A period is
requested when its digest changed and its newest file is older than the debounce delay (files still being
copied do not trigger a run). Hashes are recomputed only for files whose size, mtime or ctime changed (a
rewrite that keeps the size and puts the mtime back still changes the ctime). The files' hashes are not in the
cursor: Dagster stores the cursor with every tick (a week of skipped ticks, one a minute), and with every file's
hash it was 515 KB for the demo national quarter, ≈ 4 MB a tick for eight. The cursor holds a digest and a change
count per period (≈ 120 bytes); the hashes are a separate value (:func:`load_hashes`, :func:`dump_hashes`) that
the sensor keeps in the Dagster instance's key-value store, written only when a file changed (automation.py).

Only the files a run reads count (``raw_inventory.period_entries``): hidden and lock files, FIFOs, sockets and
devices, links out of the raw folder are never opened nor hashed here (a lock file coming and going while a clerk
edits a return triggers nothing; a FIFO never blocks the sensor). A file that vanishes after the listing is left
out; one that cannot be read counts by its name (the run rejects it with the reason).

Each change of a period's digest counts one more change of that period (``change`` in the cursor), and the run
key carries it: a period whose files change back to what an earlier run read (a good file restored after a failed
run) gets a new run key, so Dagster starts it (a run key is used once per sensor). The cursor is JSON written as
it reads (file names in Vietnamese as they are, not ``\u00e1`` escapes), the periods first.

A national deployment watches one folder per province (:func:`scan_provinces`): the cursor keeps one such state per
province, and each change names its province.
"""

from __future__ import annotations

import hashlib
import json
import os
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
    #: how many times the period's files changed since the sensor first saw them (1: the first time)
    change: int = 1

    @property
    def run_key(self) -> str:
        """``period:digest:change``: the files' fingerprint, and which change of the period this is."""
        return f"{self.period}:{self.digest[:16]}:{self.change}"


#: a file's hash as known: (size, mtime in ns, ctime in ns, sha256), by its absolute path
Hashes = dict[str, tuple[int, int, int, str]]


def load_hashes(text: str | None) -> Hashes:
    """The files' hashes kept by :func:`dump_hashes` (empty when none or unreadable: every file is hashed)."""
    try:
        raw = json.loads(text) if text else {}
        return {str(k): (int(v[0]), int(v[1]), int(v[2]), str(v[3])) for k, v in raw.items()}
    except (ValueError, TypeError, IndexError, AttributeError):
        return {}


def dump_hashes(hashes: Hashes) -> str:
    return json.dumps(dict(sorted(hashes.items())), ensure_ascii=False, separators=(",", ":"))


def load_state(cursor: str | None) -> dict:
    """The cursor's state: ``{"periods": {period: {"digest", "change"}}}`` (a cursor of a former form also held
    each file's hash, now ignored; one of the first form, ``{period: digest}``, is read as its first change)."""
    if not cursor:
        return {"periods": {}}
    try:
        state = json.loads(cursor)
    except json.JSONDecodeError:
        return {"periods": {}}
    periods = {
        period: seen if isinstance(seen, dict) else {"digest": seen, "change": 1}
        for period, seen in (state.get("periods") or {}).items()
    }
    return {"periods": periods}


def dump_state(state: dict) -> str:
    """The cursor as the sensor page shows it: compact, the periods in order."""
    return json.dumps({"periods": dict(sorted(state["periods"].items()))}, ensure_ascii=False, separators=(",", ":"))


def scan(
    raw_dir: Path,
    cursor: str | None,
    now: float,
    debounce_seconds: float = 120.0,
    hashes: Hashes | None = None,
) -> tuple[list[PeriodChange], str]:
    """Periods whose files changed (and settled) since ``cursor``; the new cursor. ``hashes``: the files' hashes
    known (none: every file is hashed), updated with this folder's files, those gone from it dropped."""
    state = load_state(cursor)
    raw_dir = Path(os.path.abspath(raw_dir))  # the keys do not depend on the working directory
    hashes = {} if hashes is None else hashes
    present: set[str] = set()  # the files of this folder, by path
    changes: list[PeriodChange] = []
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
            key = str(path)
            stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            cached = hashes.get(key)
            if cached and cached[:3] == stamp:
                sha = cached[3]
            else:
                try:
                    sha = sha256_of(path)
                except OSError as exc:  # unreadable (permissions): the run rejects it by name; not cached
                    entries.append(f"{rel}\tunreadable {type(exc).__name__}")
                    continue
                hashes[key] = (*stamp, sha)
            present.add(key)
            entries.append(f"{rel}\t{sha}")
        if not entries:
            continue
        digest = hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()
        seen = state["periods"].get(period)
        if seen is not None and seen["digest"] == digest:
            continue
        if now - newest < debounce_seconds:
            continue  # still arriving: look again on a later tick (the old digest stays in the cursor)
        change = (int(seen.get("change", 0)) if seen else 0) + 1
        state["periods"][period] = {"digest": digest, "change": change}
        changes.append(PeriodChange(period, digest, change))
    inside = str(raw_dir) + os.sep
    for key in [k for k in list(hashes) if k.startswith(inside) and k not in present]:  # gone from this folder
        hashes.pop(key, None)
    return changes, dump_state(state)


@dataclass(frozen=True)
class ProvinceChange:
    """A change of one province's period, in a national deployment's raw folder (``<root>/<province>/<period>``)."""

    province: str
    change: PeriodChange

    @property
    def run_key(self) -> str:
        """``province:period:digest:change``."""
        return f"{self.province}:{self.change.run_key}"


def scan_provinces(
    raw_root: Path,
    provinces: list[str],
    cursor: str | None,
    now: float,
    debounce_seconds: float = 120.0,
    hashes: dict[str, Hashes] | None = None,
) -> tuple[list[ProvinceChange], str]:
    """:func:`scan` over each province's folder ``<raw_root>/<province>``; the cursor is
    ``{"provinces": {code: state}}`` (each state as :func:`scan` keeps it). A province not watched any more
    drops out of the cursor. ``hashes``: each province's files' hashes, by its code (updated)."""
    hashes = {} if hashes is None else hashes
    try:
        states = (json.loads(cursor) if cursor else {}).get("provinces") or {}
    except (json.JSONDecodeError, AttributeError):
        states = {}
    changes: list[ProvinceChange] = []
    new_states: dict = {}
    for code in provinces:
        before = states.get(code)
        found, after = scan(
            Path(raw_root) / code,
            json.dumps(before) if before else None,
            now,
            debounce_seconds,
            hashes.setdefault(code, {}),
        )
        changes.extend(ProvinceChange(code, c) for c in found)
        new_states[code] = json.loads(after)
    return changes, json.dumps({"provinces": new_states}, ensure_ascii=False, separators=(",", ":"))

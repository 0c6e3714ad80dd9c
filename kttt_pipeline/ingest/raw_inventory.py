"""The inventory of raw files for a period (read-only: files are hashed, never modified)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kttt_pipeline.ingest.workbook import sha256_of
from kttt_pipeline.core.periods import Period

#: the reporting units' returns arrive in ``districts/`` (until 30/6/2025), ``communes/`` or ``units/`` (spec §2, §11);
#: all three are read, and their files are of kind ``district`` (a reporting unit's return, whatever its tier)
UNIT_FOLDERS = ("districts", "communes", "units")
FOLDERS = {**{f: "district" for f in UNIT_FOLDERS}, "tax": "tax", "province": "province"}


def period_files(raw_dir: Path, period: str) -> list[tuple[Path, str]]:
    p = Period.parse(period)
    out: list[tuple[Path, str]] = []
    for folder, kind in FOLDERS.items():
        d = Path(raw_dir) / p.key / folder
        if d.is_dir():
            out += [(f, kind) for f in sorted(d.iterdir()) if f.is_file() and not f.name.startswith(".")]
    targets = Path(raw_dir) / "targets"
    if targets.is_dir():
        out += [(f, "targets") for f in sorted(targets.iterdir()) if f.is_file() and f.stem == str(p.year)]
    return out


def inventory(raw_dir: Path, period: str) -> pd.DataFrame:
    rows = []
    for f, kind in period_files(raw_dir, period):
        st = f.stat()
        rows.append({"path": f.relative_to(raw_dir).as_posix(), "file_kind": kind, "size_bytes": st.st_size,
                     "mtime": st.st_mtime, "sha256": sha256_of(f)})
    return pd.DataFrame(rows, columns=["path", "file_kind", "size_bytes", "mtime", "sha256"])

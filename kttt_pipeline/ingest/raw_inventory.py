"""The inventory of raw files for a period (read-only: files are hashed, never modified)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kttt_pipeline.ingest.registry import READERS
from kttt_pipeline.ingest.workbook import sha256_of
from kttt_pipeline.core.periods import Period

def period_files(raw_dir: Path, period: str) -> list[tuple[Path, str]]:
    """Every raw file of the period with its kind, where the registry of readers says each kind arrives (spec §2):
    the files ``extract_period`` reads, in the same order."""
    p = Period.parse(period)
    return [(f, fk.kind) for fk in READERS for f in fk.files(Path(raw_dir), p)]


def inventory(raw_dir: Path, period: str) -> pd.DataFrame:
    rows = []
    for f, kind in period_files(raw_dir, period):
        st = f.stat()
        rows.append({"path": f.relative_to(raw_dir).as_posix(), "file_kind": kind, "size_bytes": st.st_size,
                     "mtime": st.st_mtime, "sha256": sha256_of(f)})
    return pd.DataFrame(rows, columns=["path", "file_kind", "size_bytes", "mtime", "sha256"])

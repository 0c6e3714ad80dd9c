"""Filing a return sent through the page: a new file in the period's units folder, never over another.

The file goes into ``raw/<period>/`` in the folder the period's returns are already filed in (``districts/``,
``communes/`` or ``units/``: the reader reads all three, spec §2), or ``units/`` when none exists yet, directly
in that folder (the reader does not look into subfolders). Its name is built from what the check recognised, never
from the clerk's: ``<unit code>_<YYYYMMDD-HHMMSS>_<first 12 digits of its SHA-256><extension>``, written
under a hidden name and then linked to its own (a link never replaces a file): a resubmission is a new file
beside the earlier ones, and the pipeline's §7.3 chooses among them (the latest "Ngày báo cáo", then the latest
modification time: the one filed last).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.registry import UNIT_FOLDERS

#: the folder a period's first return is filed in (read for every period, spec §2)
DEFAULT_UNITS_FOLDER = "units"


def units_folder(raw_dir: Path, period: Period) -> Path:
    """The period's folder of unit returns: the first of ``UNIT_FOLDERS`` that exists, else ``units/``."""
    base = Path(raw_dir) / period.key
    for name in UNIT_FOLDERS:
        if (base / name).is_dir():
            return base / name
    return base / DEFAULT_UNITS_FOLDER


def file_return(source: Path, raw_dir: Path, period: Period, unit_code: str, sha256: str, when: dt.datetime) -> Path:
    """Copy ``source`` (the checked upload) into the period's units folder under a new name; the path written.
    ``source``'s extension is kept (it is what the check read the file as)."""
    folder = units_folder(raw_dir, period)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = source.suffix.lower()
    stem = f"{unit_code}_{when:%Y%m%d-%H%M%S}_{sha256[:12]}"
    # written whole under a hidden name (the reader and the sensor ignore hidden files), then linked to its name:
    # the link fails if the name exists, so nothing is ever overwritten and no half-written return is ever read
    partial = folder / f".{stem}.{os.getpid()}.partial"
    with open(partial, "xb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    try:
        for n in range(1, 1000):
            target = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}_{n}{suffix}")
            try:
                os.link(partial, target)
            except FileExistsError:
                continue
            return target
        raise FileExistsError(f"no free name for {stem}{suffix}")
    finally:
        partial.unlink(missing_ok=True)

"""The deployment's provinces and where their files are, written once (docs/deployment.md, "Many provinces").

``KTTT_PROVINCES`` (a comma list of province codes, or ``all`` = every packaged province) makes a national
deployment: one raw folder per province, ``KTTT_RAW_DIR/<code>/<YYYY-Qn>/…``, and its reports under
``KTTT_REPORTS_DIR/<code>/…``; the Dagster partitions are (province, quarter). A province office sets one code and
sees only its own. Unset, a deployment is one province in the raw folder itself (``KTTT_RAW_DIR/<YYYY-Qn>/…``,
``KTTT_PROVINCE``), as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kttt_pipeline.core.admin_units import REGISTER_FILE, packaged_provinces

#: the environment variable of a national deployment's provinces
PROVINCES_ENV = "KTTT_PROVINCES"
#: the word for every packaged province (in ``KTTT_PROVINCES`` and ``kttt materialize --province``)
ALL = "all"


def parse_provinces(
    values: Iterable[str], raw_root: str | Path | None = None, source: str = PROVINCES_ENV
) -> list[str]:
    """The province codes of ``values`` (each a code, a comma list, or ``all``), each once, in the order given
    (``all``: the packaged order). A code with neither a packaged register nor ``<raw_root>/<code>/admin_units.csv``
    is a ValueError naming ``source``; so is a list with no code."""
    packaged = packaged_provinces()
    codes: list[str] = []
    for value in values:
        for part in str(value).split(","):
            code = part.strip()
            if not code:
                continue
            for c in packaged if code.lower() == ALL else [code]:
                if c not in codes:
                    codes.append(c)
    if not codes:
        raise ValueError(f"{source}: no province code (a comma list of codes, or {ALL!r})")
    unknown = [
        c
        for c in codes
        if c not in packaged and not (raw_root is not None and (Path(raw_root) / c / REGISTER_FILE).is_file())
    ]
    if unknown:
        raise ValueError(
            f"{source}: no packaged register for province {', '.join(unknown)} (packaged: {', '.join(packaged)}); "
            f"place {REGISTER_FILE} in the province's raw folder"
        )
    return codes


def configured_provinces(raw_root: str | Path | None = None) -> list[str] | None:
    """The provinces of ``KTTT_PROVINCES``; None when it is unset or blank (a one-province deployment)."""
    text = os.environ.get(PROVINCES_ENV, "").strip()
    return parse_provinces([text], raw_root) if text else None


def national_provinces(
    requested: list[str] | None, raw_root: str | Path, periods: Iterable[str] = ()
) -> list[str] | None:
    """The provinces a run takes in the national layout, None for today's one-province layout.

    ``requested`` are the ``--province`` values. Several codes, or ``all``: the national layout with them. None:
    ``KTTT_PROVINCES`` decides (unset: today's layout). One code: the national layout when ``KTTT_PROVINCES`` is set
    or when ``<raw_root>/<code>/<period>/`` holds a period of ``periods`` and ``<raw_root>/<period>/`` does not
    (the layout the folders have); else today's layout."""
    if not requested:
        return configured_provinces(raw_root)
    codes = parse_provinces(requested, raw_root, source="--province")
    if len(codes) > 1 or any(str(v).strip().lower() == ALL for v in requested):
        return codes
    if configured_provinces(raw_root) is not None:
        return codes
    root, periods = Path(raw_root), list(periods)
    if periods and all((root / codes[0] / p).is_dir() and not (root / p).is_dir() for p in periods):
        return codes
    return None


@dataclass(frozen=True)
class RunPlace:
    """What one (province, quarter) run reads and writes: the period, the province code ('' = the deployment's
    default), the raw folder holding ``<period>/`` and the reports folder holding ``<period>/``."""

    period: str
    province: str
    raw_dir: Path
    reports_dir: Path

    @property
    def province_code(self) -> str | None:
        return self.province or None


def run_place(
    period: str, province: str | None, raw_root: str | Path, reports_root: str | Path, default: str = ""
) -> RunPlace:
    """Where the run of ``period`` for ``province`` reads and writes: with a province (the national layout),
    ``<raw_root>/<province>`` and ``<reports_root>/<province>``; without one (one province per deployment), the roots
    themselves and the ``default`` province."""
    if province:
        return RunPlace(period, province, Path(raw_root) / province, Path(reports_root) / province)
    return RunPlace(period, default, Path(raw_root), Path(reports_root))

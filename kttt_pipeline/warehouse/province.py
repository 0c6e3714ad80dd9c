"""Whose period: the province every per-period row and target belongs to (docs/decisions.md, "A period belongs
to a province").

* A load stamps every frame with the run's province (:func:`load_province`): the province row of the run's unit
  register (``result.admin_unit``: the register ``--province`` / ``KTTT_PROVINCE`` chose, or the raw folder's
  own), else the configured province.
* A reader is given the province (:func:`run_province` gives the one a run of a raw folder uses); when it is not,
  :func:`reader_province` takes the warehouse's only province, else the configured one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, MetaData, Table, select
from sqlalchemy.engine import Engine

PROVINCE_COLUMN = "province_code"


def configured_province() -> str:
    """``KTTT_PROVINCE``, else the packaged default province (vocab/provinces/provinces.csv)."""
    from kttt_pipeline.core.admin_units import default_province

    return default_province()


def run_province(raw_dir: Path | str | None = None, province: str | None = None) -> str:
    """The province a run of ``raw_dir`` with ``--province province`` belongs to: the province row of the unit
    register it uses (the raw folder's ``admin_units.csv`` when present, else the packaged one of ``province``)."""
    from kttt_pipeline.core.admin_units import load_admin_units, province_of

    return province_of(load_admin_units(Path(raw_dir) if raw_dir else None, province)).unit_code


def register_province(admin_unit: pd.DataFrame | None) -> str | None:
    """The unit_code of the one province row of a unit register frame (None: no frame, or not exactly one)."""
    if admin_unit is None or admin_unit.empty or "level" not in admin_unit or "unit_code" not in admin_unit:
        return None
    codes = {str(c).strip() for c in admin_unit.loc[admin_unit["level"].astype(str) == "province", "unit_code"]}
    return codes.pop() if len(codes) == 1 else None


def load_province(result: Any, province: str | None = None) -> str:
    """The province a period result is loaded as: ``province`` when given, else the province row of the result's
    unit register, else the configured province."""
    if province is not None and str(province).strip():
        return str(province).strip()
    return register_province(getattr(result, "admin_unit", None)) or configured_province()


def reader_province(bind: Engine | Connection, province: str | None = None, table: Table | None = None) -> str:
    """The province a reader reads: ``province`` when given; else the only province with rows in ``table``
    (default ``rpt_indicator``) when the warehouse holds one; else the configured province."""
    if province is not None and str(province).strip():
        return str(province).strip()
    if table is None and _has_table(bind, "rpt_indicator"):
        md = MetaData()
        md.reflect(bind, only=["rpt_indicator"])
        table = md.tables["rpt_indicator"]
    if table is not None and PROVINCE_COLUMN in table.c:
        stmt = select(table.c[PROVINCE_COLUMN]).distinct().limit(2)
        if isinstance(bind, Engine):
            with bind.connect() as conn:
                codes = [str(c) for c in conn.execute(stmt).scalars()]
        else:
            codes = [str(c) for c in bind.execute(stmt).scalars()]
        if len(codes) == 1:
            return codes[0]
    return configured_province()


def _has_table(bind: Engine | Connection, name: str) -> bool:
    from sqlalchemy import inspect

    return inspect(bind).has_table(name)

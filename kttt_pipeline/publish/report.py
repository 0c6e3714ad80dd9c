"""Publish a period: everything the signer receives, under ``reports_dir/<period>/``.

=====================================  ==========================================================
``phu_bieu_<period>.xlsx``               appendix workbook (Biểu 01–04 and the findings sheet)
``muc_1_1.md`` / ``muc_1_1.txt``         the paragraph of Part One §1.1 (``.docx`` if python-docx)
``bieu_do_linh_vuc.png``                 cooperatives by sector
``bieu_do_tinh_trang.png``               cooperatives by status and grade
``bieu_do_don_vi.png``                   cooperatives by reporting unit
``bieu_do_xu_huong.png``                 trend of the last eight quarters loaded (issue 16)
=====================================  ==========================================================

The warehouse is read once; every document is written from the same snapshot.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from ..periods import Period
from . import load_period_data
from .appendix import write_appendix_data
from .charts import write_charts_data
from .paragraph import write_paragraph_data


def publish_period(engine: Engine, period: str, reports_dir: Path | str) -> dict[str, Path]:
    """Write the published documents of ``period``; returns ``{name: path}``.

    Keys: ``appendix``, ``paragraph_md``, ``paragraph_txt`` (``paragraph_docx``), ``chart_sectors``,
    ``chart_status``, ``chart_units``, ``chart_trend``.
    """
    p = Period.parse(period)
    out_dir = Path(reports_dir) / p.key
    out_dir.mkdir(parents=True, exist_ok=True)
    data = load_period_data(engine, p)
    outputs: dict[str, Path] = {}
    outputs["appendix"] = write_appendix_data(data, out_dir / f"phu_bieu_{p.key}.xlsx")
    for path in write_paragraph_data(data, out_dir):
        outputs[f"paragraph_{path.suffix.lstrip('.')}"] = path
    names = {"bieu_do_linh_vuc.png": "chart_sectors", "bieu_do_tinh_trang.png": "chart_status",
             "bieu_do_don_vi.png": "chart_units", "bieu_do_xu_huong.png": "chart_trend"}
    for path in write_charts_data(data, out_dir):
        outputs[names.get(path.name, path.stem)] = path
    return outputs

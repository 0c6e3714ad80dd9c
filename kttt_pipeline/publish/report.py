"""Publish a period: everything the signer receives, under ``reports_dir/<period>/``.

=====================================  ==========================================================
``phu_bieu_<period>.xlsx``               appendix workbook (Biểu 01–04 and the findings sheet)
``muc_1_1.md`` / ``muc_1_1.txt``         the paragraph of Part One §1.1 (``.docx`` if python-docx)
``bieu_do_linh_vuc.png``                 cooperatives by sector
``bieu_do_tinh_trang.png``               cooperatives by status and grade
``bieu_do_don_vi.png``                   cooperatives by reporting unit
``bieu_do_xu_huong.png``                 trend of the last eight quarters loaded (issue 16)
``so_sanh.json``                         the earlier periods compared with and a digest of their figures
=====================================  ==========================================================

The warehouse is read once; every document is written from the same snapshot.

Staleness (issue 16): a period's documents compare it with earlier periods. ``so_sanh.json`` records, for each
earlier period read (the same quarter a year earlier, the previous quarter, the trend's quarters), a digest of its
figures as they were (null: not loaded). :func:`stale_reports` compares those digests with the warehouse now: a
re-run of an earlier quarter that changes its figures (or loads a quarter that was missing) makes every later
published period that read it stale; the warehouse asset lists them in its metadata and logs a warning.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine

from kttt_pipeline.core.collector import collector_paused
from kttt_pipeline.core.periods import Period
from kttt_pipeline.publish.warehouse_reader import PeriodData, load_period_data
from kttt_pipeline.publish.appendix import write_appendix_data
from kttt_pipeline.publish.paragraph import write_paragraph_data


@collector_paused()  # core/collector.py: 0.3 s of publishing went to cyclic collections
def publish_period(engine: Engine, period: str, reports_dir: Path | str, province: str | None = None
                   ) -> dict[str, Path]:
    """Write the published documents of the province's ``period``; returns ``{name: path}``.

    Keys: ``appendix``, ``paragraph_md``, ``paragraph_txt`` (``paragraph_docx``), ``chart_sectors``,
    ``chart_status``, ``chart_units``, ``chart_trend``.
    """
    p = Period.parse(period)
    out_dir = Path(reports_dir) / p.key
    out_dir.mkdir(parents=True, exist_ok=True)
    data = load_period_data(engine, p, province)
    outputs: dict[str, Path] = {}
    outputs["appendix"] = write_appendix_data(data, out_dir / f"phu_bieu_{p.key}.xlsx")
    for path in write_paragraph_data(data, out_dir):
        outputs[f"paragraph_{path.suffix.lstrip('.')}"] = path
    names = {"bieu_do_linh_vuc.png": "chart_sectors", "bieu_do_tinh_trang.png": "chart_status",
             "bieu_do_don_vi.png": "chart_units", "bieu_do_xu_huong.png": "chart_trend"}
    for path in _write_charts(data, out_dir):
        outputs[names.get(path.name, path.stem)] = path
    manifest = out_dir / MANIFEST
    manifest.write_text(json.dumps(comparison_manifest(engine, data), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
    outputs["comparisons"] = manifest
    return outputs


MANIFEST = "so_sanh.json"


def _write_charts(data: PeriodData, out_dir: Path) -> list[Path]:
    """The charts (matplotlib imported here, when a period is published: not by the steps that only import
    this module, such as the warehouse step for :func:`stale_reports`)."""
    from kttt_pipeline.publish.charts import write_charts_data

    return write_charts_data(data, out_dir)


def compared_periods(data: PeriodData) -> list[str]:
    """The earlier periods the documents of ``data`` read, loaded or not (oldest first)."""
    keys = {data.year_ago_period.key, data.period.previous().key}
    keys |= {f.period.key for f in data.trend if f.period != data.period}
    return sorted(keys, key=Period.parse)


def comparison_manifest(engine: Engine, data: PeriodData) -> dict:
    from kttt_pipeline.warehouse.history import fingerprint

    return {"period": data.period.key, "province_code": data.province_code,
            "compared_with": {k: fingerprint(engine, k, data.province_code) for k in compared_periods(data)}}


def changed_comparisons(recorded: dict[str, str | None], now: dict[str, str | None]) -> list[str]:
    """The periods whose figures differ from those the documents were written with (a digest changed, a period
    loaded since or deleted since)."""
    return sorted((k for k in recorded if recorded[k] != now.get(k)), key=Period.parse)


def stale_reports(engine: Engine, reports_dir: Path | str, changed: str | None = None,
                  province: str | None = None) -> dict[str, list[str]]:
    """Published periods under ``reports_dir`` whose comparisons no longer match the warehouse:
    ``{period: [earlier periods changed since it was published]}``. ``changed``: only that period (the one just
    loaded) is checked, in the reports that read it. The figures compared are those of the province the manifest
    records (else ``province``); a manifest of another province than ``province`` is not checked."""
    from kttt_pipeline.warehouse.history import fingerprint

    out: dict[str, list[str]] = {}
    cache: dict[tuple[str, str | None], str | None] = {}
    for path in sorted(Path(reports_dir).glob(f"*/{MANIFEST}")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            recorded = dict(manifest["compared_with"])
            period = str(manifest["period"])
            whose = manifest.get("province_code") or province
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if province is not None and whose != province:
            continue
        if changed is not None:
            if changed not in recorded:
                continue
            recorded = {changed: recorded[changed]}
        now = {k: cache[(k, whose)] if (k, whose) in cache else cache.setdefault((k, whose), fingerprint(engine, k, whose))
               for k in recorded}
        stale = changed_comparisons(recorded, now)
        if stale:
            out[period] = stale
    return dict(sorted(out.items(), key=lambda kv: Period.parse(kv[0])))

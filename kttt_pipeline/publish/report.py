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
def publish_period(engine: Engine, period: str, reports_dir: Path | str) -> dict[str, Path]:
    """Write the published documents of ``period``; returns ``{name: path}``.

    Keys: ``appendix``, ``paragraph_md``, ``paragraph_txt`` (``paragraph_docx``), ``chart_sectors``,
    ``chart_status``, ``chart_units``, ``chart_trend``.
    """
    p = Period.parse(period)
    out_dir = Path(reports_dir) / p.key
    out_dir.mkdir(parents=True, exist_ok=True)
    before = comparison_digests(engine, p)  # the earlier periods as they were before reading (issue 23)
    data = load_period_data(engine, p)
    data.comparison_notes = list(stale_findings(engine, p).values())  # said in the findings sheet too
    outputs: dict[str, Path] = {}
    outputs["appendix"] = write_appendix_data(data, out_dir / f"phu_bieu_{p.key}.xlsx")
    for path in write_paragraph_data(data, out_dir):
        outputs[f"paragraph_{path.suffix.lstrip('.')}"] = path
    names = {"bieu_do_linh_vuc.png": "chart_sectors", "bieu_do_tinh_trang.png": "chart_status",
             "bieu_do_don_vi.png": "chart_units", "bieu_do_xu_huong.png": "chart_trend"}
    for path in _write_charts(data, out_dir):
        outputs[names.get(path.name, path.stem)] = path
    manifest = out_dir / MANIFEST
    manifest.write_text(json.dumps(comparison_manifest(engine, data, before), ensure_ascii=False, indent=2) + "\n",
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


def comparison_digests(engine: Engine, period: Period) -> dict[str, str | None]:
    """The digests (``history.fingerprint``) of the earlier periods the documents of ``period`` may read, taken
    before reading them: the same quarter a year earlier, the previous quarter and the trend's quarters loaded."""
    from kttt_pipeline.publish.warehouse_reader import TREND_QUARTERS
    from kttt_pipeline.warehouse.history import fingerprint, loaded_periods, read_snapshot

    keys = {Period(period.year - 1, period.quarter).key, period.previous().key}
    keys |= {q.key for q in [q for q in loaded_periods(engine) if q < period][-TREND_QUARTERS:]}
    with read_snapshot(engine) as conn:
        return {k: fingerprint(conn, k) for k in sorted(keys, key=Period.parse)}


def comparison_manifest(engine: Engine, data: PeriodData, before: dict[str, str | None] | None = None) -> dict:
    """``so_sanh.json``: ``compared_with`` the digests of the earlier periods the documents read;
    ``findings_compared_with`` what the period's comparison findings were computed against at its load
    (``period_status.compared_with``; null: not compared); ``stale`` {earlier period: why the documents do not
    compare with it as the warehouse holds it now}, empty when they do (docs/decisions.md, "Concurrency").
    ``before``: the digests read before the documents' data (:func:`comparison_digests`): a period that changed
    while the documents were written is stale too."""
    from kttt_pipeline.warehouse.history import fingerprint, read_snapshot

    with read_snapshot(engine) as conn:
        compared = {k: fingerprint(conn, k) for k in compared_periods(data)}
    basis, stale = _findings_basis(engine, data.period)
    for k, digest in compared.items():
        if before is not None and before.get(k) != digest and k not in stale:
            stale[k] = (f"Số liệu kỳ {k} thay đổi trong khi lập báo cáo kỳ {data.period.key}: các số so sánh với kỳ "
                        f"{k} có thể không khớp với kho dữ liệu. {_rerun(data.period.key)}")
    return {"period": data.period.key, "compared_with": compared, "findings_compared_with": basis,
            "stale": dict(sorted(stale.items(), key=lambda kv: Period.parse(kv[0])))}


def _findings_basis(engine: Engine, period: Period) -> tuple[dict[str, str | None] | None, dict[str, str]]:
    """(what the comparison findings of ``period`` were computed against at its load, {earlier period: why they
    are stale}), read in one snapshot."""
    from kttt_pipeline.warehouse.history import compared_identities, period_identity, read_snapshot

    with read_snapshot(engine) as conn:
        basis = compared_identities(conn, period)
        now = {k: period_identity(conn, k) for k in basis or {}}
    return basis, {k: stale_findings_note(period.key, k, v, now[k]) for k, v in (basis or {}).items() if now[k] != v}


def stale_findings(engine: Engine, period: Period | str) -> dict[str, str]:
    """{earlier period: Vietnamese note} for each earlier period loaded, replaced or deleted after ``period``'s
    comparison findings were computed against it (empty: they match the warehouse)."""
    return _findings_basis(engine, Period.parse(period) if isinstance(period, str) else period)[1]


def _rerun(period: str) -> str:
    return f"Cần công bố lại kỳ {period} (kttt materialize --period {period}) trước khi ký."


def stale_findings_note(period: str, earlier: str, then: str | None, now: str | None) -> str:
    """Why the comparison findings of ``period`` against ``earlier`` are stale, in Vietnamese: ``earlier`` was
    loaded, replaced or deleted after ``period`` compared with it (identities ``then`` and ``now``)."""
    what = (f"khi kỳ {earlier} chưa có trong kho dữ liệu; kỳ {earlier} đã được nạp sau đó" if then is None else
            f"theo số liệu kỳ {earlier} đã bị xóa khỏi kho dữ liệu sau đó" if now is None else
            f"theo số liệu kỳ {earlier} đã được nạp lại với số liệu khác sau đó")
    return (f"Các phát hiện so sánh với kỳ {earlier} (HTX có trong kỳ trước nhưng kỳ này không có, số liệu thay "
            f"đổi bất thường) của kỳ {period} được lập {what}: chưa phản ánh đúng kỳ {earlier}. {_rerun(period)}")


def changed_comparisons(recorded: dict[str, str | None], now: dict[str, str | None]) -> list[str]:
    """The periods whose figures differ from those the documents were written with (a digest changed, a period
    loaded since or deleted since)."""
    return sorted((k for k in recorded if recorded[k] != now.get(k)), key=Period.parse)


def stale_reports(engine: Engine, reports_dir: Path | str, changed: str | None = None) -> dict[str, list[str]]:
    """Published periods under ``reports_dir`` whose comparisons no longer match the warehouse:
    ``{period: [earlier periods changed since it was published]}``. ``changed``: only that period (the one just
    loaded) is checked, in the reports that read it."""
    from kttt_pipeline.warehouse.history import fingerprint, period_identity

    out: dict[str, list[str]] = {}
    cache: dict[str, str | None] = {}
    idents: dict[str, str | None] = {}
    for path in sorted(Path(reports_dir).glob(f"*/{MANIFEST}")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            recorded = dict(manifest["compared_with"])
            period = str(manifest["period"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        findings = {k: v for k, v in (manifest.get("findings_compared_with") or {}).items()}
        if changed is not None:
            if changed not in recorded and changed not in findings:
                continue
            recorded = {changed: recorded[changed]} if changed in recorded else {}
            findings = {changed: findings[changed]} if changed in findings else {}
        now = {k: cache[k] if k in cache else cache.setdefault(k, fingerprint(engine, k)) for k in recorded}
        stale = changed_comparisons(recorded, now)
        # the comparison findings: the identity of the rows they read (cooperatives too), issue 23
        ident = {k: idents[k] if k in idents else idents.setdefault(k, period_identity(engine, k)) for k in findings}
        stale = sorted(set(stale) | set(changed_comparisons(findings, ident)), key=Period.parse)
        if stale:
            out[period] = stale
    return dict(sorted(out.items(), key=lambda kv: Period.parse(kv[0])))

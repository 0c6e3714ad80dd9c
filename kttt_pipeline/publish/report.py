"""Publish a period: everything the signer receives, under ``reports_dir/<period>/``.

=====================================  ==========================================================
``phu_bieu_<period>.xlsx``               appendix workbook (Biểu 01–04 and the findings summary)
``phu_bieu_<period>.pdf``                the appendix as printed, to sign (LibreOffice present, KTTT_APPENDIX_PDF)
``chi_tiet_kiem_tra_<period>.xlsx``      every finding, for the office (appendix/findings_detail.py)
``muc_1_1.md`` / ``muc_1_1.txt``         the paragraph of Part One §1.1 (``.docx`` if python-docx)
``bieu_do_linh_vuc.png``                 cooperatives by sector
``bieu_do_tinh_trang.png``               cooperatives by status and grade
``bieu_do_don_vi.png``                   cooperatives by reporting unit
``bieu_do_xu_huong.png``                 trend of the last eight quarters loaded
``so_sanh.json``                         the earlier periods compared with and a digest of their figures
=====================================  ==========================================================

The warehouse is read once; every document is written from the same snapshot.

All or nothing: the set is written into a hidden sibling folder (``.<period>.publishing-<pid>-<token>``), each
document checked (not empty, a complete zip / PNG / JSON / HTML page: a short write on a full disk is caught), the
Data Docs the warehouse step built (``.data_docs/<period>/``, :func:`staged_data_docs_dir`) copied in and checked,
and only then swapped in for the previous set by renames (an atomic exchange where Linux has one). Until then the
previous complete set stays as it was; a failed write is :class:`PublishFailed`, naming the file, and nothing is
published. A folder left by a killed publish is removed by the next one (or, a previous set moved aside and not
yet replaced, put back); readers of the reports folder ignore hidden folders.

Staleness: a period's documents compare it with earlier periods. ``so_sanh.json`` records, for each
earlier period read (the same quarter a year earlier, the previous quarter, the trend's quarters), a digest of its
figures as they were (null: not loaded). :func:`stale_reports` compares those digests with the warehouse now: a
re-run of an earlier quarter that changes its figures (or loads a quarter that was missing) makes every later
published period that read it stale; the warehouse asset lists them in its metadata and logs a warning.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine

from kttt_pipeline.core import config
from kttt_pipeline.core.periods import Period
from kttt_pipeline.processes.collector import collector_paused
from kttt_pipeline.publish.appendix import (
    detail_name,
    pdf_wanted,
    render_pdf,
    write_appendix_data,
    write_findings_detail,
)
from kttt_pipeline.publish.appendix.render import RenderFailed
from kttt_pipeline.publish.paragraph import write_paragraph_data
from kttt_pipeline.publish.warehouse_reader import PeriodData, load_period_data
from kttt_pipeline.warehouse.history import tables_reflected_once

_log = logging.getLogger(__name__)


class PublishFailed(RuntimeError):
    """A document of the period could not be written whole: nothing was published (the previous set stays).
    The message is the Vietnamese reason, naming the file (the CLI prints it as it is)."""


@collector_paused()  # processes/collector.py: 0.3 s of publishing went to cyclic collections
def publish_period(
    engine: Engine,
    period: str,
    reports_dir: Path | str,
    province: str | None = None,
    raw_dir: Path | str | None = None,
) -> dict[str, Path]:
    """Write the published documents of the province's ``period`` as one set, all or nothing; returns ``{name: path}``.

    Keys: ``appendix``, ``findings_detail`` (``appendix_pdf``), ``paragraph_md``, ``paragraph_txt``
    (``paragraph_docx``), ``chart_sectors``, ``chart_status``, ``chart_units``, ``chart_trend``, ``comparisons``.
    Raises :class:`PublishFailed` (the previous set intact) when a document cannot be written whole. The units'
    and the province's kinds and names are those in force at the period end (a register in ``raw_dir`` first).
    """
    p = Period.parse(period)
    root = Path(reports_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = root / p.key
    clean_leftovers(root, p.key)
    with tables_reflected_once():  # the earlier periods are read a dozen times: their tables reflected once
        before = comparison_digests(engine, p, province)  # the earlier periods as they were before reading
        data = load_period_data(engine, p, province, raw_dir)
        data.comparison_notes = list(
            stale_findings(engine, p, data.province_code).values()
        )  # said in the findings sheet too
        work = root / f"{_HIDDEN}{p.key}{_PUBLISHING}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        work.mkdir()
        try:
            outputs = _write_documents(engine, data, p, work, final, before)
            _copy_data_docs(root, p.key, work, final)
            for path in sorted(work.rglob("*")):
                if path.is_file():
                    _check_written(path, work, final)
            _sync_tree(work)
            _swap_in(work, final)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return {name: final / path.relative_to(work) for name, path in outputs.items()}


MANIFEST = "so_sanh.json"
#: the Data Docs folder of a published set, and where the warehouse step builds them first
DATA_DOCS = "data_docs"
_HIDDEN = "."
_PUBLISHING = ".publishing-"
_PREVIOUS = ".previous-"


def staged_data_docs_dir(reports_dir: Path | str, period: str) -> Path:
    """Where the warehouse step writes the period's Data Docs (a hidden folder of the reports folder); the next
    publication copies them, checked, into the period's set (``<period>/data_docs``)."""
    return Path(reports_dir) / f"{_HIDDEN}{DATA_DOCS}" / period


def _write_documents(
    engine: Engine, data: PeriodData, p: Period, out_dir: Path, final: Path, before: dict[str, str | None] | None = None
) -> dict[str, Path]:
    outputs: dict[str, Path] = {}
    with _writing(f"phu_bieu_{p.key}.xlsx", out_dir, final):
        outputs["appendix"] = write_appendix_data(data, out_dir / f"phu_bieu_{p.key}.xlsx")
    with _writing(detail_name(p.key), out_dir, final):
        outputs["findings_detail"] = write_findings_detail(data, out_dir / detail_name(p.key))
    with _writing(f"phu_bieu_{p.key}.pdf", out_dir, final):
        if pdf_wanted():
            try:
                outputs["appendix_pdf"] = render_pdf(outputs["appendix"], out_dir / f"phu_bieu_{p.key}.pdf")
            except (RenderFailed, OSError, subprocess.SubprocessError) as exc:
                if config.appendix_pdf() == "1":
                    raise
                _log.warning("appendix PDF not rendered, the workbook is published without it: %s", exc)
    with _writing("muc_1_1.*", out_dir, final):
        for path in write_paragraph_data(data, out_dir):
            outputs[f"paragraph_{path.suffix.lstrip('.')}"] = path
    names = {
        "bieu_do_linh_vuc.png": "chart_sectors",
        "bieu_do_tinh_trang.png": "chart_status",
        "bieu_do_don_vi.png": "chart_units",
        "bieu_do_xu_huong.png": "chart_trend",
    }
    with _writing("bieu_do_*.png", out_dir, final):
        for path in _write_charts(data, out_dir):
            outputs[names.get(path.name, path.stem)] = path
    manifest = out_dir / MANIFEST
    with _writing(MANIFEST, out_dir, final):
        manifest.write_text(
            json.dumps(comparison_manifest(engine, data, before), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    outputs["comparisons"] = manifest
    return outputs


def _failed(final: Path, name: str, reason: str) -> PublishFailed:
    return PublishFailed(
        f"Kỳ {final.name}: không công bố được vì không ghi được tệp báo cáo '{final / name}' "
        f"({reason}); bộ báo cáo đã công bố trước đó (nếu có) được giữ nguyên"
    )


@contextmanager
def _writing(name: str, work: Path, final: Path) -> Iterator[None]:
    """A writer's failure as :class:`PublishFailed` naming its file (the one the error names, else ``name``)."""
    from kttt_pipeline.core.known_errors import exception_chain, explain

    try:
        yield
    except PublishFailed:
        raise
    except Exception as exc:
        named = getattr(exc, "filename", None)
        if named:
            try:
                name = Path(named).resolve().relative_to(work.resolve()).as_posix()
            except ValueError:
                pass
        known = explain(exception_chain(exc))
        reason = known.message_vi if known is not None else f"{type(exc).__name__}: {exc}"
        raise _failed(final, name, reason) from exc


_PNG_START, _PNG_END = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"


def _check_written(path: Path, work: Path, final: Path) -> None:
    """A document written whole: not empty, and by its kind a complete zip (xlsx, docx), PDF, PNG, JSON or HTML page
    (what a short write on a full disk leaves is not)."""
    name = path.relative_to(work).as_posix()
    size = path.stat().st_size
    if size == 0:
        raise _failed(final, name, "tệp rỗng: có thể ổ đĩa đã đầy")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as z:
                bad = z.testzip()
            if bad is not None:
                raise ValueError(bad)
        elif suffix == ".png":
            with path.open("rb") as fh:
                start = fh.read(8)
                fh.seek(max(0, size - 8))
                end = fh.read(8)
            if start != _PNG_START or end != _PNG_END:
                raise ValueError("png")
        elif suffix == ".pdf":
            with path.open("rb") as fh:
                start = fh.read(5)
                fh.seek(max(0, size - 64))
                if start != b"%PDF-" or b"%%EOF" not in fh.read():
                    raise ValueError("pdf")
        elif suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif suffix in (".html", ".htm"):
            if not path.read_text(encoding="utf-8").rstrip().lower().endswith("</html>"):
                raise ValueError("html")
        elif suffix in (".md", ".txt"):
            if not path.read_text(encoding="utf-8").strip():
                raise ValueError("empty")
    except (OSError, ValueError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise _failed(final, name, "tệp ghi không trọn vẹn: có thể ổ đĩa đã đầy") from exc


def _copy_data_docs(root: Path, period: str, work: Path, final: Path) -> None:
    """The Data Docs into the new set: those the warehouse step has just built for the period, else (reports
    re-published without a new load) those of the previous set."""
    source = staged_data_docs_dir(root, period)
    if source.is_dir():  # built by the warehouse step: every page is checked with the documents
        if not (source / "index.html").is_file():
            raise _failed(final, f"{DATA_DOCS}/index.html", "Data Docs không có trang chính index.html")
    elif (final / DATA_DOCS).is_dir():
        source = final / DATA_DOCS
    else:
        return
    with _writing(f"{DATA_DOCS}/", work, final):
        shutil.copytree(source, work / DATA_DOCS)


def _sync_tree(folder: Path) -> None:
    """The new set on disk before it is swapped in (a crash right after the swap leaves complete files)."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux's ``renameat2(RENAME_EXCHANGE)``); False where it is missing."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap_in(new: Path, final: Path) -> None:
    """``new`` becomes ``final``; the previous set, if any, is removed once replaced."""
    if not final.exists():
        os.rename(new, final)
    elif _exchange(new, final):
        shutil.rmtree(new)  # now the previous set
    else:  # two renames: a kill between them leaves the previous set aside, put back by clean_leftovers
        aside = final.with_name(f"{_HIDDEN}{final.name}{_PREVIOUS}{new.name.rsplit('-', 1)[-1]}")
        os.rename(final, aside)
        os.rename(new, final)
        shutil.rmtree(aside, ignore_errors=True)
    _sync_dir(final.parent)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clean_leftovers(reports_dir: Path | str, period: str) -> None:
    """What a killed publication of ``period`` left: its half-written folder removed (unless its process still
    runs); a previous set moved aside and never replaced put back."""
    root = Path(reports_dir)
    final = root / period
    for path in sorted(root.glob(f"{_HIDDEN}{period}{_PUBLISHING}*")):
        pid = path.name[len(f"{_HIDDEN}{period}{_PUBLISHING}") :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue  # another publication of the period, running
        shutil.rmtree(path, ignore_errors=True)
    for path in sorted(root.glob(f"{_HIDDEN}{period}{_PREVIOUS}*")):
        if not final.exists():
            os.rename(path, final)
        else:
            shutil.rmtree(path, ignore_errors=True)


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


def comparison_digests(engine: Engine, period: Period, province: str | None = None) -> dict[str, str | None]:
    """The digests (``history.fingerprint``) of the earlier periods the documents of ``period`` may read, taken
    before reading them: the same quarter a year earlier, the previous quarter and the trend's quarters loaded."""
    from kttt_pipeline.publish.warehouse_reader import TREND_QUARTERS
    from kttt_pipeline.warehouse.history import fingerprint, loaded_periods, read_snapshot

    keys = {Period(period.year - 1, period.quarter).key, period.previous().key}
    keys |= {q.key for q in [q for q in loaded_periods(engine, province) if q < period][-TREND_QUARTERS:]}
    with read_snapshot(engine) as conn:
        return {k: fingerprint(conn, k, province) for k in sorted(keys, key=Period.parse)}


def comparison_manifest(engine: Engine, data: PeriodData, before: dict[str, str | None] | None = None) -> dict:
    """``so_sanh.json``: ``compared_with`` the digests of the earlier periods the documents read;
    ``insufficient`` {indicator group: the Vietnamese sentence naming the file} of the groups of figures the
    documents could not derive (publish/figure_gaps.py);
    ``findings_compared_with`` what the period's comparison findings were computed against at its load
    (``period_status.compared_with``; null: not compared); ``stale`` {earlier period: why the documents do not
    compare with it as the warehouse holds it now}, empty when they do (docs/decisions.md, "Concurrency").
    ``before``: the digests read before the documents' data (:func:`comparison_digests`): a period that changed
    while the documents were written is stale too."""
    from kttt_pipeline.publish.figure_gaps import figure_gaps
    from kttt_pipeline.warehouse.history import fingerprint, read_snapshot

    with read_snapshot(engine) as conn:
        compared = {k: fingerprint(conn, k, data.province_code) for k in compared_periods(data)}
    basis, stale = _findings_basis(engine, data.period, data.province_code)
    for k, digest in compared.items():
        if before is not None and before.get(k) != digest and k not in stale:
            stale[k] = (
                f"Số liệu kỳ {k} thay đổi trong khi lập báo cáo kỳ {data.period.key}: các số so sánh với kỳ "
                f"{k} có thể không khớp với kho dữ liệu. {_rerun(data.period.key)}"
            )
    return {
        "period": data.period.key,
        "province_code": data.province_code,
        "compared_with": compared,
        "findings_compared_with": basis,
        "stale": dict(sorted(stale.items(), key=lambda kv: Period.parse(kv[0]))),
        "insufficient": {group: gap.text_vi for group, gap in figure_gaps(data).items()},
    }


def _findings_basis(
    engine: Engine, period: Period, province: str | None = None
) -> tuple[dict[str, str | None] | None, dict[str, str]]:
    """(what the comparison findings of ``period`` were computed against at its load, {earlier period: why they
    are stale}), read in one snapshot."""
    from kttt_pipeline.warehouse.history import compared_identities, period_identity, read_snapshot

    with read_snapshot(engine) as conn:
        basis = compared_identities(conn, period, province)
        now = {k: period_identity(conn, k, province) for k in basis or {}}
    return basis, {k: stale_findings_note(period.key, k, v, now[k]) for k, v in (basis or {}).items() if now[k] != v}


def stale_findings(engine: Engine, period: Period | str, province: str | None = None) -> dict[str, str]:
    """{earlier period: Vietnamese note} for each earlier period loaded, replaced or deleted after ``period``'s
    comparison findings were computed against it (empty: they match the warehouse)."""
    return _findings_basis(engine, Period.parse(period) if isinstance(period, str) else period, province)[1]


def _rerun(period: str) -> str:
    return f"Cần công bố lại kỳ {period} (kttt materialize --period {period}) trước khi ký."


def stale_findings_note(period: str, earlier: str, then: str | None, now: str | None) -> str:
    """Why the comparison findings of ``period`` against ``earlier`` are stale, in Vietnamese: ``earlier`` was
    loaded, replaced or deleted after ``period`` compared with it (identities ``then`` and ``now``)."""
    what = (
        f"khi kỳ {earlier} chưa có trong kho dữ liệu; kỳ {earlier} đã được nạp sau đó"
        if then is None
        else f"theo số liệu kỳ {earlier} đã bị xóa khỏi kho dữ liệu sau đó"
        if now is None
        else f"theo số liệu kỳ {earlier} đã được nạp lại với số liệu khác sau đó"
    )
    return (
        f"Các phát hiện so sánh với kỳ {earlier} (HTX có trong kỳ trước nhưng kỳ này không có, số liệu thay "
        f"đổi bất thường) của kỳ {period} được lập {what}: chưa phản ánh đúng kỳ {earlier}. {_rerun(period)}"
    )


def changed_comparisons(recorded: dict[str, str | None], now: dict[str, str | None]) -> list[str]:
    """The periods whose figures differ from those the documents were written with (a digest changed, a period
    loaded since or deleted since)."""
    return sorted((k for k in recorded if recorded[k] != now.get(k)), key=Period.parse)


def stale_reports(
    engine: Engine, reports_dir: Path | str, changed: str | None = None, province: str | None = None
) -> dict[str, list[str]]:
    """Published periods under ``reports_dir`` whose comparisons no longer match the warehouse:
    ``{period: [earlier periods changed since it was published]}``. ``changed``: only that period (the one just
    loaded) is checked, in the reports that read it. The figures compared are those of the province the manifest
    records (else ``province``); a manifest of another province than ``province`` is not checked."""
    from kttt_pipeline.warehouse.history import fingerprint, period_identity

    out: dict[str, list[str]] = {}
    cache: dict[tuple[str, str | None], str | None] = {}
    idents: dict[tuple[str, str | None], str | None] = {}
    for path in sorted(Path(reports_dir).glob(f"*/{MANIFEST}")):
        if path.parent.name.startswith(_HIDDEN):
            continue  # a set being written (or left by a killed publication): not published
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            recorded = dict(manifest["compared_with"])
            period = str(manifest["period"])
            whose = manifest.get("province_code") or province
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if province is not None and whose != province:
            continue
        findings = {k: v for k, v in (manifest.get("findings_compared_with") or {}).items()}
        if changed is not None:
            if changed not in recorded and changed not in findings:
                continue
            recorded = {changed: recorded[changed]} if changed in recorded else {}
            findings = {changed: findings[changed]} if changed in findings else {}
        now = {
            k: cache[(k, whose)] if (k, whose) in cache else cache.setdefault((k, whose), fingerprint(engine, k, whose))
            for k in recorded
        }
        stale = changed_comparisons(recorded, now)
        # the comparison findings: the identity of the rows they read (cooperatives too)
        ident = {
            k: idents[(k, whose)]
            if (k, whose) in idents
            else idents.setdefault((k, whose), period_identity(engine, k, whose))
            for k in findings
        }
        stale = sorted(set(stale) | set(changed_comparisons(findings, ident)), key=Period.parse)
        if stale:
            out[period] = stale
    return dict(sorted(out.items(), key=lambda kv: Period.parse(kv[0])))

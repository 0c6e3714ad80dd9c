"""The ``kttt`` command line.

Terms used in help texts: KTTT = kinh tế tập thể (collective economy); HTX = hợp tác xã (cooperative);
THT = tổ hợp tác (cooperative group); LHHTX = liên hiệp HTX (cooperative union); QTDND = quỹ tín dụng nhân dân
(people's credit fund); đơn vị báo cáo = reporting unit (district People's Committee, since 1/7/2025 commune or
special zone); lũy kế = cumulative from 1 January to the period end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from kttt_pipeline.core import config

EPILOG = __doc__.split("\n\n", 1)[1]
PROVINCE_HELP = (
    "province code whose unit register and 2025 commune crosswalk are used (packaged: see "
    "kttt_pipeline/vocab/provinces/provinces.csv; default: KTTT_PROVINCE, else the packaged default); "
    "admin_units.csv and commune_crosswalk_2025.csv in the raw folder override it"
)


PROVINCE_HELP_VI = (
    "mã tỉnh có danh mục đơn vị hành chính và bảng chuyển đổi xã năm 2025 được dùng (mặc định: KTTT_PROVINCE, "
    "nếu không có thì tỉnh mặc định của gói); admin_units.csv và commune_crosswalk_2025.csv trong thư mục dữ liệu "
    "gốc được ưu tiên"
)


class VietnameseHelpFormatter(argparse.HelpFormatter):
    """The help of a command a clerk or the office runs, in Vietnamese: argparse's own words too."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="Cách dùng: " if prefix is None else prefix)


def _vietnamese_help(p: argparse.ArgumentParser) -> None:
    """Vietnamese section titles and ``-h`` for a parser made with ``add_help=False``."""
    p._positionals.title = "tham số"
    p._optionals.title = "tùy chọn"
    p.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="in hướng dẫn này rồi thoát")


class KtttArgumentParser(argparse.ArgumentParser):
    """argparse with its error line in Vietnamese, naming the argument (vocab/known_errors.csv); usage and help
    stay as argparse prints them."""

    def error(self, message: str):
        from kttt_pipeline.core.known_errors import translate_argparse

        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: {translate_argparse(message)}\n")


def _period_arg(text: str) -> str:
    """``--period``: a quarter YYYY-Qn (refused by argparse, naming the argument, when it is not one)."""
    from kttt_pipeline.core.periods import Period

    try:
        return Period.parse(text).key
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(text: str) -> int:
    """A whole number of at least 1 (refused by argparse, naming the argument, when it is not one)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' không phải số nguyên dương (a whole number ≥ 1)")
    return int(text)


def _default_period() -> str:
    from kttt_pipeline.core.periods import last_closed_quarter

    return last_closed_quarter().key


def _cmd_last_period(args: argparse.Namespace) -> int:
    print(_default_period())
    return 0


def _periods(args: argparse.Namespace) -> list[str]:
    """The periods of a command's ``--period`` (repeatable), oldest first, each once; the default period alone
    when none is given."""
    from kttt_pipeline.core.periods import Period

    return [p.key for p in sorted({Period.parse(p) for p in args.period or [_default_period()]})]


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from kttt_pipeline.demo import write_demo_period

    province = _province_or_exit(args.province, None)
    if province is False:
        return 2
    for period in _periods(args):
        summary = write_demo_period(
            Path(args.out),
            period,
            units=args.units,
            seed=args.seed,
            rows_per_unit=args.rows_per_unit,
            province=province,
        )
        print(f"Đã tạo dữ liệu mẫu kỳ {period} trong {args.out} / demo returns written: {summary}")
    return 0


def _cmd_demo_periods(args: argparse.Namespace) -> int:
    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.demo.history import demo_periods

    province = _province_or_exit(args.province, None)
    if province is False:
        return 2
    print(" ".join(p.key for p in demo_periods(Period.parse(args.period or _default_period()), province)))
    return 0


def _instance():
    """The Dagster instance a command-line run is recorded in: ``DAGSTER_HOME``'s (the one `make ui` opens; the
    Makefile sets it for both), else a throw-away one (the tests' runs, unless a test sets it)."""
    import dagster as dg

    home = os.environ.get("DAGSTER_HOME", "").strip()
    if not home:
        return dg.DagsterInstance.ephemeral()
    Path(home).mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.get()


def _cmd_materialize(args: argparse.Namespace) -> int:
    from kttt_pipeline.core.periods import Period

    try:
        periods = _periods(args)
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    raw_dir = args.raw_dir or config.raw_dir()
    warehouse = args.warehouse or config.warehouse_url()
    _check_warehouse_url(warehouse)
    reports = args.reports_dir or config.reports_dir()
    from kttt_pipeline.core.deployment import national_provinces

    try:  # several provinces (or KTTT_PROVINCES): the national layout, <raw>/<code>/<period>
        provinces = national_provinces(args.province, raw_dir, periods)
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    if provinces is not None:
        return _materialize_national(args, periods, provinces, raw_dir, warehouse, reports)
    province = _province_or_exit(args.province[0] if args.province else None, raw_dir)
    if province is False:
        return 2
    for key in periods:
        if not (Path(raw_dir) / key).is_dir():
            print(
                f"Lỗi: không có thư mục {Path(raw_dir) / key} (no returns for {key} under {raw_dir})", file=sys.stderr
            )
            return 1
    status = 0
    with _instance() as instance:
        for i, key in enumerate(periods, 1):
            if len(periods) > 1:
                print(f"[{i}/{len(periods)}] Kỳ {key} / period {key}", flush=True)
            status = _materialize_one(args, Period.parse(key), raw_dir, warehouse, reports, province, instance)
            if status:
                break
        if len(periods) > 1 and not status:
            print(f"Đã công bố {len(periods)} kỳ / periods published: {', '.join(periods)}")
        if os.environ.get("DAGSTER_HOME", "").strip():
            print(f"Các lần chạy được ghi trong Dagster (runs recorded in DAGSTER_HOME): {os.environ['DAGSTER_HOME']}")
    return status


def _materialize_national(
    args, periods: list[str], provinces: list[str], raw_root: str, warehouse: str, reports_root: str
) -> int:
    """Every (province, period) pair in one command (docs/deployment.md, "Many provinces"): one job with
    (province, quarter) partitions over ``<raw_root>/<code>/<period>/``, the reports under
    ``<reports_root>/<code>/``; each province's quarters oldest first, in one process (its earlier quarter is
    loaded before its next one compares with it). The provinces run in ``--jobs`` worker processes forked from
    this one (default: one per core), the largest first, else here one after another; the output names each
    pair in the order of the command line. A province that fails does not stop the others."""
    import dagster as dg

    from kttt_pipeline.orchestration.definitions import make_resources, period_job
    from kttt_pipeline.orchestration.national_run import province_runs, run_provinces
    from kttt_pipeline.orchestration.partitions import partition_key
    from kttt_pipeline.processes.cores import usable_cores

    pairs = [(p, code) for p in periods for code in provinces]
    missing = [Path(raw_root) / code / p for p, code in pairs if not (Path(raw_root) / code / p).is_dir()]
    if missing:
        print(
            f"Lỗi: không có thư mục {', '.join(map(str, missing))} (báo cáo của mỗi tỉnh, thành phố đặt trong "
            f"{raw_root}/<mã tỉnh>/<kỳ>)",
            file=sys.stderr,
        )
        return 1
    # one job for every pair: the definitions, Dagster and the stages' libraries are loaded once
    job = period_job({**make_resources(raw_root, warehouse, reports_root), "io_manager": dg.mem_io_manager}, provinces)

    def run_one(pair, instance) -> int:
        print(
            f"[{pair.number}/{len(pairs)}] Mã tỉnh {pair.province}, kỳ {pair.period} / province {pair.province}, "
            f"period {pair.period}",
            flush=True,
        )
        key = partition_key(job.partitions_def, pair.province, pair.period)
        return _run_partition(args, job, key, pair.period, warehouse, instance)

    def on_workers(n: int) -> None:
        print(
            f"{len(provinces)} tỉnh, thành phố chạy trong {n} tiến trình song song / provinces run in {n} worker "
            "processes (--jobs)",
            flush=True,
        )

    from kttt_pipeline.processes.collector import collector_slowed
    from kttt_pipeline.publish.appendix.render import warm_office

    with _instance():  # a new DAGSTER_HOME's storage made here once, not by workers opening it at the same time
        pass
    # one LibreOffice for every appendix PDF of the run, the forked workers' too (publish/appendix/render.py)
    with warm_office(), collector_slowed():
        outcomes = run_provinces(
            province_runs(periods, provinces),
            run_one,
            _run_state,
            raw_root,
            getattr(args, "jobs", None) or usable_cores(),
            on_workers,
            _lost,
        )
    failed = [pair.name for pair, one in outcomes if one]
    status = next((one for _, one in outcomes if one), 0)  # the first failure's (docs/deployment.md, "Exit status")
    if os.environ.get("DAGSTER_HOME", "").strip():
        print(f"Các lần chạy được ghi trong Dagster (runs recorded in DAGSTER_HOME): {os.environ['DAGSTER_HOME']}")
    print(f"Đã công bố {len(pairs) - len(failed)}/{len(pairs)} (tỉnh, kỳ) / (province, period) pairs published")
    if failed:
        print(f"Lỗi: không công bố được / not published: {'; '.join(failed)}", file=sys.stderr)
    return status


@contextlib.contextmanager
def _run_state():
    """What a process running provinces keeps for all of them (each worker of a run on every core its own): the
    Dagster instance."""
    with _instance() as instance:
        yield instance


def _lost(pair, exitcode: int | None) -> int:
    """A province whose worker process died: said, and counted as not published."""
    if exitcode is None:
        why = "mọi tiến trình chạy đã dừng trước khi nhận tỉnh này / every worker process had died"
    else:
        how = f"tín hiệu {-exitcode}" if exitcode < 0 else f"mã thoát {exitcode}"
        why = f"tiến trình chạy tỉnh này đã dừng đột ngột ({how}) / the worker process running it died"
    print(f"Lỗi: tỉnh mã {pair.province}, kỳ {pair.period} chưa công bố được: {why}", file=sys.stderr)
    return 1


def _materialize_one(args, period, raw_dir: str, warehouse: str, reports: str, province, instance) -> int:
    import dagster as dg

    from kttt_pipeline.orchestration.definitions import make_resources, period_job

    # the job the UI and the schedule run (definitions.py), in process: step outputs stay in memory (the UI's
    # runs keep Dagster's default file-based IO manager)
    job = period_job({**make_resources(raw_dir, warehouse, reports, province), "io_manager": dg.mem_io_manager})
    return _run_partition(args, job, period.key, period.key, warehouse, instance)


def _run_partition(args, job, key: str, period: str, warehouse: str, instance) -> int:
    """Run ``job`` for the partition ``key`` (of ``period``) and print what it published, or why not."""
    from kttt_pipeline.orchestration.progress import execute_with_progress
    from kttt_pipeline.orchestration.results import interrupted

    # a line on stderr as each step starts and ends (orchestration/progress.py): a national quarter takes minutes
    result = execute_with_progress(
        job,
        partition_key=key,
        raise_on_error=False,
        instance=instance,
        # the Dagster event log is kept for `kttt materialize -v` and the UI; the console stays quiet
        # (errors included: the command prints the reason itself, without Dagster's stack traces)
        run_config={"loggers": {"console": {"config": {"log_level": "DEBUG" if args.verbose else "CRITICAL"}}}},
    )
    if interrupted(result):  # Ctrl-C or a stop asked: the run failed as interrupted; stop here, not go on
        raise KeyboardInterrupt
    if not result.success:
        return _print_failure(result, period, warehouse)
    _print_published(result, period, warehouse)
    return 0


def _cmd_national(args: argparse.Namespace) -> int:
    """The national summary of a period over the provinces the warehouse holds (docs/decisions.md, "A national
    view")."""
    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.core.secrets import masked_url
    from kttt_pipeline.publish.national_workbook import publish_national
    from kttt_pipeline.warehouse.engine import make_engine

    period = Period.parse(args.period or _default_period())
    warehouse = args.warehouse or config.warehouse_url()
    _check_warehouse_url(warehouse)
    out_dir = args.out or config.reports_dir()
    engine = make_engine(warehouse)
    try:
        path, rollup = publish_national(engine, period, out_dir)
    finally:
        engine.dispose()
    print(
        f"Kỳ {period.key}: tổng hợp toàn quốc từ {len(rollup.loaded)}/{len(rollup.expected)} tỉnh, thành phố "
        f"có số liệu (kho dữ liệu {masked_url(warehouse)})"
    )
    if not rollup.is_complete:
        print(
            f"  Chưa đủ: {len(rollup.missing)} tỉnh, thành phố chưa có số liệu, {len(rollup.incomplete)} tỉnh, "
            "thành phố chưa đủ báo cáo của các đơn vị (danh sách ở ghi chú cuối biểu)"
        )
    print(f"Biểu tổng hợp toàn quốc đã ghi tại: {path}")
    return 0


def _check_warehouse_url(url: str) -> None:
    """A warehouse URL SQLAlchemy can use, checked before anything runs (else an error of the known-errors
    table: its form, or its kind of database)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ValueError as exc:  # e.g. a port that is not a number
        raise ArgumentError(f"Could not parse SQLAlchemy URL ({type(exc).__name__})") from None
    parsed.get_dialect()  # NoSuchModuleError for a kind of database SQLAlchemy does not know


def _print_failure(result, period: str, warehouse: str) -> int:
    """Why the run published nothing: the failed blocking checks' own descriptions (they name the unit, the
    figures and the rows), then kttt's reason for any other step error (vocab/known_errors.csv: the database
    locked or unreachable, a folder not writable…), else its last line (without Dagster's wrappers). Returns the
    exit status (docs/deployment.md)."""
    from kttt_pipeline.core.known_errors import error_info_chain, explain
    from kttt_pipeline.core.secrets import redact
    from kttt_pipeline.orchestration.assets.warehouse import GATE_FAILED
    from kttt_pipeline.orchestration.results import failed_checks

    checks = failed_checks(result)
    messages = [f"{name}: {text}" if text else f"{name} ({table})" for table, name, text in checks]
    status = 1
    for event in result.all_events:
        if event.is_failure and event.event_specific_data is not None:
            err = getattr(event.event_specific_data, "error", None)
            known = explain(error_info_chain(err), database=warehouse) if err is not None else None
            if known is not None:
                status = known.exit_code if status == 1 else status
                if known.message_vi not in messages:
                    messages.append(known.message_vi)
                continue
            while err is not None and getattr(err, "cause", None) is not None:
                err = err.cause  # the step error wraps the real one: say what really went wrong
            if err is not None:
                text = err.message.strip().splitlines()[-1] if err.message else str(err)
                if ": " in text and text.split(": ", 1)[0].replace(".", "").replace("_", "").isalnum():
                    text = text.split(": ", 1)[1]  # "dagster._core…Failure: <reason>" → "<reason>"
                if checks and GATE_FAILED in text:
                    continue  # the gate's failure repeats the checks' descriptions printed above
                text = redact(text, warehouse)
                if text not in messages:
                    messages.append(text)
    print(f"Lỗi: kỳ {period} không công bố được / the period could not be published:", file=sys.stderr)
    for m in messages or ["(xem nhật ký Dagster / see the Dagster log)"]:
        print(f"  - {m}", file=sys.stderr)
    return status


def _print_published(result, period: str, warehouse: str) -> None:
    from kttt_pipeline.core.secrets import masked_url
    from kttt_pipeline.ingest.period import REJECTED_STATUSES
    from kttt_pipeline.orchestration.assets.reports import INSUFFICIENT
    from kttt_pipeline.orchestration.assets.warehouse import STALE_REPORTS_TABLE
    from kttt_pipeline.orchestration.headline import headline_rows
    from kttt_pipeline.orchestration.results import comparison_lines, loaded_rows, materialization, published_documents

    reconciled = result.output_for_node("reconciled_period")
    status = reconciled.period_status.iloc[0]
    print(
        f"Kỳ {period}: đã công bố / published "
        f"({status['units_present']}/{status['units_expected']} đơn vị báo cáo"
        f"{'' if status['is_complete'] else ', CHƯA ĐỦ: thiếu ' + status['units_missing']})"
    )
    reports = materialization(result, "published_reports")
    gaps = reports.metadata[INSUFFICIENT].value if reports is not None and INSUFFICIENT in reports.metadata else {}
    for text in (gaps or {}).values():  # a group of figures derived from nothing: not published as figures
        print(f"  CẢNH BÁO / insufficient data: {text}")
    for label, value in headline_rows(reconciled):
        print(f"  {label:<24} {value:>10}")
    rejected = reconciled.load_audit[reconciled.load_audit["status"].isin(REJECTED_STATUSES)]
    findings = loaded_rows(result, "dq_issue", len(reconciled.dq_issue))  # as loaded (the load may compare again)
    print(f"  Phát hiện (findings): {findings}; tệp bị từ chối (files rejected): {len(rejected)}")
    for rec in rejected.itertuples():
        print(f"    - {rec.source_file}: {rec.error}")
    print(f"Kho dữ liệu (warehouse): {masked_url(warehouse)}")  # never its password
    mat = materialization(result, STALE_REPORTS_TABLE)
    stale = mat.metadata["stale_reports"].value if mat is not None and "stale_reports" in mat.metadata else {}
    for later, periods in (stale or {}).items():
        print(
            f"  Cảnh báo: báo cáo kỳ {later} so sánh với kỳ {', '.join(periods)} vừa thay đổi: cần công bố lại "
            f"(kttt materialize --period {later}) / stale comparisons"
        )
    for line in comparison_lines(result):
        print(line)
    for name, path in published_documents(result).items():
        print(f"Báo cáo (report) {name}: {path}")


def _province_or_exit(province: str | None, raw_dir: str | None):
    """The province asked for (``--province`` / ``KTTT_PROVINCE``), checked before anything runs: a code with no
    packaged register is an error, unless the raw folder ships its own register (which then decides)."""
    from kttt_pipeline.core.admin_units import REGISTER_FILE, resolve_province

    if raw_dir and (Path(raw_dir) / REGISTER_FILE).is_file():
        return province
    try:
        return resolve_province(province)
    except ValueError as exc:
        print(
            f"Lỗi: không có danh mục đơn vị hành chính của tỉnh mã {province or config.province()} ({exc})",
            file=sys.stderr,
        )
        return False


def _cmd_check(args: argparse.Namespace) -> int:
    from kttt_pipeline.clerk_check import check_file, render_check

    if args.period:
        from kttt_pipeline.core.periods import Period

        try:
            Period.parse(args.period)
        except ValueError as exc:
            print(f"Lỗi: {exc}", file=sys.stderr)
            return 2
    if not Path(args.file).is_file():
        print(f"Lỗi: không có tệp {args.file} (no such file)", file=sys.stderr)
        return 2
    province = _province_or_exit(args.province, args.raw_dir)
    if province is False:
        return 2
    report = check_file(Path(args.file), period=args.period, raw_dir=args.raw_dir, province=province)
    print(render_check(report))
    return 1 if report.fails else 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from kttt_pipeline.submission.app import create_app
    from kttt_pipeline.submission.settings import ServeSettings

    province = _province_or_exit(args.province, args.raw_dir)
    if province is False:
        return 2
    settings = ServeSettings.from_env(raw_dir=args.raw_dir, state_dir=args.state_dir, province=province)
    print(
        f"Trang nộp báo cáo: http://{args.host}:{args.port}/ (thư mục dữ liệu gốc {settings.raw_dir}; "
        f"mã gửi và biên nhận trong {settings.state_dir})"
    )
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    return 0


def _cmd_keys(args: argparse.Namespace) -> int:
    from kttt_pipeline.core.admin_units import load_admin_units
    from kttt_pipeline.submission.keys import KeyStore
    from kttt_pipeline.submission.settings import ServeSettings

    settings = ServeSettings.from_env(raw_dir=args.raw_dir, state_dir=args.state_dir, province=args.province)
    store = KeyStore(settings.keys_file)
    if args.action == "revoke":
        if store.revoke(args.unit):
            print(f"Đã thu hồi mã gửi báo cáo của đơn vị mã {args.unit}.")
            return 0
        print(f"Lỗi: đơn vị mã {args.unit} chưa được cấp mã gửi báo cáo", file=sys.stderr)
        return 1
    province = _province_or_exit(args.province, args.raw_dir)
    if province is False:
        return 2
    raw = Path(settings.raw_dir) if Path(settings.raw_dir).is_dir() else None
    units = {u.unit_code: u for u in load_admin_units(raw, province)}
    unit = units.get(args.unit)
    if unit is None:
        print(f"Lỗi: không có đơn vị mã {args.unit} trong danh mục đơn vị hành chính", file=sys.stderr)
        return 2
    key = store.issue(unit.unit_code)
    print(f"Mã gửi báo cáo của {unit.kind_vi} {unit.name_vi} (mã {unit.unit_code}):")
    print(key)
    print("Mã chỉ hiện một lần: giao cho cán bộ của đơn vị. Mã cũ (nếu có) không còn dùng được.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = KtttArgumentParser(
        prog="kttt",
        description="kttt: ingest, reconcile and publish a province's collective-economy (KTTT) returns.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "demo-data",
        help="write a realistic demo period of returns into a raw folder",
        description="Write a seeded, realistic period of returns (unit returns with title "
        "blocks and two-row headers, a tax register extract, the province workbook on "
        "LHHTX/QTDND, the year's targets) in the layout raw/<period>/…",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--period",
        action="append",
        default=None,
        type=_period_arg,
        help="period YYYY-Qn (cumulative to the quarter end; default: the last closed quarter, "
        "see `kttt last-period`); from 2025-Q3 the returns are the communes' (§11); repeat it for several "
        "periods of the same demo world",
    )
    p.add_argument("--province", default=None, help=PROVINCE_HELP)
    p.add_argument("--out", default=config.raw_dir(), help="raw folder to write into (default: KTTT_RAW_DIR or ./raw)")
    p.add_argument(
        "--units",
        type=int,
        default=None,
        help="number of reporting units (default: the province's units in force; more than that "
        "generates synthetic units and writes <out>/admin_units.csv)",
    )
    p.add_argument(
        "--rows-per-unit",
        type=int,
        default=None,
        help="cooperatives listed per unit (default: 30-150 at random; 47 × 700 units ≈ a national 33,000)",
    )
    p.add_argument("--seed", type=int, default=20240930, help="random seed (same seed, same files)")
    p.set_defaults(func=_cmd_demo_data)

    p = sub.add_parser(
        "materialize",
        help="run the pipeline (Dagster assets) for one period in process",
        description="Run raw → staging → reconciled → warehouse → reports for one period partition "
        "and print the headline figures. Exit 0 when the period was published (rejected "
        "files are findings), non-zero when nothing could be published.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--period",
        action="append",
        default=None,
        type=_period_arg,
        help="period YYYY-Qn, e.g. 2026-Q3 (default: the last closed quarter, see `kttt last-period`); repeat it "
        "to run several periods, oldest first (each compared with what the warehouse holds before it). The runs "
        "are recorded in the Dagster instance of DAGSTER_HOME when it is set (the one `make ui` opens)",
    )
    p.add_argument("--raw-dir", default=None, help="raw folder (default: KTTT_RAW_DIR or ./raw)")
    p.add_argument(
        "--warehouse", default=None, help="SQLAlchemy URL (default: KTTT_WAREHOUSE_URL or sqlite:///warehouse/kttt.db)"
    )
    p.add_argument(
        "--reports-dir", default=None, help="reports folder (default: KTTT_REPORTS_DIR or warehouse/reports)"
    )
    p.add_argument(
        "--province",
        action="append",
        default=None,
        help=PROVINCE_HELP + ". Repeat it (or give a comma list, or 'all' = every packaged province) to run many "
        "provinces in one command (in --jobs worker processes), in the national layout: RAW_DIR/<code>/<period>/, "
        'reports under REPORTS_DIR/<code>/ (also with KTTT_PROVINCES set; docs/deployment.md, "Many provinces")',
    )
    p.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="with several provinces: run them in N worker processes at once, each a whole province's quarters "
        "(default: one per core; 1: all in this process, one after another; also KTTT_CORES)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="print Dagster's full event log (DEBUG)")
    p.set_defaults(func=_cmd_materialize)

    p = sub.add_parser(
        "national",
        help="tổng hợp toàn quốc một kỳ: biểu một dòng mỗi tỉnh, thành phố, dòng toàn quốc",
        description="Tổng hợp các chỉ tiêu của một kỳ từ số liệu các tỉnh, thành phố đã nạp vào kho dữ liệu: "
        "số lượng và tổng được cộng, số bình quân và tỷ lệ được tính lại từ số liệu thành phần; ghi biểu tổng hợp "
        "toàn quốc (Excel, khổ A4 ngang) vào <thư mục báo cáo>/toan_quoc/<kỳ>/, ghi rõ các tỉnh, thành phố chưa "
        "có hoặc chưa đủ số liệu.",
        formatter_class=VietnameseHelpFormatter,
        add_help=False,
    )
    _vietnamese_help(p)
    p.add_argument(
        "--period",
        default=None,
        metavar="YYYY-Qn",
        help="kỳ báo cáo (mặc định: quý đã kết thúc gần nhất, xem `kttt last-period`)",
    )
    p.add_argument(
        "--warehouse",
        default=None,
        metavar="URL",
        help="kho dữ liệu, URL SQLAlchemy (mặc định: KTTT_WAREHOUSE_URL hoặc sqlite:///warehouse/kttt.db)",
    )
    p.add_argument(
        "--out",
        default=None,
        metavar="THƯ_MỤC",
        help="thư mục báo cáo (mặc định: KTTT_REPORTS_DIR hoặc warehouse/reports)",
    )
    p.set_defaults(func=_cmd_national)

    p = sub.add_parser(
        "last-period",
        help="print the last closed quarter (the default period), e.g. 2026-Q3",
        description="Print the latest quarter that has ended (YYYY-Qn): the period `make demo`, "
        "`kttt demo-data` and `kttt materialize` use when none is given.",
    )
    p.set_defaults(func=_cmd_last_period)

    p = sub.add_parser(
        "demo-periods",
        help="print the periods `make demo` writes and loads, e.g. 2025-Q2 2025-Q3 2026-Q2 2026-Q3",
        description="Print the demo's periods for a period (default: the last closed quarter): the same quarter "
        "a year earlier, the quarter before, and the period itself, with the last quarter reported by the "
        "former districts when the year-earlier quarter is the first one reported by the current units (so the "
        "comparisons, the trend chart and the restated history are filled).",
    )
    p.add_argument(
        "--period", default=None, type=_period_arg, help="the last period (default: the last closed quarter)"
    )
    p.add_argument("--province", default=None, help=PROVINCE_HELP)
    p.set_defaults(func=_cmd_demo_periods)

    p = sub.add_parser(
        "check",
        help="kiểm tra một tệp báo cáo như khi tổng hợp, trước khi gửi (cho cán bộ đơn vị)",
        description="Đọc một tệp báo cáo kinh tế tập thể của đơn vị (xã, phường, đặc khu; trước 1/7/2025: huyện) "
        "đúng như khi tổng hợp cả kỳ, áp dụng các quy tắc kiểm tra trên một bản sao tạm, rồi in bằng tiếng Việt: "
        "đơn vị và kỳ báo cáo nhận diện được, các sheet và số dòng đọc được, từng vấn đề kèm sheet, dòng, tên HTX "
        "và cách sửa. Không ghi gì vào thư mục chứa tệp. Mã thoát 1 khi tệp sẽ bị từ chối (tiêu đề, mã đơn vị hoặc "
        "ngày tháng mâu thuẫn nhau hoặc với kỳ báo cáo: CẦN SỬA), khi có dòng bị loại khỏi mọi chỉ tiêu, hoặc khi "
        "có cột số liệu không đọc được; mã thoát 0 khi tệp sẽ được tiếp nhận.",
        epilog="Ví dụ: kttt check 'Bao cao KTTT quy IV.2025.xlsx' --period 2025-Q4. "
        "Trên máy của cơ quan tổng hợp, cán bộ đơn vị có thể dùng trang nộp báo cáo (kttt serve) thay cho lệnh này.",
        formatter_class=VietnameseHelpFormatter,
        add_help=False,
    )
    _vietnamese_help(p)
    p.add_argument("file", metavar="TỆP", help="tệp báo cáo cần kiểm tra (.xlsx, .xls, .xlsm, .ods)")
    p.add_argument(
        "--period",
        default=None,
        metavar="YYYY-Qn",
        help="kỳ báo cáo của tệp (mặc định: kỳ đang thu nhận, tức quý đã kết thúc gần nhất, xem `kttt "
        "last-period`; tệp có ngày tháng của quý khác thì được báo CẦN SỬA)",
    )
    p.add_argument(
        "--raw-dir",
        default=None,
        metavar="THƯ_MỤC",
        help="thư mục dữ liệu gốc: danh mục đơn vị admin_units.csv của tỉnh (nếu có) và, khi có "
        "<kỳ>/tax/, danh sách của cơ quan thuế để đối chiếu thêm",
    )
    p.add_argument("--province", default=None, metavar="MÃ_TỈNH", help=PROVINCE_HELP_VI)
    p.set_defaults(func=_cmd_check)

    state_help = (
        "thư mục lưu mã gửi (chỉ lưu mã băm) và biên nhận (mặc định: KTTT_SUBMISSION_DIR hoặc warehouse/submission)"
    )
    p = sub.add_parser(
        "serve",
        help="trang nộp báo cáo cho cán bộ đơn vị: kiểm tra tệp trên trình duyệt, rồi gửi",
        description="Chạy trang web nộp báo cáo (tiếng Việt, dùng được trên điện thoại): cán bộ đơn vị chọn tệp "
        "báo cáo, xem ngay kết quả kiểm tra như khi tổng hợp (như `kttt check`), rồi gửi bằng mã gửi của đơn vị; "
        "tệp đạt được lưu vào thư mục dữ liệu gốc của kỳ (không ghi đè tệp nào) kèm biên nhận. API: POST "
        "/api/check, POST /api/submit (README, mục 'Trang nộp báo cáo').",
        formatter_class=VietnameseHelpFormatter,
        add_help=False,
    )
    _vietnamese_help(p)
    p.add_argument(
        "--host", default="127.0.0.1", metavar="ĐỊA_CHỈ", help="địa chỉ lắng nghe (mặc định 127.0.0.1: chỉ máy này)"
    )
    p.add_argument("--port", type=int, default=8080, metavar="CỔNG", help="cổng (mặc định 8080)")
    p.add_argument(
        "--raw-dir", default=None, metavar="THƯ_MỤC", help="thư mục dữ liệu gốc (mặc định: KTTT_RAW_DIR hoặc ./raw)"
    )
    p.add_argument("--state-dir", default=None, metavar="THƯ_MỤC", help=state_help)
    p.add_argument("--province", default=None, metavar="MÃ_TỈNH", help=PROVINCE_HELP_VI)
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser(
        "keys",
        help="cấp hoặc thu hồi mã gửi báo cáo của một đơn vị",
        description="Cấp (issue) hoặc thu hồi (revoke) mã gửi báo cáo của một đơn vị cho trang nộp báo cáo. "
        "Mã được in một lần; chỉ mã băm SHA-256 được lưu. Cấp lại thì mã cũ không còn dùng được.",
        formatter_class=VietnameseHelpFormatter,
        add_help=False,
    )
    _vietnamese_help(p)
    p.add_argument("action", choices=["issue", "revoke"], help="issue: cấp mã mới; revoke: thu hồi")
    p.add_argument("unit", metavar="MÃ_ĐƠN_VỊ", help="mã đơn vị (theo danh mục đơn vị hành chính)")
    p.add_argument(
        "--raw-dir", default=None, metavar="THƯ_MỤC", help="thư mục dữ liệu gốc (danh mục đơn vị của tỉnh, nếu có)"
    )
    p.add_argument("--state-dir", default=None, metavar="THƯ_MỤC", help=state_help)
    p.add_argument("--province", default=None, metavar="MÃ_TỈNH", help=PROVINCE_HELP_VI)
    p.set_defaults(func=_cmd_keys)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "period", None):  # every command's --period, as argparse says it (in Vietnamese)
        try:
            if isinstance(args.period, list):  # a repeatable --period
                args.period = [_period_arg(p) for p in args.period]
            else:
                args.period = _period_arg(args.period)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"argument --period: {exc}")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("Lỗi: đã dừng theo yêu cầu (Ctrl+C) / interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001  kttt's reason, never a traceback (docs/deployment.md, "Exit status")
        return _report_error(exc, args)


def _report_error(exc: Exception, args: argparse.Namespace) -> int:
    """An error a command raised, said as kttt's reason in Vietnamese (vocab/known_errors.csv), naming the
    database (password masked), file or argument; an unknown one by its type and first line."""
    from kttt_pipeline.core.known_errors import UNKNOWN_EXIT, exception_chain, explain
    from kttt_pipeline.core.secrets import redact

    database = getattr(args, "warehouse", None) or (config.warehouse_url() if args.command == "materialize" else None)
    known = explain(exception_chain(exc), database=database)
    if known is not None:
        print(f"Lỗi: {known.message_vi}", file=sys.stderr)
        if known.detail:
            print(f"  (chi tiết / detail: {known.detail})", file=sys.stderr)
        return known.exit_code
    first = next((ln for ln in str(exc).splitlines() if ln.strip()), "")
    print(
        f"Lỗi: lệnh kttt {args.command} dừng vì một lỗi ngoài dự kiến ({type(exc).__name__}: "
        f"{redact(first, database or '')}); hãy báo cho người quản trị kèm lệnh đã chạy",
        file=sys.stderr,
    )
    if getattr(args, "verbose", False):
        import traceback

        print(redact("".join(traceback.format_exception(exc)), database or ""), file=sys.stderr)
    return UNKNOWN_EXIT


if __name__ == "__main__":
    raise SystemExit(main())

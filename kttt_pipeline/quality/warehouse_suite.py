"""The Great Expectations (1.x) suite on the warehouse tables of one period, with Data Docs.

Each table's rows for the province's period (a period belongs to a province) are read through SQLAlchemy and
validated as a pandas batch in an ephemeral GX context; the Data Docs site is written under
``<reports>/.data_docs/<period>/index.html``, from where the period's publication copies it, checked, into
``<reports>/<period>/data_docs/`` (publish/report.py). The pages load their CSS and JavaScript from copies shipped
beside them (quality/data_docs_offline.py), never from a CDN: they open on a network without the internet.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import column, select, text
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Engine

from kttt_pipeline.ingest.period import REJECTED_STATUSES
from kttt_pipeline.ingest.raw_inventory import IGNORED
from kttt_pipeline.processes.collector import collector_paused
from kttt_pipeline.quality.data_docs_offline import make_offline
from kttt_pipeline.schema import warehouse_schema
from kttt_pipeline.schema.expectations import table_expectations
from kttt_pipeline.schema.value_sets import indicator_codes

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TQDM_DISABLE", "1")


@dataclass
class SuiteResult:
    success: bool
    docs_index: Path | None
    failures: list[dict] = field(default_factory=list)
    evaluated: dict[str, int] = field(default_factory=dict)  # table → expectations evaluated on its rows


#: the tables the suite validates, in :func:`expectations`' order (known without importing GX: the Dagster
#: checks sit on these tables; tests/integration/test_dagster_assets.py holds the two equal)
SUITE_TABLES: tuple[str, ...] = ("rpt_indicator", "dq_issue", "load_audit", "cooperative")


def table_rules() -> dict[str, list]:
    """The suite's rules that are not a column's (the schema layer's expectations are the columns'): ranges that
    hold for some indicators only, and the fates of a file the extract stage decides."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    E = gx.expectations
    shares = [c for c in indicator_codes() if c.endswith("_PCT")]
    return {
        "rpt_indicator": [
            E.ExpectColumnValuesToBeBetween(
                column="value", min_value=0, row_condition=Column("indicator_code") != "HTX_AVG_PROFIT"
            ),
            E.ExpectColumnValuesToBeBetween(
                column="value", max_value=100.0000001, row_condition=Column("indicator_code").is_in(shares)
            ),
        ],
        "load_audit": [
            E.ExpectColumnValuesToBeInSet(
                column="status", value_set=["LOADED", "SUPERSEDED", IGNORED, *REJECTED_STATUSES]
            ),
        ],
    }


def expectations() -> dict[str, list]:
    """Each suite table's expectations: its columns' (the schema layer's) and the suite's own rules."""
    schema, rules = warehouse_schema(), table_rules()
    return {t: [*table_expectations(schema.table(t)), *rules.get(t, [])] for t in SUITE_TABLES}


def _columns_checked(expectation_list: list) -> list[str]:
    """The columns the expectations of one table read (their ``column``, ``column_list`` and row conditions):
    only these are fetched and validated."""
    cols: list[str] = []

    def add(name):
        if name and name not in cols:
            cols.append(name)

    def walk(cond):  # a row condition: a comparison on one column, or an and/or of conditions
        if cond is None or isinstance(cond, str):
            return
        col = getattr(cond, "column", None)
        add(getattr(col, "name", col))
        for sub in getattr(cond, "conditions", None) or []:
            walk(sub)

    for e in expectation_list:
        add(getattr(e, "column", None))
        for c in getattr(e, "column_list", None) or []:
            add(c)
        walk(getattr(e, "row_condition", None))
    return cols


def read_period_table(
    engine: Engine, table: str, period: str, columns: list[str] | None = None, province: str | None = None
) -> pd.DataFrame:
    """The province's period rows of ``table`` (only ``columns`` when given), without reflecting the table;
    ``province`` None: :func:`kttt_pipeline.warehouse.province.reader_province`."""
    from kttt_pipeline.warehouse.province import reader_province

    cols = [column(c) for c in columns] if columns else [text("*")]
    with engine.connect() as conn:
        code = reader_province(conn, province)
        stmt = (
            select(*cols)
            .select_from(sql_table(table))
            .where(column("province_code") == code, column("period") == period)
        )
        res = conn.execute(stmt)
        return pd.DataFrame.from_records(res.fetchall(), columns=list(res.keys()))


def failures_text_vi(failures: list[dict], limit: int = 10) -> str:
    """The failed expectations in one Vietnamese sentence (the check's description and the CLI's message)."""
    parts = []
    for f in failures[:limit]:
        kw = f.get("kwargs") or {}
        col = kw.get("column") or kw.get("column_list") or ""
        n = f.get("unexpected_count")
        sample = f.get("partial_unexpected_list")
        text = f"bảng {f['table']}: {f['expectation']}" + (f" (cột {col})" if col else "")
        if n:
            text += f", {n} dòng sai"
        if sample:
            text += ", ví dụ " + ", ".join(repr(v) for v in sample[:5])
        parts.append(text)
    more = f" và {len(failures) - limit} kiểm tra khác" if len(failures) > limit else ""
    return "Kiểm tra dữ liệu kho (Great Expectations) không đạt: " + "; ".join(parts) + more


class _Context:
    """The GX objects of the suite, built once per process: an ephemeral context with one pandas data source,
    and per table a dataframe asset, its whole-dataframe batch definition, its suite and validation definition.
    Each run hands the period's frame to its table's batch; the stored validation results are those of the
    current run only (cleared first), so a run's Data Docs show that run."""

    def __init__(self) -> None:
        import great_expectations as gx
        import tqdm
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # GX makes (disabled) tqdm bars, and the first starts tqdm's monitor thread: a process with a thread no
        # longer forks its reading workers (processes/forked.py), and nothing here needs the monitor
        tqdm.tqdm.monitor_interval = 0
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self.ctx = gx.get_context(mode="ephemeral")
        # no tqdm bars in the run log or the CLI's output
        self.ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        source = self.ctx.data_sources.add_pandas("kttt_warehouse")
        self.tables: dict[str, tuple[list[str], object]] = {}
        for table, expectation_list in expectations().items():
            batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe(table)
            suite = self.ctx.suites.add(gx.ExpectationSuite(name=f"kttt_{table}"))
            for e in expectation_list:
                suite.add_expectation(e)
            vd = self.ctx.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=table))
            self.tables[table] = (_columns_checked(expectation_list), vd)
        self.site_dir: Path | None = None

    def clear_results(self) -> None:
        store = self.ctx.validation_results_store
        for key in store.list_keys():
            store.remove_key(key)

    def use_docs_site(self, docs_dir: Path) -> None:
        """Data Docs of the validation pages and the index only (no expectation-suite or profiling pages), by GX's
        views with their templates compiled once (quality/data_docs_views.py)."""
        if self.site_dir == docs_dir:
            return
        if self.site_dir is not None:
            self.ctx.delete_data_docs_site("kttt")
        self.ctx.add_data_docs_site(
            site_name="kttt",
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "view": _view("IndexPageView")},
                "site_section_builders": {
                    "expectations": "None",
                    "profiling": "None",
                    "validations": {"view": _view("PageView")},
                },
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            },
        )
        self.site_dir = docs_dir


def _view(name: str) -> dict:
    """GX's own page views with their templates compiled once per process (quality/data_docs_views.py)."""
    return {"module_name": "kttt_pipeline.quality.data_docs_views", "class_name": name}


_CONTEXT: _Context | None = None


def _context() -> _Context:
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = _Context()
    return _CONTEXT


@collector_paused()  # processes/collector.py: GX's import builds hundreds of classes (0.35 s of collections)
def run_warehouse_suite(engine: Engine, period: str, docs_dir: Path | None, province: str | None = None) -> SuiteResult:
    """Validate the period's rows of each table as one in-memory batch (only the columns the expectations read);
    write the Data Docs site (validation pages and index) when ``docs_dir`` is given."""
    gx_ctx = _context()
    gx_ctx.clear_results()
    result = SuiteResult(success=True, docs_index=None)
    for table, (columns, vd) in gx_ctx.tables.items():
        frame = read_period_table(engine, table, period, columns, province)
        if frame.empty:
            continue
        # BASIC: counts and a sample of unexpected values, what the failures and the pages show
        vr = vd.run(batch_parameters={"dataframe": frame}, result_format="BASIC")
        for r in vr.results:
            result.evaluated[table] = result.evaluated.get(table, 0) + 1
            if not r.success:
                result.success = False
                result.failures.append(
                    {
                        "table": table,
                        "expectation": r.expectation_config.type,
                        "kwargs": {k: v for k, v in r.expectation_config.kwargs.items() if k != "batch_id"},
                        "unexpected_count": (r.result or {}).get("unexpected_count"),
                        "partial_unexpected_list": [
                            v if isinstance(v, (int, float, str, bool)) or v is None else str(v)
                            for v in ((r.result or {}).get("partial_unexpected_list") or [])[:5]
                        ],
                    }
                )
    if docs_dir is not None:
        docs_dir = Path(docs_dir).resolve()  # GX wants an absolute base directory (the default reports dir is relative)
        shutil.rmtree(docs_dir, ignore_errors=True)  # only this run's pages (never an earlier run's beside them)
        docs_dir.mkdir(parents=True, exist_ok=True)
        gx_ctx.use_docs_site(docs_dir)
        gx_ctx.ctx.build_data_docs(site_names=["kttt"])  # once, for every table's validation
        # the pages' CSS and JavaScript shipped beside them, not fetched from CDNs: the office may have no internet
        remaining = make_offline(docs_dir)
        if remaining:
            logging.getLogger(__name__).warning("Data Docs still load from the internet: %s", ", ".join(remaining))
        if (docs_dir / "index.html").is_file():
            result.docs_index = docs_dir / "index.html"
    return result


def prepare() -> None:
    """Import Great Expectations and build the suite's context now, not at the first run: a process that forks
    workers for many provinces (cli.py) builds it once, and its workers share it."""
    _context()

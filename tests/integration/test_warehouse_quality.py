"""The Great Expectations suite passes on a reconciled period and fails on bad rows; Data Docs are built."""

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from kttt_pipeline.quality.warehouse_suite import run_warehouse_suite
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse.province import load_province

from ..small_period import PERIOD, make_small_period


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_period(make_small_period(tmp_path_factory.mktemp("raw")), PERIOD)


def _engine(tmp_path, result, mutate=None):
    engine = create_engine(f"sqlite:///{tmp_path}/q.db")
    frames = {t: getattr(result, t).copy() for t in ("rpt_indicator", "dq_issue", "load_audit", "cooperative")}
    if mutate:
        mutate(frames)
    province = load_province(result)  # the warehouse's rows carry the province, as the load stamps them
    for name, df in frames.items():
        df.assign(province_code=province).to_sql(name, engine, index=False)
    return engine


def test_suite_passes_and_writes_data_docs(tmp_path, result):
    outcome = run_warehouse_suite(_engine(tmp_path, result), PERIOD, tmp_path / "docs")
    assert outcome.success, outcome.failures
    assert sum(outcome.evaluated.values()) >= 15
    assert set(outcome.evaluated) == {"rpt_indicator", "dq_issue", "load_audit", "cooperative"}
    assert outcome.docs_index is not None and outcome.docs_index.is_file()
    # one validation page per table checked, linked from the index
    pages = {p.parts[-4] for p in (tmp_path / "docs" / "validations").rglob("*.html")}
    assert pages == {"kttt_rpt_indicator", "kttt_dq_issue", "kttt_load_audit", "kttt_cooperative"}
    index = outcome.docs_index.read_text(encoding="utf-8")
    assert all(f"kttt_{t}" in index for t in ("rpt_indicator", "dq_issue", "load_audit", "cooperative"))


def test_suite_fails_on_bad_rows(tmp_path, result):
    def mutate(frames):
        coops = frames["cooperative"]
        frames["cooperative"] = coops._append(coops.iloc[0])  # a duplicated coop_key
        rpt = frames["rpt_indicator"]
        rpt.loc[rpt["indicator_code"] == "HTX_TOTAL", "value"] = -1.0

    outcome = run_warehouse_suite(_engine(tmp_path, result, mutate), PERIOD, None)
    failed = {(f["table"], f["expectation"]) for f in outcome.failures}
    assert not outcome.success
    assert ("cooperative", "expect_column_values_to_be_unique") in failed
    assert ("rpt_indicator", "expect_column_values_to_be_between") in failed


def test_other_periods_are_not_validated(tmp_path, result):
    outcome = run_warehouse_suite(_engine(tmp_path, result), "2030-Q1", None)
    assert outcome.success and outcome.evaluated == {}


def test_shares_above_100_percent_fail_and_a_negative_profit_passes(tmp_path, result):
    def share_too_big(frames):
        rpt = frames["rpt_indicator"]
        rpt.loc[rpt["indicator_code"] == "HTX_SECTOR_AGRI_PCT", "value"] = 101.0

    def loss(frames):
        rpt = frames["rpt_indicator"]
        rpt.loc[rpt["indicator_code"] == "HTX_AVG_PROFIT", "value"] = -12.5

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    bad = run_warehouse_suite(_engine(tmp_path / "a", result, share_too_big), PERIOD, None)
    assert not bad.success
    assert {f["table"] for f in bad.failures} == {"rpt_indicator"}
    ok = run_warehouse_suite(_engine(tmp_path / "b", result, loss), PERIOD, None)
    assert ok.success, ok.failures


def test_negative_counts_and_money_of_a_cooperative_fail_a_negative_profit_passes(tmp_path, result):
    """The non-negative columns come from vocab/fields.csv (a count or money that is not signed)."""

    def negative(column):
        def mutate(frames):
            frames["cooperative"].loc[frames["cooperative"].index[0], column] = -1.0

        return mutate

    for i, col in enumerate(("workers", "charter_capital")):
        (tmp_path / str(i)).mkdir()
        bad = run_warehouse_suite(_engine(tmp_path / str(i), result, negative(col)), PERIOD, None)
        assert not bad.success
        assert {(f["table"], f["kwargs"].get("column")) for f in bad.failures} == {("cooperative", col)}
    (tmp_path / "p").mkdir()
    ok = run_warehouse_suite(_engine(tmp_path / "p", result, negative("profit")), PERIOD, None)
    assert ok.success, ok.failures


def test_the_suite_leaves_no_thread_behind(tmp_path, result):
    """GX's progress bars would start tqdm's monitor thread; with a thread alive, a period read later in the
    same process (a backfill, the test suite) could no longer fork its reading workers (processes/forked.py)."""
    import threading

    outcome = run_warehouse_suite(_engine(tmp_path, result), PERIOD, None)
    assert outcome.success
    assert not [t.name for t in threading.enumerate() if type(t).__name__ == "TMonitor"]


# ---- Data Docs: GX's own pages, their templates compiled once per process (quality/data_docs_views.py) ----------

#: what differs between two builds of the same validation results: a page's element ids and the time in links
_PER_BUILD = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\?d=\d{8}T\d{6}\.\d+Z")


def _pages(site: Path, name: str) -> dict[str, str]:
    return {
        str(p.relative_to(site)): _PER_BUILD.sub("…", p.read_text(encoding="utf-8")).replace(f"| {name}", "| site")
        for p in site.rglob("*.html")
    }


def test_the_data_docs_are_the_pages_gx_own_views_render(tmp_path, result):
    """The suite's site, built by the views that keep their compiled templates, is page for page what GX's
    default views render from the same validation results (the site's name and per-build ids aside)."""
    from kttt_pipeline.quality import warehouse_suite
    from kttt_pipeline.quality.data_docs_offline import make_offline

    engine = _engine(tmp_path, result)
    for _ in range(2):  # the second build from templates compiled by the first
        outcome = run_warehouse_suite(engine, PERIOD, tmp_path / "ours")
        assert outcome.success
    ctx = warehouse_suite._context().ctx
    ctx.add_data_docs_site(
        site_name="gx_default",
        site_config={
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "site_section_builders": {"expectations": "None", "profiling": "None"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(tmp_path / "gx")},
        },
    )
    try:
        ctx.build_data_docs(site_names=["gx_default"])
    finally:
        ctx.delete_data_docs_site("gx_default")
    make_offline(tmp_path / "gx")
    ours, gx = _pages(tmp_path / "ours", "kttt"), _pages(tmp_path / "gx", "gx_default")
    assert len(ours) == 5 and sorted(ours) == sorted(gx)  # the index and the four tables' validation pages
    for page in ours:
        assert ours[page] == gx[page], page


def test_a_second_build_in_the_process_shows_its_own_results(tmp_path, result):
    """Templates compiled once, pages rendered each time: after a passing period, a failing one's validation page
    shows its failure, and a passing one after it shows none."""
    from kttt_pipeline.quality.data_docs_views import TEMPLATES

    def negative_workers(frames):
        frames["cooperative"].loc[frames["cooperative"].index[0], "workers"] = -7654321.0

    def page(docs: Path) -> str:
        [path] = (docs / "validations" / "kttt_cooperative").rglob("*.html")
        return path.read_text(encoding="utf-8")

    for name, mutate, passed in (("a", None, True), ("b", negative_workers, False), ("c", None, True)):
        (tmp_path / name).mkdir()
        outcome = run_warehouse_suite(_engine(tmp_path / name, result, mutate), PERIOD, tmp_path / name / "docs")
        assert outcome.success is passed
        text = page(tmp_path / name / "docs")
        assert ("-7654321" in text) is not passed, name  # the unexpected value, on the failing period's page only
    assert TEMPLATES.compiled  # the views compiled their templates into the process's cache


def test_the_template_cache_compiles_a_changed_template_again():
    """Jinja's checksum of the source decides: a template whose source changed is compiled from the new source."""
    from jinja2 import DictLoader, Environment

    from kttt_pipeline.quality.data_docs_views import ProcessBytecodeCache

    cache, sources = ProcessBytecodeCache(), {"page.j2": "one {{ x }}"}
    assert Environment(loader=DictLoader(sources), bytecode_cache=cache).get_template("page.j2").render(x=1) == "one 1"
    assert len(cache.compiled) == 1
    again = Environment(loader=DictLoader(sources), bytecode_cache=cache).get_template("page.j2")
    assert again.render(x=2) == "one 2"
    sources["page.j2"] = "two {{ x }}"
    changed = Environment(loader=DictLoader(sources), bytecode_cache=cache).get_template("page.j2")
    assert changed.render(x=3) == "two 3"

"""The Dagster UI in a real browser: the webserver on 127.0.0.1, the asset graph in headless Chromium."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ..conftest import strict_tools

ROOT = Path(__file__).resolve().parents[2]
STAGES = ["raw_return_files", "staged_returns", "reconciled_period", "published_reports"]
#: the tables analysts use: each is an asset of its own in the lineage (kttt_pipeline.warehouse.models.ALL_TABLES)
TABLES = ["rpt_indicator", "dq_issue", "cooperative"]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _shown(name: str, text: str) -> bool:
    """``name`` is on the page, whole or as the graph's middle-truncated label ('rpt_indi…_restated')."""
    return name in text or re.search(re.escape(name[:6]) + r"\S*…\S*" + re.escape(name[-6:]), text) is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _materialize_one_quarter(home: Path, work: Path) -> None:
    """A real run of every asset for one quarter in the UI's instance, so the graph shows materialized assets."""
    import dagster as dg

    from kttt_pipeline.orchestration.definitions import make_resources, period_job

    from ..small_period import PERIOD, make_small_period

    raw = make_small_period(work / "raw")
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        job = period_job(make_resources(str(raw), f"sqlite:///{work}/kttt.db", str(work / "reports")))
        result = job.execute_in_process(partition_key=PERIOD, instance=instance)
        assert result.success
    finally:
        instance.dispose()


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    _materialize_one_quarter(home, tmp_path_factory.mktemp("ui_run"))
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "DAGSTER_DISABLE_TELEMETRY": "1"}
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster-webserver"),
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/server_info", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("dagster-webserver exited")
            time.sleep(1)
    else:
        proc.kill()
        raise RuntimeError("dagster-webserver did not start within 120 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def page(webserver):
    chromium = _chromium()
    if chromium is None:
        if strict_tools():
            pytest.fail("chromium is missing: scripts/install_test_tools.sh should have installed it")
        pytest.skip("chromium is not installed (scripts/install_test_tools.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        # the UI's first-visit community dialog would cover the graph
        page.add_init_script("localStorage.setItem('communityNux', '1');")
        yield page
        browser.close()


def test_webserver_binds_loopback_only(webserver):
    assert webserver.startswith("http://127.0.0.1:")


def test_asset_catalog_lists_every_stage_and_every_warehouse_table_in_the_browser(webserver, page):
    from kttt_pipeline.warehouse.models import ALL_TABLES

    page.set_viewport_size({"width": 1600, "height": 2400})  # the catalog renders only the rows in view
    try:
        page.goto(webserver + "/assets", wait_until="networkidle")
        page.wait_for_timeout(1500)
        text = page.inner_text("body")
    finally:
        page.set_viewport_size({"width": 1600, "height": 900})
    assert [a for a in [*STAGES, *ALL_TABLES] if a not in text] == []


def test_asset_graph_shows_each_warehouse_table_and_is_kept_as_a_screenshot(webserver, page, tmp_path):
    from kttt_pipeline.warehouse.models import ALL_TABLES

    # the reconciled period's neighbours: raw files and staging upstream, every warehouse table and the reports
    # downstream, each group expanded with its assets
    page.set_viewport_size({"width": 1600, "height": 1500})
    page.goto(
        webserver + "/assets/reconciled_period?view=lineage&lineageScope=neighbors&lineageDepth=5",
        wait_until="networkidle",
    )
    page.wait_for_timeout(3000)
    text = page.inner_text("body")
    assert all(g in text for g in ["raw_files", "staging", "reconciled", "warehouse", "reports"])
    assert [a for a in [*STAGES, *ALL_TABLES] if not _shown(a, text)] == []
    assert "warehouse_period" not in text.split()  # no bundle asset: the tables themselves
    assert page.get_by_role("button", name="Skip").count() == 0  # no dialog over the graph
    shot = tmp_path / "asset_graph.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    if os.environ.get("KTTT_UPDATE_SCREENSHOT"):
        keep = ROOT / "docs" / "img" / "dagster_asset_graph.png"
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, keep)


def test_the_quarters_run_is_listed_with_its_partition(webserver, page):
    page.goto(webserver + "/runs", wait_until="networkidle")
    page.wait_for_timeout(2000)
    text = page.inner_text("body")
    assert "2024-Q3" in text
    assert "Success" in text or "SUCCESS" in text

"""The Dagster UI in a real browser: the webserver on 127.0.0.1, the asset graph in headless Chromium."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ..conftest import chromium_browser

ROOT = Path(__file__).resolve().parents[2]
STAGES = ["raw_return_files", "staged_returns", "reconciled_period", "published_reports"]
#: the tables analysts use: each is an asset of its own in the lineage (kttt_pipeline.warehouse.models.ALL_TABLES)
TABLES = ["rpt_indicator", "dq_issue", "cooperative"]


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


def _wait_until_serving(url: str, proc: subprocess.Popen, name: str, seconds: int, stop) -> None:
    """Until the UI at ``url`` answers; ``proc`` (``name``) exiting first, or ``seconds`` passing (then ``stop()``),
    is an error."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/server_info", timeout=2)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited")
            time.sleep(1)
    stop()
    raise RuntimeError(f"{name} did not start within {seconds} s")


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
    _wait_until_serving(url, proc, "dagster-webserver", 120, proc.kill)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def page(webserver):
    with chromium_browser("--disable-quic") as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        # the UI's first-visit community dialog would cover the graph
        page.add_init_script("localStorage.setItem('communityNux', '1');")
        yield page


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


# ---- the README's instructions, walked in the browser on the instance `make ui` opens --------------------------

#: the quarters of the walk: one with three rejected files, and two across the 2025 reform
REJECTED_QUARTER, REFORM_QUARTERS = "2024-Q3", ("2025-Q2", "2025-Q3")
SHOTS = Path(os.environ.get("KTTT_UI_SHOTS", "/tmp/kttt_ui_walk"))
SENSOR_TICK_SECONDS = 10


def _runs(home: Path) -> list:
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(home))
    try:
        return list(instance.get_run_records())
    finally:
        instance.dispose()


def _wait_for_runs(home: Path, done, timeout: float = 900) -> list:
    """Run records once ``done(records)`` holds (runs finished), polling the instance's storage."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        records = _runs(home)
        if done(records):
            return records
        time.sleep(5)
    raise AssertionError(
        f"runs not done within {timeout} s: {[(r.dagster_run.tags, r.dagster_run.status) for r in records]}"
    )


@pytest.fixture(scope="module")
def dev_ui(tmp_path_factory):
    """`make ui` as an engineer runs it: `make dagster-home` writes the instance's dagster.yaml (the run queue),
    `dagster dev` serves the UI and runs the daemon (queue, backfills) on a raw folder of three quarters."""
    from ..reform_periods import make_commune_period, make_district_period
    from ..small_period import make_small_period

    work = tmp_path_factory.mktemp("ui_walk")
    raw = work / "raw"
    make_district_period(raw, REFORM_QUARTERS[0])
    make_commune_period(raw, REFORM_QUARTERS[1])
    make_small_period(raw, REJECTED_QUARTER)
    for i in (1, 2, 3):
        (raw / REJECTED_QUARTER / "districts" / f"hỏng {i}.xlsx").write_bytes(b"not a workbook")
    yield from _dagster_dev(work, raw)


def _dagster_dev(work: Path, raw: Path, **extra_env: str):
    """`make dagster-home` then `dagster dev` on ``raw`` (the warehouse and reports in ``work``), as `make ui`
    runs them; yields (url, DAGSTER_HOME) and stops every process it started."""
    home = work / "dagster_home"
    subprocess.run(["make", "-s", "dagster-home", f"DAGSTER_HOME={home}"], cwd=ROOT, check=True, timeout=60)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "KTTT_FIRST_PERIOD"}  # partitions from the raw folder
    env |= {
        "DAGSTER_HOME": str(home),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "KTTT_RAW_DIR": str(raw),
        "KTTT_WAREHOUSE_URL": f"sqlite:///{work}/kttt.db",
        "KTTT_REPORTS_DIR": str(work / "reports"),
        "KTTT_SENSOR_INTERVAL_SECONDS": str(SENSOR_TICK_SECONDS),  # the sensor walk's ticks: not a minute apart
        **extra_env,
    }
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster"),
            "dev",
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
        start_new_session=True,  # its webserver, daemon and code server stop with it
    )
    url = f"http://127.0.0.1:{port}"
    _wait_until_serving(url, proc, "dagster dev", 180, lambda: os.killpg(proc.pid, signal.SIGKILL))
    yield url, home, raw
    os.killpg(proc.pid, signal.SIGINT)  # dagster dev stops its processes on Ctrl-C
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # any of its processes still there
    except ProcessLookupError:
        pass


def _materialize_all(page, url: str, quarters: tuple[str, ...], button: str) -> None:
    """Lineage → Materialize all… → Custom → tick each quarter → the launch button."""
    page.goto(url + "/asset-groups", wait_until="networkidle")
    page.get_by_role("button", name="Materialize all…").click()
    dialog = page.get_by_role("dialog")
    picker = dialog.get_by_text("Select a partition or create one")
    picker.wait_for(timeout=10_000)  # Partition selection: Custom (the default)
    picker.click()
    for quarter in quarters:
        page.keyboard.press("Control+A")
        page.keyboard.type(quarter)
        page.get_by_role("menuitem", name=quarter).click()
    page.keyboard.press("Escape")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"materialize_all_{'_'.join(quarters)}.png"))
    dialog.get_by_role("button", name=button).click()
    page.wait_for_timeout(2000)


def test_readme_walk_backfill_one_quarter_and_the_rejected_files_warning(dev_ui, page):
    url, home, _raw = dev_ui
    # the partitions start at the raw folder's first quarter, not 2015-Q1
    page.goto(url + "/assets/published_reports?view=partitions", wait_until="networkidle")
    page.wait_for_timeout(2000)
    text = page.inner_text("body")
    assert REJECTED_QUARTER in text and "2015-Q1" not in text and "2024-Q2" not in text

    # a backfill of two quarters across the reform: Lineage → Materialize all… → Custom → Launch backfill
    _materialize_all(page, url, REFORM_QUARTERS, "Launch backfill")
    records = _wait_for_runs(
        home,
        lambda rs: len(rs) == 2 and all(r.dagster_run.is_finished for r in rs),
    )
    assert {r.dagster_run.tags["dagster/partition"] for r in records} == set(REFORM_QUARTERS)
    assert all(r.dagster_run.tags.get("dagster/backfill") for r in records)
    assert [r.dagster_run.status.value for r in records] == ["SUCCESS", "SUCCESS"]
    # the run queue ran them one at a time (dagster_dev.yaml)
    first, second = sorted(records, key=lambda r: r.start_time)
    assert second.start_time >= first.end_time
    page.goto(url + "/runs", wait_until="networkidle")
    page.get_by_text("Backfills", exact=True).first.click()  # Runs → Backfills
    page.wait_for_timeout(2000)
    page.screenshot(path=str(SHOTS / "backfills.png"))
    assert "2 partitions" in page.inner_text("body")

    # one quarter: Lineage → Materialize all… → Custom → Launch 1 run
    _materialize_all(page, url, (REJECTED_QUARTER,), "Launch 1 run")
    records = _wait_for_runs(home, lambda rs: len(rs) == 3 and all(r.dagster_run.is_finished for r in rs))
    [one] = [r for r in records if r.dagster_run.tags.get("dagster/partition") == REJECTED_QUARTER]
    assert one.dagster_run.status.value == "SUCCESS"  # rejected files do not stop the quarter
    page.goto(url + "/runs", wait_until="networkidle")
    page.get_by_text("Show runs within backfills").click()  # the backfill's own runs, one per quarter
    page.wait_for_timeout(2000)
    page.screenshot(path=str(SHOTS / "runs.png"))
    text = page.inner_text("body")
    assert all(f"partition: {q}" in text for q in (REJECTED_QUARTER, *REFORM_QUARTERS)), text[-1500:]

    # the warning check on load_audit (Catalog → load_audit → Checks → Execution history) names the rejected files
    page.goto(url + "/assets/load_audit?view=checks", wait_until="networkidle")
    page.get_by_text("rejected_files").first.click()
    page.get_by_text("Execution history").first.click()
    page.wait_for_timeout(3000)
    page.screenshot(path=str(SHOTS / "rejected_files_check.png"), full_page=True)
    text = page.inner_text("body")
    assert "Failed" in text and f"Kỳ {REJECTED_QUARTER}: 3 tệp bị từ chối" in text, text[-2000:]
    assert all(f"hỏng {i}.xlsx" in text for i in (1, 2, 3)), text[-2000:]


def _sensor_runs(records: list, quarter: str) -> list:
    """The raw-folder sensor's runs of ``quarter``, oldest first."""
    runs = [
        r
        for r in records
        if r.dagster_run.tags.get("kttt/trigger") == "sensor" and r.dagster_run.tags.get("dagster/partition") == quarter
    ]
    return sorted(runs, key=lambda r: r.create_timestamp)


def _settled(paths: list[Path]) -> None:
    """The files' time set back past the sensor's debounce delay, as a file copied in with its time kept (``cp
    -p``) or one the clerk left there a while: the sensor takes it on its next tick (the delay itself is
    tests/integration/test_automation.py's)."""
    from kttt_pipeline.orchestration.automation import DEBOUNCE_SECONDS

    then = time.time() - 2 * DEBOUNCE_SECONDS
    for path in paths:
        os.utime(path, (then, then))


def test_readme_walk_the_sensor_runs_a_quarter_again_when_its_files_change_back(dev_ui, page, tmp_path):
    """Automation → raw_files_sensor → Running: the sensor runs every quarter of the raw folder once; a quarter
    whose returns are replaced by broken files runs and fails; the good files restored (the same files its first
    run read) run again and succeed."""
    url, home, raw = dev_ui
    quarter = REJECTED_QUARTER
    returns = sorted((raw / quarter / "districts").glob("[!h]*.xlsx"))  # HL.xlsx, BL.xlsx (not the "hỏng" ones)
    assert [p.name for p in returns] == ["BL.xlsx", "HL.xlsx"]
    _settled([p for p in raw.rglob("*") if p.is_file()])  # the raw folder as it was left a while ago
    SHOTS.mkdir(parents=True, exist_ok=True)

    # Automation → raw_files_sensor → the Running switch
    page.goto(url + "/automation", wait_until="networkidle")
    page.screenshot(path=str(SHOTS / "automation.png"))
    page.get_by_role("link", name="raw_files_sensor").first.click()
    page.wait_for_load_state("networkidle")
    switch = page.get_by_role("checkbox")
    switch.first.wait_for(state="attached", timeout=20_000)  # drawn once the sensor's state is loaded
    assert switch.count() == 1 and not switch.is_checked()  # stopped until turned on (default_status)
    page.locator("label", has=switch).click()  # the switch drawn by the label (its input is kept out of view)
    page.wait_for_timeout(1000)
    assert switch.is_checked()

    # its first tick: a run for each quarter of the raw folder, in the queue one at a time (the quarter first)
    records = _wait_for_runs(
        home, lambda rs: len(_sensor_runs(rs, quarter)) == 1 and _sensor_runs(rs, quarter)[0].dagster_run.is_finished
    )
    assert {
        r.dagster_run.tags["dagster/partition"] for r in records if r.dagster_run.tags.get("kttt/trigger") == "sensor"
    } == {
        quarter,
        *REFORM_QUARTERS,
    }
    [first] = _sensor_runs(records, quarter)
    assert first.dagster_run.status.value == "SUCCESS"

    # the sensor's page is readable: its description, and its cursor as JSON, small (each quarter's digest, no file)
    page.reload(wait_until="networkidle")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "sensor_page.png"), full_page=True)
    text = page.inner_text("body")
    assert "Starts a run for a period when its files in the raw folder" in text
    assert f"~{SENSOR_TICK_SECONDS} sec" in text  # Frequency: the deployment's interval (KTTT_SENSOR_INTERVAL_SECONDS)
    assert '{"periods":{"2024-Q3":{"digest":' in text, text[-3000:]
    assert '"files":' not in text, text[-3000:]

    # the quarter's returns replaced by broken files (the other quarters' runs may still be running): the sensor's
    # next tick runs it, and the run fails
    kept = tmp_path / "kept"
    kept.mkdir()
    for path in returns:
        shutil.copy2(path, kept / path.name)
        path.write_bytes(b"PK not a workbook any more")
    _settled(returns)
    records = _wait_for_runs(
        home, lambda rs: len(_sensor_runs(rs, quarter)) == 2 and all(r.dagster_run.is_finished for r in rs)
    )
    failed = _sensor_runs(records, quarter)[1]
    assert failed.dagster_run.status.value == "FAILURE"

    # the good files restored, the very ones the first run read: a new run, which succeeds
    for path in returns:
        shutil.copy2(kept / path.name, path)
    _settled(returns)
    records = _wait_for_runs(
        home, lambda rs: len(_sensor_runs(rs, quarter)) == 3 and all(r.dagster_run.is_finished for r in rs)
    )
    again = _sensor_runs(records, quarter)[2]
    assert again.dagster_run.status.value == "SUCCESS"
    # period:digest:change: the digest of the first run's files, under a run key not used before
    keys = [r.dagster_run.tags["dagster/run_key"].split(":") for r in (first, failed, again)]
    assert keys[2][1] == keys[0][1] != keys[1][1] and len({k[2] for k in keys}) == 3, keys

    # the sensor's page lists its ticks and their runs; Runs lists the three runs of the quarter
    page.reload(wait_until="networkidle")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "sensor_ticks.png"), full_page=True)
    page.goto(url + "/runs", wait_until="networkidle")
    page.wait_for_timeout(2000)
    page.screenshot(path=str(SHOTS / "sensor_runs.png"))
    text = page.inner_text("body")
    assert "raw_files_sensor" in text and "Failure" in text, text[-2000:]


NATIONAL_QUARTER = "2026-Q3"
NATIONAL_PROVINCES = ("22", "24")


@pytest.fixture(scope="module")
def national_ui(tmp_path_factory):
    """`make ui` of a national deployment (KTTT_PROVINCES: two provinces, partitions by province and quarter), each
    province's demo quarter in its folder of the raw folder."""
    from kttt_pipeline.cli import main

    work = tmp_path_factory.mktemp("ui_national")
    raw = work / "raw"
    for code in NATIONAL_PROVINCES:
        args = ["--period", NATIONAL_QUARTER, "--province", code, "--out", str(raw / code)]
        assert main(["demo-data", *args, "--units", "3", "--rows-per-unit", "3"]) == 0
    yield from _dagster_dev(work, raw, KTTT_PROVINCES=",".join(NATIONAL_PROVINCES), KTTT_APPENDIX_PDF="0")


def test_a_backfill_across_two_provinces_from_the_ui(national_ui, page):
    """Lineage → Materialize all… → period: one quarter, province: All → Launch backfill: one run per (province,
    quarter), run one at a time by the queue (dagster_dev.yaml), each province loaded and published in its folder."""
    url, home, _raw = national_ui
    page.goto(url + "/asset-groups", wait_until="networkidle")
    page.get_by_role("button", name="Materialize all…").click()
    # the launch dialog (a partition picker's closed popover is a "dialog" too)
    dialog = page.get_by_role("dialog").filter(has_text="Launch runs to materialize")
    pickers = dialog.get_by_text("Select a partition or create one")
    pickers.first.wait_for(timeout=10_000)
    pickers.first.click()  # the period dimension (Dagster orders the dimensions by name)
    page.keyboard.type(NATIONAL_QUARTER)
    page.get_by_role("menuitem", name=NATIONAL_QUARTER).click()
    page.keyboard.press("Escape")
    dialog.get_by_role("button", name="All").last.click()  # the province dimension: every province
    assert f"{len(NATIONAL_PROVINCES)} partitions" in dialog.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "backfill_two_provinces.png"))
    dialog.get_by_role("button", name="Launch backfill").click()
    records = _wait_for_runs(
        home, lambda rs: len(rs) == len(NATIONAL_PROVINCES) and all(r.dagster_run.is_finished for r in rs)
    )
    tags = [r.dagster_run.tags for r in records]
    assert sorted(t["dagster/partition/province"] for t in tags) == list(NATIONAL_PROVINCES)
    assert {t["dagster/partition/period"] for t in tags} == {NATIONAL_QUARTER}
    assert all(t.get("dagster/backfill") for t in tags)
    assert [r.dagster_run.status.value for r in records] == ["SUCCESS"] * len(NATIONAL_PROVINCES)
    first, second = sorted(records, key=lambda r: r.start_time)
    assert second.start_time >= first.end_time  # the run queue started them one at a time
    work = home.parent
    for code in NATIONAL_PROVINCES:
        assert (work / "reports" / code / NATIONAL_QUARTER / f"phu_bieu_{NATIONAL_QUARTER}.xlsx").is_file()


def test_the_national_job_runs_every_province_of_a_quarter_in_one_run(national_ui, page):
    """kttt_national_quarter_job launched through the UI's server (its GraphQL API, as the Launchpad does) for one
    quarter: one run (its parts each in a process of its own), in which each province is recorded as its own
    (province, quarter) run of kttt_period_job tagged with the national run; the Runs page lists them."""
    from dagster_graphql import DagsterGraphQLClient

    from kttt_pipeline.orchestration.national_job import NATIONAL_JOB_NAME, NATIONAL_RUN_TAG

    url, home, _raw = national_ui
    host, port = url.removeprefix("http://").split(":")
    client = DagsterGraphQLClient(host, port_number=int(port))
    run_id = client.submit_job_execution(NATIONAL_JOB_NAME, tags={"dagster/partition": NATIONAL_QUARTER})

    def done(records) -> bool:
        national = [r for r in records if r.dagster_run.run_id == run_id]
        return bool(national) and national[0].dagster_run.is_finished

    records = _wait_for_runs(home, done)
    national = next(r for r in records if r.dagster_run.run_id == run_id)
    assert national.dagster_run.status.value == "SUCCESS"
    provinces = [r for r in records if r.dagster_run.tags.get(NATIONAL_RUN_TAG) == run_id]
    assert sorted(r.dagster_run.tags["dagster/partition/province"] for r in provinces) == list(NATIONAL_PROVINCES)
    assert all(r.dagster_run.status.value == "SUCCESS" for r in provinces)
    # inside the national run's own time: its parts' processes did them all
    assert all(national.start_time <= r.start_time and r.end_time <= national.end_time for r in provinces)
    page.goto(url + "/runs", wait_until="networkidle")
    page.wait_for_timeout(2000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "national_job_runs.png"))
    assert NATIONAL_JOB_NAME in page.inner_text("body")
    # the national run's page: its plan, each part's step and the outcome, as the data engineer watches them
    page.goto(f"{url}/runs/{run_id}", wait_until="networkidle")
    page.get_by_text("national_outcome").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "national_job_run.png"))
    body = page.inner_text("body")
    assert "national_plan" in body and "national_part" in body and "national_outcome" in body

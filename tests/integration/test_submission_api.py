"""`kttt serve`'s API (issue 29): the verdict of `kttt check` as JSON, sending with a unit's key, hostile uploads.

The application is the production one (``create_app``) on a copy of the demo's own period; the server runs for
real (uvicorn on 127.0.0.1) where concurrency is the point."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kttt_pipeline.cli import main
from kttt_pipeline.submission.app import create_app
from kttt_pipeline.submission.keys import KeyStore
from kttt_pipeline.submission.receipts import read_receipts
from kttt_pipeline.submission.settings import ServeSettings

from ..submission_returns import (
    FORMULA_TEXT,
    PERIOD,
    damaged,
    demo_returns,
    far_cell_workbook,
    free_port,
    raw_copy,
    serving,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_returns(tmp_path_factory.mktemp("submission_demo"))


@pytest.fixture
def served(demo, tmp_path):
    settings = ServeSettings(raw_dir=raw_copy(demo, tmp_path / "raw"), state_dir=tmp_path / "state")
    return settings, TestClient(create_app(settings))


def _check(client, path: Path, name: str | None = None, **data):
    with open(path, "rb") as fh:
        return client.post("/api/check", files={"file": (name or path.name, fh)}, data={"period": PERIOD, **data})


def _submit(client, path: Path, key: str, name: str | None = None, **data):
    with open(path, "rb") as fh:
        return client.post(
            "/api/submit", files={"file": (name or path.name, fh)}, data={"period": PERIOD, "key": key, **data}
        )


def _filed(settings: ServeSettings) -> set[Path]:
    return {p for p in settings.raw_dir.rglob("*") if p.is_file()}


def test_a_good_demo_return_is_accepted_with_its_unit_and_period(served, demo):
    _, client = served
    r = _check(client, demo.good)
    assert r.status_code == 200
    body = r.json()
    assert body["verdict"] == "accepted"
    assert body["unit_code"] == demo.unit_code and body["period"] == PERIOD
    assert body["problems"] == []
    assert body["sha256"] == hashlib.sha256(demo.good.read_bytes()).hexdigest()


def test_a_status_typo_and_a_negative_count_need_fixing_naming_sheet_row_and_cooperative(served, demo, tmp_path):
    _, client = served
    bad, row = damaged(demo.good, tmp_path / "bad.xlsx", status="Đang hoạt độngg", members=-5)
    body = _check(client, bad).json()
    assert body["verdict"] == "needs_fix" and body["unit_code"] == demo.unit_code
    (left,) = [p for p in body["problems"] if p["category"] == "left_out"]
    assert left["row"] == row and left["sheet"]
    assert "'Đang hoạt độngg'" in left["reason"] and "số âm" in left["reason"]
    # formula-looking text comes back as the text it is
    assert left["cooperative"] == FORMULA_TEXT


def test_a_unit_not_in_force_is_rejected_with_the_reason(served, demo):
    _, client = served
    body = _check(client, demo.not_in_force).json()
    assert body["verdict"] == "rejected"
    (reason,) = [p for p in body["problems"] if p["category"] == "rejected"]
    assert "hiệu lực" in reason["reason"] and body["reason"] == reason["reason"]


def test_a_period_that_is_not_a_quarter_is_refused_in_vietnamese(served, demo):
    _, client = served
    r = _check(client, demo.good, period="2025-Q5")
    assert r.status_code == 400 and "2025-Q5" in r.json()["error"] and "YYYY-Qn" in r.json()["error"]


def test_an_upload_of_50_mb_is_refused_and_nothing_is_kept(served):
    settings, client = served
    before = _filed(settings)
    r = client.post("/api/check", files={"file": ("big.xlsx", b"PK" + b"\0" * (50 * 2**20))})
    assert r.status_code == 413 and "quá lớn" in r.json()["error"]
    key = KeyStore(settings.keys_file).issue("06652")
    r = client.post("/api/submit", files={"file": ("big.xlsx", b"\0" * (50 * 2**20))}, data={"key": key})
    assert r.status_code == 413
    assert _filed(settings) == before


def test_an_upload_over_the_resource_bounds_is_rejected_by_name_before_it_is_read(served, demo, monkeypatch):
    _, client = served
    monkeypatch.setenv("KTTT_MAX_SHEET_ROWS", "5")  # the demo's sheets declare more rows than this
    body = _check(client, demo.good).json()
    assert body["verdict"] == "rejected"
    assert "vượt giới hạn 5 dòng" in body["reason"] and "tệp không được đọc" in body["reason"]


def test_a_workbook_that_aborts_its_reader_is_refused_and_the_server_goes_on(served, demo, tmp_path):
    settings, client = served
    bomb = far_cell_workbook(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 20_000
    r = _check(client, bomb)
    assert r.status_code == 422 and "không đọc được tệp" in r.json()["error"]
    key = KeyStore(settings.keys_file).issue(demo.unit_code)
    assert _submit(client, bomb, key).status_code == 422 and read_receipts(settings.receipts_file) == []
    assert _check(client, demo.good).json()["verdict"] == "accepted"  # the next clerk is answered


def test_an_uploads_folder_is_removed_even_when_its_checks_child_was_killed(served, demo, tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the server makes its upload folders
    _, client = served
    assert _check(client, demo.good).json()["verdict"] == "accepted"
    assert _check(client, far_cell_workbook(tmp_path / "bomb.xlsx")).status_code == 422  # its child killed
    assert list(scratch.iterdir()) == []


def test_an_accepted_return_is_filed_as_a_new_file_with_a_recorded_receipt(served, demo):
    settings, client = served
    key = KeyStore(settings.keys_file).issue(demo.unit_code)
    before = _filed(settings)
    r = _submit(client, demo.good, key)
    assert r.status_code == 200, r.text
    receipt = r.json()["receipt"]
    (new,) = _filed(settings) - before
    digest = hashlib.sha256(demo.good.read_bytes()).hexdigest()
    assert hashlib.sha256(new.read_bytes()).hexdigest() == digest == receipt["sha256"]
    assert new.parent == settings.raw_dir / PERIOD / demo.good.parent.name  # beside the period's other returns
    assert new.name.startswith(demo.unit_code + "_") and receipt["stored_as"] == new.name
    assert receipt["unit_code"] == demo.unit_code and receipt["period"] == PERIOD and receipt["received_at"]
    (recorded,) = read_receipts(settings.receipts_file)
    assert recorded["number"] == receipt["number"] and recorded["sha256"] == digest
    assert recorded["stored_as"] == new.relative_to(settings.raw_dir).as_posix()
    # the key itself is never stored, only its hash
    assert key not in settings.keys_file.read_text()
    # a resubmission is a new file: nothing is overwritten
    r2 = _submit(client, demo.good, key)
    assert r2.status_code == 200
    assert len(_filed(settings) - before) == 2 and new.read_bytes() == demo.good.read_bytes()
    assert len(read_receipts(settings.receipts_file)) == 2


def test_a_file_named_with_dot_dots_is_filed_inside_the_raw_folder(served, demo, tmp_path):
    settings, client = served
    key = KeyStore(settings.keys_file).issue(demo.unit_code)
    before = _filed(settings)
    r = _submit(client, demo.good, key, name="../../x.xlsx")
    assert r.status_code == 200, r.text
    assert r.json()["check"]["file_name"] == "../../x.xlsx"  # shown as text
    (new,) = _filed(settings) - before
    assert new.resolve().is_relative_to((settings.raw_dir / PERIOD).resolve())
    assert not any(p.name == "x.xlsx" for p in tmp_path.rglob("*")) and not (tmp_path.parent / "x.xlsx").exists()


def test_sending_needs_the_units_own_key(served, demo):
    settings, client = served
    keys = KeyStore(settings.keys_file)
    before = _filed(settings)
    assert _submit(client, demo.good, "kttt_wrong").status_code == 403
    other = keys.issue(demo.other_unit)
    r = _submit(client, demo.good, other)
    assert r.status_code == 403 and demo.other_unit in r.json()["error"] and demo.unit_code in r.json()["error"]
    own = keys.issue(demo.unit_code)
    assert keys.revoke(demo.unit_code)
    assert _submit(client, demo.good, own).status_code == 403
    assert _filed(settings) == before and read_receipts(settings.receipts_file) == []


def test_a_rejected_return_is_never_filed_and_one_needing_fixes_only_when_the_clerk_chooses(served, demo, tmp_path):
    settings, client = served
    keys = KeyStore(settings.keys_file)
    before = _filed(settings)
    bad, _ = damaged(demo.good, tmp_path / "bad.xlsx", status="Đang hoạt độngg")
    key = keys.issue(demo.unit_code)
    r = _submit(client, bad, key)
    assert r.status_code == 409 and r.json()["check"]["verdict"] == "needs_fix"
    assert _filed(settings) == before
    r = _submit(client, bad, key, send_with_warnings="1")
    assert r.status_code == 200 and r.json()["receipt"]["verdict"] == "needs_fix"
    off_unit = _check(client, demo.not_in_force).json()["unit_code"]
    r = _submit(client, demo.not_in_force, keys.issue(off_unit))
    assert r.status_code == 422 and r.json()["check"]["verdict"] == "rejected"
    assert len(_filed(settings) - before) == 1


def test_the_sensors_next_tick_requests_a_run_of_the_period_after_a_return_is_filed(served, demo, monkeypatch):
    import types

    import dagster as dg

    from kttt_pipeline.orchestration import automation
    from kttt_pipeline.orchestration.definitions import defs
    from kttt_pipeline.orchestration.resources import KtttPaths

    settings, client = served
    sensor = defs.get_repository_def().get_sensor_def("raw_files_sensor")
    paths = KtttPaths(raw_dir=str(settings.raw_dir))
    clock = types.SimpleNamespace(time=lambda: time.time() + automation.DEBOUNCE_SECONDS + 60)
    monkeypatch.setattr(automation, "time", clock)  # the files have settled

    def tick(instance, cursor):
        ctx = dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"paths": paths}, repository_def=defs.get_repository_def()
        )
        return sensor.evaluate_tick(ctx)

    with dg.instance_for_test() as instance:
        first = tick(instance, None)
        assert [r.partition_key for r in first.run_requests] == [PERIOD]
        assert tick(instance, first.cursor).run_requests == []  # nothing new: no run
        key = KeyStore(settings.keys_file).issue(demo.unit_code)
        assert _submit(client, demo.good, key).status_code == 200
        after = tick(instance, first.cursor)
        assert [r.partition_key for r in after.run_requests] == [PERIOD]
        assert after.run_requests[0].run_key != first.run_requests[0].run_key


def test_keys_are_issued_and_revoked_by_the_command(tmp_path, capsys, demo):
    state = tmp_path / "state"
    assert main(["keys", "issue", demo.unit_code, "--raw-dir", str(demo.raw), "--state-dir", str(state)]) == 0
    key = capsys.readouterr().out.splitlines()[1].strip()
    store = KeyStore(state / "keys.json")
    assert store.unit_of(key) == demo.unit_code
    assert key not in (state / "keys.json").read_text()
    assert json.loads((state / "keys.json").read_text())[demo.unit_code]["sha256"]
    assert main(["keys", "revoke", demo.unit_code, "--state-dir", str(state)]) == 0
    assert store.unit_of(key) is None
    assert main(["keys", "issue", "99999", "--raw-dir", str(demo.raw), "--state-dir", str(state)]) == 2
    assert "99999" in capsys.readouterr().err


# ------------------------------------------------------------------ the real server: uploads at once


@pytest.fixture
def live(served):
    settings, _ = served
    with serving(settings) as port:
        yield settings, port


def _multipart(path: Path, boundary: str = "kttt-test-boundary") -> tuple[bytes, bytes, bytes]:
    """The head, the file's bytes and the tail of a multipart body with ``period`` and ``file``."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="period"\r\n\r\n{PERIOD}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head, path.read_bytes(), f"\r\n--{boundary}--\r\n".encode()


def _post_raw(port: int, parts: list[bytes], pause: float = 0.0, boundary: str = "kttt-test-boundary") -> dict:
    """POST /api/check over a socket, sending ``parts`` with ``pause`` seconds between them; the JSON answer."""
    body_len = sum(map(len, parts))
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(
            (
                f"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {body_len}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        for n, part in enumerate(parts):
            if n and pause:
                time.sleep(pause)
            s.sendall(part)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    return json.loads(payload)


def test_two_uploads_at_once_are_both_answered_and_a_slow_one_blocks_nothing(live, demo):
    _, port = live
    head, content, tail = _multipart(demo.good)
    answers: dict[str, tuple[float, dict]] = {}

    def slow():  # a clerk on a slow line: half the file, a pause, the rest
        half = len(content) // 2
        answer = _post_raw(port, [head + content[:half], content[half:] + tail], pause=6.0)
        answers["slow"] = (time.time(), answer)

    def fast(n: int):
        answer = _post_raw(port, [head, content, tail])
        answers[f"fast{n}"] = (time.time(), answer)

    t_slow = threading.Thread(target=slow)
    t_slow.start()
    time.sleep(0.5)
    both = [threading.Thread(target=fast, args=(n,)) for n in range(2)]
    started = time.time()
    for t in both:
        t.start()
    for t in both:
        t.join(timeout=120)
    t_slow.join(timeout=120)
    assert [answers[k][1]["verdict"] for k in ("fast0", "fast1", "slow")] == ["accepted"] * 3
    # the two others were answered together while the slow upload was still arriving
    for k in ("fast0", "fast1"):
        assert answers[k][0] < answers["slow"][0] and answers[k][0] - started < 6.0


def _listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses a socket listens on at ``port`` (from /proc/net/tcp, hex as the kernel writes them)."""
    out = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            out.add(address)
    return out


def test_kttt_serve_binds_loopback_and_serves_the_vietnamese_page(demo, tmp_path):
    import os
    import subprocess
    import sys
    import urllib.request

    from kttt_pipeline.core.periods import last_closed_quarter

    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to read the listening address from")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KTTT_")}
    cmd = [str(Path(sys.executable).parent / "kttt"), "serve", "--port", str(port), "--raw-dir", str(demo.raw)]
    proc = subprocess.Popen([*cmd, "--state-dir", str(tmp_path / "state")], env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, "kttt serve did not start"
                time.sleep(0.3)
        assert '<html lang="vi">' in page and "Nộp báo cáo kinh tế tập thể" in page
        assert f"kỳ đang thu nhận, {last_closed_quarter().key}" in page  # the check's default period, named
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert f"http://127.0.0.1:{port}/" in proc.stdout.read()

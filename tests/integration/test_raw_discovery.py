"""Nothing skipped without a trace (issue 23): every entry of a period's folders gets a load_audit row; hidden
files, lock files, FIFOs and links out of the raw folder are IGNORED with the reason (never opened, never hashed,
never a finding); a CSV tax register is read in the encodings of contract §4 or rejected saying which were tried,
and a period without a register it can read has one TAX_REGISTER_MISSING instead of a NO_TAX_RECORD per
cooperative. The periods are the demo's (``kttt demo-data --period 2026-Q3``), with the hazards added."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import shutil
import signal
import socket
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from kttt_pipeline.demo import write_demo_period
from kttt_pipeline.orchestration.definitions import make_resources, period_job
from kttt_pipeline.orchestration.raw_watch import scan
from kttt_pipeline.run import run_period

PERIOD = "2026-Q3"


@contextlib.contextmanager
def no_hang(seconds: int = 120):
    """Fails the test instead of hanging (a FIFO opened for reading blocks until a writer comes)."""

    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: something blocked")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The demo period with its tax register as a CSV (UTF-8 with BOM), never modified by a test; its summary."""
    raw = tmp_path_factory.mktemp("demo") / "raw"
    return raw, write_demo_period(raw, PERIOD, tax_format="csv")


@pytest.fixture(scope="module")
def demo(written) -> Path:
    return written[0]


@pytest.fixture(scope="module")
def baseline(demo):
    with no_hang():
        return run_period(demo, PERIOD)


def _copy(demo: Path, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(demo, raw, symlinks=True)
    return raw


def _register(raw: Path) -> Path:
    (found,) = (raw / PERIOD / "tax").glob("*.csv")
    return found


def _indicators(result) -> pd.DataFrame:
    return result.rpt_indicator.sort_values(["unit_code", "indicator_code"]).reset_index(drop=True)


def _kinds(result) -> dict[str, int]:
    return result.dq_issue["kind"].value_counts().to_dict()


# ------------------------------------------------------------------------------------------ hazards


def _plant_hazards(raw: Path, outside: Path) -> dict[str, tuple[str, str, str]]:
    """Hazards in the period's folders; source_file → (status, file_kind, words of the reason)."""
    communes, tax = raw / PERIOD / "communes", raw / PERIOD / "tax"
    returns = sorted(communes.glob("*.xlsx"))
    shutil.copy(returns[0], communes / ".ban sao an.xlsx")  # a real return, hidden
    (communes / ".cu").mkdir()
    shutil.copy(returns[1], communes / ".cu" / "ban cu.xlsx")  # a real return in a hidden folder
    (communes / "~$ban nhap.xlsx").write_bytes(b"\x0bclerk" + b"\x00" * 150)  # Excel's lock file
    (communes / ".~lock.ban nhap.xlsx#").write_text("clerk,pc,/home/clerk,07.12.2026 09:00,file:///x;\n")
    (tax / "~$danh sach.xlsx").write_bytes(b"\x0bclerk" + b"\x00" * 150)
    os.mkfifo(communes / "dang chep.xlsx")  # a FIFO: opening it would block
    os.mkfifo(tax / "thue.csv.part")
    with socket.socket(socket.AF_UNIX) as sock:  # a socket file left behind by a program
        sock.bind(str(communes / "s.sock"))
    outside.write_bytes(returns[2].read_bytes())  # a real return outside the raw folder
    (communes / "ngoai.xlsx").symlink_to(outside)
    (tax / "ngoai.csv").symlink_to(outside)
    # a link inside the raw folder to a unit's return kept elsewhere in it: read as if it were there
    (raw / "luu tru").mkdir()
    moved = raw / "luu tru" / returns[3].name
    returns[3].rename(moved)
    (communes / returns[3].name).symlink_to(Path("..") / ".." / "luu tru" / returns[3].name)
    (communes / "cu").mkdir()
    shutil.copy(returns[4], communes / "cu" / "ban truoc.xlsx")  # a subfolder: not read
    (raw / PERIOD / "ghi chu.txt").write_text("ghi chú")  # out of any reading folder
    c = f"{PERIOD}/communes"
    return {
        f"{c}/.ban sao an.xlsx": ("IGNORED", "unit_return", "tệp ẩn"),
        f"{c}/.cu/ban cu.xlsx": ("IGNORED", "unit_return", "thư mục ẩn '.cu'"),
        f"{c}/~$ban nhap.xlsx": ("IGNORED", "unit_return", "tệp khóa"),
        f"{c}/.~lock.ban nhap.xlsx#": ("IGNORED", "unit_return", "tệp khóa"),
        f"{PERIOD}/tax/~$danh sach.xlsx": ("IGNORED", "tax", "tệp khóa"),
        f"{c}/dang chep.xlsx": ("IGNORED", "unit_return", "không phải tệp thông thường (đường ống (FIFO))"),
        f"{PERIOD}/tax/thue.csv.part": ("IGNORED", "tax", "không phải tệp thông thường"),
        f"{c}/s.sock": ("IGNORED", "unit_return", "không phải tệp thông thường (socket)"),
        f"{c}/ngoai.xlsx": ("IGNORED", "unit_return", "trỏ ra ngoài thư mục dữ liệu gốc"),
        f"{PERIOD}/tax/ngoai.csv": ("IGNORED", "tax", "trỏ ra ngoài thư mục dữ liệu gốc"),
        f"{c}/cu/ban truoc.xlsx": ("IGNORED", "unit_return", "thư mục con 'cu'"),
        f"{PERIOD}/ghi chu.txt": ("IGNORED", "other", "không thuộc thư mục tiếp nhận"),
        f"{c}/{returns[3].name}": ("LOADED", "unit_return", ""),
    }


@pytest.fixture(scope="module")
def hazards(demo, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hazards")
    raw = _copy(demo, tmp)
    expected = _plant_hazards(raw, tmp / "ngoai raw.xlsx")
    with no_hang():
        result = run_period(raw, PERIOD)
    return raw, expected, result


def test_every_hazard_has_its_load_audit_row(hazards):
    raw, expected, result = hazards
    audit = result.load_audit.set_index("source_file")
    for source_file, (status, kind, words) in expected.items():
        assert source_file in audit.index, f"{source_file}: no load_audit row"
        row = audit.loc[source_file]
        assert (row["status"], row["file_kind"]) == (status, kind), source_file
        if status == "IGNORED":
            assert words in row["error"], (source_file, row["error"])
            assert row["sha256"] is None and row["rows_read"] == 0  # never opened, never hashed


def test_the_demo_manifest_is_recorded_as_hidden(hazards):
    _, _, result = hazards
    row = result.load_audit.set_index("source_file").loc[f"{PERIOD}/.kttt_demo_manifest.json"]
    assert row["status"] == "IGNORED" and "tệp ẩn" in row["error"]


def test_ignored_entries_are_not_findings(hazards, baseline):
    _, expected, result = hazards
    ignored = {s for s, (status, _, _) in expected.items() if status == "IGNORED"}
    named = set(result.dq_issue["source_file"].dropna()) | set(result.dq_issue["entity_key"].dropna())
    assert not ignored & named
    assert not {Path(s).name for s in ignored} & named
    assert "FILE_REJECTED" not in _kinds(result)
    assert result.period_status.iloc[0]["files_rejected"] == baseline.period_status.iloc[0]["files_rejected"]


def test_a_link_inside_the_raw_folder_is_read_as_its_target(hazards):
    raw, expected, result = hazards
    (linked,) = [s for s, (status, _, _) in expected.items() if status == "LOADED"]
    row = result.load_audit.set_index("source_file").loc[linked]
    assert row["unit_code"] and row["rows_loaded"] > 0
    import hashlib

    assert row["sha256"] == hashlib.sha256((raw / linked).resolve().read_bytes()).hexdigest()


def test_the_period_publishes_the_same_figures_despite_the_hazards(hazards, baseline):
    _, _, result = hazards
    pd.testing.assert_frame_equal(_indicators(result), _indicators(baseline))
    assert _kinds(result) == _kinds(baseline)


# ------------------------------------------------------------------------------------------ the register's encoding


def _to_cp1258(text_: str) -> bytes:
    """Windows-1258 as an office exports it: a letter it has precomposed (â, ê, ơ, ư, đ …) with the tone as a
    combining mark."""
    out = bytearray()
    for ch in text_:
        d = unicodedata.normalize("NFD", ch)
        # the character itself, else its base with one of its marks precomposed and the other marks combining
        ways = [(ch, ""), (d[0], d[1:])] + [
            (unicodedata.normalize("NFC", d[0] + m), d[1:].replace(m, "", 1)) for m in d[1:]
        ]
        for head, rest in ways:
            try:
                out += head.encode("cp1258") + rest.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise UnicodeEncodeError("cp1258", ch, 0, 1, "not in Windows-1258")
    return bytes(out)


def _semicolons(text_: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text_)))
    return buf.getvalue()


ENCODINGS = {
    "utf-8-sig": lambda t: t.encode("utf-8-sig"),
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-semicolons": lambda t: _semicolons(t).encode("utf-8"),
    "cp1258": _to_cp1258,
    "utf-16": lambda t: t.encode("utf-16"),  # Excel's "Unicode Text", with its BOM
    "utf-16-le-without-bom": lambda t: t.encode("utf-16-le"),
    "utf-16-be": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_a_csv_register_is_read_in_each_encoding(demo, baseline, tmp_path, encoding):
    raw = _copy(demo, tmp_path)
    register = _register(raw)
    written = register.read_bytes()
    register.write_bytes(ENCODINGS[encoding](written.decode("utf-8-sig")))
    assert (register.read_bytes() == written) == (encoding == "utf-8-sig")
    with no_hang():
        result = run_period(raw, PERIOD)
    row = result.load_audit.set_index("source_file").loc[register.relative_to(raw).as_posix()]
    assert row["status"] == "LOADED", row["error"]
    assert (
        row["rows_loaded"]
        == baseline.load_audit.set_index("source_file").loc[_register(demo).relative_to(demo).as_posix()]["rows_loaded"]
    )
    pd.testing.assert_frame_equal(
        result.stg_tax_register.reset_index(drop=True), baseline.stg_tax_register.reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(_indicators(result), _indicators(baseline))
    assert "TAX_REGISTER_MISSING" not in _kinds(result)


def _undecodable(content: str) -> bytes:
    """A register neither UTF-8 nor Windows-1258 decodes (bytes 0x81, 0x8D are in no Vietnamese encoding of §4)."""
    return content.encode("utf-8").replace("Mã số thuế".encode("utf-8"), b"M\x81 s\x8d thu\x9e", 1)


def test_an_undecodable_register_is_rejected_naming_the_encodings_and_no_flood_follows(demo, baseline, tmp_path):
    raw = _copy(demo, tmp_path)
    register = _register(raw)
    register.write_bytes(_undecodable(register.read_bytes().decode("utf-8-sig")))
    with no_hang():
        result = run_period(raw, PERIOD)
    source_file = register.relative_to(raw).as_posix()
    row = result.load_audit.set_index("source_file").loc[source_file]
    assert row["status"] == "REJECTED"
    for words in ("bảng mã", "UTF-8", "UTF-16", "Windows-1258"):
        assert words in row["error"], row["error"]
    kinds = _kinds(result)
    assert kinds.get("FILE_REJECTED") == 1 and kinds.get("TAX_REGISTER_MISSING") == 1
    assert "NO_TAX_RECORD" not in kinds  # not 600 cooperatives "unknown to the tax office"
    missing = result.dq_issue[result.dq_issue["kind"] == "TAX_REGISTER_MISSING"].iloc[0]
    assert missing["source_file"] == source_file and "bảng mã" in missing["detail"]
    # the rest of the period still loads: every unit's return, every cooperative listed
    status, base = result.period_status.iloc[0], baseline.period_status.iloc[0]
    assert (status["units_present"], status["units_missing"]) == (base["units_present"], base["units_missing"])
    assert len(result.stg_cooperative) == len(baseline.stg_cooperative)


def test_a_period_without_any_register_is_told_the_same_way(demo, baseline, tmp_path):
    raw = _copy(demo, tmp_path)
    shutil.rmtree(raw / PERIOD / "tax")
    with no_hang():
        result = run_period(raw, PERIOD)
    kinds = _kinds(result)
    assert kinds.get("TAX_REGISTER_MISSING") == 1 and "NO_TAX_RECORD" not in kinds
    missing = result.dq_issue[result.dq_issue["kind"] == "TAX_REGISTER_MISSING"].iloc[0]
    assert f"{PERIOD}/tax" in missing["detail"] and missing["source_file"] is None
    assert result.period_status.iloc[0]["units_present"] == baseline.period_status.iloc[0]["units_present"]


# ------------------------------------------------------------------------------------------ the sensor


def test_the_sensor_neither_hangs_nor_hashes_what_a_run_does_not_read(demo, tmp_path):
    raw = _copy(demo, tmp_path)
    (clean,), _ = scan(raw, None, now=float("inf"))
    communes = raw / PERIOD / "communes"
    os.mkfifo(communes / "dang chep.xlsx")
    outside = tmp_path / "ngoai.xlsx"
    outside.write_bytes(b"PK not read")
    (communes / "ngoai.xlsx").symlink_to(outside)
    (communes / ".an.xlsx").write_bytes(b"hidden")
    with no_hang(60):
        changes, cursor = scan(raw, None, now=float("inf"))
        assert [c.digest for c in changes] == [clean.digest]  # the same files as without the hazards
        # a lock file appearing (a clerk opens a return) and a change outside the raw folder trigger nothing
        (communes / "~$bao cao.xlsx").write_bytes(b"lock")
        (communes / ".~lock.bao cao.xlsx#").write_text("lock")
        outside.write_bytes(b"PK changed, still not read")
        assert scan(raw, cursor, now=float("inf"))[0] == []


# ------------------------------------------------------------------------------------------ published, both engines


def test_a_period_with_hazards_publishes_and_the_warehouse_keeps_the_ignored_rows(demo, tmp_path, warehouse_url):
    raw = _copy(demo, tmp_path)
    expected = _plant_hazards(raw, tmp_path / "ngoai raw.xlsx")
    with no_hang(600):
        result = period_job(make_resources(str(raw), warehouse_url, str(tmp_path / "reports"))).execute_in_process(
            partition_key=PERIOD, raise_on_error=False
        )
    failures = [e.step_failure_data.error.message for e in result.all_events if e.is_step_failure]
    assert result.success, failures
    engine = create_engine(warehouse_url)
    try:
        with engine.connect() as conn:
            rows = {
                r.source_file: r
                for r in conn.execute(
                    text("select source_file, status, sha256, error from load_audit where period = :p"), {"p": PERIOD}
                )
            }
    finally:
        engine.dispose()
    for source_file, (status, _, words) in expected.items():
        assert rows[source_file].status == status
        if status == "IGNORED":
            assert rows[source_file].sha256 is None and words in rows[source_file].error


# ------------------------------------------------------------------------------------------ the clerk's check


def test_the_clerks_check_reads_the_linked_register_past_the_hazards(written, tmp_path):
    """``kttt check --raw-dir`` links the raw folder's tax register into its throw-away folder: the link is read
    (it points into the raw folder given), the FIFO, lock file and link out of that folder beside it are not."""
    from kttt_pipeline.clerk_check import check_file

    demo, summary = written
    raw = _copy(demo, tmp_path)
    tax = raw / PERIOD / "tax"
    (tmp_path / "ngoai.csv").write_bytes(_register(raw).read_bytes())  # a second register, outside: not read
    os.mkfifo(tax / "dang chep.csv")
    (tax / "~$danh sach.xlsx").write_bytes(b"lock")
    (tax / "ngoai.csv").symlink_to(tmp_path / "ngoai.csv")
    case = next(c for c in summary.planted if c.kind == "STATUS_OVERRIDE" and c.source_file)
    with no_hang(120):
        report = check_file(raw / case.source_file, period=PERIOD, raw_dir=str(raw))
    assert report.with_register and not report.rejected
    overrides = [f for f in report.findings if f.kind == "STATUS_OVERRIDE"]
    assert any(f.entity_key == case.entity_key for f in overrides)
    assert not [f for f in report.findings if f.kind in ("DUPLICATE", "TAX_REGISTER_MISSING", "FILE_REJECTED")]

"""core/known_errors.py and core/secrets.py: kttt's reason for known errors (vocab/known_errors.csv), URLs shown
only with the password masked."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from kttt_pipeline.core.known_errors import Link, exception_chain, explain, known_errors, translate_argparse
from kttt_pipeline.core.secrets import masked_url, redact


@pytest.mark.parametrize(
    "url, shown",
    [
        ("postgresql+psycopg://kttt:pw1@db.internal:5432/kho", "postgresql+psycopg://kttt:***@db.internal:5432/kho"),
        ("postgresql+psycopg://kttt:p@ss@db/kho", "postgresql+psycopg://kttt:***@db/kho"),  # an '@' not encoded
        ("postgresql+psycopg://kttt:pw1@db:cổng/kho", "postgresql+psycopg://kttt:***@db:cổng/kho"),  # unparseable
        ("postgresql+psycopg://kttt@db/kho", "postgresql+psycopg://kttt@db/kho"),
        ("sqlite:///warehouse/kttt.db", "sqlite:///warehouse/kttt.db"),
    ],
)
def test_a_url_is_shown_with_its_password_masked(url, shown):
    assert masked_url(url) == shown


def test_redact_masks_the_password_wherever_a_message_repeats_it():
    url = "postgresql+psycopg://kttt:bi-mat@db/kho"
    text = "could not use 'postgresql://x:y@h/d' with password=bi-mat (bi-mat)"
    out = redact(text, url)
    assert "bi-mat" not in out and ":y@" not in out and out.count("***") == 3


def _sqlalchemy_error(message: str) -> OperationalError:
    try:
        try:
            raise sqlite3.OperationalError(message)
        except sqlite3.OperationalError as exc:
            raise OperationalError("INSERT …", {}, exc) from exc
    except OperationalError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    "driver, key",
    [
        ("database is locked", "sqlite_locked"),
        ("unable to open database file", "sqlite_cannot_open"),
        (
            'connection failed: connection to server at "127.0.0.1", port 9 failed: Connection refused\n\t'
            "Is the server running on that host and accepting TCP/IP connections?",
            "pg_not_running",
        ),
    ],
)
def test_a_driver_error_under_sqlalchemy_is_explained_naming_the_database(driver, key):
    url = "postgresql+psycopg://kttt:bi-mat@db/kho"
    known = explain(exception_chain(_sqlalchemy_error(driver)), database=url)
    assert known is not None and known.key == key and known.exit_code == 3
    assert "postgresql+psycopg://kttt:***@db/kho" in known.message_vi and "bi-mat" not in known.message_vi


def test_an_error_recorded_by_dagster_is_explained_as_a_live_one():
    chain = [
        Link(("DagsterExecutionStepExecutionError",), "Error occurred while executing op warehouse_period"),
        Link(("WarehouseUnavailable",), "Không kết nối được kho dữ liệu … — database is locked"),
        Link(("OperationalError",), "(sqlite3.OperationalError) database is locked"),
    ]
    assert explain(chain, database="sqlite:///kho.db").key == "sqlite_locked"


def test_a_file_error_names_the_file():
    try:
        open("/khong-co/thu-muc/tep.txt", encoding="utf-8")
    except OSError as exc:
        known = explain(exception_chain(exc))
    assert known.key == "no_such_file" and "'/khong-co/thu-muc/tep.txt'" in known.message_vi


def test_an_unknown_error_is_not_explained():
    assert explain(exception_chain(RuntimeError("something else"))) is None


@pytest.mark.parametrize(
    "message, vietnamese",
    [
        (
            "argument --period: period must look like 2024-Q3, got '2025-Q5'",
            "tham số --period: kỳ '2025-Q5' không đúng dạng YYYY-Qn (năm, quý từ 1 đến 4), ví dụ 2024-Q3",
        ),
        ("the following arguments are required: file", "thiếu tham số bắt buộc: file"),
        ("argument --units: invalid int value: 'x'", "tham số --units: 'x' không phải là số nguyên"),
        (
            "argument command: invalid choice: 'run' (choose from 'check', 'materialize')",
            "tham số command: 'run' không phải là lựa chọn hợp lệ (chọn một trong: 'check', 'materialize')",
        ),
        ("argument --out: expected one argument", "tham số --out: cần đúng một giá trị sau tham số"),
    ],
)
def test_argparse_messages_are_translated_naming_the_argument(message, vietnamese):
    assert translate_argparse(message) == vietnamese


def test_the_mapping_is_well_formed():
    rows = known_errors()
    assert len({r.key for r in rows}) == len(rows)
    for r in rows:
        assert r.source in {"argparse", "run", "any"} and r.exit_code in {2, 3}, r.key
        fields = set(re.findall(r"\{(\w+)\}", r.message_vi))
        assert fields <= set(r.pattern.groupindex) | {"database", "path"}, r.key

"""`kttt serve`'s page in a real browser (issue 29): Debian's Chromium driven by playwright, as a clerk uses it.

A good demo return is checked, accepted and sent with the unit's key, and the receipt is shown; a damaged one
(a status typo, a negative count, a formula-looking name) needs fixing, with its row named, and another unit's key
is refused; a unit not in force is rejected and cannot be sent. Screenshots of both verdicts are kept in docs/img
(``KTTT_UPDATE_SCREENSHOT=1``)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from kttt_pipeline.submission.keys import KeyStore
from kttt_pipeline.submission.receipts import read_receipts
from kttt_pipeline.submission.settings import ServeSettings

from ..conftest import chromium_browser
from ..submission_returns import FORMULA_TEXT, PERIOD, damaged, demo_returns, raw_copy, serving

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as b:
        yield b


@pytest.fixture
def site(tmp_path):
    demo = demo_returns(tmp_path / "demo")
    settings = ServeSettings(raw_dir=raw_copy(demo, tmp_path / "raw"), state_dir=tmp_path / "state")
    with serving(settings) as port:
        yield demo, settings, f"http://127.0.0.1:{port}/"


def _check(page, url: str, path: Path) -> str:
    page.goto(url)
    page.set_input_files("#file", str(path))
    page.fill("#period", PERIOD)
    page.click("#check")
    page.wait_for_selector("#verdict[data-verdict]", timeout=60_000)
    return page.get_attribute("#verdict", "data-verdict")


def _keep(page, name: str, tmp_path: Path) -> None:
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
    if os.environ.get("KTTT_UPDATE_SCREENSHOT"):
        keep = ROOT / "docs" / "img" / name
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, keep)


def test_a_good_return_is_accepted_and_sent_with_a_receipt(browser, site, tmp_path):
    demo, settings, url = site
    key = KeyStore(settings.keys_file).issue(demo.unit_code)
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="vi-VN")
    assert _check(page, url, demo.good) == "accepted"
    assert demo.unit_code in page.inner_text("#facts") and PERIOD in page.inner_text("#facts")
    assert page.is_visible("#send-section") and not page.is_visible("#with-warnings-label")
    page.fill("#key", key)
    page.click("#send")
    page.wait_for_selector("#receipt:not([hidden])", timeout=60_000)
    receipt = page.inner_text("#receipt")
    digest = hashlib.sha256(demo.good.read_bytes()).hexdigest()
    (recorded,) = read_receipts(settings.receipts_file)
    assert digest in receipt and recorded["number"] in receipt and demo.unit_code in receipt
    filed = settings.raw_dir / recorded["stored_as"]
    assert hashlib.sha256(filed.read_bytes()).hexdigest() == digest
    _keep(page, "submission_accepted.png", tmp_path)
    page.close()


def test_a_damaged_return_needs_fixing_on_a_phone_and_another_units_key_is_refused(browser, site, tmp_path):
    demo, settings, url = site
    bad, row = damaged(demo.good, tmp_path / "bao cao.xlsx", status="Đang hoạt độngg", members=-5)
    page = browser.new_page(viewport=PHONE, is_mobile=True, locale="vi-VN")
    assert _check(page, url, bad) == "needs_fix"
    left_out = page.locator("ol[data-category=left_out] li")
    assert left_out.count() == 1
    text = left_out.first.inner_text()
    assert f"dòng {row}" in text and "'Đang hoạt độngg'" in text and "số âm" in text
    assert FORMULA_TEXT in text and page.locator("#problem-groups b").count() == 0  # text, never markup
    # the page fits a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _keep(page, "submission_needs_fix.png", tmp_path)
    # sent with warnings but with another unit's key: refused, nothing filed
    page.fill("#key", KeyStore(settings.keys_file).issue(demo.other_unit))
    page.check("#with-warnings")
    page.click("#send")
    page.wait_for_selector("#send-error:not([hidden])", timeout=60_000)
    assert demo.other_unit in page.inner_text("#send-error") and read_receipts(settings.receipts_file) == []
    assert not page.is_visible("#receipt")
    page.close()


def test_a_unit_not_in_force_is_rejected_and_cannot_be_sent(browser, site):
    demo, _, url = site
    page = browser.new_page(viewport=PHONE, is_mobile=True, locale="vi-VN")
    assert _check(page, url, demo.not_in_force) == "rejected"
    assert "hiệu lực" in page.inner_text("ol[data-category=rejected]")
    assert not page.is_visible("#send-section")
    page.close()

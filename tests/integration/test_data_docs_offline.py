"""Data Docs open styled and working with no network at all (issue 25): the suite's site, copied elsewhere as the
publication copies it into a report set, is opened in Chromium with every request that is not a local file
refused; its pages are styled by the shipped Bootstrap, their tables built by the shipped JavaScript."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import create_engine

from kttt_pipeline.quality.warehouse_suite import run_warehouse_suite
from kttt_pipeline.run import run_period
from kttt_pipeline.warehouse.province import load_province

from ..conftest import chromium_browser
from ..small_period import PERIOD, make_small_period

#: a script or stylesheet loaded from the internet
REMOTE = re.compile(r"<script\b[^>]*\bsrc=[\"']https?:|<link\b[^>]*\bhref=[\"']https?:", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The Data Docs of a small period, moved into a report set's data_docs/ folder."""
    tmp = tmp_path_factory.mktemp("docs")
    result = run_period(make_small_period(tmp / "raw"), PERIOD)
    engine = create_engine(f"sqlite:///{tmp}/q.db")
    province = load_province(result)
    for name in ("rpt_indicator", "dq_issue", "load_audit", "cooperative"):
        getattr(result, name).assign(province_code=province).to_sql(name, engine, index=False)
    outcome = run_warehouse_suite(engine, PERIOD, tmp / "built")
    assert outcome.docs_index is not None
    target = tmp / "reports" / PERIOD / "data_docs"
    shutil.copytree(tmp / "built", target)
    shutil.rmtree(tmp / "built")  # nothing may point back at where the site was built
    return target


def test_no_page_loads_a_script_or_stylesheet_from_the_internet(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 5  # the index and a validation page per table
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not REMOTE.search(html), page.relative_to(site)
        assert "great-expectations-web-assets" not in html
        # every local script and stylesheet the page names is there
        refs = re.findall(r"<script\b[^>]*?\bsrc=[\"']([^\"'#?]+)", html)
        refs += [
            re.search(r"href=[\"']([^\"'#?]+)", tag).group(1)
            for tag in re.findall(r"<link\b[^>]*rel=[\"']stylesheet[^>]*>", html)
        ]
        assert len(refs) >= 10, page.relative_to(site)
        for ref in refs:
            assert (page.parent / ref).resolve().is_file(), (page.relative_to(site), ref)


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as b:
        yield b


def _open_offline(browser, path):
    """The page opened from disk with every non-file request refused; (page, refused URLs, script errors)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    refused, errors = [], []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, refused, errors


STYLE = """() => {
  const cs = (el) => getComputedStyle(el);
  const shown = (el) => el.getBoundingClientRect().height > 0 && cs(el).visibility === 'visible';
  const table = [...document.querySelectorAll('.bootstrap-table table')].find(shown);
  const icon = document.querySelector('.fas, .fa, .far');
  return {
    body_font: cs(document.body).fontFamily,
    nav_display: cs(document.querySelector('nav')).display,
    table_visible: !!table,
    table_rows: table ? [...table.querySelectorAll('tbody tr')].filter(shown).length : 0,
    table_border: table ? cs(table).borderCollapse : null,
    bootstrap_tables: document.querySelectorAll('.bootstrap-table').length,
    jquery: typeof window.jQuery,
    vega_embed: typeof window.vegaEmbed,
    icon_font: icon ? cs(icon, '::before').fontFamily : null,
    icon_fonts_loaded: [...document.fonts]
      .filter(f => f.family.includes('Font Awesome') && f.status === 'loaded').length,
  };
}"""


def test_index_and_validation_pages_are_styled_and_rendered_offline(site, browser, tmp_path):
    pages = [site / "index.html", sorted((site / "validations").rglob("*cooperative*.html"))[0]]
    for path in pages:
        page, refused, errors = _open_offline(browser, path)
        try:
            page.wait_for_function("() => document.querySelectorAll('.bootstrap-table').length > 0", timeout=10_000)
            page.evaluate("document.fonts.ready")
            got = page.evaluate(STYLE)
            # Bootstrap's stylesheet applied (the browser's default is a serif font and a block navbar)
            assert "apple-system" in got["body_font"] and got["nav_display"] == "flex", (path.name, got)
            assert got["table_visible"] and got["table_border"] == "collapse", (path.name, got)
            assert got["table_rows"] >= 1, (path.name, got)
            # the scripts ran: jQuery, bootstrap-table built the tables, vega-embed is there for charts
            assert got["jquery"] == "function" and got["vega_embed"] == "function", (path.name, got)
            assert got["bootstrap_tables"] >= 1
            # Font Awesome's icons drawn from the shipped web fonts
            assert got["icon_font"] and "Font Awesome" in got["icon_font"], (path.name, got)
            assert got["icon_fonts_loaded"] >= 1, (path.name, got)
            assert refused == [], refused  # nothing needed from the network
            assert errors == [], errors
            page.screenshot(path=str(tmp_path / f"{path.stem}.png"))
        finally:
            page.close()

"""Every CDN address of Great Expectations' Data Docs templates has a shipped copy, the very bytes GX pins, and a
page is rewritten to load it by a relative path (issue 25)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import great_expectations

from kttt_pipeline.quality.data_docs_offline import ASSETS_DIR, assets, remote_resources, rewrite_page

TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
#: a script, stylesheet or image tag loading from the internet, as the templates write it
REMOTE_TAG = re.compile(r"<(?:script|link|img)\b[^>]*?(?:src|href)=[\"'](https?://[^\"'{]+)[\"'][^>]*>", re.S)


def _template_tags() -> list[str]:
    tags = []
    for path in sorted(TEMPLATES.rglob("*.j2")):
        tags += [m.group(0) for m in REMOTE_TAG.finditer(path.read_text(encoding="utf-8"))]
    return tags


def test_the_templates_load_from_cdns():
    """The premise: GX's templates do load CSS and JavaScript from the internet (else this module is moot)."""
    urls = {REMOTE_TAG.match(t).group(1) for t in _template_tags()}
    assert any(u.endswith(".css") for u in urls) and any("jquery" in u for u in urls)


def test_every_cdn_resource_of_the_templates_has_a_shipped_copy():
    """An upgrade of GX that adds a CDN file fails here until assets.csv maps it."""
    tags = _template_tags()
    assert len(tags) >= 15
    for tag in tags:
        rewritten = rewrite_page(tag, "../")
        assert remote_resources(rewritten) == [], tag
        local = re.search(r"(?:src|href)=[\"']\.\./static/vendor/([^\"']+)", rewritten)
        assert local, rewritten
        assert (ASSETS_DIR / local.group(1)).is_file(), local.group(1)
        assert "integrity" not in rewritten and "crossorigin" not in rewritten


def test_shipped_copies_are_the_bytes_gx_pins():
    """Where a template pins a file by its hash (Subresource Integrity), the shipped copy has that hash."""
    pinned = 0
    for tag in _template_tags():
        m = re.search(r"integrity=\"(sha\d+)-([^\"]+)\"", tag)
        if not m:
            continue
        local = re.search(r"(?:src|href)=\"\.\./static/vendor/([^\"]+)\"", rewrite_page(tag, "../")).group(1)
        digest = hashlib.new(m.group(1), (ASSETS_DIR / local).read_bytes()).digest()
        assert base64.b64encode(digest).decode() == m.group(2), local
        pinned += 1
    assert pinned >= 2


def test_every_listed_asset_is_shipped_with_its_licence():
    for a in assets():
        if a.is_prefix:
            continue
        path = ASSETS_DIR / a.file
        assert path.is_file() and path.stat().st_size > 100, a.file
        top = ASSETS_DIR / a.file.split("/", 1)[0]
        assert any(p.name.upper().startswith("LICENSE") for p in top.iterdir()), a.package
        assert a.version and a.licence, a


def test_a_page_points_at_the_copies_relative_to_itself_and_keeps_its_links():
    html = (
        '<html><head><link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/'
        'bootstrap.min.css"/><script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js"'
        ' integrity="sha384-x" crossorigin="anonymous"></script>'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=2026"/>'
        '</head><body><a href="https://greatexpectations.io">GX</a></body></html>'
    )
    out = rewrite_page(html, "../../")
    assert 'href="../../static/vendor/bootstrap/css/bootstrap.min.css"' in out
    assert '<script src="../../static/vendor/bootstrap/js/bootstrap.min.js"></script>' in out
    assert 'src="../../static/images/logo-long.png"' in out
    assert '<a href="https://greatexpectations.io">' in out  # a link to follow is not a resource
    assert remote_resources(out) == []
    assert remote_resources(html) == [
        "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css",
        "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js",
        "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=2026",
    ]


def test_css_addresses_point_at_the_site_or_at_nothing(tmp_path):
    """GX's inline CSS draws its dark-mode logo from its web server: pointed at the site's copy when the site holds
    it, else dropped (``none``), never fetched; another address is left for remote_resources to report."""
    from kttt_pipeline.quality.data_docs_offline import rewrite_css

    css = (
        ".navbar-brand a { background: url('https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
        "full_logo_dark.png') 0 0 no-repeat; }"
    )
    assert "background: none 0 0 no-repeat" in rewrite_css(css, "../", site=tmp_path)
    (tmp_path / "static" / "images").mkdir(parents=True)
    (tmp_path / "static" / "images" / "full_logo_dark.png").write_bytes(b"png")
    assert "url('../static/images/full_logo_dark.png')" in rewrite_css(css, "../", site=tmp_path)
    other = "a { background: url(https://example.org/x.png) }"
    assert rewrite_css(other, "../", site=tmp_path) == other
    assert remote_resources(f"<style>{other}</style>") == ["https://example.org/x.png"]

"""Data Docs that work without the internet.

Great Expectations' pages load Bootstrap, jQuery, Font Awesome, bootstrap-table, Vega … from CDNs: on a
provincial network without the internet they show an empty, unstyled page. :func:`make_offline` copies the
packaged copies of those files (``data_docs_assets/``, listed in its ``assets.csv`` with package, version and
licence) into the site's ``static/vendor/`` and points every page's ``<script>``, ``<link>`` and ``<img>`` at
them by a relative path, so the site works from a folder, a USB stick or a file share, and keeps working when
copied elsewhere whole (publish/report.py copies it into the report set's ``data_docs/``).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

ASSETS_DIR = Path(__file__).with_name("data_docs_assets")
#: where the assets go inside a Data Docs site
VENDOR_DIR = "static/vendor"

#: a tag that loads a resource
_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.IGNORECASE)
#: the resource's address in such a tag
_URL_ATTR = re.compile(r"""\b(src|href)\s*=\s*(["'])(https?://[^"']*)\2""", re.IGNORECASE)
#: an address in CSS (a page's own <style> or a stylesheet of the site)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(https?://[^"')]+)\1\s*\)""", re.IGNORECASE)
#: attributes that only make sense for a cross-origin download (a CDN); a local file loaded with them from
#: file:// is refused by the browser
_CDN_ATTRS = re.compile(r"""\s+(?:integrity|crossorigin)(?:\s*=\s*(["'])[^"']*\1)?""", re.IGNORECASE)


@dataclass(frozen=True)
class Asset:
    url: str  # as GX's templates write it (without a query); ending in "/": a prefix
    file: str  # under ASSETS_DIR; for a prefix, a folder of the site itself (ending in "/")
    package: str
    version: str
    licence: str

    @property
    def is_prefix(self) -> bool:
        return self.url.endswith("/")


def assets() -> list[Asset]:
    """The rows of ``data_docs_assets/assets.csv``."""
    with (ASSETS_DIR / "assets.csv").open(encoding="utf-8", newline="") as fh:
        return [Asset(**{k: (v or "").strip() for k, v in row.items()}) for row in csv.DictReader(fh)]


def _target(url: str, table: list[Asset]) -> str | None:
    """The site-relative path (from the site's root) that replaces ``url``, or None when it is not known."""
    bare = url.split("?", 1)[0].split("#", 1)[0]
    for a in table:
        if a.is_prefix:
            if bare.startswith(a.url) and len(bare) > len(a.url):
                return a.file + bare[len(a.url) :]
        elif bare == a.url:
            return f"{VENDOR_DIR}/{a.file}"
    return None


def remote_resources(html: str) -> list[str]:
    """The http(s) addresses a page loads a script, a stylesheet or an image from, in its tags or its CSS
    (links to follow excepted)."""
    found = [m.group(2) for m in _CSS_URL.finditer(html)]
    for tag in _TAG.finditer(html):
        found += [m.group(3) for m in _URL_ATTR.finditer(tag.group(0))]
    return found


def rewrite_css(text: str, to_root: str, table: list[Asset] | None = None, site: Path | None = None) -> str:
    """``url(https://…)`` in CSS pointed at the site's copy; an image of a mapped host the site does not hold
    (GX's dark-mode logo) becomes ``none``, drawn as nothing rather than fetched. Other addresses stay."""
    table = assets() if table is None else table

    def url(m: re.Match) -> str:
        local = _target(m.group(2), table)
        if local is None:
            return m.group(0)
        if site is not None and not (site / local).is_file():
            return "none"
        return f"url({m.group(1)}{to_root}{local}{m.group(1)})"

    return _CSS_URL.sub(url, text)


def rewrite_page(html: str, to_root: str, table: list[Asset] | None = None, site: Path | None = None) -> str:
    """``html`` with every CDN resource it loads pointed at the site's local copy (its tags and the
    ``url(…)`` of its inline CSS); ``to_root`` is the relative path from the page's folder to the site's root
    ("" or "../../"); ``site``: the site's folder, to leave out an image it does not hold. Addresses not in the
    table stay as they are (:func:`remote_resources` lists them)."""
    table = assets() if table is None else table
    html = rewrite_css(html, to_root, table, site)

    def tag(m: re.Match) -> str:
        text = m.group(0)
        changed = False

        def attr(a: re.Match) -> str:
            nonlocal changed
            local = _target(a.group(3), table)
            if local is None:
                return a.group(0)
            changed = True
            return f"{a.group(1)}={a.group(2)}{to_root}{local}{a.group(2)}"

        text = _URL_ATTR.sub(attr, text)
        return _CDN_ATTRS.sub("", text) if changed else text

    return _TAG.sub(tag, html)


def make_offline(site: Path | str) -> list[str]:
    """Copy the assets into ``site``'s ``static/vendor/`` and rewrite every HTML page of the site to load them.
    Returns the remote addresses that remain (none while ``assets.csv`` covers GX's templates)."""
    site = Path(site)
    table = assets()
    vendor = site / VENDOR_DIR
    for a in table:
        if not a.is_prefix:
            _copy(ASSETS_DIR / a.file, vendor / a.file)
            for extra in _companions(a):
                _copy(ASSETS_DIR / extra, vendor / extra)
    remaining: list[str] = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        to_root = os.path.relpath(site, page.parent).replace(os.sep, "/")
        new = rewrite_page(html, "" if to_root == "." else to_root + "/", table, site)
        if new != html:
            page.write_text(new, encoding="utf-8")
        remaining += remote_resources(new)
    for sheet in sorted((site / "static" / "styles").glob("*.css")):  # GX's own stylesheets
        css = sheet.read_text(encoding="utf-8")
        new = rewrite_css(css, "../../", table, site)
        if new != css:
            sheet.write_text(new, encoding="utf-8")
        remaining += [m.group(2) for m in _CSS_URL.finditer(new)]
    return sorted(set(remaining))


def _companions(a: Asset) -> list[str]:
    """Files a stylesheet loads by a relative path (Font Awesome's web fonts) and the package's licence."""
    top = a.file.split("/", 1)[0]
    folder = ASSETS_DIR / top
    return [
        p.relative_to(ASSETS_DIR).as_posix()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (p.suffix == ".woff2" or p.name.upper().startswith("LICENSE"))
    ]


def _copy(src: Path, dst: Path) -> None:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)

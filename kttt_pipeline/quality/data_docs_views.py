"""The Data Docs views of the warehouse suite: Great Expectations' own page and index views, whose compiled Jinja
templates are kept for the process.

GX builds a new site builder, and with it new views each with a new Jinja environment, at every ``build_data_docs``:
each build parsed and compiled its ~34 templates again (about a third of a province's suite time). These views
share one in-memory bytecode cache (Jinja's own mechanism: a template is compiled again when its source changes),
so the pages are the same, rendered from the same templates, compiled once per process. Named in the site's
configuration (quality/warehouse_suite.py); imported by GX only, when it builds the site.
"""

from __future__ import annotations

from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class ProcessBytecodeCache(BytecodeCache):
    """Compiled templates in memory, keyed by template name and file; Jinja checks the source's checksum."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


#: one cache for every view of the process (the templates are GX's package files, the same for every view)
TEMPLATES = ProcessBytecodeCache()


class PageView(DefaultJinjaPageView):
    """GX's validation page view, its templates compiled once per process."""

    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        self.env.bytecode_cache = TEMPLATES


class IndexPageView(DefaultJinjaIndexPageView):
    """GX's index page view, its templates compiled once per process."""

    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        self.env.bytecode_cache = TEMPLATES

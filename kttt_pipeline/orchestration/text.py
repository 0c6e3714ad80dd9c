"""Text shown in the Dagster UI, which renders descriptions as Markdown (with HTML): a placeholder such as
``<period>`` is taken for an HTML tag and vanishes ("under KTTT_REPORTS_DIR//."). Descriptions written here avoid
placeholders; those that come from elsewhere (the warehouse models' comments) pass through :func:`markdown_safe`."""

from __future__ import annotations

import re

# a <placeholder> not already inside a code span
_PLACEHOLDER = re.compile(r"(?<!`)<([A-Za-z_][^<>\n`]*)>(?!`)")


def markdown_safe(text: str | None) -> str | None:
    """``text`` with each ``<placeholder>`` put in a code span (``\\`<placeholder>\\```), which Markdown shows as
    written; None stays None."""
    return None if text is None else _PLACEHOLDER.sub(r"`<\1>`", text)

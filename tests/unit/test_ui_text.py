"""Descriptions shown in the Dagster UI keep their placeholders (orchestration/text.py)."""

from kttt_pipeline.core.text import markdown_safe


def test_placeholders_are_put_in_code_spans():
    assert markdown_safe("under KTTT_REPORTS_DIR/<period>/.") == "under KTTT_REPORTS_DIR/`<period>`/."
    assert markdown_safe("'name:<unit>:<folded name>'") == "'name:`<unit>`:`<folded name>`'"


def test_text_without_placeholders_and_code_spans_are_left_as_they_are():
    assert markdown_safe("HTX_TOTAL = ACTIVE + WEAK; 1 < 2 > 0") == "HTX_TOTAL = ACTIVE + WEAK; 1 < 2 > 0"
    assert markdown_safe("`<period>` already") == "`<period>` already"
    assert markdown_safe(None) is None

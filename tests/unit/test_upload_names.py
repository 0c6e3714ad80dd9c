"""A clerk's file name is never a path (issue 29): what is left of it is one plain name in the upload's own folder."""

import pytest

from kttt_pipeline.submission.uploads import FALLBACK_STEM, MAX_NAME_CHARS, safe_name


@pytest.mark.parametrize(
    "sent, kept",
    [
        ("../../x.xlsx", "x.xlsx"),
        ("..\\..\\Windows\\x.XLSX", "x.xlsx"),
        ("C:\\Users\\xa\\Bao cao quy IV.xls", "Bao cao quy IV.xls"),
        ("/etc/passwd", "passwd"),
        (".hidden.xlsx", "hidden.xlsx"),  # a hidden file is never read from the raw folder
        ("~$lock.xlsx", "lock.xlsx"),  # nor a lock file
        ("bad\x00name\n.xlsx", "badname.xlsx"),
        ('a<b>:"c"|?*.xlsx', "abc.xlsx"),
        ("..", FALLBACK_STEM),
        ("", FALLBACK_STEM),
        (None, FALLBACK_STEM),
        ("../.xlsx", f"{FALLBACK_STEM}.xlsx"),
    ],
)
def test_a_name_keeps_its_last_plain_component_only(sent, kept):
    assert safe_name(sent) == kept


def test_a_long_name_is_cut_keeping_its_extension():
    name = safe_name("Báo cáo " * 40 + ".xlsx")
    assert len(name) <= MAX_NAME_CHARS and name.endswith(".xlsx") and "/" not in name


def test_a_workbook_named_without_its_extension_gets_the_one_its_content_says(tmp_path):
    from kttt_pipeline.submission.uploads import with_workbook_suffix

    zipped, ole, text, xlsx = (tmp_path / n for n in ("Bao cao quy IV.2025", "b", "c.txt", "d.xlsx"))
    zipped.write_bytes(b"PK\x03\x04rest")
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")
    text.write_bytes(b"STT,Ten HTX")
    xlsx.write_bytes(b"anything")
    assert with_workbook_suffix(zipped).name == "Bao cao quy IV.2025.xlsx"
    assert with_workbook_suffix(ole).name == "b.xls"
    assert with_workbook_suffix(text) == text and with_workbook_suffix(xlsx) == xlsx
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Bao cao quy IV.2025.xlsx", "b.xls", "c.txt", "d.xlsx"]

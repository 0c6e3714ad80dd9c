"""The CSV register's text: decoded strictly in the encodings of contract §4 (and UTF-16), or rejected naming them."""

import codecs
import unicodedata

import pytest

from kttt_pipeline.ingest.csv_text import Undecodable, decode_csv
from kttt_pipeline.ingest.workbook import FileUnreadable, read_workbook

TEXT = (
    "STT;Mã số thuế;Tên người nộp thuế;Địa chỉ;Trạng thái\r\n"
    "1;5701134522;Hợp tác xã dịch vụ nông nghiệp Đồng Xuân;phường Hồng Gai, tỉnh Quảng Ninh;00 - NNT đang hoạt động\r\n"
)


@pytest.mark.parametrize(
    "raw, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-32"), "utf-32"),
    ],
)
def test_each_unicode_encoding_gives_the_text(raw, encoding):
    assert decode_csv(raw) == (TEXT, encoding)


def test_windows_1258_with_combining_tones_gives_nfc_text():
    # Windows-1258 writes "ố" as "ô" + a combining acute; "ã" as "a" + a combining tilde
    raw = "Mã số".replace("ã", "a\u0303").replace("ố", "ô\u0301").encode("cp1258")
    text, encoding = decode_csv(raw)
    assert encoding == "cp1258" and text == "Mã số" and unicodedata.is_normalized("NFC", text)


def test_a_stray_nul_in_utf8_is_not_taken_for_utf16():
    raw = TEXT.replace("Đồng", "Đồ\x00ng").encode("utf-8")
    assert decode_csv(raw)[1] == "utf-8"


@pytest.mark.parametrize(
    "raw, marked",
    [
        (b"STT;M\x81 s\x8d thu\x9e\r\n1;5701134522\r\n", False),  # neither UTF-8 nor Windows-1258
        (codecs.BOM_UTF8 + b"STT;M\xe3 s\xf4\r\n", True),  # a UTF-8 mark over Windows-1258 bytes
        (TEXT.encode("utf-16")[:-1], True),  # UTF-16 cut in the middle of a character
    ],
)
def test_what_no_encoding_decodes_is_rejected_naming_the_encodings_tried(raw, marked, tmp_path):
    with pytest.raises(Undecodable) as err:
        decode_csv(raw)
    reason = err.value.reason_vi
    path = tmp_path / "register.csv"
    path.write_bytes(raw)
    with pytest.raises(FileUnreadable) as unreadable:  # the file is rejected with that reason
        read_workbook(path)
    assert unreadable.value.reason_vi == reason
    assert "bảng mã" in reason and all(e in reason for e in ("UTF-8", "UTF-16", "Windows-1258"))
    assert ("tệp có dấu BOM của" in reason) is marked


def test_an_ignored_file_named_with_an_undecodable_byte_is_audited_visibly(tmp_path):
    """A lock file whose name holds a byte no encoding decodes: its load_audit row shows the byte as a mark (a lone
    surrogate cannot be stored), as a read file's row does; never opened."""
    import os

    from kttt_pipeline.core.periods import Period
    from kttt_pipeline.core.text import UNSTORABLE
    from kttt_pipeline.ingest.period import _ignored_row
    from kttt_pipeline.ingest.raw_inventory import period_entries

    units = tmp_path / "2026-Q3" / "units"
    units.mkdir(parents=True)
    with open(os.path.join(os.fsencode(units), b"~$\xff.xlsx"), "wb") as fh:
        fh.write(b"lock")
    _, ignored = period_entries(tmp_path, "2026-Q3")
    [row] = [_ignored_row(Period.parse("2026-Q3"), tmp_path, e) for e in ignored]
    assert row["status"] == "IGNORED" and row["source_file"].startswith("2026-Q3/units/~$")
    assert not UNSTORABLE.search(row["source_file"]) and row["source_file"].encode("utf-8")

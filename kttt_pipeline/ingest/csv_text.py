"""The text of a CSV file (the tax register's export, spec §4): decoded in the encodings the contract names, or
not at all.

Tried in this order, each strictly (a byte it cannot decode rules the encoding out): the encoding a byte-order mark
names (UTF-8, UTF-16 or UTF-32), UTF-16 without a mark (Excel's "Unicode Text": every other byte 0), UTF-8, then
Windows-1258 (which a few tax offices still export). Nothing is guessed beyond these: a file that none decodes is
rejected saying which were tried, never read as Latin-1 garbage (which then "has no table"). The text is NFC
(Windows-1258 writes tone marks as combining characters).
"""

from __future__ import annotations

import codecs
import unicodedata


class Undecodable(Exception):
    """A CSV that no encoding tried decodes: ``reason_vi`` names them (for the clerk), ``reason_en`` for the log;
    ``workbook.read_workbook`` rejects the file with them (``FileUnreadable``)."""

    def __init__(self, reason_vi: str, reason_en: str):
        super().__init__(reason_en)
        self.reason_vi = reason_vi
        self.reason_en = reason_en


#: the encodings tried, as a clerk knows them (the reason of a CSV that none decodes names them)
ENCODINGS_TRIED_VI = "UTF-8 (có hoặc không có BOM), UTF-16, Windows-1258"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 without a byte-order mark: in a CSV (digits, separators, Latin letters) the high byte of most
    characters is 0, so most bytes at odd (little-endian) or even (big-endian) positions are 0."""
    sample = raw[:4096]
    half = len(sample) // 2
    if half < 2 or len(raw) % 2:
        return None
    if sample[1::2].count(0) > 0.3 * half and sample[0::2].count(0) < 0.05 * half:
        return "utf-16-le"
    if sample[0::2].count(0) > 0.3 * half and sample[1::2].count(0) < 0.05 * half:
        return "utf-16-be"
    return None


def decode_csv(raw: bytes) -> tuple[str, str]:
    """The CSV's text (NFC) and the encoding it was read in. Raises :class:`Undecodable` (Vietnamese, naming the
    encodings tried) when none decodes it."""
    candidates = [enc for bom, enc in _BOMS if raw.startswith(bom)][:1]
    if not candidates:
        candidates = [enc for enc in (_utf16_without_bom(raw),) if enc] + ["utf-8", "cp1258"]
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return unicodedata.normalize("NFC", text.removeprefix("\ufeff")), encoding
    marked = (
        f" (tệp có dấu BOM của {candidates[0].upper()} nhưng nội dung không đúng bảng mã này)"
        if raw.startswith(tuple(bom for bom, _ in _BOMS))
        else ""
    )
    raise Undecodable(
        f"không đọc được tệp CSV: nội dung không đúng bảng mã nào đã thử ({ENCODINGS_TRIED_VI}){marked}; "
        "hãy xuất lại tệp CSV theo bảng mã UTF-8",
        f"the CSV decodes in none of {', '.join(candidates)}",
    )

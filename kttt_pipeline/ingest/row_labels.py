"""What a row's written labels say it is (spec §3): a total ("Tổng cộng", "Cộng I"), a sector heading
("I. Nông nghiệp"), a breakdown line ("Trong đó: …"), a note ("Ghi chú: …"), a line of the signature block
("Người lập biểu").

A label may stand in any text cell of a row (the STT column, the name column, a cell merged across several
columns); :mod:`kttt_pipeline.ingest.row_classes` decides which cell counts. Words are data: vocab/row_labels.csv.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kttt_pipeline.core.text import clean_text, fold, strip_diacritics
from kttt_pipeline.core.vocabulary import row_labels, sector_lookup, status_lookup, title_words

GRAND, SUB, PLAIN = "grand", "sub", "plain"  # a total row's scope: the whole listing, its section, undecided
PART = "part"  # "Tổng số HTX đang hoạt động", "Trong đó: …": a part of the listing, neither entity nor compared

SECTION_NUMBER = re.compile(r"^\s*\(?\s*([IVXLCivxlc]+|[A-Za-z]|\d{1,2})\s*\)?\s*(?:[.):/\-–]\s*|\s+|$)(.*)$")
_ROMAN_TOKEN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")


def number_level(token: str) -> int | None:
    """Section level of a numbering token: 'A' 0, 'I'/'II' 1, '1' 2, 'a' 3."""
    if token.isdigit():
        return 2
    low = token.lower()
    if _ROMAN_TOKEN.match(low) and (token.isupper() or len(token) > 1):
        return 1
    if len(token) == 1 and token.isalpha():
        return 0 if token.isupper() else 3
    return None


def _strip_section_words(folded: str, words: tuple[str, ...] | None = None) -> str:
    """``folded`` without the section words it starts with ("lĩnh vực", "ngành", …; after a total word also the
    section leads "các", "hợp tác xã", …)."""
    words = row_labels().section_word if words is None else words
    changed = True
    while changed:
        changed = False
        for w in words:
            if folded == w:
                return ""
            if folded.startswith(w + " "):
                folded, changed = folded[len(w) + 1 :], True
    return folded


def _is_sector_text(folded: str) -> bool:
    sectors = sector_lookup()
    return folded in sectors or (folded.startswith("phi ") and folded[4:] in sectors)


def _section_ref(rest_folded: str, rest_tokens: list[str]) -> tuple[bool, int | None]:
    """Is what follows a total word a section reference ("I", "(II)", "lĩnh vực nông nghiệp", "các HTX phi nông
    nghiệp", "a")? Returns (is_ref, level)."""
    bare = _strip_section_words(rest_folded, row_labels().section_lead)
    if not bare:
        return False, None
    if len(bare.split()) == 1 and rest_tokens and fold(rest_tokens[-1]) == bare:
        level = number_level(rest_tokens[-1])
        if level is not None:
            return True, level
    if _is_sector_text(bare):
        return True, None
    return False, None


def _starts_with_sector(folded: str) -> bool:
    """Wording that opens with a sector ("thương mại, dịch vụ và khác", "phi nông nghiệp và khác")."""
    if folded.startswith("phi "):
        folded = folded[4:]
    return any(folded == k or folded.startswith(k + " ") for k in sector_lookup())


def _section_wording(rest_folded: str, rest_written: str, free: bool) -> tuple[bool, int | None]:
    """Is what follows a total word the wording of a section (a subtotal's label), whatever it says? It is when it
    opens with a section word ("lĩnh vực …", "ngành …", "nhóm …", "loại hình …"), a sector ("thương mại, dịch vụ
    và khác") or a section number ("III - …", its level); after "Cộng" (``free``) also when it is written in
    lower case ("Cộng trồng trọt, chăn nuôi"): a capitalised word there is a proper name ("Cộng Lạc"), never a
    section's wording. Returns (is_wording, level)."""
    if any(rest_folded.startswith(w + " ") for w in row_labels().subtotal_lead) or _starts_with_sector(rest_folded):
        return True, None
    first = re.match(r"[^\W_]+", rest_written)
    if first is None:
        return False, None
    token = first.group(0)
    level = number_level(token)
    if level is not None and (token.isdigit() or token.isupper()) and re.match(r"[^\W_]+\s*[.):\-–]", rest_written):
        return True, level  # "Cộng III - thương mại", "Cộng 2. trồng trọt"
    return free and token[0].islower(), None


def plain_letters(text: str) -> str:
    """The written text without diacritics, its case kept (to tell "A." from "a)" and Roman numerals)."""
    return strip_diacritics(text)


@lru_cache(maxsize=1 << 16)
def total_label(text: object) -> tuple[str, int | None] | None:
    """(scope, level) when a cell's text is a total label, else None. A total is known by its FORM, never by the
    section names it may carry (docs/decisions.md, "What is a total label").

    A cell is a total when its whole folded text is a total word ("Cộng", "Tổng cộng", "Tổng số", "Tổng"), or
    it starts with a total prefix ("Tổng cộng …", "Tổng số …", "Toàn huyện", "Cộng toàn …"), or it is a total
    word followed by a section reference ("Cộng I", "Cộng lĩnh vực nông nghiệp": a subtotal), by a whole-listing
    qualifier ("Cộng chung", "Tổng HTX", "Cộng các HTX") or by a section's own wording ("Cộng lĩnh vực thương mại,
    dịch vụ và khác", "Cộng các HTX trồng trọt", "Tổng ngành …", "Cộng trồng trọt, chăn nuôi": a subtotal whose
    level is the section it closes). "Cộng đồng …", "Cộng Hòa", "Cộng Lạc", "Tổng hợp …", "Tổng công ty …",
    "HTX … tổng cộng" are not."""
    written = clean_text(text) if isinstance(text, str) else None
    if not written:
        return None
    f = fold(written)
    labels = row_labels()
    if not f:
        return None
    if f in labels.total:
        return (PLAIN if f == "cong" else GRAND), None
    if f in labels.total_prefix:
        return GRAND, None
    if f.startswith(labels.not_total_prefix):
        return None
    for w in _total_starters():
        if not f.startswith(w + " "):
            continue
        rest = f[len(w) + 1 :]
        n_words = len(w.split())
        rest_written = plain_letters(written)
        for _ in range(n_words):  # the written text after the total word(s)
            rest_written = re.sub(r"^[\W_]*[^\W_]+", "", rest_written, count=1)
        rest_written = re.sub(r"^[\W_]+", "", rest_written)
        rest_tokens = re.findall(r"[^\W_]+", rest_written)
        is_ref, level = _section_ref(rest, rest_tokens)
        if is_ref:
            return SUB, level
        if _names_a_status(rest):
            return PART, None  # "Tổng số HTX đang hoạt động": a part of the listing, not a section
        prefix = w in labels.total_prefix
        if prefix and not any(rest.startswith(q + " ") for q in labels.subtotal_lead):
            return GRAND, None  # "Tổng số HTX trên địa bàn", "Tổng cộng toàn huyện"
        if any(rest == q or rest.startswith(q + " ") for q in labels.grand_qualifier):
            return GRAND, None
        tokens = rest.split()
        if len(tokens) >= 2 and all(_ROMAN_TOKEN.match(t) or (len(t) == 1 and t.isalpha()) for t in tokens):
            return GRAND, None  # "Tổng cộng (I+II)", "Cộng A+B"
        if not _strip_section_words(rest, labels.section_lead):
            return GRAND, None  # "Cộng các HTX", "Tổng các hợp tác xã": the listing's entities, all of them
        if any(rest.startswith(q + " ") for q in labels.listing_lead):
            return PLAIN, None  # "Cộng các HTX trên địa bàn": the open section's, else the listing's
        wording, level = _section_wording(rest, rest_written, w in labels.free_total)
        if wording:
            return SUB, level
        if w in labels.total_prefix:
            return GRAND, None
        return None
    return None


def _names_a_status(folded: str) -> bool:
    bare = _strip_section_words(folded, row_labels().section_lead)
    statuses = status_lookup()
    return bool(bare) and (bare in statuses or any(bare.startswith(s + " ") for s in statuses))


def breakdown_line(written: str) -> bool:
    f = fold(written)
    return any(f == p or f.startswith(p + " ") for p in row_labels().breakdown_prefix)


@lru_cache(maxsize=1)
def _total_starters() -> tuple[str, ...]:
    labels = row_labels()
    return tuple(sorted(set(labels.total) | set(labels.total_prefix), key=len, reverse=True))


@lru_cache(maxsize=1 << 16)
def sector_heading(written: str | None, seq_written: str | None = None) -> tuple[int, bool] | None:
    """(section level, numbered) when a label is a sector heading: "I. Nông nghiệp", "A. NÔNG NGHIỆP",
    "1. Lĩnh vực nông nghiệp", "Lĩnh vực phi nông nghiệp", "II" | "Phi nông nghiệp" (the number in the STT
    cell); None otherwise."""
    if not written:
        return None
    level, body = None, written
    m = SECTION_NUMBER.match(plain_letters(written))
    if m and m.group(2):
        token = m.group(1)
        if not token.isdigit() or re.match(r"^\s*\(?\d{1,2}\s*[.)]", written):
            level, body = number_level(token), m.group(2)
    numbered_label = level is not None
    if level is None and seq_written:
        sm = SECTION_NUMBER.match(plain_letters(seq_written))
        if sm and not sm.group(2) and not sm.group(1).isdigit():  # "II" in the STT cell; "1" is a row number
            level = number_level(sm.group(1))
    f = fold(body)
    bare = _strip_section_words(f)
    if not bare or not _is_sector_text(bare):
        return None
    if not numbered_label and bare != f and f.startswith(title_words("name_entity_word")):
        return None  # "HTX nông nghiệp" without a number of its own: a name, not a heading
    return (level if level is not None else 1), level is not None


def heading_sector(label: str | None) -> str | None:
    """The sector a heading names ("I. Nông nghiệp" → "nong nghiep", folded), None for a heading of no single
    sector ("II. Phi nông nghiệp", "I. HTX đang hoạt động")."""
    if not label:
        return None
    m = SECTION_NUMBER.match(plain_letters(label))
    body = m.group(2) if m and m.group(2) else label
    bare = _strip_section_words(fold(body))
    code = sector_lookup().get(bare)
    return bare if code and code != "NON_AGRI" else None


def count_text(text: str) -> bool:
    """ "12", "(12 HTX)", "12 hợp tác xã": the count a total row may write in the name column."""
    return re.fullmatch(r"\d+( (htx|tht|hop tac xa|to hop tac|don vi))?", fold(text)) is not None


@lru_cache(maxsize=1 << 16)
def note_line(written: str) -> bool:
    labels = row_labels()
    if written.startswith(labels.note_symbol):
        return True
    f = fold(written)
    return any(f == p or f.startswith(p + " ") for p in labels.note_prefix)


@lru_cache(maxsize=1 << 16)
def signature_line(written: str) -> bool:
    """A line of the signature block: "Người lập biểu", "TM. UBND", "KT. CHỦ TỊCH", "…, ngày … tháng … năm …"."""
    f = fold(written)
    if re.search(r"\bngay\s+(?:\d{1,2}\s+)?thang\s+(?:\d{1,2}\s+)?nam\b", f):
        return True
    if re.search(r",\s*ng[àa]y\s*\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}\s*$", written, re.IGNORECASE):
        return True  # "Bình Liêu, ngày 14/10/2024"
    if re.match(r"^(tm|kt|tl|tuq)\s+(ubnd|uy ban|chu tich|giam doc|thu truong|truong|pho|ban|phong|so|cuc)\b", f):
        return True
    return any(f == s or f.startswith(s + " ") for s in row_labels().signature)

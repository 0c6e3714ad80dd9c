"""§7.1–7.2 Identity and duplicates.

A cooperative is identified by its valid 10-digit tax code (a branch ``10-3`` by its parent). Where the code
is missing, invalid or unknown to the tax register, the row is matched to a register record by folded name
within the same reporting unit: rapidfuzz scores the whole folded name *and* the distinctive part of the name
(what is left after removing legal-form and activity words), so "Tuyền Huyền" still matches "Tuyền Hiền" while
"HTX dịch vụ nông nghiệp Xuân Thành" never matches "… Yên Thành". A generic word misspelt by a common confusion
("HTX xản xuất nấm Hải Tiến") is still a generic word, and one syllable of the proper name so misspelt ("Suân Lâm")
is accepted when only one record of the unit is that close.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from kttt_pipeline.core.admin_units import unit_sort_key
from kttt_pipeline.core.findings import Finding
from kttt_pipeline.core.text import fold_name, forget_texts
from kttt_pipeline.core.vocabulary import read_vocab_csv, title_words

FULL_NAME_MIN = 88.0
DISTINCT_MIN = 80.0
AMBIGUITY_MARGIN = 3.0
#: the tax register's "Loại hình" of a cooperative, name-folded (vocab/title_words.csv); no type counts as one
COOPERATIVE_ENTITY_TYPES = {fold_name(w) for w in title_words("cooperative_entity_type")} | {""}


@lru_cache(maxsize=1)
def generic_phrases() -> tuple[str, ...]:
    words = [r["word"].strip() for r in read_vocab_csv("name_generic_words.csv") if r["word"].strip()]
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1 << 18)
def folded_name(value: object) -> str:
    """:func:`kttt_pipeline.core.text.fold_name`, cached: a register and its listings repeat names and types."""
    return fold_name(value)


def forget_names() -> None:
    """Empty the caches of the names folded for identity (``folded_name``, ``distinctive_part`` and the folded
    texts of ``core/text``): a period of 200,000 cooperatives and a register of 240,000 fill them (≈ 150 MiB),
    and the stages after identity fold few names."""
    folded_name.cache_clear()
    distinctive_part.cache_clear()
    forget_texts()


def _folded_names(values: pd.Series) -> pd.Series:
    """:func:`folded_name` of every value of ``values``, each distinct value folded once."""
    return values.map(lambda v: folded_name(v) if isinstance(v, str) else fold_name(v))


@lru_cache(maxsize=1 << 18)
def distinctive_part(folded: str) -> str:
    """The folded name without legal-form and activity words: usually the proper name ("tuyen hien").
    A generic word is recognised as clerks write it, with a common spelling confusion of any of its syllables
    ("xan xuat" for "san xuat", :func:`same_spelling`): the confusion is no part of the proper name. Cached:
    every name of a unit's register is compared with each unmatched listing row."""
    words = folded.split()
    present = set(words)
    for first, phrase in _generic_spellings():
        if present.isdisjoint(first):  # the phrase's first syllable is not there in any spelling
            continue
        fewer = _without(words, phrase)
        if len(fewer) < len(words):  # again: a phrase that removing one brings together ("nong [nong nghiep] nghiep")
            words = _without(fewer, phrase)
    return " ".join(words)


def _without(words: list[str], phrase: tuple[frozenset[str], ...]) -> list[str]:
    """``words`` without each run of them that is ``phrase`` (each syllable as its spellings), from the left."""
    n, k, kept = len(phrase), 0, []
    while k < len(words):
        if len(words) - k >= n and all(w in p for w, p in zip(words[k : k + n], phrase)):
            k += n
        else:
            kept.append(words[k])
            k += 1
    return kept


@lru_cache(maxsize=1)
def _generic_spellings() -> tuple[tuple[frozenset[str], tuple[frozenset[str], ...]], ...]:
    """:func:`generic_phrases` in the same order (longest first), each syllable as the set of its spellings: the
    syllable and each syllable that is it by :func:`same_spelling` ("san" → san, xan); with the spellings of its
    first syllable apart."""
    initials = set(spelling_classes()) | {"g"}
    out = []
    for phrase in generic_phrases():
        syllables = []
        for word in phrase.split():
            rests = {word[n:] for n in (1, 2, 3)} - {""}
            rests |= {"i" + r for r in rests}
            candidates = {word} | {ini + r for ini in initials for r in rests}
            syllables.append(frozenset(c for c in candidates if same_spelling(c, word)))
        out.append((syllables[0], tuple(syllables)))
    return tuple(out)


def same_spelling(written: str, word: str) -> bool:
    """Whether a folded syllable is ``word`` or ``word`` with its initial consonant spelt by a common confusion
    (``vocab/name_spelling_confusions.csv``: "xan" ~ "san", "chong" ~ "trong")."""
    return written == word or bool(_spelling_forms(written) & _spelling_forms(word))


@dataclass(frozen=True)
class NameMatch:
    index: object  # index label of the register record
    score: float
    distinct_score: float
    confusion: tuple[str, str] | None = None  # (written, register) syllables when matched by a spelling confusion


def name_similarity(a: str, b: str) -> tuple[float, float]:
    """(whole-name score, distinctive-part score) of two folded names."""
    full = fuzz.ratio(a, b)
    da, db = distinctive_part(a), distinctive_part(b)
    if not da or not db:
        distinct = 100.0 if da == db else 0.0
    elif not syllables_compatible(da, db):
        distinct = 0.0
    else:
        distinct = fuzz.ratio(da, db)
    return full, distinct


#: a misspelt syllable keeps its initial letter and is at most this many edits from the right one
SYLLABLE_MAX_EDITS = 2


def syllables_compatible(da: str, db: str) -> bool:
    """Whether two distinctive parts can be one proper name spelt two ways.

    Vietnamese proper names are syllables; a clerk's slip changes a vowel or a tone inside one syllable
    ("Tuyền Huyền" for "Tuyền Hiền"), while two different cooperatives of one commune differ by a whole
    syllable ("Thịnh Anh" and "Thịnh Quang"). With the same number of syllables, at most one may differ, by at
    most two edits and with the same first letter. Different syllable counts are left to the string score.
    """
    ta, tb = da.split(), db.split()
    if len(ta) != len(tb):
        return True
    diffs = [(x, y) for x, y in zip(ta, tb) if x != y]
    if not diffs:
        return True
    if len(diffs) > 1:
        return False
    x, y = diffs[0]
    return x[0] == y[0] and Levenshtein.distance(x, y) <= SYLLABLE_MAX_EDITS


_VOWELS = set("aeiouy")


@lru_cache(maxsize=1)
def spelling_classes() -> dict[str, str]:
    """Initial consonants clerks confuse (``vocab/name_spelling_confusions.csv``): spelling → its class."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for row in read_vocab_csv("name_spelling_confusions.csv"):
        a, b = row["spelling"].strip().lower(), row["same_as"].strip().lower()
        if a and b:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


@lru_cache(maxsize=1 << 16)
def _spelling_forms(syllable: str) -> frozenset[str]:
    """A folded syllable with its initial consonant replaced by its class (several forms for "gi", whose i is
    also the vowel: "gieng" ~ "dieng", "gin" ~ "din"). A syllable without a confusable initial is itself."""
    classes = spelling_classes()
    for n in (2, 1):
        ini, rest = syllable[:n], syllable[n:]
        if ini not in classes or not rest:
            continue
        cls = classes[ini]
        if ini == "gi":
            return frozenset({f"<{cls}>{rest}", f"<{cls}>i{rest}"} if rest[0] != "i" else {f"<{cls}>{rest}"})
        if rest[0] in _VOWELS:  # "nh", "ng", "th": another initial, not "n"/"t" + consonant
            return frozenset({f"<{cls}>{rest}"})
    return frozenset({syllable})


def spelling_confusion(da: str, db: str) -> tuple[str, str] | None:
    """The one pair of syllables by which two distinctive parts differ, when that difference is a common
    Vietnamese confusion of the initial consonant (tr/ch, s/x, d/gi/r, l/n: "chung thanh" ~ "trung thanh");
    tone marks are already folded away. None otherwise (or when the parts are equal)."""
    ta, tb = da.split(), db.split()
    if not ta or len(ta) != len(tb):
        return None
    diffs = [(x, y) for x, y in zip(ta, tb) if x != y]
    if len(diffs) != 1:
        return None
    x, y = diffs[0]
    return (x, y) if _spelling_forms(x) & _spelling_forms(y) else None


def confusion_candidates(folded: str, candidates: pd.DataFrame) -> list[object]:
    """Register records (index labels) that are ``folded`` with one syllable of its proper name spelt by a
    common confusion, the rest of the name alike (whole-name score of the corrected names ≥ FULL_NAME_MIN)."""
    da = distinctive_part(folded)
    if not da:
        return []
    out = []
    for idx, other in zip(candidates.index, candidates["name_folded"]):
        db = distinctive_part(other)
        pair = spelling_confusion(da, db)
        if pair is None:
            continue
        corrected = " ".join(pair[1] if w == pair[0] else w for w in folded.split())
        if fuzz.ratio(corrected, other) >= FULL_NAME_MIN:
            out.append(idx)
    return out


def best_name_match(name: str, candidates: pd.DataFrame) -> tuple[NameMatch | None, str | None]:
    """The register record (rows of ``candidates`` with column ``name_folded``) matching ``name``.

    Returns (match, None) or (None, reason) where reason says "ambiguous" when two records fit equally.
    Where no record fits by score, a record that differs by one common spelling confusion of one syllable
    (:func:`spelling_confusion`) is taken when it is the only such record among the candidates; its
    ``confusion`` says which syllables.
    """
    folded = fold_name(name)
    if not folded or candidates.empty:
        return None, None
    scored = []
    labels, names = list(candidates.index), list(candidates["name_folded"])
    for pos in _close_by_whole_name(folded, names):
        full, distinct = name_similarity(folded, names[pos])
        if full >= FULL_NAME_MIN and distinct >= DISTINCT_MIN:
            scored.append(NameMatch(labels[pos], full, distinct))
    if not scored:
        confused = confusion_candidates(folded, candidates)
        if len(confused) > 1:
            return None, "ambiguous"
        if confused:
            other = candidates.at[confused[0], "name_folded"]
            pair = spelling_confusion(distinctive_part(folded), distinctive_part(other))
            return NameMatch(confused[0], fuzz.ratio(folded, other), 100.0, pair), None
        return None, None
    scored.sort(key=lambda m: m.score + m.distinct_score, reverse=True)
    if (
        len(scored) > 1
        and (scored[0].score + scored[0].distinct_score) - (scored[1].score + scored[1].distinct_score)
        < AMBIGUITY_MARGIN
    ):
        return None, "ambiguous"
    return scored[0], None


#: the whole-name score below which :func:`_close_by_whole_name` drops a record without scoring it exactly: a
#: margin under FULL_NAME_MIN, so that the bulk scorer's cut-off can never drop a record the exact score keeps
_PREFILTER_MARGIN = 1.0


def _close_by_whole_name(folded: str, names: list[str]) -> list[int]:
    """Positions in ``names`` (in order) of the records whose whole-name score with ``folded`` may reach
    FULL_NAME_MIN: all others fail :func:`best_name_match`'s first condition. One bulk rapidfuzz call over the
    unit's register instead of a Python loop; the records kept are then scored exactly as before."""
    hits = process.extract(folded, names, scorer=fuzz.ratio, limit=None, score_cutoff=FULL_NAME_MIN - _PREFILTER_MARGIN)
    return sorted(pos for _name, _score, pos in hits)


def prepare_register(tax: pd.DataFrame) -> pd.DataFrame:
    tax = tax.copy()
    tax["name_folded"] = _folded_names(tax["name"])
    return tax


#: the columns of a listing row that identity reads (``sector`` when the listing has it)
_IDENTITY_COLUMNS = [
    "unit_code",
    "name",
    "tax_code_parent",
    "tax_code_raw",
    "tax_code_valid",
    "source_file",
    "sheet",
    "row_number",
    "sector",
]


def resolve_identities(coops: pd.DataFrame, tax: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Add ``coop_key``, ``tax_code`` (resolved), ``tax_code_written``, ``match_method``, ``tax_index``.

    ``coops`` needs: unit_code, name, tax_code (normalised or None), tax_code_parent, tax_code_raw,
    tax_code_valid, source_file, sheet, row_number. ``tax`` is the staged register.
    """
    coops = coops.copy()
    # the register's names are folded unit by unit, for the units where a row is matched by name (most rows are
    # found by their code: folding every name of a large register would be most of the work)
    register = (
        tax if not tax.empty else pd.DataFrame(columns=["tax_code_parent", "unit_code", "name_folded", "entity_type"])
    )
    # a 10-digit code finds the cooperative's own record; its branches (10-3 codes, same parent) only stand in
    # when the register lists no record of the parent itself. Otherwise the first record of a code wins.
    by_code: dict[str, object] = {}
    own_record: dict[str, bool] = {}
    for idx, code, own in zip(
        register.index,
        register.get("tax_code_parent", pd.Series(dtype=object)),
        register.get("tax_code", pd.Series(dtype=object)),
    ):
        if not isinstance(code, str):
            continue
        is_own = own == code
        if code not in by_code or (is_own and not own_record[code]):
            by_code[code] = idx
            own_record[code] = is_own
    htx_register = (
        register[_folded_names(register["entity_type"]).isin(COOPERATIVE_ENTITY_TYPES)]
        if not register.empty
        else register
    )
    unfolded = {u: g for u, g in htx_register.groupby("unit_code")} if not htx_register.empty else {}
    register_by_unit: dict[object, pd.DataFrame] = {}

    def register_of(unit: object) -> pd.DataFrame:
        """The unit's cooperative records, with their folded names."""
        if unit not in register_by_unit:
            register_by_unit[unit] = prepare_register(unfolded[unit]) if unit in unfolded else register.iloc[0:0]
        return register_by_unit[unit]

    keys, resolved, methods, tax_idx = [], [], [], []
    findings: list[Finding] = []
    used = [c for c in _IDENTITY_COLUMNS if c in coops]  # a row tuple of only these: the frame is wide
    for rec in coops[used].itertuples(index=False):
        written = rec.tax_code_raw
        parent = rec.tax_code_parent if rec.tax_code_valid else None
        ridx = by_code.get(parent) if parent else None
        method = "tax_code" if ridx is not None else "none"
        reason, match = None, None
        if ridx is None:
            candidates = register_of(rec.unit_code)
            sector = getattr(rec, "sector", None)
            if "sector" in candidates and isinstance(sector, str):  # the register tells the sector: only that one
                candidates = candidates[candidates["sector"].isna() | (candidates["sector"] == sector)]
            match, reason = best_name_match(rec.name, candidates)
            if match is not None:
                ridx, method = match.index, "name"
        if method == "tax_code":
            # a valid code the register knows, nothing to report: the common row. The record found carries that
            # code as its parent code (by_code's key), which is the cooperative's key.
            keys.append(parent)
            resolved.append(parent)
            methods.append(method)
            tax_idx.append(ridx)
            continue
        loc = dict(
            unit_code=rec.unit_code, source_file=rec.source_file, sheet=rec.sheet, row_number=int(rec.row_number)
        )
        code = register.at[ridx, "tax_code_parent"] if ridx is not None else parent
        key = code if code else f"name:{rec.unit_code}:{fold_name(rec.name)}"
        entity_key = code if code else rec.name
        if written and not rec.tax_code_valid:
            findings.append(
                Finding(
                    "TAX_CODE_INVALID",
                    f"HTX '{rec.name}': mã số thuế '{written}' không hợp lệ (sai độ dài hoặc sai số kiểm tra)",
                    entity_key=entity_key,
                    value_reported=written,
                    value_computed=code,
                    rule="6",
                    **loc,
                )
            )
        if method == "name" and match is not None:
            reg_name = register.at[ridx, "name"]
            how = ""
            if match.confusion:
                how = (
                    f" (khác một cách viết thường gặp: '{match.confusion[0]}' / '{match.confusion[1]}', "
                    "là bản ghi duy nhất như vậy của đơn vị)"
                )
            findings.append(
                Finding(
                    "NAME_MATCH",
                    f"HTX '{rec.name}' (mã số thuế ghi '{written or ''}') được đối chiếu theo tên với "
                    f"'{reg_name}' (MST {code}) trong danh sách của cơ quan thuế{how}",
                    entity_key=entity_key,
                    value_reported=rec.name,
                    value_computed=reg_name,
                    rule="7.1",
                    **loc,
                )
            )
        if ridx is None:
            extra = " (có nhiều bản ghi cùng tên gần giống, không tự chọn)" if reason == "ambiguous" else ""
            if not tax.empty:  # no register read: TAX_REGISTER_MISSING says so once (ingest/period.py)
                findings.append(
                    Finding(
                        "NO_TAX_RECORD",
                        f"HTX '{rec.name}' không có trong danh sách của cơ quan thuế{extra}: vẫn được "
                        f"tính, nhưng không được coi là đang hoạt động có kê khai thuế",
                        entity_key=entity_key,
                        value_reported=written,
                        rule="7.1",
                        **loc,
                    )
                )
            method = "none"
        keys.append(key)
        resolved.append(code)
        methods.append(method)
        tax_idx.append(ridx)
    coops["tax_code_written"] = coops["tax_code_raw"]
    coops["coop_key"] = keys
    coops["tax_code"] = resolved
    coops["match_method"] = methods
    coops["tax_index"] = tax_idx
    return coops, findings


def _keep_one(group: pd.DataFrame, tax: pd.DataFrame) -> tuple[object, str, str]:
    """Of the rows of one ``coop_key`` (more than one), the index label of the row kept, the unit it is counted
    in and why: the unit the tax register places the cooperative in, else the first unit by code."""
    tax_unit = None
    tidx = group["tax_index"].dropna()
    if not tidx.empty and not tax.empty:
        tax_unit = tax.at[tidx.iloc[0], "unit_code"]
    units = sorted(group["unit_code"].unique(), key=unit_sort_key)
    if tax_unit is not None and tax_unit in units:
        unit, why = tax_unit, f"địa chỉ đăng ký thuế thuộc đơn vị {tax_unit}"
    else:
        unit, why = units[0], "không xác định được theo địa chỉ thuế: giữ ở đơn vị có mã nhỏ nhất"
    kept = group[group["unit_code"] == unit].sort_values(["source_file", "row_number"]).index[0]
    return kept, unit, why


def _duplicate_findings(group: pd.DataFrame, kept: object, unit: str, why: str) -> list[Finding]:
    """A DUPLICATE finding for every row of ``group`` but the one kept."""
    findings = []
    for idx, rec in group.drop(index=kept).iterrows():
        where = "cùng tệp" if rec["unit_code"] == unit else f"đơn vị {rec['unit_code']}"
        findings.append(
            Finding(
                "DUPLICATE",
                f"HTX '{group.at[kept, 'name']}' được kê khai nhiều lần (cũng có ở {where}, "
                f"tệp '{rec['source_file']}', dòng {int(rec['row_number'])}); chỉ tính một lần ở đơn vị {unit}: {why}",
                unit_code=unit,
                entity_key=group.at[kept, "tax_code"] or group.at[kept, "name"],
                source_file=rec["source_file"],
                sheet=rec["sheet"],
                row_number=int(rec["row_number"]),
                value_reported=str(rec["unit_code"]),
                value_computed=str(unit),
                rule="7.2",
            )
        )
    return findings


def drop_duplicates(coops: pd.DataFrame, tax: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """§7.2: one row per ``coop_key``; attributed to the unit the tax register places it in, else the first unit.

    The rows stay in the order of each key's first row (the kept row of a duplicated key takes its place). Only
    the few duplicated keys are looked at one by one; a period has tens of thousands of keys listed once. Every
    row has a key (:func:`resolve_identities`); rows are told apart by position, whatever their index."""
    keys = coops["coop_key"]
    if keys.isna().any():
        raise ValueError("drop_duplicates: a row without coop_key (resolve_identities gives every row one)")
    repeated = keys.duplicated(keep=False).to_numpy()
    positions: list[int] = [int(p) for p in np.flatnonzero(~keys.duplicated(keep="first").to_numpy())]
    findings: list[Finding] = []
    if repeated.any():
        kept_of: dict[object, int] = {}
        for key, group in coops[repeated].set_axis(np.flatnonzero(repeated)).groupby("coop_key", sort=False):
            kept, unit, why = _keep_one(group, tax)
            kept_of[key] = int(kept)  # type: ignore[call-overload]  # a position: the group is labelled by positions
            findings += _duplicate_findings(group, kept, unit, why)
        positions = [kept_of.get(k, p) for k, p in zip(keys.iloc[positions], positions)]
    return coops.iloc[positions], findings


#: row-level findings raised before identity (reading, quarantine) that carry the written code or name
_REKEYED_KINDS = ("WORDS_DROPPED", "SECTOR_UNKNOWN", "VALUE_UNREADABLE", "STATUS_UNKNOWN", "ROW_QUARANTINED")
#: the tax register's facts a resolved cooperative carries
_TAX_FACTS = {
    "tax_status_code": "status_code",
    "tax_status_changed_on": "status_changed_on",
    "declared_revenue": "declared_revenue",
}


def _register_facts(tax: pd.DataFrame, column: str, tax_index: pd.Series) -> list:
    """``tax.at[i, column]`` for each register index label of ``tax_index`` (None where there is none), the
    values as ``.at`` returns them, without a lookup per row (the register's labels are unique: the staged
    frame's positions)."""
    values = tax[column]
    if isinstance(values.dtype, np.dtype) and values.dtype.kind not in "mM":
        at = dict(zip(tax.index, values.to_numpy()))  # the array's own scalars, as .at gives them
    else:  # dates and extension types: .iloc boxes them as .at does
        at = {label: values.iloc[p] for p, label in enumerate(tax.index)}
    return [at[i] if i is not None and i == i else None for i in tax_index]


def resolve_cooperatives(
    coops: pd.DataFrame, tax: pd.DataFrame, earlier: list[Finding]
) -> tuple[pd.DataFrame, list[Finding]]:
    """§7.1 identity, with the register's facts (status, its date, declared revenue), then §7.2 duplicates.
    The row-level findings raised before (``earlier``) are given the resolved key of their row."""
    coops, findings = resolve_identities(coops, tax)
    for col, register_col in _TAX_FACTS.items():
        coops[col] = _register_facts(tax, register_col, coops["tax_index"])
    key_of_row: dict[tuple[str | None, str | None, int | None], str] = {
        (src, sheet, int(row)): (code or name)
        for src, sheet, row, code, name in zip(
            coops["source_file"], coops["sheet"], coops["row_number"], coops["tax_code"], coops["name"]
        )
    }
    for f in [*earlier, *findings]:
        if f.kind in _REKEYED_KINDS and key_of_row.get(f.row_ref):
            f.entity_key = key_of_row[f.row_ref]
    coops, duplicates = drop_duplicates(coops, tax)
    return coops, findings + duplicates


def drop_duplicate_groups(groups: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """§7.2 for groups (THT): one per folded name within a unit; each further listing is a DUPLICATE."""
    groups = groups.assign(_key=groups["unit_code"].astype(str) + ":" + _folded_names(groups["name"]))
    dup = groups.duplicated("_key", keep="first")
    findings = [
        Finding(
            "DUPLICATE",
            f"THT '{rec.name}' được kê khai nhiều lần trong đơn vị: chỉ tính một lần",
            unit_code=rec.unit_code,
            entity_key=rec.name,
            source_file=rec.source_file,
            sheet=rec.sheet,
            row_number=int(rec.row_number),
            rule="7.2",
        )
        for rec in groups[dup].itertuples()
    ]
    return groups[~dup].drop(columns="_key"), findings

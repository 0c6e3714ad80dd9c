"""Data-quality findings (``dq_issue``): one per decision or problem of spec §6–§7, with a stable kind."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

import pandas as pd

from kttt_pipeline.core.vocabulary import read_vocab_csv


@dataclass(frozen=True)
class FindingKind:
    """One row of ``vocab/finding_kinds.csv``: a stable kind of spec §8, its severity, the rule it cites when the
    code that raises it names none, and its Vietnamese label (the same for the clerk and the signer)."""

    kind: str
    severity: str
    rule: str
    label_vi: str


@lru_cache(maxsize=1)
def finding_kinds() -> dict[str, FindingKind]:
    return {
        r["kind"]: FindingKind(r["kind"], r["severity"], r["rule"], r["label_vi"])
        for r in read_vocab_csv("finding_kinds.csv")
    }


@lru_cache(maxsize=1)
def rule_labels() -> dict[str, str]:
    """Rule id (spec §2–§11, "so_sanh_ky") → Vietnamese label; ``vocab/rules.csv``."""
    return {r["rule"]: r["label_vi"] for r in read_vocab_csv("rules.csv")}


@lru_cache(maxsize=1)
def _severities() -> dict[str, tuple[str, int]]:
    return {r["severity"]: (r["label_vi"], int(r["order"])) for r in read_vocab_csv("severities.csv")}


#: kind -> (severity, Vietnamese label), from ``vocab/finding_kinds.csv``
KINDS: dict[str, tuple[str, str]] = {k.kind: (k.severity, k.label_vi) for k in finding_kinds().values()}
#: severity -> Vietnamese label ("Lỗi (đã loại)", "Cảnh báo", "Ghi nhận"), ``vocab/severities.csv``
SEVERITY_VI: dict[str, str] = {s: label for s, (label, _o) in _severities().items()}
#: order of the findings sheet: what was excluded first, then what was changed, then decisions recorded
SEVERITY_ORDER: dict[str, int] = {s: order for s, (_l, order) in _severities().items()}


#: where a label of ``vocab/finding_kinds.csv`` names the province's kind ("toàn {province_word}")
PROVINCE_WORD = "{province_word}"


def kind_label(kind: str | None, province_word: str | None = None) -> str:
    """The Vietnamese label of a finding kind; an unknown kind is shown as its code. ``province_word``: the
    province's kind in force at the period's end (``core.admin_units.province_word``: "tỉnh", "thành phố") where
    the label names it; None: the first province kind of ``vocab/unit_kinds.csv``."""
    if not kind:
        return ""
    k = finding_kinds().get(kind)
    if k is None:
        return kind
    if province_word is None and PROVINCE_WORD in k.label_vi:
        from kttt_pipeline.core.admin_units import province_word as word_of

        province_word = word_of([])
    return k.label_vi.replace(PROVINCE_WORD, province_word or "")


def severity_label(severity: str | None) -> str:
    return SEVERITY_VI.get((severity or "").lower(), severity or "")


def rule_key(rule: object) -> str:
    """``"§7.6:mw_gt_workers"`` → ``"7.6"``: the rule a finding cites, without the check that failed."""
    if rule is None:
        return ""
    return str(rule).strip().lstrip("§").strip().split(":")[0].strip()


def rule_label(rule: str | None) -> str:
    """``"7.4"`` → ``"Tình trạng theo cơ quan thuế (§7.4)"``; unknown rules are shown as ``§<rule>``."""
    key = rule_key(rule)
    if not key:
        return ""
    labels = rule_labels()
    if key in labels:
        return labels[key]
    parent = ".".join(key.split(".")[:2])
    if key.count(".") > 1 and parent in labels:
        return f"{labels[parent]} — {key}"
    return f"§{key}" if key.split(".")[0].isdigit() else key


DQ_COLUMNS = [
    "period",
    "kind",
    "severity",
    "unit_code",
    "entity_key",
    "source_file",
    "sheet",
    "row_number",
    "detail",
    "value_reported",
    "value_computed",
    "rule",
    "current_unit_code",
    "former_unit_code",
]


@dataclass
class Finding:
    kind: str
    detail: str  # Vietnamese, for the clerk and the signer
    unit_code: str | None = None
    entity_key: str | None = None
    source_file: str | None = None
    sheet: str | None = None
    row_number: int | None = None
    value_reported: str | None = None
    value_computed: str | None = None
    rule: str | None = None
    severity: str = field(default="")
    #: the unit in force since the 2025 reform the finding concerns, where it concerns a former unit or places a row
    #: of a former unit in a current one (unit_code is then the former unit); the loader fills it for a finding
    #: about a unit still in force (the unit itself)
    current_unit_code: str | None = None
    #: the unit no longer in force the finding concerns where unit_code (a unit reporting for the period) cannot
    #: name it: a return whose title names it, a cooperative counted in it before the reform, a restated row of it
    former_unit_code: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind}")
        if not self.severity:
            self.severity = KINDS[self.kind][0]
        if self.rule is None:
            self.rule = finding_kinds()[self.kind].rule or None

    @property
    def row_ref(self) -> tuple[str | None, str | None, int | None]:
        return (self.source_file, self.sheet, self.row_number)


def findings_frame(
    findings: list[Finding], period: str, current_units: set[str] | frozenset[str] = frozenset()
) -> pd.DataFrame:
    """The ``dq_issue`` frame of ``findings``; a finding about a unit still in force (its ``unit_code`` one of
    ``current_units``) that names no current unit gets its own unit as ``current_unit_code``."""
    rows = [{"period": period, **asdict(f)} for f in findings]
    for row in rows:
        if row["current_unit_code"] is None and row["unit_code"] in current_units:
            row["current_unit_code"] = row["unit_code"]
    df = pd.DataFrame(rows, columns=DQ_COLUMNS) if rows else pd.DataFrame(columns=DQ_COLUMNS)
    df["row_number"] = df["row_number"].astype("Int64")
    return df[DQ_COLUMNS]

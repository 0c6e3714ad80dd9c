"""The labels a clerk and a signer read are data, kept once (issue 15): finding kinds, rules, sector / status /
grade labels, one Vietnamese number and date format."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import kttt_pipeline
from kttt_pipeline.core import findings

PACKAGE = Path(kttt_pipeline.__file__).parent
SOURCES = [p for p in PACKAGE.rglob("*.py") if "demo" not in p.relative_to(PACKAGE).parts]
_CODE = re.compile(r"^[A-Z][A-Z_]+$")


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _raised_kinds() -> dict[str, str]:
    """Every finding kind the package raises: the first argument of ``Finding(...)`` and of the small local helpers
    that wrap it (``finding(...)``, ``_reject(..., kind=...)``), ``kind=`` keywords and ``kind`` parameter
    defaults. kind → where it is first seen."""
    kinds: dict[str, str] = {}

    def add(node: ast.AST, where: str) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _CODE.match(node.value):
            kinds.setdefault(node.value, where)

    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                if _call_name(node).lower() == "finding" and node.args:
                    add(node.args[0], where)
                for kw in node.keywords:
                    if kw.arg == "kind":
                        add(kw.value, where)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + list(node.args.defaults) \
                    + list(node.args.kw_defaults)
                for arg, default in zip(args, defaults):
                    if arg.arg == "kind" and default is not None:
                        add(default, where)
    return kinds


def test_the_collector_sees_the_kinds_raised_through_helpers():
    kinds = _raised_kinds()
    # raised directly, through records.parse_record's finding(...) and through ingest.period._reject(kind=...)
    for kind in ("DUPLICATE", "VALUE_UNREADABLE", "UNIT_UNKNOWN", "UNIT_NOT_IN_FORCE", "FILE_REJECTED"):
        assert kind in kinds, kind
    assert len(kinds) >= 20


def test_every_kind_raised_has_a_row_with_a_severity_a_rule_and_a_label():
    table = findings.finding_kinds()
    missing = {k: where for k, where in _raised_kinds().items() if k not in table}
    assert missing == {}
    for kind in table.values():
        assert kind.severity in findings.SEVERITY_VI, kind
        assert kind.label_vi and kind.label_vi != kind.kind, kind
        assert kind.rule in findings.rule_labels(), kind  # every default rule has a label


def test_every_rule_cited_in_code_has_a_label():
    cited: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node).lower() == "finding":
                for kw in node.keywords:
                    if kw.arg == "rule":
                        value = kw.value
                        if isinstance(value, ast.BinOp):  # "7.6:" + ",".join(rules)
                            value = value.left
                        assert isinstance(value, ast.Constant), f"{path}:{node.lineno}: rule not written out"
                        cited.setdefault(findings.rule_key(value.value), f"{path.name}:{node.lineno}")
    assert {"7.4", "7.6", "so_sanh_ky"} <= set(cited)
    assert {r: w for r, w in cited.items() if r not in findings.rule_labels()} == {}


def test_clerk_and_signer_read_one_label_and_file_rejections_cite_a_labelled_rule():
    from kttt_pipeline.publish import findings_vi

    for kind in findings.finding_kinds():
        assert findings_vi.kind_label(kind) == findings.kind_label(kind) == findings.KINDS[kind][1]
    rejected = findings.Finding("FILE_REJECTED", "Tệp 'x.xlsx' không được nạp")
    assert rejected.rule == "8" and "(§8)" in findings.rule_label(rejected.rule)
    assert findings.Finding("UNIT_NOT_IN_FORCE", "…").rule == "11"
    assert findings.Finding("DUPLICATE", "…", rule="7.2").rule == "7.2"  # a rule written out wins
    assert findings.kind_label("WORDS_DROPPED") == "Ô số có kèm chữ (đã bỏ phần chữ)"
    assert findings.rule_label("7.6:negative_value") == findings.rule_label("7.6")
    assert findings.rule_label("9.9") == "§9.9" and findings.kind_label("NOT_A_KIND") == "NOT_A_KIND"

"""`make check` (ruff, mypy, import-linter: settings in pyproject.toml) passes on the code as it is, and fails on a
planted import from a later stage, an unsorted import and a type error.

The Makefile's own target runs, on a copy of the tree (the package, tests, benchmarks, scripts, pyproject.toml and
the Makefile), with this interpreter's tools: what is planted is planted in the copy, never here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import strict_tools

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TOOLS = ("ruff", "mypy", "lint-imports")
COPIED = ("kttt_pipeline", "tests", "benchmarks", "scripts", "pyproject.toml", "Makefile")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    missing = [t for t in TOOLS if not (BIN / t).exists()] + ([] if shutil.which("make") else ["make"])
    if missing:
        why = f"{', '.join(missing)} not installed (the dev extras: pip install -e '.[dev]')"
        if strict_tools():
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    root = tmp_path_factory.mktemp("tree")
    ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".ruff_cache", "*.pyc")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=ignore)
        else:
            shutil.copy2(src, root / name)
    return root


def make_check(root: Path) -> subprocess.CompletedProcess:
    """`make check` in ``root`` with this interpreter's tools (``-o venv``: the copy has no .venv to set up)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-o", "venv", f"BIN={BIN}", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def planted(root: Path, path: str, text: str):
    """Write ``text`` as ``path`` of the copy, run `make check`, remove it."""
    target = root / path
    target.write_text(text, encoding="utf-8")
    try:
        return make_check(root)
    finally:
        target.unlink()


def test_the_tree_as_it_is_passes_every_check(tree):
    run = make_check(tree)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    for command in ("ruff check", "ruff format", "mypy", "lint-imports"):
        assert command in out  # make echoes each command it runs: none was skipped
    assert "mypy kttt_pipeline/core/" in out and "kttt_pipeline/reconcile/" in out
    assert "Contracts: 2 kept, 0 broken." in out


def test_an_import_from_a_later_stage_fails_the_layers_contract(tree):
    # lint-clean, formatted and outside mypy's packages: only the import contract can object
    run = planted(
        tree,
        "kttt_pipeline/ingest/planted.py",
        '"""Planted."""\n\nfrom kttt_pipeline.publish.report import publish_period\n\n__all__ = ["publish_period"]\n',
    )
    out = run.stdout + run.stderr
    assert run.returncode != 0
    assert "kttt_pipeline.ingest is not allowed to import kttt_pipeline.publish" in out
    assert "kttt_pipeline.ingest.planted -> kttt_pipeline.publish.report" in out


def test_an_unsorted_import_fails_ruff(tree):
    run = planted(tree, "kttt_pipeline/core/planted.py", '"""Planted."""\n\nimport sys\nimport os\n\nX = (os, sys)\n')
    out = run.stdout + run.stderr
    assert run.returncode != 0
    assert "I001" in out and "kttt_pipeline/core/planted.py" in out


def test_a_type_error_in_core_fails_mypy(tree):
    run = planted(
        tree, "kttt_pipeline/core/planted.py", '"""Planted."""\n\n\ndef half(n: int) -> int:\n    return n / 2\n'
    )
    out = run.stdout + run.stderr
    assert run.returncode != 0
    assert 'kttt_pipeline/core/planted.py:5: error: Incompatible return value type (got "float", expected "int")' in out

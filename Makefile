# kttt: two commands from a fresh clone.
#   make demo       set up .venv, write the demo's quarters into raw/ (the last closed one, the one before, the same
#                   quarter a year earlier: `kttt demo-periods`), load them into the warehouse, recording the runs in
#                   the Dagster instance `make ui` opens (DAGSTER_HOME), and print where the results are
#   make test       set up .venv (and a throwaway PostgreSQL server), run `make check`, then the whole test suite
#                   (what .ci/run runs)
# while developing:
#   make check      lint, format, types and import layers (ruff, mypy, import-linter; settings in pyproject.toml)
#   make test-fast  the unit tests (tests/unit/): no tool installation, no PostgreSQL
#   make deadcode   vulture over the package (vulture_whitelist.py: what frameworks use by name)
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# PERIOD: default the last closed quarter, computed by `kttt last-period` (kttt_pipeline/core/periods.py)
PERIOD ?=
# the Dagster instance `make demo` records its runs in and `make ui` opens (runs, materialized partitions, ticks);
# a new one gets a dagster.yaml with telemetry off (as dagster.yaml.example), local storage in the folder
DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: demo test test-fast check ui dagster-home venv clean deadcode

$(BIN)/kttt: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/kttt

venv: $(BIN)/kttt

demo: venv dagster-home
	@period="$(PERIOD)"; [ -n "$$period" ] || period=$$($(BIN)/kttt last-period) || exit 1; \
	periods=$$($(BIN)/kttt demo-periods --period $$period) || exit 1; \
	echo "Kỳ $$period (quý gần nhất đã kết thúc / last closed quarter) và các kỳ so sánh: $$periods"; \
	args=$$(for p in $$periods; do printf -- '--period %s ' $$p; done); \
	$(BIN)/kttt demo-data $$args --out raw/ && DAGSTER_HOME="$(DAGSTER_HOME_DIR)" $(BIN)/kttt materialize $$args && \
	echo "Giao diện Dagster (Dagster UI): make ui → http://127.0.0.1:3000, các kỳ $$periods đã chạy (materialized)"

test: venv check
	bash scripts/test.sh

# what ruff lints and formats (tests/contract_periods is excluded in pyproject.toml)
LINT_PATHS := kttt_pipeline tests benchmarks scripts
# the packages mypy checks: the layers below the stages and reconcile (those that exist)
MYPY_PACKAGES := $(wildcard $(addprefix kttt_pipeline/,core/ processes/ schema/ reconcile/))

# ruff (lint with import sorting, then the formatter's verdict), mypy, and the import contracts of pyproject.toml
# ([tool.importlinter]: the layers of docs/architecture.md, no import cycle within a package)
check: venv
	$(BIN)/ruff check --no-cache $(LINT_PATHS)
	$(BIN)/ruff format --no-cache --check $(LINT_PATHS)
	$(BIN)/mypy $(MYPY_PACKAGES)
	$(BIN)/lint-imports --no-cache --no-logo

# pure functions on small in-memory or tmp_path inputs; the pipeline, warehouse, Dagster runs, CLI, UI, PostgreSQL
# and the specimens are in tests/integration/ (run by `make test`)
test-fast: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

# the Dagster instance `make ui` opens: DAGSTER_HOME when set, else .dagster_home in the clone
DAGSTER_HOME_DIR := $(or $(DAGSTER_HOME),$(CURDIR)/.dagster_home)
# this Makefile's folder (the clone), also when make runs elsewhere with -f
HERE := $(dir $(abspath $(firstword $(MAKEFILE_LIST))))

# its dagster.yaml, from dagster_dev.yaml (the run queue's concurrency limit); a dagster.yaml not written from it
# (its first line is not the template's) is left as it is
dagster-home:
	@mkdir -p "$(DAGSTER_HOME_DIR)"; f="$(DAGSTER_HOME_DIR)/dagster.yaml"; \
	if [ ! -f "$$f" ] || head -n 1 "$$f" | grep -q '^# kttt: written by make'; then cp "$(HERE)dagster_dev.yaml" "$$f"; \
	else echo "$$f: not written from dagster_dev.yaml, left as it is"; fi

ui: venv dagster-home
	DAGSTER_HOME="$(DAGSTER_HOME_DIR)" $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# dead code: vulture over the package; vulture_whitelist.py lists what frameworks and libraries use by name
deadcode: venv
	$(BIN)/vulture kttt_pipeline vulture_whitelist.py --min-confidence 60

clean:
	rm -rf warehouse/*.db warehouse/reports .dagster_home

# the performance benchmark (not a test; minutes on 2 cores): it rewrites its sections of docs/performance.md.
# benchmark: the province period, the 700-unit national period, the post-reform series (issue 17);
# benchmark-national: a national quarter of the 34 provinces in the national layout (ROOT/<province>/<period>/)
.PHONY: benchmark benchmark-national
benchmark: venv
	$(BIN)/python benchmarks/run_benchmark.py

benchmark-national: venv
	$(BIN)/python benchmarks/run_benchmark.py --mode national-34

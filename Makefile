# kttt: two commands from a fresh clone.
#   make demo   set up .venv, write a demo period into raw/, run the pipeline, print where the results are
#   make test   set up .venv (and a throwaway PostgreSQL server) and run the whole test suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# PERIOD: default the last closed quarter, computed by `kttt last-period` (kttt_pipeline/periods.py)
PERIOD ?=

.PHONY: demo test ui venv clean deadcode

$(BIN)/kttt: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/kttt

venv: $(BIN)/kttt

demo: venv
	@period="$(PERIOD)"; [ -n "$$period" ] || period=$$($(BIN)/kttt last-period) || exit 1; \
	echo "Kỳ $$period (quý gần nhất đã kết thúc / last closed quarter): dữ liệu mẫu và công bố"; \
	$(BIN)/kttt demo-data --period $$period --out raw/ && $(BIN)/kttt materialize --period $$period

test: venv
	bash scripts/test.sh

ui: venv
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.dagster_home} sh -c 'mkdir -p "$$DAGSTER_HOME" && $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000'

# dead code: vulture over the package; vulture_whitelist.py lists what frameworks and libraries use by name
deadcode: venv
	$(BIN)/vulture kttt_pipeline vulture_whitelist.py --min-confidence 60

clean:
	rm -rf warehouse/*.db warehouse/reports .dagster_home

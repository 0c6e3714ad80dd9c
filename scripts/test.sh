#!/usr/bin/env bash
# Runs the whole test suite, tests/unit and tests/integration (`make test-fast` runs tests/unit alone).
# Called by `make test` (and so by .ci/run).
# Starts a throwaway PostgreSQL server for the warehouse tests (see scripts/postgres_server.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# browsers and office tools the tests drive (Debian packages, installed when missing)
bash scripts/install_test_tools.sh || { echo "could not install the test tools" >&2; exit 1; }

# PostgreSQL: installed and started by the project's own files (scripts/postgres_server.sh).
if [ -f scripts/postgres_server.sh ]; then
  # shellcheck source=/dev/null
  source scripts/postgres_server.sh
  postgres_start || { echo "could not start the test PostgreSQL server" >&2; exit 1; }
  trap postgres_stop EXIT
fi

# every tool above is installed and started: a test that cannot find one fails instead of skipping
export KTTT_TEST_STRICT=1
"$BIN/python" -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$rc"

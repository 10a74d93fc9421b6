#!/usr/bin/env bash
# The test command (README "Run the tests"): sets up what is missing, then lint + the whole suite.
# Needs PostgreSQL for the PostgreSQL half of the storage tests: TEST_DATABASE_URL
# (default postgresql://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
echo "== ruff"
.venv/bin/ruff check .
echo "== pytest"
.venv/bin/python -m pytest -p no:cacheprovider "$@"

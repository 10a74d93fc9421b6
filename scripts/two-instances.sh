#!/usr/bin/env bash
# Two machines behind a load balancer behave as one (docs/deploy.md): starts two issuer and two
# verifier instances (separate gunicorn processes, separate instance folders) on one PostgreSQL
# database and checks over real HTTP that rate limits, single-use OpenID4VCI codes and nonces,
# revocations and verifier requests are shared. Needs PostgreSQL: TEST_DATABASE_URL
# (default postgresql://postgres@127.0.0.1:5432/test; each run uses throw-away schemas).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
exec .venv/bin/python -m pytest -p no:cacheprovider -v tests/e2e/test_two_instances.py "$@"

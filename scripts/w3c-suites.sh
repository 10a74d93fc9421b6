#!/usr/bin/env bash
# Run the official W3C / W3C-CCG VC test suites against this checkout's issuer and verifier
# (docs/conformance.md). Not part of CI: it needs the suites' git snapshots and Node.
#
#   W3C_SUITES_MIRROR=/path/to/.mirror scripts/w3c-suites.sh [suite ...|all]   (default: all)
#
# Settings (environment):
#   W3C_SUITES_MIRROR    folder holding <owner>+<name>/repo git snapshots (required; without
#                        it the script says so and exits 0)
#   W3C_SUITES_HARNESS   the harness (default: ../shared/w3c-suites beside the repository)
#   W3C_SUITES_SCRATCH   where suites, results and this run's databases go
#                        (default: ../scratch/w3c-suites)
#   W3C_PORT_BASE        issuer on BASE, https proxy on BASE+1, verifier on BASE+2 (5111)
#   PYTHON               the Python with the project's dependencies (default .venv/bin/python)
# Extra arguments after `--` go to the harness's run.sh (e.g. -- --grep previousProof).
# `vc-jose-cose` (in `all`) is not an HTTP suite: it is run here, per test calling
# scripts/vc-jose-cose/impl.py (`passport sign` / `passport verify --key`) through a `docker`
# stand-in, and its figures are added to the same summary.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${W3C_SUITES_MIRROR:-}" ]; then
  echo "W3C_SUITES_MIRROR is not set: skipping the W3C suites (they need git snapshots of the"
  echo "suite repositories listed in the harness's suites.conf; see docs/conformance.md)."
  exit 0
fi
HARNESS=${W3C_SUITES_HARNESS:-$REPO/../shared/w3c-suites}
[ -x "$HARNESS/run.sh" ] || { echo "No harness at $HARNESS (set W3C_SUITES_HARNESS)" >&2; exit 2; }
export W3C_SUITES_MIRROR
export W3C_SUITES_SCRATCH=${W3C_SUITES_SCRATCH:-$REPO/../scratch/w3c-suites}
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)
BASE_PORT=${W3C_PORT_BASE:-5111}
ISSUER_PORT=$BASE_PORT TLS_PORT=$((BASE_PORT + 1)) VERIFIER_PORT=$((BASE_PORT + 2))

SUITES=() RUN_ARGS=()
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; RUN_ARGS=("$@"); break ;;
    *) SUITES+=("$1"); shift ;;
  esac
done
[ ${#SUITES[@]} -gt 0 ] || SUITES=(all)
JOSE_COSE=0 HTTP_SUITES=()
for s in "${SUITES[@]}"; do
  case $s in
    vc-jose-cose) JOSE_COSE=1 ;;
    all) JOSE_COSE=1; HTTP_SUITES+=(all) ;;
    *) HTTP_SUITES+=("$s") ;;
  esac
done

"$HARNESS/setup.sh" >/dev/null
# The proxy's certificate: made here if run.sh has not made it yet, so the verifier can trust
# it for status lists fetched back through the proxy.
TLSDIR=$W3C_SUITES_SCRATCH/tls
if [ ! -f "$TLSDIR/cert.pem" ]; then
  mkdir -p "$TLSDIR"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$TLSDIR/key.pem" -out "$TLSDIR/cert.pem" 2>/dev/null
fi

# A fresh instance per run: nothing is shared with the demo or a deployment.
RUN=$W3C_SUITES_SCRATCH/project-run
rm -rf "$RUN"; mkdir -p "$RUN/issuer" "$RUN/verifier" "$RUN/did-documents"
export PYTHONPATH=$REPO${PYTHONPATH:+:$PYTHONPATH}
# This checkout's command line (not whatever `passport` an installed venv points at).
CLI_MODULE=passport_cli.main
[ -f "$REPO/passport_cli/main.py" ] && CLI_MODULE=passport_cli.main
passport() { "$PYTHON" -c "import sys; from $CLI_MODULE import main; sys.exit(main())" "$@"; }
MASTER=$(passport keys master-key)
ISSUER_ENV=(PASSPORT_MASTER_KEY="$MASTER" ISSUER_INSTANCE="$RUN/issuer" ISSUER_CONFORMANCE=1
  PUBLIC_URL="https://127.0.0.1:$TLS_PORT" TRUST_PROXY=1
  PASSPORT_DID_DOCUMENTS_OUT="$RUN/did-documents")
VERIFIER_ENV=(VERIFIER_INSTANCE="$RUN/verifier" PASSPORT_HTTP_HOSTS="127.0.0.1:$TLS_PORT"
  PASSPORT_CA_BUNDLE="$TLSDIR/cert.pem" PUBLIC_URL="http://127.0.0.1:$VERIFIER_PORT")

(export "${ISSUER_ENV[@]}"; passport issuer init) > "$RUN/issuer-init.txt"
ED=$(sed -n 's/.*(Ed25519): \(did:key:[^ ]*\).*/\1/p' "$RUN/issuer-init.txt")
P256=$(sed -n 's/.*(P-256): \(did:key:[^ ]*\).*/\1/p' "$RUN/issuer-init.txt")
[ -n "$ED" ] && [ -n "$P256" ] || { echo "issuer init printed no test issuers:" >&2
  cat "$RUN/issuer-init.txt" >&2; exit 1; }
(export "${VERIFIER_ENV[@]}"; passport verifier init) > /dev/null

PIDS=()
cleanup() { local pid; for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
env "${ISSUER_ENV[@]}" "$PYTHON" -m gunicorn --workers 2 --bind "127.0.0.1:$ISSUER_PORT" \
  --forwarded-allow-ips=127.0.0.1 'issuer:create_app()' > "$RUN/issuer.log" 2>&1 &
PIDS+=($!)
env "${VERIFIER_ENV[@]}" "$PYTHON" -m gunicorn --workers 2 --bind "127.0.0.1:$VERIFIER_PORT" \
  'verifier:create_app()' > "$RUN/verifier.log" 2>&1 &
PIDS+=($!)
for port in "$ISSUER_PORT" "$VERIFIER_PORT"; do
  for _ in $(seq 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/openapi.json" && break; sleep 0.2
  done
  curl -fs -o /dev/null "http://127.0.0.1:$port/openapi.json" ||
    { echo "service on port $port did not start (logs in $RUN)" >&2; exit 1; }
done
echo "[w3c-suites] issuer :$ISSUER_PORT ($ED, $P256), verifier :$VERIFIER_PORT, logs in $RUN"

V=http://127.0.0.1:$VERIFIER_PORT
rc=0
if [ ${#HTTP_SUITES[@]} -gt 0 ]; then
  W3C_ROUTES=/credentials/verify=$V,/presentations/verify=$V,/1.0/identifiers=$V \
    "$HARNESS/run.sh" --tls-port "$TLS_PORT" --issuer-id "$ED" --ecdsa-issuer-id "$P256" \
    ${RUN_ARGS[@]+"${RUN_ARGS[@]}"} "http://127.0.0.1:$ISSUER_PORT" "${HTTP_SUITES[@]}" || rc=$?
fi

if [ "$JOSE_COSE" = 1 ]; then
  # The suite lists the implementations whose settings carry a `jose-cose` block; with a
  # localConfig.cjs only ours, declaring the features impl.py supports (all six).
  # Node 20 needs --harmony-iterator-helpers for the suite's Iterator.prototype.map (Node 22).
  SUITE=$W3C_SUITES_SCRATCH/suites/vc-jose-cose
  RESULTS=${W3C_RESULTS_DIR:-$W3C_SUITES_SCRATCH/results}
  mkdir -p "$RESULTS" "$SUITE/tests/output"
  "$PYTHON" "$REPO/scripts/vc-jose-cose/impl.py" --local-config > "$SUITE/localConfig.cjs"
  echo "[run] vc-jose-cose ..."
  rm -f "$RESULTS/vc-jose-cose.json"
  (cd "$SUITE" && env PATH="$REPO/scripts/vc-jose-cose:$PATH" PYTHON="$PYTHON" \
      VC_JOSE_COSE_TESTS="$SUITE/tests" APP_ROOT_PATH="$SUITE" \
      W3C_SUITE_RESULT="$RESULTS/vc-jose-cose.json" \
      node_modules/.bin/mocha --node-option harmony-iterator-helpers tests/ \
        --reporter "$HARNESS/lib/summary-reporter.cjs" \
        --timeout 60000 --preserve-symlinks --exit ${RUN_ARGS[@]+"${RUN_ARGS[@]}"} \
      > "$RESULTS/vc-jose-cose.log" 2>&1) || rc=1
  node "$HARNESS/lib/summarize.mjs" "$RESULTS" vc-jose-cose || rc=1
fi
exit $rc

#!/usr/bin/env bash
# Fresh-machine set-up (README "Quick start"): Debian packages for the browser tests, the Python
# virtual environment with the project and its test tools, and the front-end packages from npm.
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
# the benchmarks' load generator (benchmarks/verify_load.py) and instruction counter
# (benchmarks/issuer_instructions.py)
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v valgrind >/dev/null 2>&1 || need_apt+=(valgrind)
# the font the PDFs embed (passport_web/pdf_font.py); the wallet and issuer refuse to start
# without it
for font in DejaVuSans.ttf DejaVuSans-Bold.ttf; do
  [ -f "/usr/share/fonts/truetype/dejavu/$font" ] || { need_apt+=(fonts-dejavu-core); break; }
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "!! please install: ${need_apt[*]} (the browser and PDF tests, the services and the benchmarks need them)" >&2
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "== installing the project and its test tools into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  # cborld (CBOR-LD, for VP1- QR codes) declares Python >= 3.12 and cbor2 < 6, but uses no
  # 3.12-only syntax or library and reads and writes CBOR-LD 1.0 on Python 3.11 with cbor2 6
  # (checked by tests/core/test_vpqr.py against Digital Bazaar's own output; the one parser path
  # cbor2 6 breaks, legacy tag 0x0501, passport_vc/vpqr.py avoids). cbor2 6 is what webauthn
  # (passkeys) requires, so cborld's "< 6" cannot be honoured. Hence it is installed without
  # its metadata checks, at an exact version, and its real dependencies (cbor2, base58) are in
  # pyproject.toml. It cannot go in pyproject.toml itself: pip would refuse the whole install.
  # Drop --ignore-requires-python when the project moves to Python 3.12.
  .venv/bin/python -m pip install -q --no-deps --ignore-requires-python cborld==1.0.0
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ -f package.json ]; then
  lock_stamp=node_modules/.installed-$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
  if [ ! -f "$lock_stamp" ]; then
    echo "== installing front-end packages from npm"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi
    rm -f node_modules/.installed-*
    touch "$lock_stamp"
  fi
fi
echo "== set up"

#!/usr/bin/env bash
# Set up a development environment from scratch: .venv with respnb (editable) and its test
# extras, the front-end bundle (npm + esbuild), and, as root, Debian's chromium for browser tests.
# Idempotent: re-running only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "respnb needs Python >= 3.10 (found: $("$PY" --version 2>&1)); set PYTHON=..." >&2
  exit 2
fi

if [ "${RESPNB_WITH_BROWSER:-1}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian chromium (browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "!! /usr/bin/chromium is missing: browser tests will be skipped (apt-get install chromium)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
echo "== installing respnb and test dependencies into .venv"
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

echo "== building the front end (js/ -> src/respnb/static/)"
if [ ! -d js/node_modules ]; then (cd js && npm ci --no-audit --no-fund --loglevel=error); fi
(cd js && npm run --silent build)
if [ "${RESPNB_WITH_PEERS:-1}" = 1 ]; then
  bash scripts/peers.sh  # aimock and LiteLLM's proxy for tests/peers (into .peers/)
fi
echo "== setup done"

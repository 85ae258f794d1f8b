#!/usr/bin/env bash
# Set up a development environment from scratch: .venv with respnb (editable) and the dev
# dependency group, the front-end bundle (npm + esbuild), and, as root, Debian's chromium for
# browser tests. Idempotent: when nothing it depends on changed since the last run (a stamp of
# pyproject.toml, js/ sources and lock, hatch_build.py and this script) it only says so;
# RESPNB_FORCE_SETUP=1 runs it anyway.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "respnb needs Python >= 3.11 (found: $("$PY" --version 2>&1)); set PYTHON=..." >&2
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

STAMP=.venv/.respnb-setup-stamp
stamp() {
  cat pyproject.toml hatch_build.py scripts/setup.sh js/package.json js/package-lock.json \
    js/*.js js/*.mjs js/*.css 2>/dev/null | sha256sum | cut -d' ' -f1
}
if [ "${RESPNB_FORCE_SETUP:-0}" != 1 ] && [ -x .venv/bin/python ] && [ -f "$STAMP" ] \
  && [ -f src/respnb/static/response_view.js ] && [ "$(cat "$STAMP")" = "$(stamp)" ]; then
  echo "== setup is up to date (nothing changed since the last run; RESPNB_FORCE_SETUP=1 redoes it)"
  if [ "${RESPNB_WITH_PEERS:-1}" = 1 ]; then bash scripts/peers.sh; fi  # idempotent, quick
  exit 0
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
echo "== installing respnb and the dev dependency group into .venv"
# dependency groups need pip >= 25.1 (pip install --group)
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade "pip>=25.1"
.venv/bin/python -m pip install -q --disable-pip-version-check --group dev -e .

echo "== building the front end (js/ -> src/respnb/static/)"
if [ ! -d js/node_modules ] || [ js/package-lock.json -nt js/node_modules/.package-lock.json ]; then
  (cd js && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd js && npm run --silent build)
stamp >"$STAMP"
if [ "${RESPNB_WITH_PEERS:-1}" = 1 ]; then
  bash scripts/peers.sh  # aimock and LiteLLM's proxy for tests/peers (into .peers/)
fi
echo "== setup done"

#!/usr/bin/env bash
# The whole test suite, as CI runs it: setup, lint, types, pytest (unit, server, browser, notebooks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
export RESPNB_LOCAL_PACE="${RESPNB_LOCAL_PACE:-0}"  # notebooks: the on-demand local server at full speed
echo "== ruff"
ruff check src tests bench
ruff format --check src tests bench
echo "== mypy (strict) on src/"
mypy
echo "== pytest"
python -m pytest tests notebooks --nbval-lax -p no:cacheprovider "$@"

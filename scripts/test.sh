#!/usr/bin/env bash
# The whole test suite, as CI runs it: setup, lint, types, pytest (unit, server, browser,
# notebooks, third-party peers), then the lowest-versions job and the sdist/wheel installs.
# Arguments go to pytest and run just that (e.g. `bash scripts/test.sh tests/core -x`).
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
if [ $# -eq 0 ]; then
  # the whole run (no pytest arguments given): also the supported version range and the
  # built artifacts, each in a venv of its own
  bash scripts/test-lowest.sh  # every direct dependency at its lower bound: smoke tests
  bash scripts/test-dist.sh    # sdist and wheel in clean venvs, no Node: serve --help, %%respond
fi

#!/usr/bin/env bash
# Set up and open the quickstart notebook in JupyterLab, offline: respnb starts its own local
# Responses-API server on demand (no key needed). With --headless the notebook is executed instead
# and the result written to notebooks/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
RESPNB_WITH_BROWSER=0 RESPNB_WITH_PEERS=0 bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
if [ "${1:-}" = "--headless" ]; then
  mkdir -p notebooks/out
  jupyter nbconvert --to notebook --execute notebooks/quickstart.ipynb --output-dir notebooks/out
  echo "executed: notebooks/out/quickstart.ipynb"
else
  exec jupyter lab notebooks/quickstart.ipynb
fi

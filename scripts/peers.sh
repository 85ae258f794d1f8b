#!/usr/bin/env bash
# Third-party Responses/Chat Completions servers for the interoperability tests (tests/peers/),
# installed from the package registries into the git-ignored .peers/ folder:
#   .peers/node     aimock (npm @copilotkit/aimock), a mock of OpenAI's HTTP APIs
#   .peers/litellm  LiteLLM's proxy (PyPI litellm[proxy]) in a venv of its own, so its pins
#                   never touch the project's .venv
# Idempotent: a peer already at the pinned version is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

AIMOCK_VERSION=1.43.0
LITELLM_VERSION=1.106.12
PY=${PYTHON:-python3}

installed_aimock=$(node -e "try{console.log(require('./.peers/node/node_modules/@copilotkit/aimock/package.json').version)}catch{}" 2>/dev/null || true)
if [ "$installed_aimock" != "$AIMOCK_VERSION" ]; then
  echo "== installing aimock $AIMOCK_VERSION into .peers/node"
  mkdir -p .peers/node
  npm install --prefix .peers/node --no-audit --no-fund --loglevel=error --no-save \
    "@copilotkit/aimock@$AIMOCK_VERSION" >/dev/null
fi

if [ ! -x .peers/litellm/bin/litellm ] ||
  ! .peers/litellm/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('litellm') != '$LITELLM_VERSION')" 2>/dev/null; then
  echo "== installing LiteLLM proxy $LITELLM_VERSION into .peers/litellm"
  "$PY" -m venv .peers/litellm
  .peers/litellm/bin/python -m pip install -q --disable-pip-version-check \
    "litellm[proxy]==$LITELLM_VERSION"
fi
echo "== peers ready (aimock $AIMOCK_VERSION, litellm $LITELLM_VERSION)"

#!/usr/bin/env bash
# The lowest allowed versions: every direct dependency of respnb at its lower bound (uv
# --resolution lowest-direct) in a separate venv, .venv-lowest, then the client, server and
# notebook smoke tests against this checkout's src/. Needs scripts/setup.sh first (for uv).
set -euo pipefail
cd "$(dirname "$0")/.."
UV=.venv/bin/uv
PY=.venv/bin/python
VENV=.venv-lowest
[ -x "$UV" ] || { echo "uv is missing: run scripts/setup.sh first" >&2; exit 2; }
echo "== $VENV: direct dependencies at their lowest allowed versions"
"$UV" venv -q --allow-existing "$VENV" --python "$PY"
"$UV" pip install -q --python "$VENV/bin/python" --resolution lowest-direct -r pyproject.toml
"$UV" pip freeze --python "$VENV/bin/python" >"$VENV/lowest.txt"
# test tools at their newest, without moving any dependency chosen above
"$UV" pip install -q --python "$VENV/bin/python" -c "$VENV/lowest.txt" \
  pytest pytest-asyncio openai jsonschema nbformat nbclient ipykernel mypy mistune hypothesis ruff
grep -iE '^(httpx|pydantic|pandas|ipywidgets|anywidget|starlette|uvicorn|python-multipart|nh3|platformdirs)==' \
  "$VENV/lowest.txt" | tr '\n' ' '
echo
echo "== smoke tests at the lowest versions"
PYTHONPATH="$PWD/src" RESPNB_LOCAL_PACE=0 "$VENV/bin/python" -m pytest -p no:cacheprovider -p no:anyio -q \
  tests/client tests/server/test_openai_sdk.py tests/server/test_store_launch.py \
  tests/magics tests/tasks/test_table.py tests/packaging/test_respond.py \
  tests/packaging/test_shared_bundle.py \
  --deselect tests/magics/test_kernel.py::test_cancel_click_stops_a_busy_foreground_cell "$@"
# (that one needs a kernel that routes a comm's messages to a subshell, which the test tools'
# ipykernel here may lack: the view then says to interrupt the kernel instead)

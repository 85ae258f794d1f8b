#!/usr/bin/env bash
# Installed as users get it: build the sdist and the wheel (the wheel from the sdist, as pip
# does), check both carry the front-end bundle, then install each in a clean venv outside the
# repo with no Node.js on PATH and run `respnb serve --help` and a %%respond in a kernel.
# Needs scripts/setup.sh first (for uv and the built bundle).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
UV=$REPO/.venv/bin/uv
PY=$(readlink -f .venv/bin/python)
[ -x "$UV" ] || { echo "uv is missing: run scripts/setup.sh first" >&2; exit 2; }
OUT=$(mktemp -d "${TMPDIR:-/tmp}/respnb-dist.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
mkdir -p "$OUT/nonode"  # PATH for the installs: no npm, no node

echo "== building the sdist and (from it) the wheel"
"$UV" build -q --out-dir "$OUT/dist" "$REPO"
SDIST=$(ls "$OUT"/dist/respnb-*.tar.gz)
WHEEL=$(ls "$OUT"/dist/respnb-*.whl)
tar -tzf "$SDIST" >"$OUT/sdist.txt"
"$PY" -m zipfile -l "$WHEEL" >"$OUT/wheel.txt"
grep -q 'src/respnb/static/response_view.js$' "$OUT/sdist.txt" || { echo "sdist lacks the bundle" >&2; exit 1; }
grep -q 'respnb/static/response_view.js' "$OUT/wheel.txt" || { echo "wheel lacks the bundle" >&2; exit 1; }

cat >"$OUT/check.py" <<'PY'
"""Run inside the installed venv, outside the repo: a %%respond in a real kernel (nbclient)."""
import os, pathlib, subprocess, sys
import nbformat
from nbclient import NotebookClient
import respnb
here = pathlib.Path(respnb.__file__).resolve()
assert "site-packages" in str(here), f"respnb imported from {here}, not the install"
assert (here.parent / "static" / "response_view.js").is_file(), "installed without the bundle"
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell("%load_ext respnb"),
            nbformat.v4.new_code_cell("%%respond\nSay hello from the installed package."),
            nbformat.v4.new_code_cell("import respnb\nprint('STATUS', _r.status, len(_r.output_text) > 0)\n"
                                      "print('FROM', respnb.__file__)")]
NotebookClient(nb, timeout=300, kernel_name="python3").execute()
text = "".join(o.get("text", "") for o in nb.cells[2].outputs)
assert "STATUS completed True" in text, nb.cells[1].outputs
assert f"FROM {here}" in text, text  # the kernel ran the installed package too
kinds = {k for o in nb.cells[1].outputs for k in o.get("data", {})}
# the live view ran, and the finished answer was saved as its static rendering (no widget)
assert "text/html" in kinds and "application/vnd.jupyter.widget-view+json" not in kinds, kinds
html = "".join(o.get("data", {}).get("text/html", "") for o in nb.cells[1].outputs)
assert "respnb-static" in html and "completed" in html, html[:500]
subprocess.run([sys.executable, "-m", "respnb", "serve", "stop"], check=False)
print(f"ok: %%respond in a kernel with respnb {respnb.__version__} from {here.parent}")
PY

for artifact in "$SDIST" "$WHEEL"; do
  name=$(basename "$artifact")
  venv="$OUT/venv-${name##*.}"
  echo "== $name: clean venv, installed with no Node.js on PATH"
  "$UV" venv -q "$venv" --python "$PY"
  PATH="$OUT/nonode" "$UV" pip install -q --python "$venv/bin/python" "$artifact" nbclient ipykernel
  (
    cd "$OUT"
    unset PYTHONPATH
    export RESPNB_HOME="$OUT/home-${name##*.}" RESPNB_LOCAL_PACE=0
    "$venv/bin/respnb" serve --help >/dev/null
    "$venv/bin/python" "$OUT/check.py"
  )
done
echo "== sdist and wheel install and run without Node.js"

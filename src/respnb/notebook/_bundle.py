"""One copy of a widget's front-end bundle per kernel, shared by every view.

anywidget sends a widget's ``_esm`` (and ``_css``) as traits of *each* model, so a notebook
saved with widget state would hold the whole bundle once per answer. Instead each view's
``_esm`` is :data:`LOADER` (under 2 kB) and its ``bundle`` trait references one shared
:class:`SharedBundle` model holding the code and styles; the loader fetches that model through
``model.widget_manager.get_model`` and imports the code once per page (cached by digest).
"""

from __future__ import annotations

import hashlib
import threading

import ipywidgets
import traitlets

__all__ = ["LOADER", "SharedBundle", "bundle_trait", "shared_bundle"]

LOADER = """\
const cache = (globalThis.__respnbBundles ??= new Map());
const STYLE = "data-respnb-bundle";
function addStyle(root, digest, css) {
  if (!css || !root || root.querySelector?.(`style[${STYLE}="${digest}"]`)) return;
  const style = document.createElement("style");
  style.setAttribute(STYLE, digest);
  style.textContent = css;
  (root === document ? document.head : root).appendChild(style);
}
function bundleRef(model) {
  if (model.get("bundle")) return Promise.resolve(model.get("bundle"));
  return new Promise((resolve) => {
    const ready = () => {
      if (!model.get("bundle")) return;
      model.off("change:bundle", ready);
      resolve(model.get("bundle"));
    };
    model.on("change:bundle", ready);
  });
}
async function sharedModel(model) {
  const ref = await bundleRef(model);
  if (typeof ref?.get === "function") return ref; // already a model
  return model.widget_manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
}
async function load(model, el) {
  const shared = await sharedModel(model);
  const digest = shared.get("digest");
  addStyle(el ? el.getRootNode() : document, digest, shared.get("css"));
  if (!cache.has(digest)) {
    const url = URL.createObjectURL(new Blob([shared.get("code")], { type: "text/javascript" }));
    cache.set(digest, import(url).then((m) => m.default).finally(() => URL.revokeObjectURL(url)));
  }
  return cache.get(digest);
}
export default {
  async initialize(ctx) {
    if (!ctx.model.get("bundle")) return; // some hosts set it only before the first render
    const early = []; // custom messages that arrive while the bundle loads, handed over
    const hold = (msg) => early.push(msg);
    ctx.model.on("msg:custom", hold);
    try {
      const w = await load(ctx.model);
      return w.initialize?.({ ...ctx, early });
    } finally {
      ctx.model.off("msg:custom", hold);
    }
  },
  async render(ctx) { const w = await load(ctx.model, ctx.el); return w.render?.(ctx); },
};
"""
"""The ``_esm`` of a view whose bundle is shared: loads it from the ``bundle`` model."""


class SharedBundle(ipywidgets.Widget):  # type: ignore[misc]
    """A model without a view holding one front-end bundle (code, styles, digest)."""

    code = traitlets.Unicode("").tag(sync=True)
    css = traitlets.Unicode("").tag(sync=True)
    digest = traitlets.Unicode("").tag(sync=True)


_lock = threading.Lock()
_shared: dict[str, SharedBundle] = {}


def shared_bundle(code: str, css: str = "") -> SharedBundle:
    """The shared model of this code and css (one per kernel; a closed one is replaced)."""
    digest = hashlib.sha256(code.encode() + b"\0" + css.encode()).hexdigest()[:16]
    with _lock:
        found = _shared.get(digest)
        if found is None or getattr(found, "comm", None) is None:
            found = _shared[digest] = SharedBundle(code=code, css=css, digest=digest)
        return found


def bundle_trait() -> traitlets.Instance[SharedBundle | None]:
    """The ``bundle`` trait of a view: a reference to its :class:`SharedBundle` model."""
    return traitlets.Instance(SharedBundle, allow_none=True).tag(
        sync=True, **ipywidgets.widget_serialization
    )

"""A view's state stays small: the front-end bundle is one shared model, not a copy per view."""

from __future__ import annotations

import json

import pytest

from respnb.notebook._bundle import LOADER, SharedBundle, shared_bundle
from respnb.notebook.view import STATIC_DIR, ResponseView

if not (STATIC_DIR / "response_view.js").exists():
    pytest.skip("the front-end bundle is not built (npm run build in js/)", allow_module_level=True)


def test_views_reference_one_shared_bundle() -> None:
    views = [ResponseView(profile="local", model="m") for _ in range(3)]
    try:
        bundles = {v.bundle.model_id for v in views}
        assert len(bundles) == 1
        shared = views[0].bundle
        assert isinstance(shared, SharedBundle)
        assert shared.code == (STATIC_DIR / "response_view.js").read_text(encoding="utf-8")
        assert len(shared.code) > 50_000 and shared.css
        for view in views:
            state = view.get_state()
            assert state["_esm"] == LOADER and len(LOADER) < 2_500
            assert "_css" not in state
            assert state["bundle"] == f"IPY_MODEL_{shared.model_id}"
            assert len(json.dumps(state)) < 4_000  # the view's own state, without the bundle
    finally:
        for view in views:
            view.close()


def test_a_closed_bundle_model_is_replaced() -> None:
    first = shared_bundle("export default {};", "")
    assert shared_bundle("export default {};", "") is first
    first.close()
    second = shared_bundle("export default {};", "")
    assert second is not first and second.comm is not None
    assert second.digest == first.digest
    second.close()

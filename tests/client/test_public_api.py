"""The package's public names."""

from __future__ import annotations

import respnb

CLIENT_NAMES = {
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncResponseStream",
    "AuthenticationError",
    "BadRequestError",
    "Capabilities",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "Profile",
    "RateLimitError",
    "RespnbError",
    "Response",
    "ResponseStream",
    "StreamError",
    "StreamEvent",
    "UnprocessableEntityError",
    "UnsupportedFeatureError",
    "WaitTimeoutError",
    "__version__",
    "types",
}


def test_all_lists_the_client_names_and_they_exist():
    assert set(respnb.__all__) >= CLIENT_NAMES
    assert len(respnb.__all__) == len(set(respnb.__all__))
    for name in respnb.__all__:
        assert hasattr(respnb, name), name
    assert isinstance(respnb.__version__, str) and respnb.__version__


def test_exception_tree():
    for name in (
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "UnprocessableEntityError",
        "RateLimitError",
        "InternalServerError",
    ):
        assert issubclass(getattr(respnb, name), respnb.APIStatusError)
    assert issubclass(respnb.APIStatusError, respnb.APIError)
    assert issubclass(respnb.APITimeoutError, respnb.APIConnectionError)
    assert issubclass(respnb.APIConnectionError, respnb.APIError)
    for name in (
        "APIError",
        "StreamError",
        "UnsupportedFeatureError",
        "ConfigurationError",
        "WaitTimeoutError",
    ):
        assert issubclass(getattr(respnb, name), respnb.RespnbError)


def test_core_modules_do_not_import_notebook_stack():
    import subprocess
    import sys

    code = (
        "import sys, respnb; "
        "bad = [m for m in ('IPython', 'ipywidgets', 'anywidget') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

"""respnb's notebook layer: the live ``ResponseView`` widget and ``display()``.

Importing this package needs anywidget (a respnb dependency) but not a running kernel.
"""

from __future__ import annotations

from .display import display, to_event, to_response
from .view import ResponseView

__all__ = ["ResponseView", "display", "to_event", "to_response"]

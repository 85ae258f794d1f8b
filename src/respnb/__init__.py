"""respnb: a Jupyter-native toolkit for services that speak the OpenAI Responses API."""

from __future__ import annotations

__version__ = "0.1.0"

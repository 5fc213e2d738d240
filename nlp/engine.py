"""The one place that loads and calls GiNZA.

Only the tokenizer (Sudachi) and the static word vectors run on every clause:
together they cost about a hundredth of the full pipeline. The parser runs only
on the few sentences that changed, through :meth:`Engine.parse`.

Most of a parse is GiNZA's tok2vec, eight layers of (tokens × 768) by (768 × 768) matrix
products. thinc computes them with the BLIS library it bundles, which on the development
machine's processor runs several times slower than the OpenBLAS numpy ships with, so the
loaded model's layers are given operations that multiply with numpy instead: a parse takes
half the time, and the parses are the same (checked on every sentence of the seeds, the dev
cases and the benchmark texts).
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

# Sudachi's parts of speech that carry meaning for pairing clauses; particles, auxiliaries,
# symbols and blanks do not. Verbs that only support another word (する, なる) are dropped too.
CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "代名詞", "連体詞", "接頭辞", "接尾辞"})
SUPPORT_VERB = "非自立可能"
#: Components a parse for roles skips; the parser reads only tok2vec's output.
NOT_FOR_PARSING = ("ner", "bunsetu_recognizer", "morphologizer")
#: Analyses kept per process, keyed by the text: a template compared with many documents,
#: or the unchanged articles of two drafts, are tokenized once. An entry holds words and
#: row numbers, not vectors: a few kilobytes.
ANALYSIS_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class Analysis:
    """The content words of a text: Sudachi normalised forms and where their vectors are."""

    norms: tuple[str, ...]
    rows: np.ndarray           # per norm, its row in ``table``; -1 where the word has no vector
    table: np.ndarray          # the model's static vector table, shared, never copied

    @property
    def vectors(self) -> np.ndarray:
        """One vector per norm; zeros where the word has no vector."""
        vectors = np.zeros((len(self.rows), self.table.shape[1]), dtype=np.float32)
        known = self.rows >= 0
        vectors[known] = self.table[self.rows[known]]
        return vectors


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
        vectors = nlp.vocab.vectors
        self.dimensions = int(vectors.shape[1]) if vectors.shape[0] else 1
        self._vectors = vectors.data if vectors.shape[0] else np.zeros((1, 1), dtype=np.float32)
        self._rows = vectors.key2row
        # spaCy's Doc costs ten times what Sudachi does; the words and their static vectors
        # are all that pairing needs, so Sudachi is called directly.
        self._sudachi = nlp.tokenizer.tokenizer
        self._mode = _split_mode(nlp.tokenizer.split_mode)
        self.analyze = functools.lru_cache(maxsize=ANALYSIS_CACHE_SIZE)(self._analyze)
        # Reading roles needs the dependencies, the lemmas (set by the tokenizer) and the
        # tokens: not the entities, the bunsetu or the morphologizer's parts of speech.
        self._not_for_parsing = [name for name in NOT_FOR_PARSING if name in nlp.pipe_names]
        _multiply_with_numpy(nlp)

    def _analyze(self, text: str) -> Analysis:
        """Content words of ``text`` by the tokenizer alone (no parser, no NER)."""
        from spacy.strings import hash_string

        norms: list[str] = []
        rows: list[int] = []
        for piece in pieces(_clean(text)):
            for morpheme in self._sudachi.tokenize(piece, self._mode):
                pos = morpheme.part_of_speech()
                if pos[0] not in CONTENT_POS or (pos[0] == "動詞" and pos[1] == SUPPORT_VERB):
                    continue
                norms.append(morpheme.normalized_form())
                rows.append(self._rows.get(hash_string(morpheme.surface()), -1))
        return Analysis(tuple(norms), np.array(rows, dtype=np.int64), self._vectors)

    def parse(self, text: str) -> Any:
        """The GiNZA dependency parse of a short text (a changed sentence): a spaCy ``Doc``.

        Named entities and bunsetu are not needed for reading a predicate and its
        subject, so those components are skipped.
        """
        return self._nlp(_clean(text)[:PIECE_CHARS], disable=self._not_for_parsing)

    def parse_many(self, texts: list[str]) -> list[Any]:
        """The parses of several short texts in one batch: spaCy runs its parser once for all."""
        cleaned = [_clean(text)[:PIECE_CHARS] for text in texts]
        return list(self._nlp.pipe(cleaned, disable=self._not_for_parsing))

    @contextlib.contextmanager
    def memory_zone(self) -> Iterator[None]:
        """Strings interned while inside are freed on exit, so long-running workers stay flat."""
        zone = getattr(self._nlp, "memory_zone", None)
        if zone is None:
            yield
            return
        with zone():
            yield


def _multiply_with_numpy(nlp: Any) -> None:
    """Give every layer of the pipeline's models thinc operations whose ``gemm`` is numpy's."""
    ops = _numpy_gemm_ops()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for layer in model.walk():
                layer.ops = ops


@functools.cache
def _numpy_gemm_ops() -> Any:
    from thinc.api import NumpyOps

    class NumpyGemmOps(NumpyOps):
        """thinc's CPU operations, matrix products by numpy (OpenBLAS) instead of BLIS."""

        def gemm(self, x: np.ndarray, y: np.ndarray, out: np.ndarray | None = None,
                 trans1: bool = False, trans2: bool = False) -> np.ndarray:
            a = x.T if trans1 else x
            b = y.T if trans2 else y
            if out is None:
                return np.matmul(a, b)
            np.matmul(a, b, out=out)
            return out

    return NumpyGemmOps()


def _split_mode(name: str) -> Any:
    from sudachipy import SplitMode

    return {"A": SplitMode.A, "B": SplitMode.B}.get(str(name).upper(), SplitMode.C)


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

    # Without the model's string store (600,000 strings, 18 MB of JSON): the tokenizer adds the
    # strings of what it reads and the parser its labels, and pairing hashes surfaces itself, so
    # the parses are the same, the model loads in a third of the time and a worker holds about
    # 110 MB less.
    # The components no parse runs (NOT_FOR_PARSING) are not loaded either: the parses are the
    # same, and the model loads sooner.
    return Engine(spacy.load(model, exclude=["strings", *NOT_FOR_PARSING]), model)

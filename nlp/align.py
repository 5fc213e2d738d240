"""Pairing the articles (条) of two contracts, then the paragraphs (項) inside each pair.

An article pair is scored on four signals: the content (Sudachi normalised forms
weighted by rarity, character bigrams, and IDF-weighted static vectors with the
common component removed), the heading (exact, the same legal topic, or similar
characters), and the article number. The assignment is global (Hungarian
algorithm), so one strong pair never steals the partner of another. Pairs that
break the reading order must be stronger than pairs that keep it: a move is a
claim, and a weak one is more likely a coincidence between an inserted and a
deleted article.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from .budget import Budget
from .engine import Analysis, Engine
from .kept import Kept
from .model import Contract
from .result import PairScores
from .text import normalize, normalize_key
from .topics import Topics, article_topics, heading_agrees, topic_matrix

__all__ = ["Link", "ArticleView", "pair_articles", "pair_texts", "article_views", "out_of_order"]

#: Below this combined score two articles are not the same clause. Tuned on the dev
#: cases: renumbered and lightly edited articles score above 0.6, unrelated articles of
#: two different templates below 0.3.
MIN_PAIR_SCORE = 0.36
#: A pair out of reading order must be this strong (or share its heading): inserted and
#: deleted articles often share a few words, and pairing them would claim a move.
MIN_MOVED_SCORE = 0.55
#: An unpaired article whose content lies this much inside an already paired article on the
#: other side, under a related heading, is a part split off from it (or merged into it).
MIN_SPLIT_CONTAINMENT = 0.6
MIN_SPLIT_HEADING = 0.45
#: Or, under a heading of the same legal topic (準拠法 merged into 準拠法及び管轄), a pair
#: score this close to the pairing threshold is enough.
MIN_SPLIT_SAME_TOPIC_SCORE = 0.28
#: Weights of the signals. Content dominates; the heading breaks ties between templates;
#: the number only tips the balance between otherwise equal candidates.
WEIGHT_CONTENT, WEIGHT_HEADING, WEIGHT_NUMBER = 0.62, 0.28, 0.10
WEIGHT_LEXICAL, WEIGHT_CHARS, WEIGHT_MEANING = 0.40, 0.35, 0.25
#: The legal topics of the two bodies (nlp.topics): above TOPIC_NEUTRAL they add to the
#: score, below it they take away, so a liability clause and a choice of court that share
#: boilerplate words still repel. Measured on the cross-template cases (README, Quality).
WEIGHT_TOPIC, TOPIC_NEUTRAL = 0.40, 0.25
#: The confidence of a pair is a logistic function of its score and of its margin over the
#: next best candidate of either article, fitted on the keyed cases (python -m
#: bench.calibration --fit) so that pairs said to be 0.9 sure are right about 90% of the time.
CONFIDENCE_SCORE, CONFIDENCE_MARGIN, CONFIDENCE_BIAS = 7.9, 13.8, -3.0
#: Paragraphs (項) are paired on characters alone; below this they are inserted/deleted.
MIN_PARAGRAPH_SCORE = 0.3

# Legal topics under which headings of different wording name the same clause. A heading
# belongs to a topic when it contains one of its words. Order matters: the first topic
# whose word appears wins, so the narrower topics come first.
HEADING_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("antisocial", ("反社会的勢力", "反社")),
    ("confidentiality", ("秘密保持", "機密保持", "守秘", "秘密情報", "機密情報")),
    ("personal_data", ("個人情報",)),
    ("liability", ("損害賠償", "責任の制限", "責任制限", "賠償責任", "責任の範囲")),
    ("disclaimer", ("免責", "保証の否認", "非保証")),
    ("jurisdiction", ("管轄", "準拠法")),
    ("term", ("契約期間", "有効期間", "存続期間", "期間")),
    ("termination", ("解除", "解約", "契約の終了")),
    ("subcontracting", ("再委託", "業務委託", "外部委託")),
    ("fees", ("報酬", "料金", "対価", "費用", "支払")),
    ("ip", ("知的財産", "著作権", "特許")),
    ("assignment", ("譲渡",)),
    ("consultation", ("協議",)),
    ("purpose", ("目的",)),
    ("definitions", ("定義",)),
    ("cooperation", ("協力",)),
    ("incident", ("障害",)),
    ("force_majeure", ("不可抗力",)),
)
SAME_TOPIC_SCORE = 0.8

_PUNCTUATION = re.compile(r"[、。，．,.・「」『』()（）\[\]【】:：;；\-]")


@dataclass(frozen=True, slots=True)
class Link:
    """Two aligned units (articles or paragraphs) by index, or one side alone."""

    original: int | None
    revised: int | None
    confidence: float
    matched_by: tuple[str, ...] = ()
    moved: bool = False
    scores: PairScores | None = None        # articles paired: each signal
    best: tuple[int, float] | None = None   # an article alone: its best candidate and confidence


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What pairing needs to know of an article: keys, words and vectors."""

    number: int | None
    branch: int | None
    heading_key: str
    topic: str | None
    body_key: str
    analysis: Analysis
    topics: Topics | None = None   # legal topics of the body (nlp.topics)
    heading_trusted: bool = True   # the body does not contradict the heading


#: The views of the contracts read last, kept with the contract itself: nlp.compare keeps parsed
#: contracts by text, so a template checked against many documents, or a draft compared again,
#: is read once.
VIEWS_CACHE_SIZE = 64
_VIEWS: Kept[tuple[ArticleView, ...]] = Kept(VIEWS_CACHE_SIZE)


def article_views(contract: Contract, engine: Engine) -> tuple[ArticleView, ...]:
    """Normalised keys and GiNZA analysis of every article of ``contract``."""
    found = _VIEWS.get((contract, engine))
    return found if found is not None else _VIEWS.put((contract, engine), _read_views(contract, engine))


def _read_views(contract: Contract, engine: Engine) -> tuple[ArticleView, ...]:
    views = []
    for article in contract.articles:
        body = normalize(article.body.slice(contract.text), drop=contract.noise_within(article.body)).text
        views.append(ArticleView(
            number=article.number,
            branch=article.branch,
            heading_key=normalize_key(article.heading or ""),
            topic=heading_topic(article.heading),
            body_key=body,
            analysis=engine.analyze(body),
            topics=article_topics(body),
            heading_trusted=heading_agrees(normalize_key(article.heading or ""), body),
        ))
    return tuple(views)


@functools.lru_cache(maxsize=4096)
def heading_topic(heading: str | None) -> str | None:
    """The legal topic a heading names (``準拠法及び管轄`` and ``合意管轄`` → jurisdiction)."""
    if not heading:
        return None
    for topic, words in HEADING_TOPICS:
        if any(word in heading for word in words):
            return topic
    return None


#: The hashed terms of short texts (headings, paragraphs) kept per process: the template of a
#: batch and the unchanged parts of two drafts are counted once. A few kilobytes each.
COUNTS_CACHE_SIZE = 8192


def bigrams(text: str) -> Counter[str]:
    """The character bigrams of ``text`` without punctuation (the text itself when shorter)."""
    text = _PUNCTUATION.sub("", text)
    if len(text) < 2:
        return Counter([text]) if text else Counter()
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def heading_similarity(a: ArticleView, b: ArticleView) -> float:
    """1 for the same heading, SAME_TOPIC_SCORE or more for one legal topic, else shared bigrams."""
    return float(heading_matrix([a], [b])[0, 0])


def heading_matrix(left: Sequence[ArticleView], right: Sequence[ArticleView]) -> np.ndarray:
    """Heading similarity of every pair, without a Python loop over the pairs."""
    return _Headings(left, right).block(np.arange(len(left)), np.arange(len(right)))


# Terms are hashed: a text's distinct words or character bigrams become 64-bit integers (Python's
# string hash, fixed for the life of a process), so the vocabularies of two documents merge in
# numpy instead of through dictionaries of strings. Two distinct terms sharing a hash, about one
# chance in 10^19 for a pair, would count as one word.

def _keys(terms: Iterable[str], count: int) -> np.ndarray:
    return np.fromiter(map(hash, terms), dtype=np.int64, count=count)


def _logtf(counts: Counter[str]) -> np.ndarray:
    return np.fromiter((1.0 + math.log(count) for count in counts.values()), dtype=np.float64,
                       count=len(counts))


@dataclass(frozen=True, slots=True)
class _Text:
    """An article body as pairing reads it, made once per text: its hashed terms and counts."""

    word_keys: np.ndarray      # int64, one per distinct Sudachi form
    word_logtf: np.ndarray     # float64, 1 + log(count)
    word_count: np.ndarray     # float32, count
    char_keys: np.ndarray      # int64, one per distinct character bigram
    char_logtf: np.ndarray     # float64
    vector_rows: np.ndarray    # int64, a row of the vector table for each (word, surface) seen
    vector_words: np.ndarray   # int64, the index in word_keys of that row's form
    vector_count: np.ndarray   # float32, how often


#: Bodies read so far, keyed by the normalised text (and the vector table): a template compared
#: with many drafts, or the untouched articles of two drafts, are read once. About 10 kB each.
TEXT_CACHE_SIZE = 4096
_TEXTS: OrderedDict[tuple[str, int], _Text] = OrderedDict()


def _text(view: ArticleView) -> _Text:
    key = (view.body_key, id(view.analysis.table))
    found = _TEXTS.get(key)
    if found is not None:
        _TEXTS.move_to_end(key)
        return found
    analysis = view.analysis
    words = Counter(analysis.norms)
    index = {word: position for position, word in enumerate(words)}
    vectors = Counter((row, norm) for row, norm in zip(analysis.rows.tolist(), analysis.norms, strict=True)
                      if row >= 0)
    chars = bigrams(view.body_key)
    found = _Text(
        _keys(words, len(words)), _logtf(words), np.fromiter(words.values(), np.float32, len(words)),
        _keys(chars, len(chars)), _logtf(chars),
        np.fromiter((row for row, _ in vectors), np.int64, len(vectors)),
        np.fromiter((index[norm] for _, norm in vectors), np.int64, len(vectors)),
        np.fromiter(vectors.values(), np.float32, len(vectors)))
    _TEXTS[key] = found
    if len(_TEXTS) > TEXT_CACHE_SIZE:
        _TEXTS.popitem(last=False)
    return found


@dataclass(frozen=True, slots=True)
class _Weighted:
    """Unit-length TF-IDF rows of several texts over their merged vocabulary."""

    data: np.ndarray           # the weight of every term of every text, text after text
    columns: np.ndarray        # the column of each
    offsets: np.ndarray        # where each text's terms start (one more than texts)
    vocabulary: np.ndarray     # the sorted keys, one per column
    idf: np.ndarray            # float64, per column

    @property
    def matrix(self) -> sparse.csr_matrix:
        """The rows as a sparse matrix: a thousand articles stay a few megabytes."""
        return sparse.csr_matrix((self.data, self.columns, self.offsets),
                                 shape=(len(self.offsets) - 1, max(len(self.vocabulary), 1)))

    def dense(self) -> np.ndarray:
        """The rows as a dense matrix, for a few short texts."""
        rows = np.zeros((len(self.offsets) - 1, max(len(self.vocabulary), 1)))
        rows[np.repeat(np.arange(len(self.offsets) - 1), np.diff(self.offsets)), self.columns] = self.data
        return rows


def _weighted(keys: Sequence[np.ndarray], logtf: Sequence[np.ndarray], split: int | None = None) -> _Weighted:
    """TF-IDF rows: (1 + log count) × (log((n + 1) / (df + 1)) + 1), each row of unit length.

    With ``split``, the texts before it and those from it are two documents, each one's keys
    sorted once and kept (a template's, across the drafts compared with it), then merged: the
    same vocabulary and columns as sorting them all together.
    """
    n = len(keys)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if split is None:
        flat = np.concatenate(keys) if n else np.zeros(0, dtype=np.int64)
        vocabulary, columns = np.unique(flat, return_inverse=True)
        columns = columns.reshape(-1)
    else:
        (one, in_one), (two, in_two) = _factorized(keys[:split]), _factorized(keys[split:])
        vocabulary = np.union1d(one, two)
        columns = np.concatenate([np.searchsorted(vocabulary, one)[in_one],
                                  np.searchsorted(vocabulary, two)[in_two]])
    idf = np.log((n + 1) / (np.bincount(columns, minlength=len(vocabulary)) + 1)) + 1.0
    data = (np.concatenate(logtf) if n else np.zeros(0)) * idf[columns]
    row_of = np.repeat(np.arange(n), lengths)
    lengths_of = np.sqrt(np.bincount(row_of, weights=data * data, minlength=n))
    lengths_of[lengths_of == 0] = 1.0
    data /= lengths_of[row_of]
    return _Weighted(data, columns, offsets, vocabulary, idf)


#: The sorted keys of the last documents' texts (see _weighted), by the identity of their arrays,
#: which _TEXTS keeps for each text read.
FACTORIZED_KEPT = 16
_FACTORIZED: Kept[tuple[np.ndarray, np.ndarray]] = Kept(FACTORIZED_KEPT)


def _factorized(keys: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique`` of the keys of some texts, and where each key falls in it; kept."""
    found = _FACTORIZED.get(keys)
    if found is not None:
        return found
    flat = np.concatenate(keys) if len(keys) else np.zeros(0, dtype=np.int64)
    vocabulary, inverse = np.unique(flat, return_inverse=True)
    return _FACTORIZED.put(keys, (vocabulary, inverse.reshape(-1)))


def _mean_vectors(texts: Sequence[_Text], words: _Weighted, table: np.ndarray) -> np.ndarray:
    """Per text, the mean static vector of its words weighted by their IDF (zeros without words)."""
    n = len(texts)
    weight = words.idf.astype(np.float32)[words.columns]    # of every word of every text
    counts = np.concatenate([text.word_count for text in texts]) if n else np.zeros(0, np.float32)
    word_rows = np.repeat(np.arange(n), np.diff(words.offsets))
    totals = np.bincount(word_rows, weights=weight * counts, minlength=n).astype(np.float32)
    lengths = np.fromiter((len(text.vector_rows) for text in texts), dtype=np.int64, count=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    if not indptr[-1]:
        return np.zeros((n, table.shape[1]), dtype=np.float32)
    at = np.concatenate([text.vector_words for text in texts]) + np.repeat(words.offsets[:-1], lengths)
    data = weight[at] * np.concatenate([text.vector_count for text in texts])
    rows = np.concatenate([text.vector_rows for text in texts])
    sums = np.asarray(sparse.csr_matrix((data, rows, indptr), shape=(n, table.shape[0])) @ table,
                      dtype=np.float32)
    return np.divide(sums, totals[:, None], out=np.zeros_like(sums), where=totals[:, None] > 0)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


@functools.lru_cache(maxsize=COUNTS_CACHE_SIZE)
def _heading_grams(heading_key: str) -> np.ndarray:
    grams = set(bigrams(heading_key))
    return _keys(grams, len(grams))


@functools.lru_cache(maxsize=COUNTS_CACHE_SIZE)
def _text_terms(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The hashed character bigrams of a short text and their 1 + log(count)."""
    counts = bigrams(text)
    return _keys(counts, len(counts)), _logtf(counts)


#: Up to this many cells (texts × distinct bigrams), paragraphs are compared as dense rows.
DENSE_CELLS = 1_000_000


def _text_cosines(original: Sequence[str], revised: Sequence[str]) -> np.ndarray:
    """TF-IDF cosine of the character bigrams of every text of ``original`` with every one of
    ``revised``, the IDF over both lists."""
    terms = [_text_terms(text) for text in (*original, *revised)]
    weighted = _weighted([keys for keys, _ in terms], [logtf for _, logtf in terms])
    n = len(original)
    if len(terms) * len(weighted.vocabulary) <= DENSE_CELLS:
        rows = weighted.dense()
        return np.asarray(rows[:n] @ rows[n:].T, dtype=np.float32)
    matrix = weighted.matrix
    return np.asarray((matrix[:n] @ matrix[n:].T).toarray(), dtype=np.float32)


class _Headings:
    """Heading similarity of any articles of two documents: the same heading, one legal topic,
    else the share of character bigrams (Dice)."""

    def __init__(self, left: Sequence[ArticleView], right: Sequence[ArticleView]) -> None:
        views = (*left, *right)
        grams = [_heading_grams(view.heading_key) for view in views]
        lengths = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
        indptr = np.zeros(len(grams) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        flat = np.concatenate(grams) if grams else np.zeros(0, dtype=np.int64)
        vocabulary, columns = np.unique(flat, return_inverse=True)
        sets = sparse.csr_matrix((np.ones(len(flat)), columns.reshape(-1), indptr),
                                 shape=(len(grams), max(len(vocabulary), 1)))
        n = len(left)
        self.sets_left, self.sets_right = sets[:n], sets[n:]
        self.sizes_left, self.sizes_right = lengths[:n].astype(np.float64), lengths[n:].astype(np.float64)
        self.present_left = np.array([bool(v.heading_key) for v in left], dtype=bool)
        self.present_right = np.array([bool(v.heading_key) for v in right], dtype=bool)
        topics = {topic: index for index, topic in enumerate(name for name, _ in HEADING_TOPICS)}
        self.topic_left = np.array([topics.get(v.topic, -1) if v.topic else -1 for v in left], np.int64)
        self.topic_right = np.array([topics.get(v.topic, -2) if v.topic else -2 for v in right], np.int64)
        keys: dict[str, int] = {}
        self.key_left = np.array([keys.setdefault(v.heading_key, len(keys)) for v in left], dtype=np.int64)
        self.key_right = np.array([keys.setdefault(v.heading_key, len(keys)) for v in right], dtype=np.int64)

    def block(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """The similarities of ``rows`` (of the left document) with ``columns`` (of the right)."""
        if not len(rows) or not len(columns):
            return np.zeros((len(rows), len(columns)), dtype=np.float32)
        shared = (self.sets_left[rows] @ self.sets_right[columns].T).toarray()
        sizes = self.sizes_left[rows][:, None] + self.sizes_right[columns][None, :]
        return self._finish(shared, sizes, rows[:, None], columns[None, :])

    def cells(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """The similarities of the pairs (rows[i], columns[i])."""
        shared = np.asarray(self.sets_left[rows].multiply(self.sets_right[columns]).sum(axis=1)).reshape(-1)
        return self._finish(shared, self.sizes_left[rows] + self.sizes_right[columns], rows, columns)

    def _finish(self, shared: np.ndarray, sizes: np.ndarray, rows: np.ndarray,
                columns: np.ndarray) -> np.ndarray:
        scores = np.divide(2 * shared, sizes, out=np.zeros_like(shared, dtype=np.float64), where=sizes > 0)
        same_topic = self.topic_left[rows] == self.topic_right[columns]
        scores = np.where(same_topic, np.maximum(scores, SAME_TOPIC_SCORE), scores)
        scores = np.where(self.key_left[rows] == self.key_right[columns], 1.0, scores)
        both = self.present_left[rows] & self.present_right[columns]
        return np.where(both, scores, 0.0).astype(np.float32)


class _Features:
    """What pairing compares of every article of two documents, read once: TF-IDF rows of words
    and of character bigrams, mean static vectors with the common component removed, headings,
    numbers and legal topics. Linear in the documents' length; :meth:`block` scores any articles
    of one against any of the other, so that a pairing need not score every pair."""

    def __init__(self, left: Sequence[ArticleView], right: Sequence[ArticleView]) -> None:
        self.left, self.right = left, right
        n = len(left)
        self.empty = not left or not right
        if not self.empty:
            texts = [_text(view) for view in (*left, *right)]
            words = _weighted([t.word_keys for t in texts], [t.word_logtf for t in texts], split=n)
            chars = _weighted([t.char_keys for t in texts], [t.char_logtf for t in texts], split=n)
            self.words = words
            words_matrix, chars_matrix = words.matrix, chars.matrix
            self.words_left, self.words_right = words_matrix[:n], words_matrix[n:]
            self.chars_left, self.chars_right = chars_matrix[:n], chars_matrix[n:]
            vectors = _mean_vectors(texts, words, left[0].analysis.table)
            # Static vectors of any two clauses point the same way; removing their common
            # component leaves what tells the clauses apart.
            common = vectors.mean(axis=0)
            self.units_left = _unit_rows(vectors[:n] - common)
            self.units_right = _unit_rows(vectors[n:] - common)
            self.texts = texts
        self.headings = _Headings(left, right)
        self.number_left = np.array([(v.number, v.branch or 0) if v.number is not None else (-1, -1)
                                     for v in left], dtype=np.int64).reshape(len(left), 2)
        self.number_right = np.array([(v.number, v.branch or 0) if v.number is not None else (-2, -2)
                                      for v in right], dtype=np.int64).reshape(len(right), 2)
        self.has_left = np.array([bool(v.heading_key) for v in left], dtype=bool)
        self.has_right = np.array([bool(v.heading_key) for v in right], dtype=bool)
        self.trusted_left = np.array([v.heading_trusted for v in left], dtype=bool)
        self.trusted_right = np.array([v.heading_trusted for v in right], dtype=bool)
        self.topics_left = [_topics(v) for v in left]
        self.topics_right = [_topics(v) for v in right]
        self._topic_units: tuple[np.ndarray, np.ndarray] | None = None

    def block(self, rows: np.ndarray | None = None, columns: np.ndarray | None = None) -> Signals:
        """The signals of every article of ``rows`` with every one of ``columns`` (all by default)."""
        every_row, every_column = rows is None, columns is None
        rows = np.arange(len(self.left)) if rows is None else np.asarray(rows, dtype=np.int64)
        columns = np.arange(len(self.right)) if columns is None else np.asarray(columns, dtype=np.int64)
        shape = (len(rows), len(columns))
        if self.empty or not len(rows) or not len(columns):
            lexical = chars = meaning = np.zeros(shape, dtype=np.float32)
        else:
            some_rows, some_columns = None if every_row else rows, None if every_column else columns
            lexical = _product(self.words_left, self.words_right, some_rows, some_columns)
            chars = _product(self.chars_left, self.chars_right, some_rows, some_columns)
            meaning = np.clip(self.units_left[rows] @ self.units_right[columns].T, 0.0, 1.0)
        numbers = (self.number_left[rows][:, None, :] == self.number_right[columns][None, :, :]).all(axis=2)
        if every_row and every_column:
            topics, has_topics = topic_matrix([self.topics_left[i] for i in rows],
                                              [self.topics_right[i] for i in columns])
        else:
            topics, has_topics = self._topics_block(rows, columns)
        return _combine(lexical, chars, meaning, self.headings.block(rows, columns),
                        numbers.astype(np.float32),
                        self.has_left[rows][:, None] & self.has_right[columns][None, :],
                        self.trusted_left[rows][:, None] & self.trusted_right[columns][None, :],
                        topics, has_topics)

    def cells(self, rows: np.ndarray, columns: np.ndarray) -> Signals:
        """The signals of the pairs (rows[i], columns[i]), as a column: ``explain(i, 0)``."""
        rows, columns = np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)
        if self.empty or not len(rows):
            lexical = chars = meaning = np.zeros(len(rows), dtype=np.float32)
        else:
            lexical = _rowwise(self.words_left, self.words_right, rows, columns)
            chars = _rowwise(self.chars_left, self.chars_right, rows, columns)
            meaning = np.clip((self.units_left[rows] * self.units_right[columns]).sum(axis=1), 0.0, 1.0)
        numbers = (self.number_left[rows] == self.number_right[columns]).all(axis=1).astype(np.float32)
        units_left, units_right = self._topics_units()
        topics = (units_left[rows] * units_right[columns]).sum(axis=1)
        has_topics = ((np.linalg.norm(units_left[rows], axis=1) > 0)
                      & (np.linalg.norm(units_right[columns], axis=1) > 0))
        signals = _combine(lexical, chars, meaning, self.headings.cells(rows, columns), numbers,
                           self.has_left[rows] & self.has_right[columns],
                           self.trusted_left[rows] & self.trusted_right[columns],
                           np.where(has_topics, topics, 0.0).astype(np.float32), has_topics)
        return Signals(*(np.asarray(getattr(signals, name)).reshape(-1, 1) for name in Signals.__slots__))

    def containment(self, inner: int, inner_left: bool, outer: int) -> float:
        """The IDF-weighted share of one article's distinct words also found in an article of the
        other document: ``inner`` of the left one when ``inner_left``, else of the right."""
        n = len(self.left)
        at = inner if inner_left else n + inner
        other = n + outer if inner_left else outer
        offsets, columns = self.words.offsets, self.words.columns
        mine = columns[offsets[at]:offsets[at + 1]]
        if not len(mine):
            return 0.0
        present = np.isin(mine, columns[offsets[other]:offsets[other + 1]])
        weights = self.words.idf[mine]
        return float(weights[present].sum() / weights.sum())

    def _topics_block(self, rows: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        units_left, units_right = self._topics_units()
        left, right = units_left[rows], units_right[columns]
        present = (np.linalg.norm(left, axis=1) > 0)[:, None] & (np.linalg.norm(right, axis=1) > 0)[None, :]
        return np.where(present, left @ right.T, 0.0).astype(np.float32), present

    def _topics_units(self) -> tuple[np.ndarray, np.ndarray]:
        """Topic weights by their rarity in the two documents, rows of unit length, as
        :func:`nlp.topics.topic_matrix` weighs them (which scores every pair at once)."""
        if self._topic_units is None:
            width = len(self.topics_left[0]) if self.topics_left else len(self.topics_right[0])
            empty = np.zeros((0, width), np.float32)
            rows_left = np.vstack(self.topics_left) if self.topics_left else empty
            rows_right = np.vstack(self.topics_right) if self.topics_right else empty
            held = np.vstack([rows_left, rows_right]) > 0
            rarity = np.log((len(held) + 1) / (held.sum(axis=0) + 1)) + 1.0
            self._topic_units = (_unit_rows(rows_left * rarity), _unit_rows(rows_right * rarity))
        return self._topic_units


def _product(left: sparse.csr_matrix, right: sparse.csr_matrix, rows: np.ndarray | None,
             columns: np.ndarray | None) -> np.ndarray:
    """Cosines of the unit rows ``rows`` of ``left`` (all for None) with the rows ``columns`` of ``right``."""
    left = left if rows is None else left[rows]
    right = right if columns is None else right[columns]
    return np.asarray((left @ right.T).toarray(), dtype=np.float32)


def _rowwise(left: sparse.csr_matrix, right: sparse.csr_matrix, rows: np.ndarray,
             columns: np.ndarray) -> np.ndarray:
    """Cosines of the unit rows rows[i] of ``left`` and columns[i] of ``right``."""
    return np.asarray(left[rows].multiply(right[columns]).sum(axis=1), dtype=np.float32).reshape(-1)


def content_similarity(left: Sequence[ArticleView], right: Sequence[ArticleView]) -> np.ndarray:
    """Content similarity in [0, 1] of every article of ``left`` with every one of ``right``."""
    return pair_signals(left, right).content


def content_parts(left: Sequence[ArticleView], right: Sequence[ArticleView]) -> tuple[np.ndarray, np.ndarray]:
    """Shared words and characters, and static-vector similarity, of every pair, each in [0, 1]."""
    signals = pair_signals(left, right)
    return signals.words, signals.meaning


@dataclass(frozen=True, slots=True)
class Signals:
    """Every signal of every pair of articles, each (len(left), len(right))."""

    score: np.ndarray
    heading: np.ndarray
    content: np.ndarray
    words: np.ndarray
    meaning: np.ndarray
    topic: np.ndarray
    has_topics: np.ndarray
    number: np.ndarray
    has_headings: np.ndarray
    trusted: np.ndarray

    def explain(self, o: int, r: int) -> PairScores:
        topic = float(self.topic[o, r]) if self.has_topics[o, r] else None
        heading = float(self.heading[o, r]) if self.has_headings[o, r] else None
        return PairScores(round(float(self.words[o, r]), 3), None if heading is None else round(heading, 3),
                          None if topic is None else round(topic, 3), float(self.number[o, r]),
                          round(float(self.meaning[o, r]), 3), bool(self.trusted[o, r]))


def _combine(lexical: np.ndarray, chars: np.ndarray, meaning: np.ndarray, headings: np.ndarray,
             numbers: np.ndarray, has_headings: np.ndarray, trusted: np.ndarray, topics: np.ndarray,
             has_topics: np.ndarray) -> Signals:
    """The pair scores from their signals (arrays of one shape)."""
    words = (WEIGHT_LEXICAL * lexical + WEIGHT_CHARS * chars) / (WEIGHT_LEXICAL + WEIGHT_CHARS)
    words = words.astype(np.float32)
    meaning = meaning.astype(np.float32)
    content = (WEIGHT_LEXICAL + WEIGHT_CHARS) * words + WEIGHT_MEANING * meaning
    with_heading = WEIGHT_CONTENT * content + WEIGHT_HEADING * headings + WEIGHT_NUMBER * numbers
    without_heading = (1 - WEIGHT_NUMBER) * content + WEIGHT_NUMBER * numbers
    # A heading its own body contradicts (「通知」 over an assignment ban) does not count.
    score = (np.where(has_headings & trusted, with_heading, without_heading)
             + np.where(has_topics, WEIGHT_TOPIC * (topics - TOPIC_NEUTRAL), 0.0))
    return Signals(score.astype(np.float32), headings, content, words, meaning, topics, has_topics,
                   numbers, has_headings, trusted)


def score_matrix(left: Sequence[ArticleView],
                 right: Sequence[ArticleView]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined pair scores, heading and content similarities, each (len(left), len(right))."""
    signals = pair_signals(left, right)
    return signals.score, signals.heading, signals.content


def pair_signals(left: Sequence[ArticleView], right: Sequence[ArticleView]) -> Signals:
    """The pair score of every two articles and the signals it is made of."""
    return _Features(left, right).block()


def _topics(view: ArticleView) -> Topics:
    return view.topics if view.topics is not None else article_topics(view.body_key)


def calibrated(score: float, margin: float) -> float:
    """The probability that a pair is right, from its score and its lead over the next candidate."""
    z = CONFIDENCE_SCORE * score + CONFIDENCE_MARGIN * margin + CONFIDENCE_BIAS
    return round(1.0 / (1.0 + math.exp(-z)), 3)


def _margin(scores: np.ndarray, o: int, r: int) -> float:
    """How far (o, r) leads the best other candidate of either article."""
    row = np.delete(scores[o, :], r)
    column = np.delete(scores[:, r], o)
    rival = max(float(row.max()) if row.size else 0.0, float(column.max()) if column.size else 0.0)
    return float(scores[o, r]) - max(rival, 0.0)


class _Rivals:
    """The best and second best score of every row and column, for :func:`_margin` of any pair at once."""

    def __init__(self, scores: np.ndarray) -> None:
        self.scores = scores
        self.rows = _top_two(scores)
        self.columns = _top_two(scores.T)

    def margin(self, o: int, r: int) -> float:
        """``_margin(scores, o, r)``."""
        rival = max(self._rival(self.rows, o, r), self._rival(self.columns, r, o), 0.0)
        return float(self.scores[o, r]) - rival

    @staticmethod
    def _rival(top: tuple[np.ndarray, np.ndarray, np.ndarray], line: int, leaving: int) -> float:
        best, where, second = top
        return float(second[line] if where[line] == leaving else best[line])


def _top_two(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the largest value, its first column, and the largest of the others (-inf for none)."""
    if not scores.shape[1]:
        empty = np.full(scores.shape[0], -np.inf)
        return empty, np.full(scores.shape[0], -1), empty
    where = scores.argmax(axis=1)
    lines = np.arange(scores.shape[0])
    best = scores[lines, where].astype(np.float64)
    rest = scores.astype(np.float64)
    rest[lines, where] = -np.inf
    return best, where, rest.max(axis=1)


def out_of_order(pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs that break the reading order in every smallest reordering.

    A pair is in order when some longest chain of pairs, in order on both sides, runs
    through it; the others are the moved ones. Where two articles merely swapped, either
    could be called moved, so neither is flagged (the answer would be a coin toss).
    """
    ordered = sorted(pairs)
    if not ordered:
        return set()
    ending = _chain_lengths([revised for _, revised in ordered])
    starting = _chain_lengths([-revised for _, revised in reversed(ordered)])[::-1]
    longest = max(ending)
    return {pair for pair, e, s in zip(ordered, ending, starting, strict=True) if e + s - 1 < longest}


def _chain_lengths(values: Sequence[int]) -> list[int]:
    """For each position, the longest non-decreasing chain ending there (patience sorting)."""
    tails: list[int] = []
    lengths = []
    for value in values:
        slot = bisect.bisect_right(tails, value)
        if slot == len(tails):
            tails.append(value)
        else:
            tails[slot] = value
        lengths.append(slot + 1)
    return lengths


def _assign(scores: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    if not scores.size:
        return []
    # Scores below the threshold are worth nothing, so the assignment never trades a
    # good pair for a bad one.
    gain = np.where(scores >= threshold, scores, 0.0)
    rows, columns = linear_sum_assignment(gain, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, columns, strict=True) if scores[r, c] >= threshold]


def _signals(view_o: ArticleView, view_r: ArticleView, content: float, heading: float,
             scores: PairScores | None = None) -> tuple[str, ...]:
    signals = []
    if view_o.number is not None and (view_o.number, view_o.branch) == (view_r.number, view_r.branch):
        signals.append("number")
    if scores is None or scores.heading_trusted:
        if heading >= 1.0:
            signals.append("heading")
        elif heading >= SAME_TOPIC_SCORE:
            signals.append("heading_similar")
    if content >= 0.5:
        signals.append("content")
    elif content >= 0.25:
        signals.append("content_similar")
    if scores is not None and scores.topic is not None and scores.topic >= MIN_TOPIC_SIGNAL:
        signals.append("topic")
    return tuple(signals)


#: A pair is said to be matched by its topic (``matched_by``) from this topic similarity.
MIN_TOPIC_SIGNAL = 0.6


def pair_articles(original: Sequence[ArticleView], revised: Sequence[ArticleView],
                  budget: Budget | None = None) -> tuple[Link, ...]:
    """Article links: pairs (one article may have two partners when split or merged) and singles.

    Every article is scored against every other and the pairs assigned at once, unless the
    problem is larger than the budget allows (``Budget.assignment``); then see
    :func:`_pair_within_windows`.
    """
    exact = budget is None or budget.assignment(len(original), len(revised))
    found = _PAIRINGS.get((original, revised), exact)
    if found is not None:
        return found
    pairing = _pair_exactly if exact else _pair_within_windows
    return _PAIRINGS.put((original, revised), pairing(original, revised, _Features(original, revised)), exact)


#: The pairings made last, kept with the two sequences of views they pair (article_views keeps
#: a contract's views): two documents compared again, a copy of a template checked again, or a
#: document compared with itself, are paired once.
PAIRINGS_CACHE_SIZE = 32
_PAIRINGS: Kept[tuple[Link, ...]] = Kept(PAIRINGS_CACHE_SIZE)


def _pair_exactly(original: Sequence[ArticleView], revised: Sequence[ArticleView],
                  features: _Features) -> tuple[Link, ...]:
    """Every article scored against every other, the pairs assigned at once."""
    signals = features.block()
    scores, headings, content = signals.score, signals.heading, signals.content
    pairs = _assign_in_order(scores, headings)

    def cell(o: int, r: int) -> tuple[float, float]:
        return float(headings[o, r]), float(scores[o, r])

    pairs += _split_pairs(original, revised, pairs, cell, features)
    moved = out_of_order(pairs)
    split = _split_marks(pairs)
    rivals = _Rivals(scores)
    explained = {pair: signals.explain(*pair) for pair in pairs}
    links = [
        Link(o, r, calibrated(float(scores[o, r]), rivals.margin(o, r)),
             _signals(original[o], revised[r], float(content[o, r]), float(headings[o, r]), explained[o, r])
             + (("split",) if (o, r) in split else ()),
             moved=(o, r) in moved, scores=explained[o, r])
        for o, r in pairs
    ]
    paired_o = {o for o, _ in pairs}
    paired_r = {r for _, r in pairs}
    # An article left alone is as certain as its best candidate was unlikely.
    for o in range(len(original)):
        if o not in paired_o:
            best = _best(scores, rivals, o, None)
            links.append(Link(o, None, round(1.0 - best[1], 3) if best else 1.0, best=best))
    for r in range(len(revised)):
        if r not in paired_r:
            best = _best(scores, rivals, None, r)
            links.append(Link(None, r, round(1.0 - best[1], 3) if best else 1.0, best=best))
    return tuple(links)


def _assign_in_order(scores: np.ndarray, headings: np.ndarray) -> list[tuple[int, int]]:
    """The assignment of the pairs scoring MIN_PAIR_SCORE, weak pairs out of reading order refused."""
    allowed = scores.copy()
    pairs = _assign(allowed, MIN_PAIR_SCORE)
    # Weak pairs out of reading order are coincidences, not moves: forbid them and reassign.
    for _ in range(3):
        moved = out_of_order(pairs)
        weak = [(o, r) for o, r in pairs if (o, r) in moved
                and scores[o, r] < MIN_MOVED_SCORE and headings[o, r] < 1.0]
        if not weak:
            break
        for o, r in weak:
            allowed[o, r] = 0.0
        pairs = _assign(allowed, MIN_PAIR_SCORE)
    return pairs


def _best(scores: np.ndarray, rivals: _Rivals | None, o: int | None,
          r: int | None) -> tuple[int, float] | None:
    """The best candidate partner of an unpaired article, by index on the other side, and its confidence."""
    candidates = scores[o, :] if o is not None else scores[:, r]
    if not candidates.size:
        return None
    best = int(candidates.argmax())
    pair = (o, best) if o is not None else (best, r)
    margin = rivals.margin(*pair) if rivals is not None else _margin(scores, *pair)
    return best, calibrated(float(scores[pair]), margin)


# Past the budget: pairing within windows.

#: The most articles of a side one window pairs at once: (2 × 128)² cells at most.
WINDOW = 128


def _pair_within_windows(original: Sequence[ArticleView], revised: Sequence[ArticleView],
                         features: _Features) -> tuple[Link, ...]:
    """Pairing in linear time, for documents too long to score every pair (``meta.budget.degraded``).

    1. An article found word for word once in each document pairs with its copy, wherever it
       moved; then an article with the same number and the same heading as one of the other
       document, both once in their documents, where their pair score reaches MIN_MOVED_SCORE.
    2. Those pairs in reading order cut the documents into stretches; the articles left in a
       stretch are paired as a whole document would be (scores, assignment, weak moves refused),
       within windows of at most WINDOW articles a side where the stretch is longer.
    3. Splits and merges are looked for as usual. A pair's confidence weighs it against the
       candidates it was scored with (its window, or the next article on either side for the
       pairs of step 1), not against every article; an article left alone names the best
       candidate of its window.

    So an edited article moved far from where it was, out of its stretch, is read as deleted
    and inserted; the rest is what a full pairing finds.
    """
    n, m = len(original), len(revised)
    fixed = _once_on_both_sides([(v.heading_key, v.body_key) for v in original],
                                [(v.heading_key, v.body_key) for v in revised])
    taken_o, taken_r = {o for o, _ in fixed}, {r for _, r in fixed}
    numbered = _once_on_both_sides(
        [(v.number, v.branch, v.heading_key) if v.number is not None and o not in taken_o else None
         for o, v in enumerate(original)],
        [(v.number, v.branch, v.heading_key) if v.number is not None and r not in taken_r else None
         for r, v in enumerate(revised)])
    if numbered:  # only where the texts agree too: an inserted article shifts every number after it
        scores = features.cells(np.array([o for o, _ in numbered]), np.array([r for _, r in numbered])).score
        fixed += [pair for pair, score in zip(numbered, scores[:, 0], strict=True)
                  if score >= MIN_MOVED_SCORE]
    moved_fixed = out_of_order(fixed)
    anchors = sorted(pair for pair in fixed if pair not in moved_fixed)
    taken_o, taken_r = {o for o, _ in fixed}, {r for _, r in fixed}
    found: dict[tuple[int, int], tuple[Signals, int, int, _Rivals]] = {}
    alone: dict[tuple[bool, int], tuple[int, float] | None] = {}
    pairs = list(fixed)
    bounds = [(-1, -1), *anchors, (n, m)]
    for (o_from, r_from), (o_to, r_to) in zip(bounds, bounds[1:], strict=False):
        rows = [o for o in range(o_from + 1, o_to) if o not in taken_o]
        columns = [r for r in range(r_from + 1, r_to) if r not in taken_r]
        if not rows and not columns:
            continue
        chunks = max(1, -(-max(len(rows), len(columns)) // WINDOW))
        windows = [(rows[len(rows) * k // chunks:len(rows) * (k + 1) // chunks],
                    columns[len(columns) * k // chunks:len(columns) * (k + 1) // chunks])
                   for k in range(chunks)]
        for window_rows, window_columns in windows:
            pairs += _pair_window(features, window_rows, window_columns, found, alone)
        if chunks > 1:  # the articles a window boundary kept apart, once more together
            paired = {o for o, _ in pairs}, {r for _, r in pairs}
            left = [o for o in rows if o not in paired[0]][:2 * WINDOW]
            right = [r for r in columns if r not in paired[1]][:2 * WINDOW]
            pairs += _pair_window(features, left, right, found, alone)
    fixed_signals = _fixed_signals(features, fixed, n, m)

    def cell(o: int, r: int) -> tuple[float, float]:
        signals = features.cells(np.array([o]), np.array([r]))
        return float(signals.heading[0, 0]), float(signals.score[0, 0])

    split_found = _split_pairs(original, revised, pairs, cell, features)
    for o, r in split_found:
        signals = features.cells(np.array([o]), np.array([r]))
        found[(o, r)] = (signals, 0, 0, _Rivals(signals.score))
    pairs += split_found
    moved = out_of_order(pairs)
    split = _split_marks(pairs)
    links = []
    for o, r in pairs:
        if (o, r) in found:
            signals, i, j, rivals = found[(o, r)]
            confidence = calibrated(float(signals.score[i, j]), rivals.margin(i, j))
        else:
            signals, i, j, margin = fixed_signals[(o, r)]
            confidence = calibrated(float(signals.score[i, j]), margin)
        explained = signals.explain(i, j)
        links.append(Link(o, r, confidence,
                          _signals(original[o], revised[r], float(signals.content[i, j]),
                                   float(signals.heading[i, j]), explained)
                          + (("split",) if (o, r) in split else ()),
                          moved=(o, r) in moved, scores=explained))
    paired_o, paired_r = {o for o, _ in pairs}, {r for _, r in pairs}
    for o in range(n):
        if o not in paired_o:
            best = alone.get((True, o))
            links.append(Link(o, None, round(1.0 - best[1], 3) if best else 1.0, best=best))
    for r in range(m):
        if r not in paired_r:
            best = alone.get((False, r))
            links.append(Link(None, r, round(1.0 - best[1], 3) if best else 1.0, best=best))
    return tuple(links)


def _once_on_both_sides(left: Sequence[Hashable | None],
                        right: Sequence[Hashable | None]) -> list[tuple[int, int]]:
    """Pairs of positions whose key (not None) stands once in ``left`` and once in ``right``."""
    count_left = Counter(key for key in left if key is not None)
    count_right = Counter(key for key in right if key is not None)
    where = {key: r for r, key in enumerate(right) if key is not None and count_right[key] == 1}
    return [(o, where[key]) for o, key in enumerate(left)
            if key is not None and count_left[key] == 1 and key in where]


def _pair_window(features: _Features, rows: list[int], columns: list[int],
                 found: dict[tuple[int, int], tuple[Signals, int, int, _Rivals]],
                 alone: dict[tuple[bool, int], tuple[int, float] | None]) -> list[tuple[int, int]]:
    """Pair the articles ``rows`` and ``columns`` as a whole pairing would; note what each was scored with."""
    if not rows or not columns:
        return []
    signals = features.block(np.array(rows), np.array(columns))
    local = _assign_in_order(signals.score, signals.heading)
    rivals = _Rivals(signals.score)
    pairs = []
    for i, j in local:
        pairs.append((rows[i], columns[j]))
        found[(rows[i], columns[j])] = (signals, i, j, rivals)
    paired_i, paired_j = {i for i, _ in local}, {j for _, j in local}
    for i, o in enumerate(rows):
        if i not in paired_i:
            best = _best(signals.score, rivals, i, None)
            alone[(True, o)] = (columns[best[0]], best[1]) if best else None
    for j, r in enumerate(columns):
        if j not in paired_j:
            best = _best(signals.score, rivals, None, j)
            alone[(False, r)] = (rows[best[0]], best[1]) if best else None
    return pairs


def _fixed_signals(features: _Features, fixed: Sequence[tuple[int, int]], n: int,
                   m: int) -> dict[tuple[int, int], tuple[Signals, int, int, float]]:
    """The signals of pairs made by key, each with its margin over the next article on either side."""
    if not fixed:
        return {}
    cells = [(o, r) for o, r in fixed]
    rivals_of: list[list[int]] = []
    for o, r in fixed:
        near = ([(o, r + d) for d in (-1, 1) if 0 <= r + d < m]
                + [(o + d, r) for d in (-1, 1) if 0 <= o + d < n])
        rivals_of.append(list(range(len(cells), len(cells) + len(near))))
        cells += near
    signals = features.cells(np.array([o for o, _ in cells]), np.array([r for _, r in cells]))
    scores = signals.score[:, 0]
    found = {}
    for index, (pair, rivals) in enumerate(zip(fixed, rivals_of, strict=True)):
        rival = max([float(scores[k]) for k in rivals] + [0.0])
        found[pair] = (signals, index, 0, float(scores[index]) - rival)
    return found


def _split_marks(pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    count_o = Counter(o for o, _ in pairs)
    count_r = Counter(r for _, r in pairs)
    return {(o, r) for o, r in pairs if count_o[o] > 1 or count_r[r] > 1}


def _split_pairs(original: Sequence[ArticleView], revised: Sequence[ArticleView],
                 pairs: Sequence[tuple[int, int]], cell: Callable[[int, int], tuple[float, float]],
                 features: _Features) -> list[tuple[int, int]]:
    """Extra pairs for articles split in two (or two merged into one); ``cell`` gives the
    heading similarity and the score of a pair."""
    partner_of_o = dict(pairs)
    partner_of_r = {r: o for o, r in pairs}
    extra = []
    # A part split off stands right before or after the rest of its article. An article repealed
    # (第十条　削除) is no part of its neighbour, though 削除 is all of the neighbour's text too.
    for r in range(len(revised)):
        candidates = [partner_of_r[n] for n in (r - 1, r + 1)
                      if n in partner_of_r and not _repealed(original[partner_of_r[n]])]
        if r in partner_of_r or not candidates or _repealed(revised[r]):
            continue
        best = max((features.containment(r, False, o), o) for o in candidates)
        if _is_part(best[0], *cell(best[1], r)):
            extra.append((best[1], r))
    for o in range(len(original)):
        candidates = [partner_of_o[n] for n in (o - 1, o + 1)
                      if n in partner_of_o and not _repealed(revised[partner_of_o[n]])]
        if o in partner_of_o or not candidates or _repealed(original[o]):
            continue
        best = max((features.containment(o, True, r), r) for r in candidates)
        if _is_part(best[0], *cell(o, best[1])):
            extra.append((o, best[1]))
    return extra


def _repealed(view: ArticleView) -> bool:
    """第十条　削除: an article kept only for its number (削除 read as its heading with no body,
    or, in a range repealed together, 第七条から第十条まで　削除, as its body)."""
    heading, body = view.heading_key, view.body_key.strip()
    return (heading, body) in (("削除", ""), ("", "削除"))


def _is_part(containment: float, heading: float, score: float) -> bool:
    if containment >= MIN_SPLIT_CONTAINMENT and heading >= MIN_SPLIT_HEADING:
        return True
    return heading >= SAME_TOPIC_SCORE and score >= MIN_SPLIT_SAME_TOPIC_SCORE


#: Above this many candidate pairs (a 項 of ten thousand ① items), paragraphs are paired
#: in linear time instead: equal texts first, in order, the rest by position.
MAX_TEXT_PAIR_CELLS = 250_000


def pair_texts(original: Sequence[str], revised: Sequence[str],
               budget: Budget | None = None) -> tuple[Link, ...]:
    """Pair short normalised texts (項) on characters alone; moved ones flagged.

    Past MAX_TEXT_PAIR_CELLS candidate pairs, or the budget's assignment size, in linear time
    (``_pair_texts_linear``), which the budget remembers as degraded.
    """
    if not original or not revised:
        return tuple([Link(o, None, 1.0) for o in range(len(original))]
                     + [Link(None, r, 1.0) for r in range(len(revised))])
    exact = budget.assignment(len(original), len(revised)) if budget is not None else True
    if not exact or len(original) * len(revised) > MAX_TEXT_PAIR_CELLS:
        if budget is not None:
            budget.degraded.add("assignment")
        return _pair_texts_linear(original, revised)
    scores = _text_cosines(original, revised)
    at: dict[str, list[int]] = {}
    for r, text in enumerate(revised):
        at.setdefault(text, []).append(r)
    for o, text in enumerate(original):
        for r in at.get(text, ()):
            scores[o, r] = 1.0
    # Prefer the pair in the same position when two candidates are equally good.
    n, m = len(original), len(revised)
    position = 1.0 - np.abs((np.arange(n) / max(n, 1))[:, None] - (np.arange(m) / max(m, 1))[None, :])
    pairs = _assign(scores + 0.02 * position, MIN_PARAGRAPH_SCORE)
    moved = out_of_order(pairs)
    links = [Link(o, r, round(float(min(1.0, scores[o, r])), 3), ("content",), (o, r) in moved)
             for o, r in pairs]
    return tuple(links + _singles(pairs, n, m))


def _singles(pairs: Sequence[tuple[int, int]], n: int, m: int) -> list[Link]:
    paired_o = {o for o, _ in pairs}
    paired_r = {r for _, r in pairs}
    return ([Link(o, None, 1.0) for o in range(n) if o not in paired_o]
            + [Link(None, r, 1.0) for r in range(m) if r not in paired_r])


def _pair_texts_linear(original: Sequence[str], revised: Sequence[str]) -> tuple[Link, ...]:
    waiting: dict[str, list[int]] = {}
    for r in reversed(range(len(revised))):
        waiting.setdefault(revised[r], []).append(r)
    pairs = [(o, waiting[text].pop()) for o, text in enumerate(original) if waiting.get(text)]
    equal = set(pairs)
    paired_o, paired_r = {o for o, _ in equal}, {r for _, r in equal}
    left = [o for o in range(len(original)) if o not in paired_o]
    right = [r for r in range(len(revised)) if r not in paired_r]
    pairs += list(zip(left, right, strict=False))
    moved = out_of_order(pairs)
    links = [Link(o, r, 1.0 if (o, r) in equal else 0.0, ("content",), (o, r) in moved) for o, r in pairs]
    return tuple(links + _singles(pairs, len(original), len(revised)))

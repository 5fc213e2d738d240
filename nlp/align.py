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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from .engine import Analysis, Engine
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


def article_views(contract: Contract, engine: Engine) -> tuple[ArticleView, ...]:
    """Normalised keys and GiNZA analysis of every article of ``contract``."""
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


def heading_topic(heading: str | None) -> str | None:
    """The legal topic a heading names (``準拠法及び管轄`` and ``合意管轄`` → jurisdiction)."""
    if not heading:
        return None
    for topic, words in HEADING_TOPICS:
        if any(word in heading for word in words):
            return topic
    return None


#: Character bigrams and word counts are kept per text: the template of a batch and the
#: unchanged articles of two drafts are counted once. Callers only read them.
COUNTS_CACHE_SIZE = 8192


@functools.lru_cache(maxsize=COUNTS_CACHE_SIZE)
def word_counts(norms: tuple[str, ...]) -> Counter[str]:
    return Counter(norms)


@functools.lru_cache(maxsize=COUNTS_CACHE_SIZE)
def bigrams(text: str) -> Counter[str]:
    text = _PUNCTUATION.sub("", text)
    if len(text) < 2:
        return Counter([text]) if text else Counter()
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def heading_similarity(a: ArticleView, b: ArticleView) -> float:
    """1 for the same heading, SAME_TOPIC_SCORE or more for one legal topic, else shared bigrams."""
    return float(heading_matrix([a], [b])[0, 0])


def heading_matrix(left: Sequence[ArticleView], right: Sequence[ArticleView]) -> np.ndarray:
    """Heading similarity of every pair, without a Python loop over the pairs."""
    if not left or not right:
        return np.zeros((len(left), len(right)), dtype=np.float32)
    present_left = np.array([bool(v.heading_key) for v in left])
    present_right = np.array([bool(v.heading_key) for v in right])
    both = present_left[:, None] & present_right[None, :]
    grams_left = [set(bigrams(v.heading_key)) for v in left]
    grams_right = [set(bigrams(v.heading_key)) for v in right]
    vocabulary = {gram: index for index, gram in enumerate(set().union(*grams_left, *grams_right))}
    sets_left = _binary_rows(grams_left, vocabulary)
    sets_right = _binary_rows(grams_right, vocabulary)
    shared = (sets_left @ sets_right.T).toarray()
    sizes = np.asarray(sets_left.sum(axis=1)) + np.asarray(sets_right.sum(axis=1)).T
    scores = np.divide(2 * shared, sizes, out=np.zeros_like(shared, dtype=np.float64), where=sizes > 0)
    topics = {topic: index for index, topic in enumerate(name for name, _ in HEADING_TOPICS)}
    topic_left = np.array([topics.get(v.topic, -1) if v.topic else -1 for v in left])
    topic_right = np.array([topics.get(v.topic, -2) if v.topic else -2 for v in right])
    same_topic = topic_left[:, None] == topic_right[None, :]
    scores = np.where(same_topic, np.maximum(scores, SAME_TOPIC_SCORE), scores)
    keys = {key: index for index, key in enumerate({v.heading_key for v in (*left, *right)})}
    key_left = np.array([keys[v.heading_key] for v in left])
    key_right = np.array([keys[v.heading_key] for v in right])
    scores = np.where(key_left[:, None] == key_right[None, :], 1.0, scores)
    return np.where(both, scores, 0.0).astype(np.float32)


def _binary_rows(sets: Sequence[set[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    rows = [row for row, items in enumerate(sets) for _ in items]
    columns = [vocabulary[item] for items in sets for item in items]
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, columns)),
                             shape=(len(sets), max(len(vocabulary), 1)))


def _idf(documents: Sequence[Counter[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for counts in documents:
        df.update(counts.keys())
    n = len(documents)
    return {term: math.log((n + 1) / (count + 1)) + 1.0 for term, count in df.items()}


def _tfidf_matrix(rows: Sequence[Counter[str]], idf: dict[str, float],
                  vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """Unit-length TF-IDF rows, sparse: a thousand articles stay a few megabytes."""
    data, indices, indptr = [], [], [0]
    for counts in rows:
        weights = [((1.0 + math.log(count)) * idf[term], vocabulary[term]) for term, count in counts.items()]
        length = math.sqrt(sum(weight * weight for weight, _ in weights)) or 1.0
        for weight, column in weights:
            data.append(weight / length)
            indices.append(column)
        indptr.append(len(data))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), max(len(vocabulary), 1)))


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _cosine_tfidf(left: Sequence[Counter[str]], right: Sequence[Counter[str]]) -> np.ndarray:
    idf = _idf([*left, *right])
    vocabulary = {term: index for index, term in enumerate(idf)}
    product = _tfidf_matrix(left, idf, vocabulary) @ _tfidf_matrix(right, idf, vocabulary).T
    return np.asarray(product.toarray(), dtype=np.float32)


def _meaning_vectors(views: Sequence[ArticleView], idf: dict[str, float], dimensions: int) -> np.ndarray:
    rows = []
    for view in views:
        vectors = view.analysis.vectors
        if not len(vectors):
            rows.append(np.zeros(dimensions, dtype=np.float32))
            continue
        weights = np.array([idf.get(norm, 1.0) for norm in view.analysis.norms], dtype=np.float32)
        rows.append((weights[:, None] * vectors).sum(axis=0) / weights.sum())
    return np.vstack(rows) if rows else np.zeros((0, dimensions), dtype=np.float32)


def content_similarity(left: Sequence[ArticleView], right: Sequence[ArticleView]) -> np.ndarray:
    """Content similarity in [0, 1] of every article of ``left`` with every one of ``right``."""
    words, meaning = content_parts(left, right)
    return (WEIGHT_LEXICAL + WEIGHT_CHARS) * words + WEIGHT_MEANING * meaning


def content_parts(left: Sequence[ArticleView], right: Sequence[ArticleView]) -> tuple[np.ndarray, np.ndarray]:
    """Shared words and characters, and static-vector similarity, of every pair, each in [0, 1]."""
    if not left or not right:
        return (np.zeros((len(left), len(right)), dtype=np.float32),) * 2
    words_left = [word_counts(view.analysis.norms) for view in left]
    words_right = [word_counts(view.analysis.norms) for view in right]
    lexical = _cosine_tfidf(words_left, words_right)
    chars = _cosine_tfidf([bigrams(v.body_key) for v in left], [bigrams(v.body_key) for v in right])
    idf = _idf([*words_left, *words_right])
    dimensions = left[0].analysis.table.shape[1]
    vectors_left = _meaning_vectors(left, idf, dimensions)
    vectors_right = _meaning_vectors(right, idf, dimensions)
    # Static vectors of any two clauses point the same way; removing their common
    # component leaves what tells the clauses apart.
    common = np.vstack([vectors_left, vectors_right]).mean(axis=0)
    meaning = np.clip(_unit_rows(vectors_left - common) @ _unit_rows(vectors_right - common).T, 0.0, 1.0)
    words = (WEIGHT_LEXICAL * lexical + WEIGHT_CHARS * chars) / (WEIGHT_LEXICAL + WEIGHT_CHARS)
    return words.astype(np.float32), meaning.astype(np.float32)


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


def score_matrix(left: Sequence[ArticleView],
                 right: Sequence[ArticleView]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined pair scores, heading and content similarities, each (len(left), len(right))."""
    signals = pair_signals(left, right)
    return signals.score, signals.heading, signals.content


def pair_signals(left: Sequence[ArticleView], right: Sequence[ArticleView]) -> Signals:
    """The pair score of every two articles and the signals it is made of."""
    words, meaning = content_parts(left, right)
    content = (WEIGHT_LEXICAL + WEIGHT_CHARS) * words + WEIGHT_MEANING * meaning
    headings = heading_matrix(left, right)
    number_left = np.array([(v.number, v.branch or 0) if v.number is not None else (-1, -1) for v in left]
                           ).reshape(len(left), 2)
    number_right = np.array([(v.number, v.branch or 0) if v.number is not None else (-2, -2) for v in right]
                            ).reshape(len(right), 2)
    numbers = (number_left[:, None, :] == number_right[None, :, :]).all(axis=2).astype(np.float32)
    has_left = np.array([bool(v.heading_key) for v in left], dtype=bool)
    has_right = np.array([bool(v.heading_key) for v in right], dtype=bool)
    has_headings = has_left[:, None] & has_right[None, :]
    # A heading its own body contradicts (「通知」 over an assignment ban) does not count.
    trusted = (np.array([v.heading_trusted for v in left], dtype=bool)[:, None]
               & np.array([v.heading_trusted for v in right], dtype=bool)[None, :])
    with_heading = WEIGHT_CONTENT * content + WEIGHT_HEADING * headings + WEIGHT_NUMBER * numbers
    without_heading = (1 - WEIGHT_NUMBER) * content + WEIGHT_NUMBER * numbers
    topics, has_topics = topic_matrix([_topics(v) for v in left], [_topics(v) for v in right])
    score = (np.where(has_headings & trusted, with_heading, without_heading)
             + np.where(has_topics, WEIGHT_TOPIC * (topics - TOPIC_NEUTRAL), 0.0))
    return Signals(score.astype(np.float32), headings, content, words, meaning, topics, has_topics,
                   numbers, has_headings, trusted)


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


def _containment(inner: Analysis, outer: Analysis, idf: dict[str, float]) -> float:
    """The IDF-weighted share of ``inner``'s words that also occur in ``outer``."""
    words = set(inner.norms)
    if not words:
        return 0.0
    present = set(outer.norms)
    total = sum(idf.get(word, 1.0) for word in words)
    return sum(idf.get(word, 1.0) for word in words if word in present) / total


def pair_articles(original: Sequence[ArticleView], revised: Sequence[ArticleView]) -> tuple[Link, ...]:
    """Article links: pairs (one article may have two partners when split or merged) and singles."""
    signals = pair_signals(original, revised)
    scores, headings, content = signals.score, signals.heading, signals.content
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
    pairs += _split_pairs(original, revised, pairs, headings, scores)
    moved = out_of_order(pairs)
    split = _split_marks(pairs)
    explained = {pair: signals.explain(*pair) for pair in pairs}
    links = [
        Link(o, r, calibrated(float(scores[o, r]), _margin(scores, o, r)),
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
            best = _best(scores, o, None)
            links.append(Link(o, None, round(1.0 - best[1], 3) if best else 1.0, best=best))
    for r in range(len(revised)):
        if r not in paired_r:
            best = _best(scores, None, r)
            links.append(Link(None, r, round(1.0 - best[1], 3) if best else 1.0, best=best))
    return tuple(links)


def _best(scores: np.ndarray, o: int | None, r: int | None) -> tuple[int, float] | None:
    """The best candidate partner of an unpaired article, by index on the other side, and its confidence."""
    candidates = scores[o, :] if o is not None else scores[:, r]
    if not candidates.size:
        return None
    best = int(candidates.argmax())
    pair = (o, best) if o is not None else (best, r)
    return best, calibrated(float(scores[pair]), _margin(scores, *pair))


def _split_marks(pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    count_o = Counter(o for o, _ in pairs)
    count_r = Counter(r for _, r in pairs)
    return {(o, r) for o, r in pairs if count_o[o] > 1 or count_r[r] > 1}


def _split_pairs(original: Sequence[ArticleView], revised: Sequence[ArticleView],
                 pairs: Sequence[tuple[int, int]], headings: np.ndarray,
                 scores: np.ndarray) -> list[tuple[int, int]]:
    """Extra pairs for articles split in two (or two merged into one)."""
    partner_of_o = dict(pairs)
    partner_of_r = {r: o for o, r in pairs}
    idf = _idf([word_counts(v.analysis.norms) for v in (*original, *revised)])
    extra = []
    # A part split off stands right before or after the rest of its article.
    for r, view in enumerate(revised):
        candidates = [partner_of_r[n] for n in (r - 1, r + 1) if n in partner_of_r]
        if r in partner_of_r or not candidates:
            continue
        best = max((_containment(view.analysis, original[o].analysis, idf), o) for o in candidates)
        if _is_part(best[0], headings[best[1], r], scores[best[1], r]):
            extra.append((best[1], r))
    for o, view in enumerate(original):
        candidates = [partner_of_o[n] for n in (o - 1, o + 1) if n in partner_of_o]
        if o in partner_of_o or not candidates:
            continue
        best = max((_containment(view.analysis, revised[r].analysis, idf), r) for r in candidates)
        if _is_part(best[0], headings[o, best[1]], scores[o, best[1]]):
            extra.append((o, best[1]))
    return extra


def _is_part(containment: float, heading: float, score: float) -> bool:
    if containment >= MIN_SPLIT_CONTAINMENT and heading >= MIN_SPLIT_HEADING:
        return True
    return heading >= SAME_TOPIC_SCORE and score >= MIN_SPLIT_SAME_TOPIC_SCORE


#: Above this many candidate pairs (a 項 of ten thousand ① items), paragraphs are paired
#: in linear time instead: equal texts first, in order, the rest by position.
MAX_TEXT_PAIR_CELLS = 250_000


def pair_texts(original: Sequence[str], revised: Sequence[str]) -> tuple[Link, ...]:
    """Pair short normalised texts (項) on characters alone; moved ones flagged."""
    if not original or not revised:
        return tuple([Link(o, None, 1.0) for o in range(len(original))]
                     + [Link(None, r, 1.0) for r in range(len(revised))])
    if len(original) * len(revised) > MAX_TEXT_PAIR_CELLS:
        return _pair_texts_linear(original, revised)
    scores = _cosine_tfidf([bigrams(t) for t in original], [bigrams(t) for t in revised])
    for o, text_o in enumerate(original):
        for r, text_r in enumerate(revised):
            if text_o == text_r:
                scores[o, r] = 1.0
    # Prefer the pair in the same position when two candidates are equally good.
    n, m = len(original), len(revised)
    position = np.array([[1.0 - abs(o / max(n, 1) - r / max(m, 1)) for r in range(m)] for o in range(n)])
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

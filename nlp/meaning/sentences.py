"""The sentences of a clause, and which sentences of two clauses are one sentence edited.

Only sentences that changed are read for meaning: a sentence found word for word (after
normalisation) in the other draft changed nothing, wherever it moved.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..result import Excerpt
from ..text import normalize

__all__ = ["Sentence", "SentencePair", "changed_pairs", "sentences"]

OPENING = "（(「『［【〔"
CLOSING = "）)」』］】〕"
#: A "sentence" longer than this is not read for meaning: the longest sentences of the
#: statutes and contracts measured run to about 1,000 characters, and every reading of a
#: sentence costs in proportion to its length.
MAX_SENTENCE_CHARS = 2_000
# Characters after which an unclosed bracket no longer keeps a 。 inside the sentence.
MAX_BRACKETED = 400
#: Two sentences are the same sentence, edited, when at least this share of their character
#: bigrams is common (Dice): 納期を遵守しなければならない / 納期を遵守するよう努めるものとする score 0.38;
#: two different sentences of one clause rarely pass 0.3.
MIN_SENTENCE_SCORE = 0.35
#: Above this share, two sentences are one edited whatever was edited; between the two scores,
#: only when they keep their opening and closing words (sentences of two templates that
#: merely speak of the same things score 0.35 to 0.5).
SAME_SENTENCE_SCORE = 0.5


#: How a ただし書 opens.
PROVISO = ("ただし", "但し")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int                 # raw offsets into the document
    end: int
    key: str                   # normalised, for pairing and sameness

    def excerpt(self) -> Excerpt:
        return Excerpt(self.text, self.start, self.end)


@dataclass(frozen=True, slots=True)
class SentencePair:
    """A changed sentence and its counterpart; one side is None when it was added or removed."""

    original: Sentence | None
    revised: Sentence | None


def sentences(text: str, offset: int = 0) -> list[Sentence]:
    """The sentences of ``text``, offsets shifted by ``offset``.

    A sentence ends at 。 outside brackets, or at a line break: （…を除く。） and 「…とする。」
    stay inside the sentence that holds them. Noise (markup, page headers) is blanked out of
    ``text`` by the caller, same length, so offsets stay those of the document. Sentences
    over MAX_SENTENCE_CHARS are left out.
    """
    found = []
    for start, end in _spans(text):
        raw = text[start:end]
        if len(raw) > MAX_SENTENCE_CHARS:
            continue  # not a sentence a person wrote: a table, a dump, an attack
        body = raw.strip()
        key = normalize(body).text
        if len(key) >= 2:
            lead = len(raw) - len(raw.lstrip())
            found.append(Sentence(body, offset + start + lead, offset + start + lead + len(body), key))
    return found


def _spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = depth = 0
    for at, char in enumerate(text):
        if char in OPENING:
            depth += 1
        elif char in CLOSING and depth:
            depth -= 1
        elif char == "\n" or (char == "。" and depth == 0):
            end = at + 1 if char == "。" else at
            spans.append((start, end))
            start, depth = at + 1, 0
        # A bracket left open past a long stretch is a typo, not a quotation.
        if depth and at - start > MAX_BRACKETED:
            depth = 0
    spans.append((start, len(text)))
    return spans


def changed_pairs(original: Sequence[Sentence], revised: Sequence[Sentence]) -> list[SentencePair]:
    """The sentences that changed, paired with their edited counterparts where there is one.

    Pairs are taken best first by the share of character bigrams two sentences have in
    common (Dice): a clause holds few sentences, so every pair is scored.
    """
    kept = Counter(s.key for s in original) & Counter(s.key for s in revised)
    left, right = _changed(original, kept), _changed(revised, kept)
    grams = [_bigrams(s.key) for s in left], [_bigrams(s.key) for s in right]
    scored = sorted(((_dice(a, b), -abs(i - j), i, j) for i, a in enumerate(grams[0])
                     for j, b in enumerate(grams[1])), reverse=True)
    partner: dict[int, int] = {}
    taken: set[int] = set()
    for score, _, i, j in scored:
        if score < MIN_SENTENCE_SCORE:
            break
        if score < SAME_SENTENCE_SCORE and not _edited_in_place(left[i].key, right[j].key) \
                and not (_proviso(left[i].key) and _proviso(right[j].key)):
            continue
        if i not in partner and j not in taken:
            partner[i] = j
            taken.add(j)
    pairs = [SentencePair(sentence, right[partner[i]] if i in partner else None)
             for i, sentence in enumerate(left)]
    pairs += [SentencePair(None, sentence) for j, sentence in enumerate(right) if j not in taken]
    return pairs


def _proviso(key: str) -> bool:
    """A ただし書: two of them alike enough in one clause are one proviso rewritten, however much
    of it changed (a cap made smaller and given an exception for gross negligence)."""
    return key.startswith(PROVISO)


def _edited_in_place(a: str, b: str) -> bool:
    """The two share their opening and closing words over half the shorter: one sentence whose
    middle or ending was rewritten (納期を遵守しなければならない → 納期を遵守するよう努める)."""
    prefix = len(os.path.commonprefix([a, b]))
    suffix = len(os.path.commonprefix([a[prefix:][::-1], b[prefix:][::-1]]))
    return prefix + suffix >= min(len(a), len(b)) / 2


def _bigrams(text: str) -> Counter[str]:
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def _dice(a: Counter[str], b: Counter[str]) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def _changed(found: Sequence[Sentence], kept: Counter[str]) -> list[Sentence]:
    budget = Counter(kept)
    changed = []
    for sentence in found:
        if budget[sentence.key] > 0:
            budget[sentence.key] -= 1
        else:
            changed.append(sentence)
    return changed

"""A character redline of two short texts with diff-match-patch, read on the raw text.

The diff runs on the normalised texts, so formatting (全角/半角, 五/5, ヶ月/か月,
line wraps, bookmark residue) is never an edit; each run is then shown with the
raw characters it came from. A number is replaced whole (30日前 → 90日前 reads as
``30`` deleted and ``90`` inserted, not ``3`` → ``9``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from .result import Op, Segment
from .text import Normalized, normalize

__all__ = ["Redline", "redline", "verbatim"]

#: diff-match-patch gives up refining after this many seconds and returns a coarser,
#: still correct diff: a bound on the worst case, never reached by real clauses.
DIFF_TIMEOUT_SECONDS = 0.5
#: Above this many characters diff-match-patch's half-match shortcut is skipped. On repetitive
#: text (a line of 200,000 あ changed at both ends) it is quadratic, 27 s, and the timeout does
#: not cover it; the bisection it would save does respect the timeout. A real paragraph is shorter.
HALF_MATCH_MAX_CHARS = 10_000

# Characters that belong to one number: an edit touching a digit takes the whole number.
NUMBER_CHAR = re.compile(r"[0-9.,]")

_OPS = {0: Op.EQUAL, 1: Op.INSERT, -1: Op.DELETE}


@dataclass(frozen=True, slots=True)
class Redline:
    segments: tuple[Segment, ...]
    same: bool                 # the two texts are equal once normalised
    formatting_only: bool      # equal once normalised, but not as written


def verbatim(text: str) -> Normalized:
    """The identity normalisation: for comparisons that keep formatting."""
    return Normalized(text, range(len(text)), text)


class _BoundedDiffer(diff_match_patch):
    """diff-match-patch whose time is bounded by its timeout whatever the texts."""

    def diff_halfMatch(self, text1: str, text2: str) -> tuple[str, ...] | None:  # noqa: N802 (its name)
        if max(len(text1), len(text2)) > HALF_MATCH_MAX_CHARS:
            return None
        return super().diff_halfMatch(text1, text2)


def _differ() -> diff_match_patch:
    differ = _BoundedDiffer()
    differ.Diff_Timeout = DIFF_TIMEOUT_SECONDS
    return differ


def _whole_numbers(diffs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Move digits shared by the edit and its neighbours into the edit, on both sides."""
    result = [list(d) for d in diffs]
    index = 0
    while index < len(result):
        if result[index][0] == 0:
            index += 1
            continue
        end = index
        while end < len(result) and result[end][0] != 0:
            end += 1
        group = result[index:end]
        deleted = "".join(text for op, text in group if op == -1)
        inserted = "".join(text for op, text in group if op == 1)
        before = result[index - 1][1] if index > 0 else ""
        after = result[end][1] if end < len(result) else ""
        head = _number_suffix(before) if (_starts_number(deleted) or _starts_number(inserted)) else ""
        tail = _number_prefix(after) if (_ends_number(deleted) or _ends_number(inserted)) else ""
        if not head and deleted and inserted and _kanji(deleted[0]) and _kanji(inserted[0]):
            head = _word_suffix(before)
        if not tail and deleted and inserted and _kanji(deleted[-1]) and _kanji(inserted[-1]):
            tail = _word_prefix(after)
        if head or tail:
            if head:
                result[index - 1][1] = before[: len(before) - len(head)]
            if tail:
                result[end][1] = after[len(tail):]
            replacement = []
            if deleted or head or tail:
                replacement.append([-1, head + deleted + tail])
            if inserted or head or tail:
                replacement.append([1, head + inserted + tail])
            result[index:end] = replacement
            end = index + len(replacement)
        index = end
    return [(op, text) for op, text in result if text]


#: A replaced word keeps no stray first or last character: 当|事者 → 当|該 reads as 当事者 → 当該.
#: Only fragments this short move into the edit; a longer shared run (秘密保持|義務 → 秘密保持|責任)
#: is a word of its own and stays.
MAX_WORD_FRAGMENT = 2
KANJI = re.compile(r"[\u3400-\u9fff々〆]")


def _kanji(char: str) -> bool:
    return bool(KANJI.match(char))


def _word_suffix(text: str) -> str:
    run = len(text)
    while run > 0 and _kanji(text[run - 1]):
        run -= 1
    fragment = text[run:]
    return fragment if 0 < len(fragment) <= MAX_WORD_FRAGMENT else ""


def _word_prefix(text: str) -> str:
    run = 0
    while run < len(text) and _kanji(text[run]):
        run += 1
    fragment = text[:run]
    return fragment if 0 < len(fragment) <= MAX_WORD_FRAGMENT else ""


def _starts_number(text: str) -> bool:
    return bool(text) and bool(NUMBER_CHAR.match(text[0])) and text[0].isdigit()


def _ends_number(text: str) -> bool:
    return bool(text) and text[-1].isdigit()


def _number_suffix(text: str) -> str:
    end = len(text)
    while end > 0 and NUMBER_CHAR.match(text[end - 1]):
        end -= 1
    suffix = text[end:]
    return suffix if any(char.isdigit() for char in suffix) else ""


def _number_prefix(text: str) -> str:
    end = 0
    while end < len(text) and NUMBER_CHAR.match(text[end]):
        end += 1
    prefix = text[:end]
    return prefix if any(char.isdigit() for char in prefix) else ""


def diff_normalized(original: Normalized, revised: Normalized) -> tuple[Segment, ...]:
    """Redline of two normalised texts, each run shown in the raw text it came from."""
    differ = _differ()
    diffs = differ.diff_main(original.text, revised.text, False)
    differ.diff_cleanupSemantic(diffs)
    diffs = _whole_numbers(diffs)
    segments: list[Segment] = []
    at_original = at_revised = 0
    for op, text in diffs:
        if op == 0:
            start, end = revised.raw_span(at_revised, at_revised + len(text))
            raw = revised.source[start:end]
            at_original += len(text)
            at_revised += len(text)
        elif op == -1:
            start, end = original.raw_span(at_original, at_original + len(text))
            raw = original.source[start:end]
            at_original += len(text)
        else:
            start, end = revised.raw_span(at_revised, at_revised + len(text))
            raw = revised.source[start:end]
            at_revised += len(text)
        _append(segments, _OPS[op], raw)
    return tuple(segments)


def _append(segments: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def redline(original: str, revised: str, *, ignore_formatting: bool = True,
            drop_original: Sequence[tuple[int, int]] = (),
            drop_revised: Sequence[tuple[int, int]] = ()) -> Redline:
    """Redline ``original`` → ``revised``; with ``ignore_formatting`` formatting is not an edit.

    Short pairs are kept (KEPT_CHARS): the label lines of renumbered articles and the 項 a draft
    left as the one before it did recur across the drafts compared with one original.
    """
    drops = (tuple(map(tuple, drop_original)), tuple(map(tuple, drop_revised)))
    if len(original) + len(revised) <= KEPT_CHARS:
        return _kept_redline(original, revised, ignore_formatting, *drops)
    return _redline(original, revised, ignore_formatting, *drops)


#: Pairs of texts up to this many characters together are kept, the last REDLINES_KEPT of them.
KEPT_CHARS = 2_000
REDLINES_KEPT = 4096


def _redline(original: str, revised: str, ignore_formatting: bool,
             drop_original: Sequence[tuple[int, int]], drop_revised: Sequence[tuple[int, int]]) -> Redline:
    if ignore_formatting:
        left, right = normalize(original, drop=drop_original), normalize(revised, drop=drop_revised)
    else:
        left, right = verbatim(original), verbatim(revised)
    same = left.text == right.text
    if same:
        segments = (Segment(Op.EQUAL, revised),) if revised else ()
        return Redline(segments, True, original != revised)
    return Redline(diff_normalized(left, right), False, False)


_kept_redline = functools.lru_cache(maxsize=REDLINES_KEPT)(_redline)

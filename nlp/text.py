"""Normalisation of contract text with an offset map back to the raw text.

Two texts that differ only in formatting (全角/半角, 五/5, ヶ月/か月, spaces, line
wraps, Word bookmark residue, the punctuation of 項 numbers) normalise to the
same string. Every character of the normalised text remembers the index of the
raw character it came from, so a diff computed on normalised text can be shown
on the raw text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "ARTICLE_REFERENCE",
    "BOOKMARK",
    "KANJI_DIGITS",
    "Normalized",
    "article_references",
    "normalize",
    "normalize_key",
    "parse_number",
    "standard_punctuation",
]

#: Word export residue: ``[bookmark: _nrtvg8zeeum5]``.
BOOKMARK = re.compile(r"\[bookmark:[^\]\n]{0,200}\]")

KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                "六": 6, "七": 7, "八": 8, "九": 9}
KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
KANJI_LARGE = {"万": 10_000, "億": 100_000_000}

# A kanji numeral is rewritten as digits only where it is plainly a number: after 第
# or before a counter. Elsewhere (一切, 一部の, 十分に) it is a word and stays a word.
KANJI_NUMBER = re.compile(r"""
    (?P<before>第)?
    (?P<number>[〇一二三四五六七八九十百千]{1,12})
    (?P<after>(?:か|ヶ|ケ|カ|ヵ|箇)?[年月日週時分円名通条項号倍回部件社人営秒])?
""", re.VERBOSE)

# ヶ月, ケ月, カ月, ヵ月, 箇月 and か月 are one word.
MONTH_COUNTER = re.compile(r"[ヶケカヵ箇か]月")

# The punctuation around a 項 number at the start of a line: 1. / 1． / １、 / 1) / (1) / （１）
PARAGRAPH_LABEL = re.compile(r"(?m)^[ \t\u3000]*(?:[(（](?=[0-9]{1,3}[)）]))?([0-9]{1,3})[.．、)）]"
                             r"[ \t\u3000]*")

# Bullets at the start of a line: ・ · • ‧ - –
BULLET = re.compile(r"(?m)^[ \t\u3000]*[・･·•‧\-–][ \t\u3000]*")

SPACE = re.compile(r"\s+")
SPACE_KEEPING_LINES = re.compile(r"[^\S\n]+")

# Characters written several ways for one mark: the middle dot, and the double quotation
# brackets some drafters use for 「」 (『秘密情報』).
MIDDLE_DOTS = str.maketrans({"･": "・", "·": "・", "•": "・", "‧": "・", "『": "「", "』": "」"})

# Grouping commas inside numbers: 1,000 → 1000.
DIGIT_COMMA = re.compile(r"(?<=[0-9]),(?=[0-9]{3})")

# The comma and period of official style (公用文: 甲は，…する．), full width: the 読点 and 句点
# every other text writes. Not inside a number (１，０００ / １４．６), nor a 項 label (１．).
OFFICIAL_COMMA = re.compile(r"，(?![0-9０-９]{3})|(?<![0-9０-９])，")
OFFICIAL_PERIOD = re.compile(r"(?<![0-9０-９])．|．(?![0-9０-９])")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and, for each of its characters, the raw index it came from."""

    text: str
    offsets: Sequence[int]     # an ``array("i")``: compact, indexable
    source: str                # the raw text the offsets point into

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span covered by the normalised span ``[start, end)``.

        Characters dropped by normalisation (spaces, bookmarks) between two kept
        characters belong to the span on their left, so consecutive spans tile
        the raw text without gaps.
        """
        return self.raw_offset(start), self.raw_offset(end)

    def raw_offset(self, index: int) -> int:
        """Raw index of normalised position ``index`` (``len(text)`` maps to the raw end)."""
        if index <= 0:
            return 0
        if index >= len(self.offsets):
            return len(self.source)
        return self.offsets[index]


class _Builder:
    """Characters paired with raw indexes, rewritten pass by pass."""

    __slots__ = ("chars", "offsets")

    def __init__(self, chars: list[str], offsets: list[int]) -> None:
        self.chars = chars
        self.offsets = offsets

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def substitute(self, pattern: re.Pattern[str], replace) -> None:
        """Apply ``pattern``; ``replace(match)`` returns the new text of the match.

        New characters take the raw index of the matched character at the same
        position, or of the match's last character when the replacement is longer.
        """
        text = self.text
        chars: list[str] = []
        offsets: list[int] = []
        last = 0
        for match in pattern.finditer(text):
            start, end = match.span()
            chars.extend(self.chars[last:start])
            offsets.extend(self.offsets[last:start])
            new = replace(match)
            for position, char in enumerate(new):
                source = min(start + position, end - 1) if end > start else start
                chars.append(char)
                offsets.append(self.offsets[source])
            last = end
        chars.extend(self.chars[last:])
        offsets.extend(self.offsets[last:])
        self.chars, self.offsets = chars, offsets


def _kanji_to_int(numeral: str) -> int | None:
    """第十二 → 12, 三百五十 → 350, 二〇二四 → 2024 (positional), 千 → 1000."""
    if not numeral:
        return None
    if all(char in KANJI_DIGITS for char in numeral):
        return int("".join(str(KANJI_DIGITS[char]) for char in numeral))
    total, section, digit = 0, 0, None
    for char in numeral:
        if char in KANJI_DIGITS:
            if digit is not None:  # 二三 inside a unit form is not a number
                return None
            digit = KANJI_DIGITS[char]
        elif char in KANJI_UNITS:
            section += (1 if digit is None else digit) * KANJI_UNITS[char]
            digit = None
        elif char in KANJI_LARGE:
            section += digit or 0
            total += (section or 1) * KANJI_LARGE[char]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


NUMBER_TEXT = re.compile(r"[0-9０-９,，.．]+|[〇零一二三四五六七八九十百千万億]+")


def parse_number(text: str) -> float | int | None:
    """Read a Japanese number: ``12``, ``１２``, ``十二``, ``1,000``, ``1,000万``, ``1億5000万``, ``14.5``.

    Returns an int where the value is whole, a float otherwise, None when the
    text is not a number.
    """
    text = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if not text:
        return None
    total: float = 0
    rest = text
    for unit, factor in KANJI_LARGE_ORDER:
        if unit in rest:
            head, rest = rest.split(unit, 1)
            part = _small_number(head) if head else 1
            if part is None:
                return None
            total += part * factor
    if rest:
        part = _small_number(rest)
        if part is None:
            return None
        total += part
    elif total == 0:
        return None
    if isinstance(total, float) and total.is_integer():
        return int(total)
    return total


KANJI_LARGE_ORDER = (("億", 100_000_000), ("万", 10_000))


def _small_number(text: str) -> float | int | None:
    """A number below 万: digits, a decimal or a kanji numeral."""
    if re.fullmatch(r"[0-9]{1,30}", text):
        return int(text)
    if re.fullmatch(r"[0-9]{0,30}\.[0-9]{1,30}", text):
        return float(text)
    whole, point, fraction = text.partition("・")
    if point and fraction and all(char in KANJI_DIGITS for char in fraction):
        # 十四・六 (statutes write a decimal with a middle dot): 14.6
        head = _kanji_to_int(whole) if whole else 0
        if head is None:
            return None
        return float(f"{head}." + "".join(str(KANJI_DIGITS[char]) for char in fraction))
    return _kanji_to_int(text)


def _nfkc(builder: _Builder) -> None:
    chars: list[str] = []
    offsets: list[int] = []
    for char, offset in zip(builder.chars, builder.offsets, strict=True):
        if char.isascii():
            chars.append(char)
            offsets.append(offset)
            continue
        for new in unicodedata.normalize("NFKC", char):
            chars.append(new)
            offsets.append(offset)
    builder.chars, builder.offsets = chars, offsets


def _kanji_number(match: re.Match[str]) -> str:
    if not (match.group("before") or match.group("after")):
        return match.group(0)
    value = _kanji_to_int(match.group("number"))
    if value is None:
        return match.group(0)
    return (match.group("before") or "") + str(value) + (match.group("after") or "")


def _drop_spans(text: str, drop: Iterable[tuple[int, int]]) -> _Builder:
    clamped = ((max(0, start), min(len(text), end)) for start, end in drop)
    removed = sorted((start, end) for start, end in clamped if end > start)
    chars: list[str] = []
    offsets: list[int] = []
    position = 0
    for start, end in [*removed, (len(text), len(text))]:
        if start > position:
            chars.extend(text[position:start])
            offsets.extend(range(position, start))
        position = max(position, end)
    return _Builder(chars, offsets)


#: Normalised texts remembered per process: the same paragraph is normalised for pairing,
#: for its redline and for both drafts. With offsets at 4 bytes a character, 4,096 entries
#: of at most CACHED_TEXT_CHARS stay within a few tens of megabytes.
NORMALIZE_CACHE_SIZE = 4096
CACHED_TEXT_CHARS = 4000


def normalize(text: str, *, drop: Sequence[tuple[int, int]] = (), keep_lines: bool = False) -> Normalized:
    """The formatting-free form of ``text`` with offsets into ``text``.

    ``drop`` lists raw spans to leave out entirely (page headers repeated in the
    middle of a document). With ``keep_lines`` the line breaks survive, so the
    result can still be split into lines.
    """
    if len(text) > CACHED_TEXT_CHARS:
        return _normalize.__wrapped__(text, tuple(drop), keep_lines)
    return _normalize(text, tuple(drop), keep_lines)


@functools.lru_cache(maxsize=NORMALIZE_CACHE_SIZE)
def _normalize(text: str, drop: tuple[tuple[int, int], ...], keep_lines: bool) -> Normalized:
    builder = _drop_spans(text, drop)
    builder.substitute(BOOKMARK, lambda match: "")
    if "，" in text or "．" in text:
        # Same length: each character keeps its offset.
        builder.chars = list(standard_punctuation(builder.text))
    _nfkc(builder)
    builder.substitute(PARAGRAPH_LABEL, lambda match: match.group(1) + " ")
    builder.substitute(BULLET, lambda match: "・")
    # Spaces and line wraps go before numbers are read: a wrap can fall inside 一ヶ|月.
    builder.substitute(SPACE_KEEPING_LINES if keep_lines else SPACE, lambda match: "")
    builder.substitute(KANJI_NUMBER, _kanji_number)
    builder.substitute(MONTH_COUNTER, lambda match: "か月")
    builder.substitute(DIGIT_COMMA, lambda match: "")
    return Normalized("".join(builder.chars).translate(MIDDLE_DOTS), array("i", builder.offsets), text)


def standard_punctuation(text: str) -> str:
    """``text`` with the full-width comma and period of official style (，．) read as 、 and 。,
    same length: what the readers of sentences and clauses split at. Numbers (１，０００,
    １４．６) and 項 labels (１．) keep theirs."""
    if "，" not in text and "．" not in text:
        return text
    text = OFFICIAL_COMMA.sub("、", text)
    return OFFICIAL_PERIOD.sub(
        lambda match: "．" if _is_label_period(text, match.start()) else "。", text)


def _is_label_period(text: str, at: int) -> bool:
    """１． or 2． that opens a line: a 項 label, not the end of a sentence."""
    start = text.rfind("\n", 0, at) + 1
    head = text[start:at].strip(" \t\u3000")
    return 0 < len(head) <= 3 and all(char in "0123456789０１２３４５６７８９" for char in head)


#: A citation of an article: 第2条, 第十二条; not 第3条の2 (a branch article).
ARTICLE_REFERENCE = re.compile(
    r"第(?P<number>[0-9０-９一二三四五六七八九十百]{1,6})条(?!の[0-9０-９一二三四五六七八九十])")


def article_references(text: str) -> Iterator[tuple[int, int, int]]:
    """The number, start and end of every article ``text`` cites."""
    for match in ARTICLE_REFERENCE.finditer(text):
        number = parse_number(match.group("number"))
        if isinstance(number, int):
            yield number, match.start(), match.end()


def normalize_key(text: str) -> str:
    """Only the normalised string, for comparing two short texts (headings, values)."""
    return normalize(text).text

"""The parts of a contract, as plain frozen dataclasses with spans into the raw text."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from .result import Part
from .text import standard_punctuation

__all__ = ["Appendix", "Article", "Contract", "Division", "DivisionKind", "Item", "Paragraph", "Part", "Span"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` of character offsets into the raw text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start:self.end]


@dataclass(frozen=True, slots=True)
class Item:
    """A 号: ``（1）``, ``一``, ``①``, ``ア`` or a bullet, with its body text."""

    label: str | None          # as written: "（1）", "一", "①", "・"; None for an unlabelled line
    number: int | None         # （1）→ 1, 一 → 1, ① → 1, ア → 1; None for bullets
    text: str                  # the item's text after its label
    span: Span                 # the whole item, label included


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A 項: numbered (``1.``, ``１　``, ``2．``) or the unnumbered first paragraph."""

    number: int | None         # 1-based number as written; None for an unnumbered paragraph
    label: str | None          # as written: "1.", "１", "2．"; None when unnumbered
    text: str                  # the paragraph's own text after its label, items included
    span: Span                 # the whole paragraph, label and items included
    items: tuple[Item, ...] = ()


class DivisionKind(StrEnum):
    CHAPTER = "chapter"        # 第N章
    SECTION = "section"        # 第N節


@dataclass(frozen=True, slots=True)
class Division:
    """A 章 or 節 heading line, which groups the articles after it."""

    kind: DivisionKind
    number: int | None
    label: str                 # "第1節"
    title: str | None          # "総則"
    span: Span                 # the heading line


@dataclass(frozen=True, slots=True)
class Article:
    """A 条: its number, heading and paragraphs (項), with its span in the text.

    A part outside the articles (表題, 前文, 別紙, 附則, 署名欄) has the same shape, so that
    pairing, redlines, terms and meaning read it like an article: its ``part`` says which,
    its ``number`` and ``branch`` are None and its ``label`` names it (前文, 別紙1, 附則).
    """

    id: str                    # stable within one document: "a12", "a3-2"; "preamble", "appendix-1"
    number: int | None         # 第十二条 → 12; None for unnumbered
    branch: int | None         # 第3条の2 → 2
    label: str                 # as written: "第１２条", "第3条の2"
    heading: str | None        # "秘密保持"
    span: Span                 # from the heading (or the label line) to the end of the body
    body: Span                 # the text after the label line: paragraphs only
    paragraphs: tuple[Paragraph, ...]
    chapter: str | None = None # label of the enclosing 章, "第1章"
    section: str | None = None # label of the enclosing 節, "第2節"
    part: Part = Part.ARTICLE  # an article, or the part outside the articles this unit is


@dataclass(frozen=True, slots=True)
class Appendix:
    """附則 / 付則 after the last article."""

    label: str                 # "付則（2018年8月1日作定）"
    span: Span


@dataclass(frozen=True, slots=True)
class Contract:
    """A whole contract: title, preamble, articles, appendix and signature block."""

    text: str                                  # the raw text, as given
    title: str | None
    preamble: Span | None                      # text before the first article or division
    divisions: tuple[Division, ...]
    articles: tuple[Article, ...]
    appendix: Appendix | None
    signature: Span | None                     # 甲：… 乙：… 住所 代表者 and dates after the last article
    noise: tuple[Span, ...] = ()               # page headers, a 目次, other residue: ignored when comparing
    parts: tuple[Article, ...] = ()            # 表題, 前文, 署名欄, 別紙/別表, 附則 as units, in order

    def noise_within(self, span: Span) -> list[tuple[int, int]]:
        """The noise inside ``span``, as offsets relative to its start (for ``normalize(drop=…)``)."""
        return [(max(s.start, span.start) - span.start, min(s.end, span.end) - span.start)
                for s in self.noise if s.start < span.end and s.end > span.start]

    def blanked(self, span: Span) -> str:
        """The text of ``span`` as its readers (terms, meaning) take it, offsets kept: its noise
        (markup, page headers) blanked out, official style's ，and ． read as 、 and 。."""
        pieces, position = [], 0
        text = span.slice(self.text)
        for start, end in sorted(self.noise_within(span)):
            start = max(start, position)
            pieces += [text[position:start], " " * max(end - start, 0)]
            position = max(position, end)
        pieces.append(text[position:])
        return standard_punctuation("".join(pieces))

    @property
    def reading(self) -> str:
        """The whole text with official style's ，and ． read as 、 and 。, same length."""
        return _standard_text(self.text)


@functools.lru_cache(maxsize=16)
def _standard_text(text: str) -> str:
    return standard_punctuation(text)

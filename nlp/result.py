"""What a comparison returns: aligned clauses, their redlines and the changes found."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Candidate",
    "Change",
    "ChangeKind",
    "Clause",
    "ClauseRef",
    "Comparison",
    "Direction",
    "Excerpt",
    "Op",
    "ParagraphPair",
    "PairScores",
    "Part",
    "ParagraphRef",
    "Segment",
    "Status",
    "Summary",
    "TermValue",
]


class Status(StrEnum):
    EQUAL = "equal"            # same text, or the same apart from formatting
    MODIFIED = "modified"
    INSERTED = "inserted"      # only in the revised contract
    DELETED = "deleted"        # only in the original contract


class Op(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


class ChangeKind(StrEnum):
    VALUE = "value"                      # a typed term changed its value
    NEGATION = "negation"                # 責任を負う ↔ 責任を負わない
    MODALITY = "modality"                # しなければならない ↔ 努める ↔ できる
    PARTY = "party"                      # 甲 ↔ 乙 as bearer of an obligation or holder of a right
    PROVISO = "proviso"                  # ただし書 added or removed
    CROSS_REFERENCE = "cross_reference"  # 第7条 cited, but the article it meant is now 第8条
    CONSENT = "consent"                  # 甲の事前の書面による承諾を得て added or removed
    CONDITION = "condition"              # 場合に限り, を除き, 故意又は重大な過失がある場合
    SCOPE = "scope"                      # 直接かつ通常の損害に限り, 一切の, 合理的な
    DEFINITION = "definition"            # 「秘密情報」とは… changed: every use of the term is affected


class Part(StrEnum):
    """Where a clause stands in its document: the articles, or a part outside them."""

    TITLE = "title"                      # 業務委託契約書
    PREAMBLE = "preamble"                # 株式会社Ａ（以下「甲」という。）と…
    ARTICLE = "article"                  # 第N条, or a numbered section of a document without 条
    APPENDIX = "appendix"                # 別紙, 別表
    SUPPLEMENTARY = "supplementary"      # 附則
    SIGNATURE = "signature"              # 本契約締結の証として… 甲：… 乙：…


@dataclass(frozen=True, slots=True)
class Segment:
    """One run of a redline: text kept, inserted or deleted."""

    op: Op
    text: str


@dataclass(frozen=True, slots=True)
class ClauseRef:
    """An article on one side of a pair, located in its document."""

    id: str
    label: str
    number: int | None
    heading: str | None
    start: int
    end: int
    part: Part = Part.ARTICLE
    branch: int | None = None  # 第3条の2 → number 3, branch 2


@dataclass(frozen=True, slots=True)
class ParagraphRef:
    """A 項 on one side of a paragraph pair."""

    index: int                 # position within its article, 0-based
    label: str | None
    number: int | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ParagraphPair:
    """Two aligned 項 (or one, when inserted or deleted) and their redline."""

    original: ParagraphRef | None
    revised: ParagraphRef | None
    status: Status
    moved: bool
    formatting_only: bool
    redline: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class TermValue:
    """A typed value found in a clause: 5年間 → value 5, unit year."""

    text: str                  # as written
    value: float | int | str   # number, or the name of a court or a law
    unit: str                  # year, month, day, yen, court, law … (eval vocabulary)
    start: int                 # raw offsets into its own document
    end: int


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A sentence or phrase of one document, by raw offsets."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Change:
    """A difference a lawyer cares about between two aligned clauses."""

    kind: ChangeKind
    category: str
    original: TermValue | None
    revised: TermValue | None
    direction: Direction
    summary: str               # 秘密保持義務の存続期間: 5年間 → 3年間
    original_clause: str | None = None   # label of the original article
    revised_clause: str | None = None    # label of the revised article
    # Qualitative changes (negation, modality, party, proviso, cross-reference) name what
    # changed in words and point at the sentence on each side; value changes leave them empty.
    before: str | None = None            # "obligation", "甲", "第7条"
    after: str | None = None             # "effort", "乙", "第8条"
    original_excerpt: Excerpt | None = None
    revised_excerpt: Excerpt | None = None
    # The party the change favours, as the contract names it (甲, 乙, 当社, 受託者), or None.
    favours: str | None = None
    # A changed definition: the term defined, and the labels of the revised clauses that use it.
    term: str | None = None
    used_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PairScores:
    """What paired two articles, each signal in [0, 1]; None where a side has nothing to compare."""

    content: float             # the same words and characters (Sudachi forms by rarity, bigrams)
    heading: float | None      # the headings alike or of one legal topic; None without both headings
    topic: float | None        # the legal topics the two bodies speak of; None where one speaks of none
    number: float              # 1 for the same article number
    meaning: float             # GiNZA's static vectors, common component removed
    heading_trusted: bool = True  # False where a heading names a topic its own body does not hold


@dataclass(frozen=True, slots=True)
class Candidate:
    """The best partner an unpaired article was refused, and how likely it was the right one."""

    id: str
    label: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Clause:
    """One row of the comparison: a pair of articles, or one that was inserted or deleted."""

    original: ClauseRef | None
    revised: ClauseRef | None
    status: Status
    moved: bool
    renumbered: bool
    formatting_only: bool
    matched_by: tuple[str, ...]
    confidence: float
    redline: tuple[Segment, ...]
    paragraphs: tuple[ParagraphPair, ...] = ()
    changes: tuple[Change, ...] = ()
    scores: PairScores | None = None           # a pair of articles: each signal that paired them
    best_candidate: Candidate | None = None    # an article alone: the partner it was refused


@dataclass(frozen=True, slots=True)
class Summary:
    equal: int
    modified: int
    inserted: int
    deleted: int
    moved: int
    renumbered: int
    formatting_only: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """The whole answer for two contracts."""

    summary: Summary
    clauses: tuple[Clause, ...]
    changes: tuple[Change, ...]
    meta: dict[str, object] = field(default_factory=dict)

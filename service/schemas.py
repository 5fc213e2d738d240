"""Marshmallow schemas: the compare request in, the library's :class:`~nlp.result.Comparison` out.

The same schemas generate ``api_spec/openapi.yaml`` (``make spec``). The length of a text is
checked against the configured MAX_TEXT_CHARS by :func:`service.body.check_text_limit`, not
here; the spec documents the default. The other bounds in the spec (``maxLength``,
``maxItems``) follow from it: nothing in an answer is longer than the texts it came from.
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema
from marshmallow.validate import Length, OneOf

from nlp.compare import Options
from nlp.exports import Decision, Verdict
from nlp.result import ChangeKind, Direction, Op, Part, Status

from .config import Defaults

__all__ = [
    "CompareInput",
    "CompareRequest",
    "CompareResponse",
    "DecisionSchema",
    "Document",
    "HealthResponse",
    "ProblemSchema",
    "RedlineInput",
    "RedlineRequest",
]

# A text, or any piece of one: a label, a heading, a run of a redline, a term as written.
TEXT_CHARS = Defaults.MAX_TEXT_CHARS
# A list built from the two texts has fewer items than they have characters.
LIST_ITEMS = 2 * Defaults.MAX_TEXT_CHARS
# Names of documents and models, vocabulary words (categories, units, match reasons).
NAME_CHARS = 200
# A change's summary quotes the term on each side and names its category.
SUMMARY_CHARS = 2 * TEXT_CHARS + NAME_CHARS
# The detail of a problem: a sentence or two written by the service.
DETAIL_CHARS = 2_000

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# Request ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    """One side of a compare request."""

    text: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class CompareInput:
    """A compare request, loaded and checked."""

    original: Document
    revised: Document
    options: Options


def valid_unicode(value: str) -> None:
    """Refuse lone surrogates: JSON can spell them (``"\\ud800"``), Sudachi cannot read them."""
    found = LONE_SURROGATE.search(value)
    if found:
        raise ValidationError(
            f"Contains an unpaired surrogate \\u{ord(found.group()):04x} at character {found.start():,}, "
            "so it is not valid Unicode text. Check how the text was converted to JSON."
        )


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must contain some text; this one is empty or only whitespace.")


class StrictBoolean(fields.Boolean):
    """``true`` or ``false``; not 1, "yes" or "on", which marshmallow would otherwise accept."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class DocumentSchema(Schema):
    text = fields.String(
        required=True,
        validate=[not_blank, valid_unicode],
        metadata={
            "minLength": 1,
            "maxLength": TEXT_CHARS,
            "description": "The contract as plain text. The limit is the setting MAX_TEXT_CHARS.",
        },
    )
    name = fields.String(
        load_default=None,
        allow_none=True,
        validate=[Length(max=NAME_CHARS), valid_unicode],
        metadata={"description": "A name for the document, echoed in `meta`."},
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Document:
        return Document(**data)


DEFAULT_OPTIONS = Options()


#: Articles a reader may pair or leave alone by hand in one request: more is not a correction.
MANUAL_ITEMS = 500
#: Characters of a clause id: a12, a3-2, a12_2, p4.
ID_CHARS = 64


def clause_id(**metadata: Any) -> fields.String:
    return fields.String(required=True, validate=Length(min=1, max=ID_CHARS),
                         metadata={"maxLength": ID_CHARS, **metadata})


class ManualPairSchema(Schema):
    original = clause_id(description="`id` of the original's article, as the answer gives it: a9")
    revised = clause_id(description="`id` of the revised article it goes with: a12")


class UnpairedSchema(Schema):
    original = fields.String(validate=Length(min=1, max=ID_CHARS), metadata={
        "maxLength": ID_CHARS, "description": "`id` of an original article that has no counterpart"})
    revised = fields.String(validate=Length(min=1, max=ID_CHARS), metadata={
        "maxLength": ID_CHARS, "description": "`id` of a revised article that has no counterpart"})

    @validates_schema
    def one_side(self, data: dict[str, Any], **kwargs: Any) -> None:
        if len(data) != 1:
            raise ValidationError("Name one article: either `original` or `revised`, not both or none.")


class OptionsSchema(Schema):
    ignore_formatting = StrictBoolean(
        load_default=DEFAULT_OPTIONS.ignore_formatting,
        metadata={"description": "全角/半角, 五/5, ヶ月/か月 and line wraps are not edits."},
    )
    detect_moves = StrictBoolean(
        load_default=DEFAULT_OPTIONS.detect_moves,
        metadata={"description": "Report articles whose order changed as moved."},
    )
    pairs = fields.List(
        fields.Nested(ManualPairSchema), load_default=list, validate=Length(max=MANUAL_ITEMS),
        metadata={"maxItems": MANUAL_ITEMS,
                  "description": "Articles paired by hand: each `original` article goes with the `revised` "
                  "one, whatever the pairing would say; the others are paired around them. Such pairs carry "
                  "`manual` in `matched_by`. Ids as the answer gives them (a9, a3-2); an unknown id or an "
                  "article named twice is a 422 `invalid-pairing`. Articles only: the parts outside them "
                  "pair by kind."})
    unpaired = fields.List(
        fields.Nested(UnpairedSchema), load_default=list, validate=Length(max=MANUAL_ITEMS),
        metadata={"maxItems": MANUAL_ITEMS,
                  "description": "Articles that stand alone by hand (deleted or inserted), "
                  "each `{\"original\": id}` or `{\"revised\": id}`."})

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Options:
        pairs = tuple((pair["original"], pair["revised"]) for pair in data.pop("pairs", ()))
        unpaired = tuple(next(iter(item.items())) for item in data.pop("unpaired", ()))
        return Options(**data, pairs=pairs, unpaired=unpaired)


class CompareRequest(Schema):
    """Two contract texts to compare. Unknown fields are refused (422), so a typo is not ignored."""

    error_messages = {"type": "The body must be a JSON object with `original` and `revised`."}

    original = fields.Nested(DocumentSchema, required=True)
    revised = fields.Nested(DocumentSchema, required=True)
    options = fields.Nested(OptionsSchema, load_default=DEFAULT_OPTIONS)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> CompareInput:
        return CompareInput(**data)


#: Characters of a reader's comment on one row.
COMMENT_CHARS = 10_000


class DecisionSchema(Schema):
    """A reader's decision on one row of the comparison, named by the ids of its two sides."""

    original = fields.String(required=True, allow_none=True, validate=Length(min=1, max=ID_CHARS), metadata={
        "maxLength": ID_CHARS, "description": "`original.id` of the row (a9, preamble); null for an "
                                              "article only in the revised draft"})
    revised = fields.String(required=True, allow_none=True, validate=Length(min=1, max=ID_CHARS), metadata={
        "maxLength": ID_CHARS, "description": "`revised.id` of the row; null for an article only in the "
                                              "original"})
    decision = fields.Enum(Verdict, by_value=True, load_default=None, metadata={
        "description": "accept (採用): the revised text of the row stands; reject (不採用): the original "
                       "text stands. Left out: the row stays tracked, for its comment alone"})
    comment = fields.String(load_default=None, validate=[Length(max=COMMENT_CHARS), valid_unicode],
                            metadata={"maxLength": COMMENT_CHARS,
                                      "description": "The reader's comment, a Word comment on the row"})

    @validates_schema
    def something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("original") is None and data.get("revised") is None:
            raise ValidationError("Name the row by its `original` id, its `revised` id, or both.")
        if data.get("decision") is None and not (data.get("comment") or "").strip():
            raise ValidationError("Give a `decision` (accept or reject), a `comment`, or both.")

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Decision:
        return Decision(data["original"], data["revised"], data.get("decision"), data.get("comment"))


@dataclass(frozen=True, slots=True)
class RedlineInput(CompareInput):
    """A redline request: the comparison's, and the reader's decisions for a merged draft."""

    decisions: tuple[Decision, ...] = ()


class RedlineRequest(CompareRequest):
    """Two contract texts to compare and export; with `decisions`, the Word export is the merged draft."""

    decisions = fields.List(
        fields.Nested(DecisionSchema), load_default=list, validate=Length(max=MANUAL_ITEMS),
        metadata={"maxItems": MANUAL_ITEMS,
                  "description": "With format=docx: the merged draft. Per row of the comparison, accept or "
                  "reject its change and comment on it: accepted rows are written with the revised text and "
                  "rejected ones with the original, no longer tracked; rows left out keep their tracked "
                  "changes; each comment is a Word comment on its row. A row the comparison does not have, a "
                  "row named twice, or another format is a 422 `invalid-decision`."})

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> RedlineInput:
        return RedlineInput(**{**data, "decisions": tuple(data.get("decisions", ()))})


# Response -----------------------------------------------------------------------------------


class Vocabulary(fields.Enum):
    """A member of one of the library's StrEnums, written as its value."""

    def __init__(self, enum: type, **kwargs: Any) -> None:
        super().__init__(enum, by_value=fields.String, required=True, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        # A member is written as it is; looking a value up through the enum costs more than the rest.
        return value.value if type(value) is self.enum else self.enum(value).value


class NumberOrString(fields.Field):
    """A term's value: a number (5, 14.5) or a name (東京地方裁判所, 日本法)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": ["number", "string"], "maxLength": TEXT_CHARS, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> int | float | str | None:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"A term's value is a number or a string, not {value!r}.")
        # numpy scalars become plain numbers, which JSON can carry.
        return int(value) if isinstance(value, numbers.Integral) else float(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | float | str:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValidationError("Must be a number or a string.")
        return value


def string(*, nullable: bool = False, max_chars: int = TEXT_CHARS, **metadata: Any) -> fields.String:
    """A string of the answer, with its documented bound."""
    return fields.String(required=True, allow_none=nullable, metadata={"maxLength": max_chars, **metadata})


def offset(**metadata: Any) -> fields.Integer:
    return fields.Integer(required=True, metadata={"minimum": 0, **metadata})


def list_of(inner: fields.Field | type[Schema], **metadata: Any) -> fields.List:
    field = fields.Nested(inner) if isinstance(inner, type) else inner
    return fields.List(field, required=True, metadata={"maxItems": LIST_ITEMS, **metadata})


class SegmentSchema(Schema):
    op = Vocabulary(Op)
    text = string()


class ClauseRefSchema(Schema):
    id = string(max_chars=NAME_CHARS)
    label = string(description="The article's label as written (第3条の2, 1.), or the part's name (前文)")
    number = fields.Integer(required=True, allow_none=True, metadata={"description": "第十二条 → 12"})
    heading = string(nullable=True, description="秘密保持")
    start = offset(description="Offset of the clause's first character in its text")
    end = offset(description="Offset just past the clause's last character")
    part = Vocabulary(Part, metadata={"description": "An article, or which part outside the articles"})
    branch = fields.Integer(
        required=True, allow_none=True, metadata={"description": "第3条の2 → 2 (number 3); null otherwise"}
    )


class ParagraphRefSchema(Schema):
    index = offset(description="Position within its article, from 0")
    label = string(nullable=True)
    number = fields.Integer(required=True, allow_none=True)
    start = offset()
    end = offset()


class ParagraphPairSchema(Schema):
    original = fields.Nested(ParagraphRefSchema, required=True, allow_none=True)
    revised = fields.Nested(ParagraphRefSchema, required=True, allow_none=True)
    status = Vocabulary(Status)
    moved = fields.Boolean(required=True)
    formatting_only = fields.Boolean(required=True)
    redline = list_of(SegmentSchema)


class TermValueSchema(Schema):
    text = string(description="The term as written: 5年間")
    value = NumberOrString(required=True)
    unit = string(max_chars=NAME_CHARS, description="year, month, day, yen, percent, court, law …")
    start = offset()
    end = offset()


class ExcerptSchema(Schema):
    text = string(description="A sentence or phrase as written")
    start = offset()
    end = offset()


class ChangeSchema(Schema):
    kind = Vocabulary(ChangeKind)
    category = string(max_chars=NAME_CHARS, description="confidentiality_period, liability_cap …")
    original = fields.Nested(TermValueSchema, required=True, allow_none=True)
    revised = fields.Nested(TermValueSchema, required=True, allow_none=True)
    direction = Vocabulary(Direction)
    summary = string(max_chars=SUMMARY_CHARS, description="秘密保持義務の存続期間: 5年間 → 3年間")
    original_clause = string(nullable=True, description="Label of the original article")
    revised_clause = string(nullable=True, description="Label of the revised article")
    before = string(nullable=True, description=(
        "For a change of meaning, what it was: a force (obligation, effort, permission, prohibition, "
        "statement), affirmed/negated, the parties as the text names them (甲及び乙), the consent, "
        "condition or scope phrase as written, a definition's wording, or the cited 第7条; null where "
        "it was not there"))
    after = string(nullable=True, description="For a change of meaning, what it became, as ``before``")
    original_excerpt = fields.Nested(ExcerptSchema, required=True, allow_none=True)
    revised_excerpt = fields.Nested(ExcerptSchema, required=True, allow_none=True)
    favours = string(
        nullable=True, max_chars=NAME_CHARS,
        description=(
            "The party the change favours, as the contract names it (甲, 乙, 当社, 委託者; read from the "
            "preamble's 以下「X」という), or null where the rules cannot tell (a clause binding both "
            "parties alike, no party named, more than two parties). Decided by fixed rules over the "
            "roles of the sentence: a duty of X weakened, a right or exemption of X widened, a cost or "
            "risk moved from X, a consent required of X's counterparty, a cap on X's liability lowered "
            "favour X (docs/meaning.md lists them all). A reading of the text, not legal advice."),
    )
    term = string(nullable=True, description="For a definition change: the term defined (秘密情報)")
    used_in = list_of(string(max_chars=NAME_CHARS),
                      description="For a definition change: labels of the revised clauses that use the term")


def signal(description: str, *, nullable: bool = False) -> fields.Float:
    return fields.Float(required=True, allow_none=nullable, metadata={
        "minimum": 0, "maximum": 1, "description": description})


class PairScoresSchema(Schema):
    content = signal("The same words and characters: Sudachi normalised forms weighted by rarity, "
                     "character bigrams")
    heading = signal("The headings: 1 for the same, 0.8 or more for one legal topic (秘密保持/機密保持), "
                     "else shared characters; null unless both articles have a heading", nullable=True)
    topic = signal("The legal topics the two bodies speak of (損害賠償/責任の制限, 準拠法, 管轄, 解除, "
                   "反社会的勢力, 譲渡禁止 …), read from their text, rarer topics weighing more; "
                   "null where one body speaks of none", nullable=True)
    number = signal("1 for the same article number, else 0")
    meaning = signal("GiNZA's static word vectors, IDF-weighted, their common component removed")
    heading_trusted = fields.Boolean(required=True, metadata={"description": (
        "False where a heading names a topic its own body does not hold (「通知」 over a ban on "
        "assigning rights): the heading then did not count")})


class CandidateSchema(Schema):
    id = string(max_chars=NAME_CHARS, description="The id of the article on the other side")
    label = string(max_chars=NAME_CHARS, description="Its label (第5条)")
    confidence = signal("How likely it was the right partner after all, on the scale of a pair's confidence")


class ClauseSchema(Schema):
    original = fields.Nested(ClauseRefSchema, required=True, allow_none=True)
    revised = fields.Nested(ClauseRefSchema, required=True, allow_none=True)
    status = Vocabulary(Status)
    moved = fields.Boolean(required=True)
    renumbered = fields.Boolean(required=True)
    formatting_only = fields.Boolean(required=True)
    matched_by = list_of(string(max_chars=NAME_CHARS), description=(
        "What paired the two articles: number, heading, heading_similar, content, content_similar, "
        "topic, split (one of two articles split from or merged into the other), part (a part "
        "outside the articles, by kind), label (a 別紙 or 附則 by its label); empty for an article alone"))
    confidence = fields.Float(required=True, metadata={"minimum": 0, "maximum": 1, "description": (
        "For a pair, the probability that it is right, calibrated on hand-keyed cases (pairs at 0.9 "
        "are right about 9 times in 10); for an article alone, one minus that of its best candidate")})
    redline = list_of(SegmentSchema)
    paragraphs = list_of(ParagraphPairSchema)
    changes = list_of(ChangeSchema)
    scores = fields.Nested(PairScoresSchema, required=True, allow_none=True, metadata={
        "description": "For a pair of articles, each signal that paired them; null otherwise"})
    best_candidate = fields.Nested(CandidateSchema, required=True, allow_none=True, metadata={
        "description": "For an article alone, the partner it was refused; null otherwise"})


class SummarySchema(Schema):
    equal = offset()
    modified = offset()
    inserted = offset()
    deleted = offset()
    moved = offset()
    renumbered = offset()
    formatting_only = offset()


class BudgetSchema(Schema):
    sentences_parsed = fields.Integer(required=True, metadata={
        "minimum": 0, "description": "Sentences GiNZA parsed for this comparison (cached ones not counted)"})
    largest_assignment = fields.Integer(required=True, metadata={
        "minimum": 0, "description": (
            "Cells of the largest pairing problem asked for: articles × articles, or the 項 of two "
            "paired articles, or two documents' 別紙")})
    degraded = list_of(string(max_chars=NAME_CHARS), description=(
        "Steps that took their cheaper path because a limit was reached: `sentences` (past the "
        "parse limit of 400 sentences a comparison, sentences are read without a parse: no "
        "party or negation changes, fewer `favours`); `assignment` (past 1,000,000 cells, "
        "articles pair with their copies, then by number and heading where the texts agree, the "
        "rest within windows of 128 articles between those pairs, so an edited article moved far "
        "reads as deleted and inserted; past 250,000 pairs of 項 in one article, equal 項 pair "
        "in order and the rest by position)"))


class MetaSchema(Schema):
    model = string(max_chars=NAME_CHARS)
    model_version = string(max_chars=NAME_CHARS)
    elapsed_ms = fields.Float(required=True, metadata={"minimum": 0})
    original_name = fields.String(
        metadata={"maxLength": NAME_CHARS, "description": "When the request named it"}
    )
    revised_name = fields.String(
        metadata={"maxLength": NAME_CHARS, "description": "When the request named it"}
    )
    budget = fields.Nested(BudgetSchema, metadata={"description": "What the comparison spent of its limits"})


class CompareResponse(Schema):
    """The two contracts article by article, with redlines and the changes of their terms."""

    summary = fields.Nested(SummarySchema, required=True)
    clauses = list_of(ClauseSchema)
    changes = list_of(ChangeSchema)
    meta = fields.Nested(MetaSchema, required=True)


class HealthResponse(Schema):
    status = fields.String(required=True, validate=OneOf(["ok"]))
    model = string(max_chars=NAME_CHARS)
    model_version = string(max_chars=NAME_CHARS)
    model_loaded = fields.Boolean(required=True)


class ProblemSchema(Schema):
    """An error, as RFC 9457 describes it (``application/problem+json``)."""

    type = string(max_chars=NAME_CHARS, format="uri", description="Names the kind of problem")
    title = string(max_chars=NAME_CHARS)
    status = fields.Integer(required=True, metadata={"minimum": 400, "maximum": 599})
    detail = string(max_chars=DETAIL_CHARS, description="What happened this time, and what to do")
    instance = fields.String(metadata={"maxLength": DETAIL_CHARS, "description": "The path requested"})
    errors = fields.Dict(
        metadata={"description": "For 422: the messages for each invalid field, nested like the request"}
    )

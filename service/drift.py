"""Template drift over HTTP: ``POST /v1/drift`` and the schemas of its request and report.

The same :class:`DriftResponse` writes the report of the command line
(``python -m service.cli drift``), so an answer of the API and a report file read alike.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, post_load
from marshmallow.validate import Length

from nlp.compare import Options
from nlp.drift import Aggregate, DocumentDrift, aggregate, check_template, drift_each
from nlp.errors import InputTooLarge
from nlp.exports.labels import category_label
from nlp.structure import parse

from .body import check_has_text
from .config import Defaults
from .errors import TooManyDocuments
from .metrics import count_documents
from .ratelimit import count_work
from .routes import current_engine, request_budget
from .schemas import (
    DEFAULT_OPTIONS,
    NAME_CHARS,
    ChangeSchema,
    ClauseRefSchema,
    Document,
    DocumentSchema,
    NumberOrString,
    OptionsSchema,
    SegmentSchema,
    TermValueSchema,
    list_of,
    string,
)
from .uploads import COMPARE_OPTIONS, read_data

__all__ = [
    "DriftInput",
    "DriftReport",
    "DriftRequest",
    "DriftResponse",
    "DocumentDriftSchema",
    "drift_api",
    "document_names",
]

# Lists of document names in the aggregate hold at most one entry per document.
DOCUMENT_ITEMS = Defaults.MAX_DRIFT_DOCUMENTS
CLI_HINT = "python -m service.cli drift --template TEMPLATE FOLDER --out report.json"

drift_api = Blueprint("drift", __name__)


# Request ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DriftInput:
    """A drift request, loaded and checked."""

    template: Document
    documents: tuple[Document, ...]
    options: Options


class DriftOptionsSchema(OptionsSchema):
    """The options of a comparison, but pairs set by hand, which belong to one comparison, not a batch."""

    class Meta:
        exclude = ("pairs", "unpaired")


class DriftRequest(Schema):
    """A template and the documents to check against it. Unknown fields are refused (422)."""

    error_messages = {"type": "The body must be a JSON object with `template` and `documents`."}

    template = fields.Nested(DocumentSchema, required=True)
    documents = fields.List(
        fields.Nested(DocumentSchema),
        required=True,
        validate=Length(min=1, error="Send at least one document to check against the template."),
        metadata={
            "minItems": 1,
            "maxItems": Defaults.MAX_DRIFT_DOCUMENTS,
            "description": "The documents, each reported in this order under its `name` "
            "(`document N` when it has none). The limit is the setting MAX_DRIFT_DOCUMENTS.",
        },
    )
    options = fields.Nested(DriftOptionsSchema, load_default=DEFAULT_OPTIONS)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> DriftInput:
        return DriftInput(data["template"], tuple(data["documents"]), data["options"])


# Response -----------------------------------------------------------------------------------


def score_field(**metadata: Any) -> fields.Float:
    return fields.Float(required=True, metadata={"minimum": 0, "maximum": 1, **metadata})


def count_field(**metadata: Any) -> fields.Integer:
    return fields.Integer(required=True, metadata={"minimum": 0, **metadata})


def names_field(**metadata: Any) -> fields.List:
    return list_of(string(max_chars=NAME_CHARS), maxItems=DOCUMENT_ITEMS, **metadata)


class ClauseDriftSchema(Schema):
    template = fields.Nested(ClauseRefSchema, required=True, allow_none=True,
                             metadata={"description": "null for an article the template lacks"})
    document = fields.Nested(ClauseRefSchema, required=True, allow_none=True)
    drift = score_field(description="Share of the template article the document changed; 1 for an extra one")
    renumbered = fields.Boolean(required=True)
    moved = fields.Boolean(required=True)
    redline = list_of(SegmentSchema, description="Empty for a formatting-only pair")
    changes = list_of(ChangeSchema)


class TermFoundSchema(Schema):
    article = string(max_chars=NAME_CHARS, description="`id` of the template article it stands in")
    category = string(max_chars=NAME_CHARS, description="confidentiality_period, liability_cap …")
    value = fields.Nested(TermValueSchema, required=True)


class DocumentDriftSchema(Schema):
    name = string(max_chars=NAME_CHARS)
    drift = fields.Float(
        required=True, allow_none=True,
        metadata={"minimum": 0, "maximum": 1,
                  "description": "0: the template apart from formatting; 1: nothing in common. "
                  "null when the document could not be compared (`error` says why)"},
    )
    missing = list_of(ClauseRefSchema, description="Template articles the document lacks")
    extra = list_of(ClauseDriftSchema, description="The document's articles the template lacks")
    modified = list_of(ClauseDriftSchema, description="Paired articles that differ, with redline and changes")
    formatting_only = list_of(ClauseDriftSchema, description="Paired articles equal apart from formatting")
    terms = list_of(TermFoundSchema, description="Every term of the document's paired articles")
    error = string(nullable=True, max_chars=NAME_CHARS + 1_000, description="Why it could not be compared")
    template_share = fields.Float(
        required=True, allow_none=True,
        metadata={"minimum": 0, "maximum": 1,
                  "description": "Share of the template's articles that a paired article of the document "
                  "keeps at least half of; null when `error` is set"})
    same_template = fields.Boolean(
        required=True, allow_none=True,
        metadata={"description": "Whether the document looks drafted on the template (`template_share` "
                  "at least 0.5); false for a contract on another template, whose drift says little. "
                  "null when `error` is set"})


class ValueCountSchema(Schema):
    value = NumberOrString(required=True)
    unit = string(max_chars=NAME_CHARS)
    text = string(description="As the template writes it, else as the first document holding it: 5年間")
    count = count_field(description="Documents holding this value")
    documents = names_field()


class TermDistributionSchema(Schema):
    category = string(max_chars=NAME_CHARS)
    label = fields.Function(
        lambda distribution: category_label(distribution.category),
        required=True,
        metadata={"type": "string", "maxLength": NAME_CHARS, "description": "秘密保持義務の存続期間"},
    )
    template = list_of(TermValueSchema, description="The template's own values of this category")
    values = list_of(ValueCountSchema, description="Each value and the documents holding it, most first")
    absent = count_field(description="Documents with the article but no term of this category")
    absent_in = names_field()


class ArticleDriftSchema(Schema):
    template = fields.Nested(ClauseRefSchema, required=True)
    drift = score_field(description="Mean of the article's drift over the documents compared")
    missing = count_field(description="Documents that lack the article")
    modified = count_field(description="Documents that modify it")
    term_changed = count_field(description="Documents that change the value of a term in it")
    missing_in = names_field()
    modified_in = names_field()
    term_changed_in = names_field()
    terms = list_of(TermDistributionSchema)


class AggregateSchema(Schema):
    documents = count_field(description="Documents compared")
    failed = count_field(description="Documents that could not be read or compared")
    drift = score_field(description="Mean drift of the documents compared")
    articles = list_of(ArticleDriftSchema, description="Per template article, most departed from first")
    other_template = names_field(description="Documents compared that look drafted on another template")


class TemplateSchema(Schema):
    name = string(max_chars=NAME_CHARS)
    articles = count_field(description="Articles (条) in the template")


class DriftMetaSchema(Schema):
    model = string(max_chars=NAME_CHARS)
    model_version = string(max_chars=NAME_CHARS)
    elapsed_ms = fields.Float(required=True, metadata={"minimum": 0})


class DriftResponse(Schema):
    """Each document's drift from the template, in the order given, and the batch per article."""

    template = fields.Nested(TemplateSchema, required=True)
    documents = list_of(DocumentDriftSchema, maxItems=DOCUMENT_ITEMS)
    aggregate = fields.Nested(AggregateSchema, required=True)
    meta = fields.Nested(DriftMetaSchema, required=True)


@dataclass(frozen=True, slots=True)
class DriftReport:
    """What the route answers and the command line writes."""

    template: dict[str, Any]          # {"name": …, "articles": …}
    documents: tuple[DocumentDrift, ...]
    aggregate: Aggregate
    meta: dict[str, Any]


# Route --------------------------------------------------------------------------------------


@drift_api.post("/drift")
def drift_route() -> ResponseReturnValue:
    started = time.perf_counter()
    config = current_app.config
    body = read_data(max_depth=config["MAX_JSON_DEPTH"], max_upload_bytes=config["MAX_UPLOAD_BYTES"],
                     documents=("template",), lists=("documents",), options=COMPARE_OPTIONS)
    check_document_count(body, limit=current_app.config["MAX_DRIFT_DOCUMENTS"])
    request_data = DriftRequest().load(body)
    check_text_limits(request_data, limit=current_app.config["MAX_TEXT_CHARS"])
    check_has_text("The template", request_data.template.text)
    engine = current_engine()
    documents = document_names(request_data.documents)
    count_documents(len(documents))
    # The template is compared with every document: its characters count once for each.
    template_chars = len(request_data.template.text)
    # One budget for the whole request: its deadline bounds all documents, its parses are charged.
    budget = request_budget()
    count_work(characters=sum(template_chars + len(text) for _, text in documents), budget=budget)
    with engine.memory_zone():
        template = check_template(parse(request_data.template.text))
        results = tuple(drift_each(template, documents, engine=engine, options=request_data.options,
                                   budget=budget))
    report = DriftReport(
        template={"name": request_data.template.name or "template", "articles": len(template.articles)},
        documents=results,
        aggregate=aggregate(template, results),
        meta={"model": engine.name, "model_version": engine.version,
              "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)},
    )
    return DriftResponse().dump(report)


def document_names(documents: Sequence[Document]) -> list[tuple[str, str]]:
    """``(name, text)`` of each document; one without a name is ``document N``, from 1."""
    return [(document.name or f"document {index}", document.text)
            for index, document in enumerate(documents, start=1)]


def check_document_count(body: Any, *, limit: int) -> None:
    """Refuse (413) a batch over ``limit`` before reading any of it."""
    documents = body.get("documents") if isinstance(body, dict) else None
    if isinstance(documents, list) and len(documents) > limit:
        raise TooManyDocuments(
            f"The request has {len(documents):,} documents; the limit is {limit:,} per request "
            f"(CONTRACTDIFF_MAX_DRIFT_DOCUMENTS). For a larger batch use the command line, "
            f"which streams its results and runs on Dask: `{CLI_HINT}`."
        )


def check_text_limits(request_data: DriftInput, *, limit: int) -> None:
    """Raise :class:`InputTooLarge` when the template or a document is longer than ``limit`` characters."""
    texts = [("The template", request_data.template.text)] + [
        (f"Document {index} ({document.name})" if document.name else f"Document {index}", document.text)
        for index, document in enumerate(request_data.documents, start=1)
    ]
    for what, text in texts:
        if len(text) > limit:
            raise InputTooLarge(
                f"{what} has {len(text):,} characters; the limit is {limit:,}. "
                "Split the contract or raise CONTRACTDIFF_MAX_TEXT_CHARS."
            )

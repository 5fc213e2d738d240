"""A request from JSON or from uploaded files (``multipart/form-data``), read in one place.

A form carries each document as a file (a .docx, a PDF with a text layer, a web page, or text in
UTF-8, UTF-16 or Shift_JIS, told apart by their content, a page also by its name or declared type;
its file name becomes the document's name)
or as a plain text field, and each option as a field ``true`` or ``false``; the field ``view`` says
how a .docx with tracked changes reads (``accepted``, the default, or ``original``). It comes out shaped
like the JSON body, so one schema checks both: a missing document, an unknown field or an
option that is not true/false is the same 422.
A file that cannot be read is a 422 naming the file (:class:`~nlp.errors.UnreadableDocument`).
The PDFs and web pages of one request are read within its REQUEST_DEADLINE_SECONDS together (503
past it).
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection
from dataclasses import replace
from typing import IO, Any

from flask import Request, current_app, request
from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import Length
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from nlp.budget import Budget
from nlp.documents import DocumentLimits, View, read_document
from nlp.errors import DeadlineExceeded, DocumentLimitExceeded, UnreadableDocument

from .body import read_json
from .config import Defaults
from .schemas import NAME_CHARS, OptionsSchema

__all__ = [
    "COMPARE_OPTIONS",
    "FORM",
    "VIEW",
    "CompareUploadSchema",
    "DriftUploadSchema",
    "InMemoryRequest",
    "read_data",
    "read_form",
    "upload_limits",
    "upload_view",
]

FORM = "multipart/form-data"
TRUE_FALSE = {"true": True, "false": False}
#: The option fields a compare form may carry: those of the JSON ``options``.
COMPARE_OPTIONS = tuple(OptionsSchema().fields)
#: The form field saying how a .docx's tracked changes read: all accepted, or all rejected.
VIEW = "view"
#: The setting that raises each bound of DocumentLimits an upload may run into.
LIMIT_SETTINGS = {"max_pdf_pages": "MAX_PDF_PAGES", "pdf_seconds": "PDF_TIMEOUT_SECONDS"}
#: What a form's file may be, for the descriptions of the spec.
FILE_KINDS = ("a .docx, a PDF with a text layer (a scan needs OCR first), a web page (.html, read as the "
              "browser shows it), or text in UTF-8, UTF-16 with a BOM or Shift_JIS")


class InMemoryRequest(Request):
    """A request whose uploaded files stay in memory: a contract never touches the disk.

    Werkzeug spools an upload of more than 500 KB to a temporary file. Here every upload is read
    into memory, which :func:`read_form` bounds by MAX_UPLOAD_BYTES before the form is parsed.
    """

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
        return io.BytesIO()


def read_data(*, max_depth: int, max_upload_bytes: int, documents: Collection[str],
              lists: Collection[str] = (), options: Collection[str] = (),
              json_fields: Collection[str] = ()) -> Any:
    """The request as JSON data: the JSON body, or the form turned into the same shape (415 otherwise).

    A form's fields in ``json_fields`` hold JSON (decisions=[…]), read as the JSON body would have it.
    """
    if request.mimetype == FORM:
        return read_form(max_upload_bytes=max_upload_bytes, documents=documents, lists=lists, options=options,
                         json_fields=json_fields)
    if not request.is_json:
        declared = request.mimetype or "no Content-Type"
        raise UnsupportedMediaType(
            "Send the body as JSON with Content-Type: application/json, or upload the files as "
            f"multipart/form-data; not {declared}."
        )
    return read_json(max_depth=max_depth)


def read_form(*, max_upload_bytes: int, documents: Collection[str], lists: Collection[str] = (),
              options: Collection[str] = (), json_fields: Collection[str] = ()) -> dict[str, Any]:
    """The form as ``{"original": {"text", "name"}, …, "options": {…}}``; fields in ``lists`` as lists."""
    # Uploads get their own limit: a .docx weighs more than its text. Text fields may be as long.
    request.max_content_length = max_upload_bytes
    request.max_form_memory_size = max_upload_bytes
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        raise RequestEntityTooLarge(
            f"The uploaded files are over {max_upload_bytes:,} bytes together. "
            "Upload smaller files or raise CONTRACTDIFF_MAX_UPLOAD_BYTES."
        ) from None
    limits = upload_limits(max_upload_bytes)
    view = upload_view()
    # Reading counts toward the request's deadline, as the comparison does: a PDF built to be slow
    # costs its file at most PDF_TIMEOUT_SECONDS, fifty of them no more than the deadline together.
    deadline = current_app.config.get("REQUEST_DEADLINE_SECONDS", Defaults.REQUEST_DEADLINE_SECONDS)
    budget = Budget.within(deadline)
    data: dict[str, Any] = {}
    for key in files:
        for upload in files.getlist(key):
            if upload.filename or upload.content_length:
                _put(data, key, _read_upload(upload, key, limits, budget, view), lists)
    for key in form:
        if key == VIEW:
            continue
        for value in form.getlist(key):
            if key in options and key in JSON_OPTIONS:
                data.setdefault("options", {})[key] = _json_option(value)
            elif key in options:
                data.setdefault("options", {})[key] = TRUE_FALSE.get(value.strip().lower(), value)
            elif key in documents or key in lists:
                _put(data, key, {"text": value}, lists)
            elif key in json_fields:
                data[key] = _json_option(value)
            else:
                data[key] = value  # refused by the schema as an unknown field
    return data


#: Options a form carries as JSON text: the pairs set by hand.
JSON_OPTIONS = frozenset({"pairs", "unpaired"})


def _json_option(value: str) -> Any:
    """A form field holding JSON (pairs=[{"original": "a9", "revised": "a12"}]); left as text when it
    is not JSON, for the schema to refuse with its own message."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def upload_view() -> View:
    """How the form asks a .docx's tracked changes to be read (422 for anything but one known view)."""
    values = request.form.getlist(VIEW)
    if not values:
        return View.ACCEPTED
    if len(values) > 1 or values[0] not in {view.value for view in View}:
        raise ValidationError({VIEW: [f"Must be one of: {', '.join(view.value for view in View)}."]})
    return View(values[0])


def upload_limits(max_upload_bytes: int) -> DocumentLimits:
    """The bounds of an uploaded file, from the app's settings."""
    config = current_app.config
    return DocumentLimits(max_bytes=max_upload_bytes,
                          max_pdf_pages=config.get("MAX_PDF_PAGES", Defaults.MAX_PDF_PAGES),
                          pdf_seconds=config.get("PDF_TIMEOUT_SECONDS", Defaults.PDF_TIMEOUT_SECONDS))


def _read_upload(upload: FileStorage, key: str, limits: DocumentLimits, budget: Budget,
                 view: View = View.ACCEPTED) -> dict[str, str]:
    name = file_name(upload.filename, default=key)
    budget.check(f"reading {name}")
    seconds = min(limits.pdf_seconds, budget.remaining())
    data = upload.read()

    def in_time() -> None:
        if budget.remaining() <= 0:
            raise DeadlineExceeded(f"The request ran out of time while reading {name}.")

    try:
        text = read_document(data, name=name, limits=replace(limits, pdf_seconds=seconds), view=view,
                             media_type=upload.content_type, check=in_time)
    except DocumentLimitExceeded as error:
        if error.limit == "pdf_seconds" and seconds < limits.pdf_seconds:
            raise DeadlineExceeded(f"The request ran out of time while reading {name}.") from None
        setting = LIMIT_SETTINGS.get(error.limit)
        if not setting:
            raise
        raise UnreadableDocument(f"{error} (The limit is the setting CONTRACTDIFF_{setting}.)") from None
    return {"text": text, "name": name}


def _put(data: dict[str, Any], key: str, document: dict[str, str], lists: Collection[str]) -> None:
    if key in lists:
        data.setdefault(key, []).append(document)
    elif key in data:
        raise ValidationError({key: ["Send one file or one text for this field, not several."]})
    else:
        data[key] = document


def file_name(raw: str | None, *, default: str) -> str:
    """The name a document goes by: the uploaded file's base name (browsers may send a path)."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:NAME_CHARS] or default


class CompareUploadSchema(Schema):
    """Two contract files to compare, as ``multipart/form-data`` (documents the form in the spec)."""

    original = fields.String(required=True, metadata={
        "format": "binary", "maxLength": Defaults.MAX_UPLOAD_BYTES,
        "description": f"The original contract: {FILE_KINDS}, told apart by content (a web page also by "
                       "its name or its part's type, text/html); or a text field with the contract itself. "
                       "A file's name becomes the document's name.",
    })
    revised = fields.String(required=True, metadata={
        "format": "binary", "maxLength": Defaults.MAX_UPLOAD_BYTES,
        "description": "The revised contract, as `original`.",
    })
    ignore_formatting = fields.String(metadata={
        "enum": ["true", "false"], "description": "As `options.ignore_formatting` of the JSON body"})
    detect_moves = fields.String(metadata={
        "enum": ["true", "false"], "description": "As `options.detect_moves` of the JSON body"})
    pairs = fields.String(metadata={
        "maxLength": Defaults.MAX_UPLOAD_BYTES,
        "description": "As `options.pairs` of the JSON body, written as JSON: "
                       "[{\"original\": \"a9\", \"revised\": \"a12\"}]"})
    unpaired = fields.String(metadata={
        "maxLength": Defaults.MAX_UPLOAD_BYTES,
        "description": "As `options.unpaired` of the JSON body, written as JSON: [{\"original\": \"a9\"}]"})
    view = fields.String(metadata={
        "enum": [view.value for view in View],
        "description": "How a .docx with tracked changes (変更履歴) or comments from an earlier round reads: "
                       "`accepted` (the default) with every change accepted, as Word shows it; `original` "
                       "with every change rejected, as it was before them."})


class RedlineUploadSchema(CompareUploadSchema):
    """Two contract files to export, as ``multipart/form-data``; with ``decisions``, the merged draft."""

    decisions = fields.String(metadata={
        "maxLength": Defaults.MAX_UPLOAD_BYTES,
        "description": "As `decisions` of the JSON body, written as JSON: "
                       "[{\"original\": \"a9\", \"revised\": \"a9\", \"decision\": \"reject\", "
                       "\"comment\": \"…\"}]"})


class DriftUploadSchema(Schema):
    """A template and the documents made from it, as ``multipart/form-data``."""

    template = fields.String(required=True, metadata={
        "format": "binary", "maxLength": Defaults.MAX_UPLOAD_BYTES,
        "description": f"The standard template: {FILE_KINDS}.",
    })
    documents = fields.List(
        fields.String(metadata={"format": "binary", "maxLength": Defaults.MAX_UPLOAD_BYTES}),
        required=True, validate=Length(max=Defaults.MAX_DRIFT_DOCUMENTS),
        metadata={"description": "The signed contracts, one file each (the field repeated), each as "
                                 "`template`; their names name them."})
    ignore_formatting = fields.String(metadata={
        "enum": ["true", "false"], "description": "As `options.ignore_formatting` of the JSON body"})
    detect_moves = fields.String(metadata={
        "enum": ["true", "false"], "description": "As `options.detect_moves` of the JSON body"})
    view = fields.String(metadata={
        "enum": [view.value for view in View],
        "description": "How a .docx with tracked changes (変更履歴) or comments from an earlier round reads: "
                       "`accepted` (the default) with every change accepted, as Word shows it; `original` "
                       "with every change rejected, as it was before them."})

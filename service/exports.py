"""``POST /v1/redline?format=…``: the comparison as a file to hand over.

The body is a compare request, JSON or uploaded files. ``format`` picks the file: ``docx``
(the revised contract with Word tracked changes; the uploaded .docx itself when the revised
draft, or else the original, came as one; with the body's ``decisions``, the merged draft),
``shinkyu`` (新旧対照表), ``html`` (a standalone redline page), ``xlsx`` or ``csv`` (the changes
ledger).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, request, send_file
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, post_load
from marshmallow.validate import Length

from nlp.documents import View
from nlp.exports import Draft, Format, export

from .routes import compare_request
from .schemas import NAME_CHARS, Document, RedlineInput, RedlineRequest, valid_unicode
from .uploads import FORM, upload_view

# A .docx is a zip: what its bytes start with.
ZIP_MAGIC = b"PK\x03\x04"

__all__ = ["RedlineQuery", "exports_api"]

exports_api = Blueprint("exports", __name__)


@dataclass(frozen=True, slots=True)
class RedlineOptions:
    format: Format
    author: str | None


class RedlineQuery(Schema):
    """The query of ``POST /v1/redline``. Unknown parameters are refused (422)."""

    format = fields.Enum(Format, by_value=True, load_default=Format.DOCX, metadata={
        "description": "docx: Word tracked changes (on the uploaded .docx of the revised draft, else of "
                       "the original, when one came as a file); shinkyu: 新旧対照表 (.docx); html: a "
                       "redline page; xlsx or csv: the changes, one row each"})
    author = fields.String(load_default=None, validate=[Length(min=1, max=NAME_CHARS), valid_unicode],
                           metadata={"description": "Author of the tracked changes; the setting "
                                                    "REDLINE_AUTHOR when left out"})

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> RedlineOptions:
        return RedlineOptions(**data)


@exports_api.post("/redline")
def redline_route() -> ResponseReturnValue:
    query = RedlineQuery().load(request.args.to_dict())
    request_data, comparison = compare_request(RedlineRequest, json_fields=("decisions",))
    assert isinstance(request_data, RedlineInput)
    view = upload_view() if request.mimetype == FORM else View.ACCEPTED
    document = export(query.format, comparison, _draft(request_data.original, "original", view),
                      _draft(request_data.revised, "revised", view),
                      author=query.author or current_app.config["REDLINE_AUTHOR"],
                      decisions=request_data.decisions)
    response = send_file(io.BytesIO(document.content), mimetype=document.media_type, as_attachment=True,
                         download_name=document.filename, etag=False)
    # The file quotes both contracts: no cache along the way may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


def _draft(document: Document, field: str, view: View) -> Draft:
    """The draft, with the .docx it was read from when it came as one (the tracked changes go on it)."""
    return Draft(document.text, document.name, _word_file(field), view)


def _word_file(field: str) -> bytes | None:
    """The bytes of the form's file ``field`` when it is a .docx (already read, so within the limits)."""
    if request.mimetype != FORM:
        return None
    upload = request.files.get(field)
    if upload is None:
        return None
    upload.stream.seek(0)
    data = upload.stream.read()
    return data if data.startswith(ZIP_MAGIC) else None

"""``POST /v1/redline?format=…``: the comparison as a file to hand over.

The body is a compare request, JSON or uploaded files. ``format`` picks the file: ``docx``
(the revised contract with Word tracked changes), ``shinkyu`` (新旧対照表), ``html`` (a
standalone redline page), ``xlsx`` or ``csv`` (the changes ledger).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, request, send_file
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, post_load
from marshmallow.validate import Length

from nlp.exports import Draft, Format, export

from .routes import compare_request
from .schemas import NAME_CHARS, Document, valid_unicode

__all__ = ["RedlineQuery", "exports_api"]

exports_api = Blueprint("exports", __name__)


@dataclass(frozen=True, slots=True)
class RedlineOptions:
    format: Format
    author: str | None


class RedlineQuery(Schema):
    """The query of ``POST /v1/redline``. Unknown parameters are refused (422)."""

    format = fields.Enum(Format, by_value=True, load_default=Format.DOCX, metadata={
        "description": "docx: Word tracked changes; shinkyu: 新旧対照表 (.docx); html: a redline page; "
                       "xlsx or csv: the changes, one row each"})
    author = fields.String(load_default=None, validate=[Length(min=1, max=NAME_CHARS), valid_unicode],
                           metadata={"description": "Author of the tracked changes; the setting "
                                                    "REDLINE_AUTHOR when left out"})

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> RedlineOptions:
        return RedlineOptions(**data)


@exports_api.post("/redline")
def redline_route() -> ResponseReturnValue:
    query = RedlineQuery().load(request.args.to_dict())
    request_data, comparison = compare_request()
    document = export(query.format, comparison, _draft(request_data.original), _draft(request_data.revised),
                      author=query.author or current_app.config["REDLINE_AUTHOR"])
    response = send_file(io.BytesIO(document.content), mimetype=document.media_type, as_attachment=True,
                         download_name=document.filename, etag=False)
    # The file quotes both contracts: no cache along the way may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


def _draft(document: Document) -> Draft:
    return Draft(document.text, document.name)

"""Reading a request body as JSON within the configured limits, before any of it reaches the library.

Plain ``request.get_json()`` lets three inputs through badly: deep nesting (a RecursionError, so
a 500), a non-UTF-8 body (an HTML 400 page) and huge numbers (a ValueError). Here each of them
raises an error that :mod:`service.errors` turns into a problem.

Two guards sit around every request: :class:`DrainUnreadBody` reads what is left of a body the
app refused unread (a 413, a 401), up to a bound, so that the client reads the answer instead of
a reset connection; and :func:`refuse_unknown_form_fields` refuses an upload form's unknown
fields, or too many parts, from the form's part headers, before any uploaded file is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from flask import request
from marshmallow import ValidationError
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.wsgi import LimitedStream

from nlp.errors import EmptyDocument, InputTooLarge
from nlp.layout import read_layout

from .errors import JsonTooDeep, MalformedJson, UndecodableBody
from .schemas import CompareInput

__all__ = ["DrainUnreadBody", "check_has_text", "check_text_limit", "nesting_depth", "read_json",
           "refuse_unknown_form_fields"]

FORM = "multipart/form-data"
# Bytes read at a time while draining a refused body.
DRAIN_CHUNK = 64 * 1024

# A JSON string, escapes included. The closing quote is optional so that an unterminated
# string ends the match at the end of the text instead of being retried from every later
# quote, which would be quadratic. Possessive quantifiers: no backtracking either.
JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?')
NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def read_json(*, max_depth: int) -> Any:
    """The body parsed as JSON: 415 unless it is declared JSON, 413 past MAX_CONTENT_LENGTH, else 400s."""
    if not request.is_json:
        declared = request.mimetype or "no Content-Type"
        raise UnsupportedMediaType(
            f"Send the body as JSON with Content-Type: application/json, not {declared}."
        )
    text = decode(read_body())
    # Fewer brackets than the limit cannot nest deeper than it: a compare request has four.
    if text.count("[") + text.count("{") > max_depth and nesting_depth(text, limit=max_depth) > max_depth:
        raise JsonTooDeep(
            f"The body nests arrays or objects more than {max_depth} levels deep; "
            "a compare request needs 2. The limit is CONTRACTDIFF_MAX_JSON_DEPTH."
        )
    return parse(text)


def read_body() -> bytes:
    """The raw body, refused (413) past MAX_CONTENT_LENGTH.

    Werkzeug refuses a body whose Content-Length is over the limit without reading it. A chunked
    body it reads up to the limit and then silently cuts, so reaching the limit counts as over.
    """
    limit = request.max_content_length
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raw = None
    if raw is None or (limit is not None and request.content_length is None and len(raw) >= limit):
        raise RequestEntityTooLarge(
            f"The body is over the limit of {limit:,} bytes. "
            "Send shorter texts or raise CONTRACTDIFF_MAX_CONTENT_LENGTH."
        )
    return raw


def decode(raw: bytes) -> str:
    """The body as text: UTF-8 is the only encoding of JSON (RFC 8259), a leading BOM is ignored."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UndecodableBody(
            f"The body is not valid UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start} "
            "cannot be decoded. Send JSON encoded as UTF-8 (Shift_JIS and other encodings are not accepted)."
        ) from None
    return text.removeprefix("\ufeff")


def nesting_depth(text: str, *, limit: int) -> int:
    """How deeply ``text`` nests arrays and objects, counting brackets outside strings.

    Stops counting once past ``limit``, so 100,000 ``[`` cost no more than ``limit + 1``.
    """
    brackets = NOT_BRACKET.sub("", JSON_STRING.sub("", text))
    depth = deepest = 0
    for bracket in brackets:
        if bracket in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def parse(text: str) -> Any:
    if not text.strip():
        raise MalformedJson("The body is empty. Send a JSON object with `original` and `revised`.")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise MalformedJson(
            f"The body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except ValueError:
        # int() refuses numbers of more than 4,300 digits (CVE-2020-10735).
        raise MalformedJson("The body is not valid JSON: a number is too long to read.") from None


def _reject_constant(name: str) -> None:
    # json.loads accepts NaN and Infinity, which are not JSON.
    raise MalformedJson(f"The body is not valid JSON: {name} is not a JSON value.")


def check_text_limit(request_data: CompareInput, *, limit: int) -> None:
    """Raise :class:`InputTooLarge` when either text is longer than ``limit`` characters."""
    for side in ("original", "revised"):
        chars = len(getattr(request_data, side).text)
        if chars > limit:
            raise InputTooLarge(
                f"The {side} text has {chars:,} characters; the limit is {limit:,}. "
                "Split the contract or raise CONTRACTDIFF_MAX_TEXT_CHARS."
            )


def check_has_text(what: str, text: str) -> None:
    """Refuse (422) a document that is empty once its markup is set aside: ``# `` or ``<p></p>``.

    Both routes ask the same of their documents, so a text one refuses the other refuses too.
    """
    if not read_layout(text).text.strip():
        raise EmptyDocument(f"{what} has no text once its markup (Markdown, HTML) is set aside. "
                            "Send the contract's text.")


class DrainUnreadBody:
    """WSGI middleware: before an answer goes out, read what is left of the request body, up to ``limit``.

    The app refuses some requests without reading their body (413 when Content-Length is over the
    limit, 401 before the key is checked). Closing the connection with the body unread makes the
    kernel reset it, and a client still sending (Python's urllib, curl, a proxy) gets a broken
    pipe instead of the answer. So the rest is read and thrown away; a body declared larger than
    ``limit`` is not, since reading it would cost more than the reset does. Behind the front the
    body is already buffered there and drains in milliseconds.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], *, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.bound(environ)
        answer = self.app(environ, start_response)
        self.drain(environ)
        return answer

    @staticmethod
    def bound(environ: dict[str, Any]) -> None:
        """Make the body stream end at Content-Length, unless the server already ends it.

        Gunicorn's stream ends there by itself (it sets ``wsgi.input_terminated``); the raw socket of
        a plain WSGI server does not, and reading it past the body would wait for bytes a
        keep-alive client never sends. The app reads through the same bounded stream, so the
        drain starts where the app stopped.
        """
        declared = environ.get("CONTENT_LENGTH") or ""
        stream = environ.get("wsgi.input")
        if stream is not None and "wsgi.input_terminated" not in environ and declared.isdigit():
            environ["wsgi.input"] = LimitedStream(stream, int(declared))

    def drain(self, environ: Mapping[str, Any]) -> None:
        stream = environ.get("wsgi.input")
        declared = environ.get("CONTENT_LENGTH") or ""
        terminated = "wsgi.input_terminated" in environ or isinstance(stream, LimitedStream)
        if stream is None or not terminated or (declared.isdigit() and int(declared) > self.limit):
            return
        drained = 0
        while drained < self.limit:
            try:
                chunk = stream.read(min(DRAIN_CHUNK, self.limit - drained))
            except (OSError, ValueError, ClientDisconnected):
                return  # the client went away or sent a broken chunk: nothing left to read
            if not chunk:
                return
            drained += len(chunk)


def refuse_unknown_form_fields(fields: Mapping[str | None, Collection[str]], *,
                               max_upload_bytes: int) -> None:
    """Refuse an upload form with a field its route does not take (422) or too many parts (413).

    ``fields`` maps an endpoint to the fields its form may carry. Werkzeug splits the form into
    its parts, which costs little; reading a file as a contract (a .docx unpacked, a Shift_JIS
    text decoded) costs far more, and happens later, only for forms this lets through.
    """
    allowed = fields.get(request.endpoint)
    if allowed is None or request.mimetype != FORM:
        return
    # As uploads.read_form sets them; the parsed form is kept for it.
    request.max_content_length = max_upload_bytes
    request.max_form_memory_size = max_upload_bytes
    try:
        # A part without a name comes keyed None: an unknown field too.
        names = {name or "" for name in (*request.form, *request.files)}
    except RequestEntityTooLarge:
        raise RequestEntityTooLarge(form_too_large(max_upload_bytes)) from None
    unknown = sorted(names - set(allowed))
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in unknown})


def form_too_large(max_upload_bytes: int) -> str:
    """Which limit a form crossed: its size (MAX_UPLOAD_BYTES), or the number of its parts."""
    length = request.content_length
    if length is None or length > max_upload_bytes:
        return (f"The uploaded files are over {max_upload_bytes:,} bytes together. "
                "Upload smaller files or raise CONTRACTDIFF_MAX_UPLOAD_BYTES.")
    return (f"The form has more than {request.max_form_parts:,} parts, the most one request may "
            "send: one per document and one per option. Send fewer fields.")

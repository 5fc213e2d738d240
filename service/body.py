"""Reading a request body as JSON within the configured limits, before any of it reaches the library.

Plain ``request.get_json()`` lets three inputs through badly: deep nesting (a RecursionError, so
a 500), a non-UTF-8 body (an HTML 400 page) and huge numbers (a ValueError). Here each of them
raises an error that :mod:`service.errors` turns into a problem.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from nlp.errors import InputTooLarge

from .errors import JsonTooDeep, MalformedJson, UndecodableBody
from .schemas import CompareInput

__all__ = ["check_text_limit", "nesting_depth", "read_json"]

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
    depth = nesting_depth(text, limit=max_depth)
    if depth > max_depth:
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

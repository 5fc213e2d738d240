"""Every error becomes an RFC 9457 problem (``application/problem+json``), here and nowhere else.

One table maps each exception class to its status, problem type and title: the service's own
errors, the library's (:mod:`nlp.errors`), marshmallow's validation error and Werkzeug's HTTP
errors. The most specific class in an exception's MRO wins.

Japanese for people, codes for programs: a request whose Accept-Language prefers Japanese gets
the ``detail`` in Japanese (:mod:`service.messages_ja` reads it from the English one), and the
same ``type``, ``title``, ``status`` and ``errors``. Every problem says its language in
Content-Language and varies on Accept-Language.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, has_request_context, request
from marshmallow import ValidationError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
)

from nlp.errors import (
    ContractDiffError,
    DeadlineExceeded,
    EmptyDocument,
    InputTooLarge,
    InvalidDecision,
    InvalidPairing,
    InvalidText,
    UnreadableDocument,
)

from . import messages_ja
from .logs import current_request_id, error_fields
from .messages_ja import ENGLISH, JAPANESE

__all__ = [
    "EDGE_PROBLEMS",
    "PROBLEM_JSON",
    "PROBLEMS",
    "JsonTooDeep",
    "MalformedJson",
    "ModelNotLoaded",
    "ProblemType",
    "ServiceError",
    "TooManyDocuments",
    "UndecodableBody",
    "edge_problem",
    "problem_response",
    "register_error_handlers",
    "write_gunicorn_problem",
]

PROBLEM_JSON = "application/problem+json"
# Problem types are tag URIs (RFC 4151): stable names that nobody is tempted to fetch.
TYPE_PREFIX = "tag:contractdiff,2026:problems/"

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """Base of the errors the service raises itself; the message is the problem's detail."""


class UndecodableBody(ServiceError):
    """The body's bytes are not UTF-8 (a Shift_JIS body, for instance)."""


class JsonTooDeep(ServiceError):
    """The body nests arrays or objects deeper than MAX_JSON_DEPTH."""


class MalformedJson(ServiceError):
    """The body is not JSON."""


class ModelNotLoaded(ServiceError):
    """The app has no model to answer with."""


class TooManyDocuments(ServiceError):
    """A drift request holds more documents than MAX_DRIFT_DOCUMENTS."""


@dataclass(frozen=True, slots=True)
class ProblemType:
    status: int
    slug: str  # the last part of the type URI
    title: str  # the same for every occurrence of the type

    @property
    def uri(self) -> str:
        return TYPE_PREFIX + self.slug


PROBLEMS: dict[type[BaseException], ProblemType] = {
    # The request body
    MalformedJson: ProblemType(400, "malformed-json", "The body is not valid JSON"),
    UndecodableBody: ProblemType(400, "invalid-encoding", "The body is not UTF-8"),
    JsonTooDeep: ProblemType(400, "json-too-deep", "The JSON is nested too deeply"),
    TooManyDocuments: ProblemType(413, "too-many-documents", "Too many documents for one request"),
    ValidationError: ProblemType(422, "invalid-request", "The request does not match the schema"),
    # The library
    InputTooLarge: ProblemType(413, "text-too-large", "A text is over the size limit"),
    InvalidText: ProblemType(422, "invalid-text", "A text is not valid Unicode"),
    EmptyDocument: ProblemType(422, "empty-document", "A document has nothing to compare"),
    UnreadableDocument: ProblemType(422, "unreadable-document", "A document cannot be read"),
    InvalidPairing: ProblemType(422, "invalid-pairing", "A pair set by hand does not fit the documents"),
    InvalidDecision: ProblemType(422, "invalid-decision", "A decision does not fit the comparison"),
    ContractDiffError: ProblemType(422, "cannot-compare", "The documents cannot be compared"),
    DeadlineExceeded: ProblemType(503, "deadline-exceeded", "The comparison took longer than allowed"),
    # The service
    ModelNotLoaded: ProblemType(503, "model-not-loaded", "The model is not loaded"),
    # HTTP
    BadRequest: ProblemType(400, "bad-request", "Bad request"),
    Unauthorized: ProblemType(401, "unauthorized", "An API key is required"),
    NotFound: ProblemType(404, "not-found", "No such resource"),
    MethodNotAllowed: ProblemType(405, "method-not-allowed", "Method not allowed"),
    RequestEntityTooLarge: ProblemType(413, "body-too-large", "The request body is too large"),
    UnsupportedMediaType: ProblemType(415, "unsupported-media-type", "The body's media type is not accepted"),
    TooManyRequests: ProblemType(429, "rate-limited", "Too many requests for this caller"),
    Exception: ProblemType(500, "internal-error", "Internal server error"),
}

# Said instead of the message of an unexpected error, which may quote the documents.
INTERNAL_DETAIL = "The service failed while handling this request. The error has been logged."
INVALID_DETAIL = "Some fields of the request are missing or invalid; `errors` says which and why."
# Said after the cause of a DeadlineExceeded.
DEADLINE_ADVICE = ("Its deadline is {seconds} s (CONTRACTDIFF_REQUEST_DEADLINE_SECONDS). "
                   "Retry after the seconds in Retry-After, or split the contract.")


def problem_type(error: BaseException) -> ProblemType:
    """The table's entry for the most specific class of ``error``."""
    for cls in type(error).__mro__:
        if cls in PROBLEMS:
            found = PROBLEMS[cls]
            break
    else:
        found = PROBLEMS[Exception]
    if isinstance(error, HTTPException) and error.code and error.code != found.status:
        # An HTTP error the table does not name (409, 429 …) keeps its own status.
        return ProblemType(error.code, _slug(error.name), error.name)
    return found


def detail(error: BaseException, kind: ProblemType, language: str = ENGLISH) -> str:
    """What happened in this occurrence, in words safe to show the client, in English or Japanese."""
    if isinstance(error, ValidationError):
        english = INVALID_DETAIL
    elif isinstance(error, HTTPException):
        english = error.description or kind.title
    elif kind.status >= 500 and not _says_what_happened(error):
        english = INTERNAL_DETAIL
    else:
        english = str(error) or kind.title
    if isinstance(error, DeadlineExceeded):
        seconds = _deadline_seconds()
        if language == JAPANESE:
            return (messages_ja.japanese_detail(english, kind.slug, kind.status)
                    + messages_ja.DEADLINE_ADVICE.format(seconds=seconds))
        return f"{english} {DEADLINE_ADVICE.format(seconds=seconds)}"
    if language == JAPANESE:
        return messages_ja.japanese_detail(english, kind.slug, kind.status)
    return english


def problem_language() -> str:
    """The language of the problem's ``detail``: Japanese when the request prefers it, else English."""
    if not has_request_context():
        return ENGLISH
    return messages_ja.preferred_language(request.accept_languages)


def problem_response(error: BaseException) -> Response:
    """The problem+json response for ``error``, with its status and any headers it carries (Allow)."""
    kind = problem_type(error)
    language = problem_language()
    if kind.status >= 500 and not _says_what_happened(error):
        # The type and the stack, not the message, which may quote a document; and not as
        # exc_info, which another handler than the service's would print in full.
        log.error("Unhandled error", extra={"fields": {"request_id": current_request_id(),
                                                       **error_fields(error, with_message=False)}})
    body: dict[str, Any] = {
        "type": kind.uri,
        "title": kind.title,
        "status": kind.status,
        "detail": detail(error, kind, language),
    }
    if has_request_context():
        body["instance"] = request.path
    if isinstance(error, ValidationError):
        body["errors"] = error.normalized_messages()
    response = current_app.response_class(
        current_app.json.dumps(body), status=kind.status, mimetype=PROBLEM_JSON
    )
    if isinstance(error, HTTPException):
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
    response.headers["Content-Language"] = language
    response.vary.add("Accept-Language")
    if isinstance(error, DeadlineExceeded):
        # By then the requests queued behind this one have had their turn.
        response.headers["Retry-After"] = str(_deadline_seconds())
    return response


# The edge ------------------------------------------------------------------------------------
# Answers given before the app sees a request: gunicorn's own (a header it cannot parse, a worker
# killed on its timeout) and the front's (scripts/serve.py writes them into nginx's configuration).
# Each is a problem of a fixed text, which quotes nothing of the request.

EDGE_PROBLEMS: dict[int, tuple[ProblemType, str]] = {
    400: (ProblemType(400, "bad-request", "Bad request"),
          "The request could not be read as HTTP: a malformed request line, header or chunk."),
    404: (ProblemType(404, "not-found", "No such resource"), "No route of this service has this path."),
    408: (ProblemType(408, "request-timeout", "The request was not sent in time"),
          "The request's headers or body arrived too slowly; see HEADER_TIMEOUT_SECONDS and "
          "BODY_TIMEOUT_SECONDS."),
    413: (ProblemType(413, "body-too-large", "The request body is too large"),
          "The body is over {max_body}, the most this service reads of any request "
          "(CONTRACTDIFF_MAX_UPLOAD_BYTES for uploaded files; JSON bodies are held to "
          "CONTRACTDIFF_MAX_CONTENT_LENGTH). Send smaller documents."),
    414: (ProblemType(414, "uri-too-long", "The URL is too long"),
          "The request line is longer than this service reads. Send the documents in the body."),
    403: (ProblemType(403, "forbidden", "Forbidden"), "This request is not accepted."),
    417: (ProblemType(417, "expectation-failed", "Expectation failed"),
          "The request's Expect header asks for something other than 100-continue."),
    429: (ProblemType(429, "too-many-connections", "Too many connections from this client"),
          "This client holds more connections open than MAX_CONNECTIONS_PER_CLIENT allows. "
          "Close some, or wait for their answers."),
    431: (ProblemType(431, "headers-too-large", "The request's headers are too large"),
          "The request has more headers, or longer ones, than this service reads."),
    500: (ProblemType(500, "internal-error", "Internal server error"), INTERNAL_DETAIL),
    501: (ProblemType(501, "not-implemented", "Not implemented"),
          "The request uses a transfer coding this service does not read."),
    502: (ProblemType(502, "bad-gateway", "The service failed while handling this request"),
          "The worker handling this request stopped without answering. The error has been logged; "
          "try again."),
    503: (ProblemType(503, "unavailable", "The service is unavailable"),
          "The service is starting, stopping or overloaded. Retry in a few seconds."),
    504: (ProblemType(504, "gateway-timeout", "The service took too long to answer"),
          "No answer came within the time the front waits for one (ANSWER_TIMEOUT_SECONDS; by "
          "default REQUEST_DEADLINE_SECONDS and a margin). Retry later, or split the contract."),
}


def edge_problem(status: int, *, max_body: int | None = None, language: str = ENGLISH) -> dict[str, Any]:
    """The problem the edge answers with ``status`` (500's for a status the table lacks).

    With ``language="ja"``, the same problem with its ``detail`` in Japanese, for a front that
    answers by the request's Accept-Language.
    """
    kind, text = EDGE_PROBLEMS.get(status, EDGE_PROBLEMS[500])
    if language == JAPANESE:
        said = messages_ja.edge_detail(status if status in EDGE_PROBLEMS else 500, max_body)
    else:
        said = text.format(max_body="the limit" if max_body is None else f"{max_body:,} bytes")
    return {"type": kind.uri, "title": kind.title, "status": status, "detail": said}


def write_gunicorn_problem(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """``gunicorn.util.write_error`` answering a problem instead of an HTML page; ``mesg`` is not sent.

    gunicorn's message quotes what it could not parse (the request line, a header). The request
    was not read, so neither was its Accept-Language: the detail is English.
    """
    from gunicorn import util

    body = json.dumps(edge_problem(status_int)).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: {PROBLEM_JSON}\r\n"
            f"Content-Language: {ENGLISH}\r\nContent-Length: {len(body)}\r\n\r\n").encode("latin-1")
    util.write_nonblock(sock, head + body)


def register_error_handlers(app: Flask) -> None:
    """Send every exception, Werkzeug's HTTP errors included, through :func:`problem_response`."""
    app.register_error_handler(Exception, problem_response)


def _says_what_happened(error: BaseException) -> bool:
    """Whether the message of a 5xx error is the service's or the library's own words, safe to show."""
    return isinstance(error, (ServiceError, ContractDiffError))


def _deadline_seconds() -> int:
    return max(1, math.ceil(current_app.config["REQUEST_DEADLINE_SECONDS"]))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")

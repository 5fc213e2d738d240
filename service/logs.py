"""Structured logs: one JSON object per line, an access line per request, a request id on both.

Contracts are confidential, so a log line carries what the service decides, never what the
caller sent: no body, no text, no file name, no query string, no header but a well-formed
``X-Request-ID``. The path is the route as declared (``/v1/compare``), not as requested. An
exception raised while answering a request is logged as its type and stack only, since its
message may quote a document; one raised outside a request (at start) keeps its message.

``gunicorn.conf.py`` sends every logger, gunicorn's included, through :class:`JsonFormatter` to
stderr, and makes gunicorn log through :class:`GunicornLogger`, which writes no access line (the
app writes its own, with the request id) and drops the request line from gunicorn's errors.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from gunicorn import glogging

__all__ = [
    "REQUEST_ID_HEADER",
    "GunicornLogger",
    "JsonFormatter",
    "access_log",
    "current_request_id",
    "error_fields",
    "register_request_logging",
    "request_method",
]

REQUEST_ID_HEADER = "X-Request-ID"
# What a caller's request id may look like: a UUID, a trace id, a ULID. Anything else is replaced.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Frames of a stack kept in a log line: where it failed and how it got there.
STACK_FRAMES = 12
# Methods logged and counted by name; any other token a client invents is "other".
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

access_log = logging.getLogger("service.access")


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: ts, level, logger, pid, message, request_id, and its ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,  # which gunicorn worker (or the master)
            "message": record.getMessage(),
        }
        in_request = has_request_context()
        if in_request and "request_id" in g:
            entry["request_id"] = g.request_id  # a library's line, written during a request
        entry.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[1] is not None:
            entry.update(error_fields(record.exc_info[1], with_message=not in_request))
        return json.dumps(entry, ensure_ascii=False, default=str)


def error_fields(error: BaseException, *, with_message: bool) -> dict[str, Any]:
    """An exception as its type, its causes' types and its stack (file, line, function); no message."""
    frames = traceback.extract_tb(error.__traceback__)[-STACK_FRAMES:]
    fields: dict[str, Any] = {
        "error": _type_name(error),
        "stack": [f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}" for frame in frames],
    }
    causes = []
    cause = error.__cause__ or error.__context__
    while cause is not None and len(causes) < STACK_FRAMES:
        causes.append(_type_name(cause))
        cause = cause.__cause__ or cause.__context__
    if causes:
        fields["caused_by"] = causes
    if with_message:
        fields["error_message"] = str(error)
    return fields


class GunicornLogger(glogging.Logger):
    """gunicorn's log without what a request carried: no access line, and errors without the request.

    gunicorn writes ``Error handling request POST /v1/redline?format=docx&author=…`` with the
    exception's message when a worker fails on a request, and ``Invalid request from ip=…: …``
    with the line it could not parse. Both become their first words, the exception's type and
    its stack; never the URL, the query, a header or the exception's message.
    """

    REQUEST_ERROR = "Error handling request"
    INVALID_REQUEST = "Invalid request from ip="

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        """The app writes the access line (service.access), with its request id and its route."""

    def exception(self, msg: str, *args: Any, **kwargs: Any) -> None:
        message = self.REQUEST_ERROR if msg.startswith(self.REQUEST_ERROR) else msg % args if args else msg
        self.error_log.error(message, extra={"fields": _current_error()})

    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None:
        if msg.startswith(self.INVALID_REQUEST):
            address = msg[len(self.INVALID_REQUEST):].partition(": ")[0]
            fields = {"client": address, **_current_error()}
            self.error_log.warning("Invalid request", extra={"fields": fields})
            return
        super().warning(msg, *args, **kwargs)


def _current_error() -> dict[str, Any]:
    error = sys.exc_info()[1]
    return {} if error is None else error_fields(error, with_message=False)


def register_request_logging(app: Flask) -> None:
    """Give each request an id (the caller's ``X-Request-ID`` or a new one), return it, log the request.

    Registered before the other hooks, so that a request refused by one of them is logged too.
    """
    app.before_request(start_request)
    app.after_request(finish_request)


def start_request() -> None:
    sent = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
    g.started = time.perf_counter()


def finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.request_id
    access_log.info("request", extra={"fields": {
        "request_id": g.request_id,
        "method": request_method(),
        "path": request.url_rule.rule if request.url_rule else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.started) * 1000, 1),
        "bytes_in": request.content_length or 0,
        "bytes_out": response.calculate_content_length(),
        "client": request.remote_addr,
        "api_key": g.get("api_key_id"),
    }})
    return response


def current_request_id() -> str | None:
    """The id of the request being answered, for a log line about it."""
    return g.get("request_id") if has_request_context() else None


def request_method() -> str:
    """The request's method, or "other" for one that no route of this service knows."""
    return request.method if request.method in METHODS else "other"


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"

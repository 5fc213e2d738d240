"""Rate limiting with flask-limiter: one budget per caller, charged by the size of what it sends.

A caller is its API key when it sent a valid one, else its address. Each request to a route that
reads contracts costs one unit per :data:`BYTES_PER_UNIT` bytes of body, at least one, so a batch
of fifty contracts costs what fifty single comparisons do. The open routes cost nothing. Counts
live in memory (per worker process) or in Redis (shared by every worker and instance); if Redis
cannot be reached, each worker falls back to counting in memory and says so in the log.
"""

from __future__ import annotations

import math

from flask import Flask, Response, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter
from limits import parse_many

from .auth import OPEN_ENDPOINTS
from .uploads import FORM

__all__ = ["BYTES_PER_UNIT", "caller", "cost", "register_rate_limit"]

# About 10,000 characters of Japanese in UTF-8 (3 bytes each): a short contract costs 1 unit, a
# long one 2 or 3, and a batch of 50 drift documents around 50.
BYTES_PER_UNIT = 30_000


def register_rate_limit(app: Flask) -> None:
    """Limit the routes that read contracts to the setting RATE_LIMIT per caller; nothing when it is empty."""
    limit = app.config["RATE_LIMIT"]
    if not limit:
        return
    parse_many(limit)  # a typo in the setting fails at start, not at the first request
    limiter = Limiter(
        caller,
        application_limits=[ApplicationLimit(limit_provider=limit, cost=cost, exempt_when=is_open,
                                             error_message=breach_message)],
        storage_uri=app.config["RATE_LIMIT_STORAGE_URI"],
        strategy="moving-window",
        headers_enabled=True,
        in_memory_fallback_enabled=True,
        key_prefix="contractdiff",
    )
    # Registered before the limiter's own hook, so it runs after it: flask-limiter puts Retry-After
    # on every limited answer, which only means something on a refusal.
    app.after_request(_retry_after_only_on_refusal)
    limiter.init_app(app)


def caller() -> str:
    """Whom a request is counted against: its valid API key (by its id), else its address."""
    key = g.get("api_key_id")
    return f"key:{key}" if key else f"address:{request.remote_addr or 'unknown'}"


def cost() -> int:
    """Units a request costs: its body's size, read from Content-Length before the body is read.

    A body sent without a length (chunked) is charged as the largest body the route allows,
    since reading it to learn its size is the work the limit is there to bound.
    """
    length = request.content_length
    if length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        config = current_app.config
        length = config["MAX_UPLOAD_BYTES"] if request.mimetype == FORM else config["MAX_CONTENT_LENGTH"]
    return max(1, math.ceil((length or 0) / BYTES_PER_UNIT))


def is_open() -> bool:
    return request.endpoint is None or request.endpoint in OPEN_ENDPOINTS


def _retry_after_only_on_refusal(response: Response) -> Response:
    if response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def breach_message() -> str:
    return (f"This caller has used up its rate limit of {current_app.config['RATE_LIMIT']} "
            f"(one unit per {BYTES_PER_UNIT:,} bytes of body). Retry after the seconds in Retry-After.")

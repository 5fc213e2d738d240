"""Optional API keys: ``Authorization: Bearer KEY`` or ``X-API-Key: KEY`` on the routes that read contracts.

Off while the setting API_KEYS is empty (local use). The routes that read no contract stay open,
so that a load balancer, Prometheus and a browser can reach them: health, the OpenAPI document,
the page with its static files, and ``/metrics``. A request without a valid key is refused with
a 401 problem before its body is read.

Failed attempts are throttled per client address: past AUTH_FAILURE_LIMIT (a missing key counts
as a failure), every request of that address to a closed route is a 429 problem with Retry-After,
a valid key included, until the window has moved on. So guessing keys costs a client its access,
not only its time. The failures are counted in each worker process's memory.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from typing import Any

from flask import Flask, current_app, g, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import TooManyRequests, Unauthorized

__all__ = ["OPEN_ENDPOINTS", "FailureThrottle", "api_keys", "key_id", "register_api_keys"]

#: The endpoints anybody may call, with or without a key: they read no contract and cost little.
OPEN_ENDPOINTS = frozenset({"api.health", "api.openapi", "page.index", "static", "metrics.metrics"})
# A key that can be guessed protects nothing: 16 characters is 96 bits of a random base64 key.
MIN_KEY_CHARS = 16


def api_keys(setting: Any) -> tuple[str, ...]:
    """The keys of the setting API_KEYS: a string of comma-separated keys, or a list of them.

    The environment is read as JSON, so a key of digits only arrives as a number.
    """
    if isinstance(setting, str):
        keys = setting.split(",")
    elif isinstance(setting, (list, tuple)):
        keys = [str(key) for key in setting]
    else:
        keys = [str(setting)]
    keys = [key.strip() for key in keys if key.strip()]
    short = [index for index, key in enumerate(keys, start=1) if len(key) < MIN_KEY_CHARS]
    if short:
        raise ValueError(f"API_KEYS: key {short[0]} has fewer than {MIN_KEY_CHARS} characters; use long "
                         "random keys: `python -c 'import secrets; print(secrets.token_urlsafe(32))'`.")
    return tuple(keys)


def key_id(key: str) -> str:
    """A short name for a key in logs: the start of its SHA-256, which does not give the key away."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def register_api_keys(app: Flask) -> None:
    """Check the key of every request to a closed endpoint, when the app has keys."""
    keys = api_keys(app.config["API_KEYS"])
    if not keys and app.config["REQUIRE_API_KEYS"]:
        raise RuntimeError("REQUIRE_API_KEYS is set but API_KEYS is empty: set CONTRACTDIFF_API_KEYS to the "
                           "keys callers send, or CONTRACTDIFF_REQUIRE_API_KEYS=false for an open instance.")
    app.extensions["api_keys"] = keys
    limit = app.config["AUTH_FAILURE_LIMIT"]
    app.extensions["auth_failures"] = FailureThrottle(parse(limit)) if keys and limit else None
    app.before_request(check_api_key)


def check_api_key() -> None:
    """Raise 401 unless the request may go on: an open endpoint, no keys configured, or a valid key."""
    keys = current_app.extensions["api_keys"]
    if not keys or request.endpoint is None or request.endpoint in OPEN_ENDPOINTS:
        return  # an unknown route or method answers 404 or 405 as it would anyway
    throttle: FailureThrottle | None = current_app.extensions["auth_failures"]
    client = request.remote_addr or "unknown"
    if throttle is not None and throttle.blocked(client):
        raise TooManyRequests(
            f"This client has sent more invalid or missing API keys than AUTH_FAILURE_LIMIT allows "
            f"({current_app.config['AUTH_FAILURE_LIMIT']}). Retry after the seconds in Retry-After.",
            retry_after=throttle.retry_after(client))
    presented = presented_key()
    key = None if presented is None else matching_key(presented, keys)
    if key is None and throttle is not None:
        throttle.fail(client)
    if presented is None:
        raise _unauthorized("This route needs an API key: send it as `Authorization: Bearer KEY` "
                            "or `X-API-Key: KEY`.")
    if key is None:
        raise _unauthorized("The API key sent is not valid. Check it with whoever runs this service.")
    g.api_key_id = key_id(key)


def presented_key() -> str | None:
    """The key the request carries, from ``Authorization: Bearer`` or else ``X-API-Key``."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("X-API-Key", "").strip() or None


def matching_key(presented: str, keys: tuple[str, ...]) -> str | None:
    """The configured key equal to ``presented``, compared in constant time and against every key."""
    found = None
    for key in keys:
        if hmac.compare_digest(presented.encode(), key.encode()):
            found = key
    return found


class FailureThrottle:
    """Failed authentications per client address, in a moving window of ``limit``."""

    def __init__(self, limit: RateLimitItem) -> None:
        self.limit = limit
        self.counter = MovingWindowRateLimiter(MemoryStorage())

    def blocked(self, client: str) -> bool:
        """Whether ``client`` has used up its failures."""
        return not self.counter.test(self.limit, client)

    def fail(self, client: str) -> None:
        self.counter.hit(self.limit, client)

    def retry_after(self, client: str) -> int:
        """Seconds until the oldest failure of ``client`` leaves the window."""
        reset = self.counter.get_window_stats(self.limit, client).reset_time
        return max(1, math.ceil(reset - time.time()))


def _unauthorized(description: str) -> Unauthorized:
    return Unauthorized(description, www_authenticate=WWWAuthenticate("bearer"))

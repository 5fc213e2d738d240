"""Security headers on every response, and no caching of the answers that quote contracts.

The page is one template, one script and one style sheet from this origin (``page.py``), so the
policy allows nothing else: no inline script, no other origin, no framing. The favicon is an
empty ``data:`` URL, hence ``img-src data:``.
"""

from __future__ import annotations

from flask import Flask, Response, request

from .auth import OPEN_ENDPOINTS

__all__ = ["SECURITY_HEADERS", "register_security_headers"]

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint is not None and request.endpoint not in OPEN_ENDPOINTS:
        # The answer quotes both contracts: no cache along the way may keep it.
        response.headers.setdefault("Cache-Control", "no-store")
    return response

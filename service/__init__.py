"""The HTTP face of the contract comparison: an app factory, its blueprints, problem+json errors.

Around the routes: a request id and a JSON access line for every request (``logs``), Prometheus
metrics (``metrics``), optional API keys (``auth``), a rate limit per caller (``ratelimit``) and
security headers (``headers``). Their hooks are registered in the order they must run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from nlp.engine import load_engine

from .auth import register_api_keys
from .body import DrainUnreadBody, refuse_unknown_form_fields
from .config import Defaults
from .drift import drift_api
from .errors import register_error_handlers
from .exports import exports_api
from .headers import register_security_headers
from .logs import register_request_logging
from .metrics import register_metrics
from .page import page
from .ratelimit import register_rate_limit
from .routes import api
from .uploads import COMPARE_OPTIONS, VIEW, InMemoryRequest

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask app: settings from :class:`Defaults`, then ``CONTRACTDIFF_*``, then ``config``."""
    app = Flask(__name__)
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("CONTRACTDIFF")  # CONTRACTDIFF_MAX_TEXT_CHARS=400000
    app.config.from_mapping(config or {})
    # Answers keep the schemas' field order, and Japanese stays readable (and a third the size).
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.request_class = InMemoryRequest
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    if app.config["LOAD_MODEL_AT_START"]:
        app.extensions["engine"] = load_engine(app.config["MODEL"])
    # Before each request, in this order: the request id (so that every refusal is logged with
    # one), metrics, the API key, the rate limit (which counts against the key once checked).
    register_request_logging(app)
    register_metrics(app)
    register_api_keys(app)
    register_rate_limit(app)
    register_form_check(app)
    app.register_blueprint(api, url_prefix="/v1")
    app.register_blueprint(drift_api, url_prefix="/v1")
    app.register_blueprint(exports_api, url_prefix="/v1")
    app.register_blueprint(page)
    register_security_headers(app)
    register_error_handlers(app)
    # Outermost: a refused body is read to its end (up to the largest any route takes) before the
    # answer goes out, so that the client reads the answer.
    app.wsgi_app = DrainUnreadBody(  # type: ignore[method-assign]
        app.wsgi_app, limit=max(app.config["MAX_CONTENT_LENGTH"], app.config["MAX_UPLOAD_BYTES"]))
    return app


#: The fields each route's upload form may carry; any other is refused before a file is read.
FORM_FIELDS = {
    "api.compare_route": ("original", "revised", *COMPARE_OPTIONS, VIEW),
    "exports.redline_route": ("original", "revised", *COMPARE_OPTIONS, VIEW, "decisions"),
    "drift.drift_route": ("template", "documents", *COMPARE_OPTIONS, VIEW),
}


def register_form_check(app: Flask) -> None:
    """After the key and the rate limit: an upload form's field names, checked before its files are read."""
    def check_form() -> None:
        refuse_unknown_form_fields(FORM_FIELDS, max_upload_bytes=app.config["MAX_UPLOAD_BYTES"])

    app.before_request(check_form)

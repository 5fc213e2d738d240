"""The HTTP face of the contract comparison: an app factory, one blueprint, problem+json errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from nlp.engine import load_engine

from .config import Defaults
from .drift import drift_api
from .errors import register_error_handlers
from .exports import exports_api
from .page import page
from .routes import api

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
    if app.config["LOAD_MODEL_AT_START"]:
        app.extensions["engine"] = load_engine(app.config["MODEL"])
    app.register_blueprint(api, url_prefix="/v1")
    app.register_blueprint(drift_api, url_prefix="/v1")
    app.register_blueprint(exports_api, url_prefix="/v1")
    app.register_blueprint(page)
    register_error_handlers(app)
    return app

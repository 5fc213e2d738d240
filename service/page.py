"""``GET /``: the page where a negotiator compares two contracts and downloads the exports.

One HTML template, one script and one style sheet (``templates/``, ``static/``), no build step
and nothing loaded from elsewhere: the page works offline. It calls ``POST /v1/compare`` and
``POST /v1/redline`` like any other client.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from nlp.exports import Format
from nlp.exports.labels import vocabulary

__all__ = ["page"]

page = Blueprint("page", __name__)

#: The download buttons, in the order shown: format and label.
DOWNLOADS = (
    (Format.DOCX, "Word（変更履歴）"),
    (Format.SHINKYU, "新旧対照表（Word）"),
    (Format.HTML, "比較結果（HTML）"),
    (Format.XLSX, "変更一覧（Excel）"),
    (Format.CSV, "変更一覧（CSV）"),
)


@page.get("/")
def index() -> ResponseReturnValue:
    return render_template("index.html", labels=vocabulary(), downloads=DOWNLOADS,
                           author=current_app.config["REDLINE_AUTHOR"],
                           max_upload_bytes=current_app.config["MAX_UPLOAD_BYTES"],
                           api_key_required=bool(current_app.extensions.get("api_keys")))

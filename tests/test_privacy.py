"""No contract text leaks: not into a log line, an error message or a metric; no body is written to disk.

A marker goes into the texts and another into the names of every kind of request, answered or
refused (400, 401, 413, 422, 429, 500), and every log record of the run is searched for both,
formatted as the service writes it and as any other handler would. Names may come back to the
caller who sent them (a problem's detail starts with the file's name), texts never do in an error.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from conftest import dev_text, seed_text, word_file
from service import create_app
from service.logs import JsonFormatter

TEXT_MARKER = "秘密マーカーXYZZY"
NAME_MARKER = "機密ファイル名QWERTY"
KEY = "k3y-for-tests-0123456789"
ORIGINAL = seed_text("000").replace("本契約", f"本契約（{TEXT_MARKER}）", 1)
REVISED = dev_text("000_counter_otsu").replace("本契約", f"本契約（{TEXT_MARKER}）", 1)
# Over the app's MAX_TEXT_CHARS of 100,000, and over 500 KB in UTF-8 (750 KB: werkzeug spools past 500 KB).
LONG = ORIGINAL * (300_000 // len(ORIGINAL) + 1)


def document(text: str = ORIGINAL, name: str | None = NAME_MARKER) -> dict:
    return {"text": text, "name": name}


def compare_body(**changes) -> dict:
    return {"original": document(), "revised": document(REVISED), **changes}


def upload(original: bytes, revised: bytes, revised_name: str = f"{NAME_MARKER}.docx") -> dict:
    return {"original": (io.BytesIO(original), f"{NAME_MARKER}.txt"), "revised": (io.BytesIO(revised), revised_name)}


# Each request: (what it is, method and path, keyword arguments of the test client, status expected).
REQUESTS = [
    ("a comparison", "/v1/compare", {"json": compare_body()}, 200),
    ("uploaded files", "/v1/compare", {"data": upload(ORIGINAL.encode("cp932", "replace"), word_file(REVISED)),
                                       "content_type": "multipart/form-data"}, 200),
    ("a drift check", "/v1/drift", {"json": {"template": document(), "documents": [document(REVISED)] * 2}}, 200),
    ("a Word export", "/v1/redline?format=docx", {"json": compare_body()}, 200),
    ("an HTML export", "/v1/redline?format=html", {"json": compare_body()}, 200),
    ("a ledger", "/v1/redline?format=csv", {"json": compare_body()}, 200),
    ("malformed JSON", "/v1/compare", {"data": json.dumps(compare_body())[:-5].encode(),
                                       "content_type": "application/json"}, 400),
    ("an unknown field", "/v1/compare", {"json": compare_body(extra=TEXT_MARKER)}, 422),
    ("an option that is no boolean", "/v1/compare", {"json": compare_body(options={"detect_moves": TEXT_MARKER})}, 422),
    ("a lone surrogate", "/v1/compare", {"data": json.dumps({"original": document(ORIGINAL + "\ud800"),
                                                              "revised": document(REVISED)}),
                                         "content_type": "application/json"}, 422),
    ("a name too long", "/v1/compare", {"json": {"original": document(name=NAME_MARKER * 30),
                                                 "revised": document(REVISED)}}, 422),
    ("a text without articles", "/v1/drift", {"json": {"template": document(TEXT_MARKER),
                                                       "documents": [document()]}}, 422),
    ("an unreadable file", "/v1/compare", {"data": upload(ORIGINAL.encode(), word_file(REVISED)[:2_000]),
                                           "content_type": "multipart/form-data"}, 422),
    ("a text over the limit", "/v1/compare", {"json": {"original": document(LONG[:150_000]),
                                                       "revised": document(REVISED)}}, 413),
    ("a body over the limit", "/v1/drift", {"json": {"template": document(),
                                                     "documents": [document(ORIGINAL * 10)] * 30}}, 413),
]


@pytest.fixture(scope="module")
def app(engine):
    """The app as production runs it: API keys, a rate limit, 5 MB bodies (so that 413 is the text's)."""
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "API_KEYS": KEY,
                      "RATE_LIMIT": "1000 per minute", "MAX_TEXT_CHARS": 100_000})
    app.extensions["engine"] = engine
    return app


@pytest.fixture
def everything_logged(caplog, capfd):
    """Every log record of the test, formatted as the service and as a default handler would, and stderr."""
    caplog.set_level(logging.DEBUG)
    plain = logging.Formatter("%(name)s %(levelname)s %(message)s")
    service = JsonFormatter()

    def text() -> str:
        out, err = capfd.readouterr()
        return "\n".join([out, err] + [f"{plain.format(r)}\n{service.format(r)}" for r in caplog.records])

    return text


def assert_no_marker(text: str, where: str) -> None:
    for marker in (TEXT_MARKER, NAME_MARKER):
        assert marker not in text, f"{marker} in {where}"


@pytest.mark.parametrize("what, path, kwargs, status", REQUESTS, ids=[r[0] for r in REQUESTS])
def test_no_text_or_name_reaches_the_logs_and_no_text_an_error(app, everything_logged, what, path, kwargs, status):
    client = app.test_client()
    response = client.post(path, headers={"X-API-Key": KEY}, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert_no_marker(everything_logged(), "the logs")
    if status >= 400:
        assert TEXT_MARKER not in response.get_data(as_text=True)


def test_a_fault_quoting_the_text_reaches_neither_the_log_nor_the_caller(app, everything_logged, monkeypatch):
    def broken_compare(original, revised, *, engine, options=None, budget=None):
        raise ValueError(f"cannot align {original!r} with {revised!r}")

    monkeypatch.setattr("service.routes.compare", broken_compare)
    response = app.test_client().post("/v1/compare", json=compare_body(), headers={"X-API-Key": KEY})
    assert response.status_code == 500
    assert_no_marker(everything_logged() + response.get_data(as_text=True), "a 500")


def test_refusals_before_reading_leak_nothing(everything_logged, engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "API_KEYS": KEY, "RATE_LIMIT": "1 per hour"})
    app.extensions["engine"] = engine
    client = app.test_client()
    statuses = [client.post("/v1/compare", json=compare_body(), headers=headers).status_code
                for headers in ({}, {"X-API-Key": KEY}, {"X-API-Key": KEY})]
    assert statuses == [401, 200, 429]
    assert_no_marker(everything_logged(), "the logs of 401 and 429")


def test_metrics_carry_no_text_and_no_name(app):
    client = app.test_client()
    client.post("/v1/compare", json=compare_body(), headers={"X-API-Key": KEY})
    client.post(f"/v1/{TEXT_MARKER}", json=compare_body(), headers={"X-API-Key": KEY})
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'route="/v1/compare"' in metrics and 'route="unmatched"' in metrics
    assert_no_marker(metrics, "/metrics")


@pytest.fixture
def files_opened_for_writing():
    """Paths opened for writing while the fixture is active, seen by an audit hook (PEP 578)."""
    opened: list[str] = []
    watching = [True]
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC | getattr(os, "O_TMPFILE", 0)

    def hook(event: str, args: tuple) -> None:
        if event == "open" and watching[0]:
            path, mode, flags = args
            if (isinstance(mode, str) and set(mode) & set("wax+")) or (isinstance(flags, int) and flags & writing):
                opened.append(str(path))

    sys.addaudithook(hook)  # an audit hook cannot be removed; it stops watching after the test
    yield opened
    watching[0] = False


def test_request_bodies_are_never_written_to_disk(app, files_opened_for_writing):
    # 750 KB of upload: werkzeug spools a file over 500 KB to a temporary file unless told not to.
    # The body is encoded here, in memory: the test client would spool it to a file of its own.
    files = upload(LONG.encode(), word_file(REVISED))
    boundary, body = encode_multipart({field: FileStorage(stream, name) for field, (stream, name) in files.items()})
    client = app.test_client()
    answers = [
        client.post("/v1/compare", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                    headers={"X-API-Key": KEY}),
        client.post("/v1/compare", json=compare_body(), headers={"X-API-Key": KEY}),
    ]
    assert [answer.status_code for answer in answers] == [413, 200]  # 413: over 100,000 characters, once read
    assert files_opened_for_writing == []

"""Access logs as JSON lines with a request id; an unexpected error logged as its type and stack."""

from __future__ import annotations

import json
import logging

import pytest

from conftest import seed_text
from service import create_app
from service.auth import key_id
from service.logs import JsonFormatter

KEY = "k3y-for-tests-0123456789"
BODY = {"original": {"text": seed_text("000")}, "revised": {"text": seed_text("000")}}


@pytest.fixture
def logs(caplog):
    """The JSON lines the service writes while the test runs."""
    caplog.set_level(logging.DEBUG)
    formatter = JsonFormatter()

    def lines(logger: str | None = None) -> list[dict]:
        return [json.loads(formatter.format(record)) for record in caplog.records
                if logger is None or record.name == logger]

    return lines


def test_each_request_is_logged_as_one_json_line_with_what_an_operator_needs(client, logs):
    response = client.post("/v1/compare", json=BODY)
    [line] = logs("service.access")
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["method"] == "POST" and line["path"] == "/v1/compare" and line["status"] == 200
    assert line["level"] == "info" and line["ts"].endswith("+00:00")
    assert line["bytes_in"] == response.request.content_length > 0
    assert line["bytes_out"] == len(response.get_data()) and line["duration_ms"] > 0
    assert line["client"] == "127.0.0.1" and line["api_key"] is None


def test_the_api_key_is_logged_by_its_id_only(engine, logs):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "", "API_KEYS": KEY})
    app.extensions["engine"] = engine
    app.test_client().post("/v1/compare", json=BODY, headers={"Authorization": f"Bearer {KEY}"})
    [line] = logs("service.access")
    assert line["api_key"] == key_id(KEY) and KEY not in json.dumps(logs())


def test_a_well_formed_request_id_is_kept_and_returned(client, logs):
    response = client.get("/v1/health", headers={"X-Request-ID": "trace-4bf92f3577b34da6:01"})
    assert response.headers["X-Request-ID"] == "trace-4bf92f3577b34da6:01"
    assert logs("service.access")[0]["request_id"] == "trace-4bf92f3577b34da6:01"


@pytest.mark.parametrize("sent", ["秘密", "a b", "x" * 129, "id;drop", ""])
def test_any_other_request_id_is_replaced_by_a_new_one(client, sent):
    returned = client.get("/v1/health", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
    assert returned != sent and len(returned) == 32


def test_refused_requests_are_logged_too(client, logs):
    client.post("/v1/compare", data=b"{", content_type="application/json")
    client.get("/v1/nothing/秘密")
    statuses = [(line["path"], line["status"]) for line in logs("service.access")]
    assert statuses == [("/v1/compare", 400), (None, 404)]  # an unmatched path is not logged as sent


def test_an_unexpected_error_is_logged_as_its_type_and_stack_without_its_message(client, logs, monkeypatch):
    def broken_compare(original, revised, *, engine, options=None, budget=None):
        raise RuntimeError(f"could not align {original[:20]!r}")

    monkeypatch.setattr("service.routes.compare", broken_compare)
    response = client.post("/v1/compare", json=BODY)
    [error] = [line for line in logs() if line["level"] == "error"]
    assert error["message"] == "Unhandled error" and error["error"] == "RuntimeError"
    assert any("broken_compare" in frame for frame in error["stack"])
    assert "could not align" not in json.dumps(logs())
    assert error["request_id"] == response.headers["X-Request-ID"]


def test_outside_a_request_an_exception_keeps_its_message():
    try:
        raise OSError("cannot read the model package")
    except OSError:
        record = logging.LogRecord("gunicorn.error", logging.ERROR, __file__, 1, "Exception in worker process",
                                   None, exc_info=__import__("sys").exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["error"] == "OSError" and line["error_message"] == "cannot read the model package"

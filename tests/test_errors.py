"""Every bad request gets an RFC 9457 problem (application/problem+json), never an HTML page or a 500.

None of these requests reaches the model: the app here has a stub engine, and tests that need an
answer from the library replace ``compare`` with one that returns or raises.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from nlp.errors import ContractDiffError, EmptyDocument, InputTooLarge, InvalidText, UnreadableDocument
from nlp.result import Comparison, Summary
from service import create_app
from service.body import nesting_depth

COMPARE = "/v1/compare"
VALID = {
    "original": {"text": "第1条（目的）甲は乙に業務を委託する。"},
    "revised": {"text": "第1条（目的）甲は乙に業務を再委託する。"},
}


class StubEngine:
    """Stands in for GiNZA where the model is never reached."""

    name = "stub"
    version = "0"

    @contextlib.contextmanager
    def memory_zone(self):
        yield


def make_client(**config):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, **config})
    app.extensions["engine"] = StubEngine()
    return app.test_client()


@pytest.fixture
def client():
    return make_client()


@pytest.fixture
def answered(monkeypatch):
    """Make the library answer at once with an empty comparison."""

    def fake_compare(original, revised, *, engine, options=None, budget=None):
        return Comparison(Summary(0, 0, 0, 0, 0, 0, 0), (), (), {"elapsed_ms": 1.0})

    monkeypatch.setattr("service.routes.compare", fake_compare)


def post_json(client, body, **kwargs):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(COMPARE, data=data, content_type="application/json", **kwargs)


def problem(response, status: int, slug: str) -> dict:
    """The problem in ``response``, after checking that it is one, of the given status and type."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["type"].endswith(f"/{slug}")
    assert body["title"] and body["detail"]
    return body


# 400: the body is not JSON -------------------------------------------------------------------


def test_malformed_json_is_400_with_the_position(client):
    body = problem(post_json(client, '{"original": {"text": "甲"}'), 400, "malformed-json")
    assert "line 1" in body["detail"]


def test_empty_body_is_400(client):
    body = problem(post_json(client, b""), 400, "malformed-json")
    assert "empty" in body["detail"]


def test_nan_is_not_json(client):
    problem(post_json(client, '{"original": NaN}'), 400, "malformed-json")


def test_number_of_ten_thousand_digits_is_400_not_500(client):
    problem(post_json(client, '{"original": ' + "9" * 10_000 + "}"), 400, "malformed-json")


def test_shift_jis_body_is_400_problem_not_html(client):
    body = problem(
        post_json(client, json.dumps(VALID, ensure_ascii=False).encode("shift_jis")), 400, "invalid-encoding"
    )
    assert "UTF-8" in body["detail"]


def test_invalid_utf8_bytes_are_400(client):
    problem(post_json(client, b'{"original": {"text": "\xff\xfe"}}'), 400, "invalid-encoding")


def test_utf8_byte_order_mark_is_ignored(client, answered):
    response = post_json(client, b"\xef\xbb\xbf" + json.dumps(VALID).encode())
    assert response.status_code == 200


def test_a_hundred_thousand_brackets_are_400_not_recursion_error(client):
    body = problem(post_json(client, "[" * 100_000), 400, "json-too-deep")
    assert "20 levels" in body["detail"]


def test_nesting_past_the_limit_inside_a_request_is_400(client):
    deep = "[" * 25 + "]" * 25
    problem(post_json(client, '{"original": {"text": ' + deep + "}}"), 400, "json-too-deep")


def test_json_depth_limit_is_a_setting(answered):
    client = make_client(MAX_JSON_DEPTH=1)
    problem(post_json(client, VALID), 400, "json-too-deep")


@pytest.mark.parametrize(
    "text, depth",
    [
        ("{}", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('{"a": "[[[[{{{{"}', 1),  # brackets in strings do not count
        ('{"a": "\\"[[[["}', 1),  # nor after an escaped quote
        ("[" * 100_000, 6),  # counting stops past the limit
    ],
)
def test_nesting_depth_counts_brackets_outside_strings(text, depth):
    assert nesting_depth(text, limit=5) == depth


def test_brackets_inside_a_text_are_not_nesting(client, answered):
    body = {"original": {"text": "第1条 " + "[{" * 5_000}, "revised": VALID["revised"]}
    assert post_json(client, body).status_code == 200


# 413: too large ------------------------------------------------------------------------------


class CountingBody(io.BytesIO):
    """A request body that records how much of it was read."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.bytes_read += count
        return count


def test_body_over_max_content_length_is_refused_unparsed_and_drained_for_the_client(client):
    """Read to its end and thrown away, so that a client still sending reads the 413, not a reset."""
    stream = CountingBody(b"[" * (3 * 1024 * 1024))
    response = client.post(COMPARE, input_stream=stream, content_type="application/json")
    body = problem(response, 413, "body-too-large")
    assert "2,097,152 bytes" in body["detail"]
    assert stream.bytes_read == 3 * 1024 * 1024


def test_body_declared_over_the_largest_upload_is_refused_without_reading_it(client):
    stream = CountingBody(b"[" * (11 * 1024 * 1024))
    response = client.post(COMPARE, input_stream=stream, content_type="application/json")
    problem(response, 413, "body-too-large")
    assert stream.bytes_read == 0


def test_a_body_refused_before_its_key_is_checked_is_drained_too():
    client = make_client(API_KEYS="k3y-for-tests-0123456789")
    stream = CountingBody(b"{}" * 1000)
    response = client.post(COMPARE, input_stream=stream, content_type="application/json")
    problem(response, 401, "unauthorized")
    assert stream.bytes_read == 2000


def test_a_keep_alive_client_of_a_plain_wsgi_server_reads_its_answer():
    """The drain stops at Content-Length: the socket of a plain server is not read past the body.

    A browser keeps its connection open after the request, so a drain reading to the end of the
    socket would wait for it to close and the answer would never arrive.
    """
    import http.client
    import threading

    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, create_app({"TESTING": True, "RATE_LIMIT": ""}), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", httpd.server_port, timeout=10)
        for _ in range(2):  # the same connection twice: the first answer ended where it should
            connection.request("POST", COMPARE, body=b'{"original": ', headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            assert response.status == 400
            assert json.loads(response.read())["type"].endswith("malformed-json")
        connection.close()
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()


def test_chunked_body_over_max_content_length_is_refused_not_cut(client):
    stream = CountingBody(b"[" * (3 * 1024 * 1024))
    response = client.post(
        COMPARE,
        input_stream=stream,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    problem(response, 413, "body-too-large")
    assert stream.bytes_read <= 10 * 1024 * 1024  # drained at most up to MAX_UPLOAD_BYTES


def test_text_over_max_text_chars_is_413_and_says_what_to_do():
    client = make_client(MAX_TEXT_CHARS=1_000)
    body = {"original": VALID["original"], "revised": {"text": "甲" * 4_120}}
    detail = problem(post_json(client, body), 413, "text-too-large")["detail"]
    assert detail == (
        "The revised text has 4,120 characters; the limit is 1,000. "
        "Split the contract or raise CONTRACTDIFF_MAX_TEXT_CHARS."
    )


def test_text_limit_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("CONTRACTDIFF_MAX_TEXT_CHARS", "10")
    client = make_client()
    detail = problem(post_json(client, VALID), 413, "text-too-large")["detail"]
    assert "the limit is 10." in detail


def test_text_of_exactly_the_limit_is_accepted(answered):
    client = make_client(MAX_TEXT_CHARS=100)
    body = {"original": {"text": "甲" * 100}, "revised": {"text": "乙" * 100}}
    assert post_json(client, body).status_code == 200


# 415: not JSON at all ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", None],
)
def test_body_not_declared_json_is_415(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    body = problem(
        client.post(COMPARE, data=json.dumps(VALID), headers=headers), 415, "unsupported-media-type"
    )
    assert "application/json" in body["detail"]


# 422: JSON, but not a compare request ---------------------------------------------------------


@pytest.mark.parametrize("body", ["[]", '"契約書"', "null", "42"])
def test_body_that_is_not_an_object_is_422(client, body):
    errors = problem(post_json(client, body), 422, "invalid-request")["errors"]
    assert errors == {"_schema": ["The body must be a JSON object with `original` and `revised`."]}


def test_missing_documents_are_named(client):
    errors = problem(post_json(client, {}), 422, "invalid-request")["errors"]
    assert errors == {
        "original": ["Missing data for required field."],
        "revised": ["Missing data for required field."],
    }


@pytest.mark.parametrize(
    "document, message",
    [
        ({}, "Missing data for required field."),
        ({"text": ""}, "Must contain some text; this one is empty or only whitespace."),
        ({"text": " \n\t\u3000"}, "Must contain some text; this one is empty or only whitespace."),
        ({"text": 42}, "Not a valid string."),
        ({"text": None}, "Field may not be null."),
        ({"text": ["第1条"]}, "Not a valid string."),
    ],
)
def test_text_missing_empty_or_not_a_string_is_422(client, document, message):
    errors = problem(
        post_json(client, {"original": VALID["original"], "revised": document}), 422, "invalid-request"
    )["errors"]
    assert errors == {"revised": {"text": [message]}}


def test_unknown_fields_are_refused_so_typos_are_not_ignored(client):
    body = {**VALID, "options": {"ignoreFormatting": False}, "colour": "red"}
    errors = problem(post_json(client, body), 422, "invalid-request")["errors"]
    assert errors == {"colour": ["Unknown field."], "options": {"ignoreFormatting": ["Unknown field."]}}


@pytest.mark.parametrize("value", [1, "yes", "true", None])
def test_options_must_be_true_or_false(client, value):
    errors = problem(
        post_json(client, {**VALID, "options": {"detect_moves": value}}), 422, "invalid-request"
    )["errors"]
    assert list(errors) == ["options"]


def test_lone_surrogate_is_422_before_it_reaches_sudachi(client):
    raw = '{"original": {"text": "第1条 \\ud800"}, "revised": {"text": "第1条"}}'
    errors = problem(post_json(client, raw), 422, "invalid-request")["errors"]
    assert errors == {
        "original": {
            "text": [
                "Contains an unpaired surrogate \\ud800 at character 4, so it is not valid Unicode text. "
                "Check how the text was converted to JSON."
            ]
        }
    }


def test_lone_surrogate_in_a_name_is_422(client):
    raw = '{"original": {"text": "第1条", "name": "\\udfff"}, "revised": {"text": "第1条"}}'
    errors = problem(post_json(client, raw), 422, "invalid-request")["errors"]
    assert list(errors["original"]) == ["name"]


def test_surrogate_pair_escape_is_a_valid_character(client, answered):
    raw = '{"original": {"text": "第1条 \\ud83d\\ude00"}, "revised": {"text": "第1条"}}'
    assert post_json(client, raw).status_code == 200


# Routes and methods --------------------------------------------------------------------------


def test_unknown_route_is_404_problem(client):
    body = problem(client.get("/v1/comparisons"), 404, "not-found")
    assert body["instance"] == "/v1/comparisons"


def test_wrong_method_is_405_problem_with_allow_header(client):
    response = client.get(COMPARE)
    problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["Allow"]


def test_health_without_a_model_is_503():
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False})
    problem(app.test_client().get("/v1/health"), 503, "model-not-loaded")


# The library's errors and the unexpected ones --------------------------------------------------


@pytest.mark.parametrize(
    "error, status, slug",
    [
        (InputTooLarge("The original document has 900 pages; the limit is 500."), 413, "text-too-large"),
        (InvalidText("The revised text is not valid Unicode."), 422, "invalid-text"),
        (EmptyDocument("The revised text has no article (第N条) to compare."), 422, "empty-document"),
        (UnreadableDocument("The original file is encrypted."), 422, "unreadable-document"),
        (ContractDiffError("The texts are in different languages."), 422, "cannot-compare"),
    ],
)
def test_library_errors_map_to_their_problem(client, monkeypatch, error, status, slug):
    def failing_compare(original, revised, *, engine, options=None, budget=None):
        raise error

    monkeypatch.setattr("service.routes.compare", failing_compare)
    body = problem(post_json(client, VALID), status, slug)
    assert body["detail"] == str(error)


def test_unexpected_error_is_500_problem_that_does_not_leak_the_text(client, monkeypatch):
    def broken_compare(original, revised, *, engine, options=None, budget=None):
        raise RuntimeError(f"could not align {original!r}")

    monkeypatch.setattr("service.routes.compare", broken_compare)
    response = post_json(client, VALID)
    body = problem(response, 500, "internal-error")
    text = response.get_data(as_text=True)
    assert "委託" not in text and "RuntimeError" not in text and "align" not in text
    assert body["detail"] == "The service failed while handling this request. The error has been logged."

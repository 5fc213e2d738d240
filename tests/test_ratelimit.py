"""The rate limit: per caller (API key, else address), charged by body size and by the work done, 429 problem."""

from __future__ import annotations

import contextlib
import io
import json
import math
import shutil
import socket
import subprocess
import time

import pytest
from werkzeug.test import EnvironBuilder

from nlp.errors import DeadlineExceeded
from service import create_app
from service.config import Defaults
from service.ratelimit import BYTES_PER_UNIT, CHARS_PER_UNIT
from tests.conftest import seed_text, word_file

KEY = "k3y-for-tests-0123456789"
OTHER_KEY = "another-key-abcdefghij"
# Refused at once (422: nothing to compare), so a test spends its budget without comparing.
CHEAP = {"original": {"text": " "}, "revised": {"text": " "}}


def limited_app(limit: str = "5 per minute", engine=None, **config):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": limit, **config})
    if engine is not None:
        app.extensions["engine"] = engine
    return app


def post(client, body=None, **kwargs):
    return client.post("/v1/compare", json=CHEAP if body is None else body, **kwargs)


def remaining(response) -> int:
    return int(response.headers["X-RateLimit-Remaining"])


def test_past_the_limit_a_caller_gets_a_429_problem_with_retry_after():
    client = limited_app("3 per minute").test_client()
    answers = [post(client) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [422, 422, 422, 429]
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["type"].endswith("/rate-limited")
    assert "3 per minute" in refused.get_json()["detail"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert all("Retry-After" not in answer.headers for answer in answers[:-1])


def test_a_request_costs_one_unit_per_30000_bytes_of_body():
    client = limited_app("100 per minute").test_client()
    assert remaining(post(client)) == 99
    large = {"original": {"text": "あ" * BYTES_PER_UNIT}, "revised": {"text": " "}}  # 90 KB: 4 units
    assert remaining(post(client, large)) == 95


def test_a_chunked_body_is_charged_as_the_largest_body_allowed():
    client = limited_app("1000 per minute").test_client()
    response = client.post("/v1/compare", data=b"{}", content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"})
    assert remaining(response) == 1000 - math.ceil(Defaults.MAX_CONTENT_LENGTH / BYTES_PER_UNIT)


def test_each_api_key_has_its_own_budget():
    client = limited_app("2 per minute", API_KEYS=f"{KEY},{OTHER_KEY}").test_client()
    first = [post(client, headers={"X-API-Key": KEY}).status_code for _ in range(3)]
    other = post(client, headers={"X-API-Key": OTHER_KEY}).status_code
    assert first == [422, 422, 429] and other == 422


def test_without_a_key_each_address_has_its_own_budget():
    client = limited_app("1 per minute").test_client()
    here = [post(client, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code for _ in range(2)]
    there = post(client, environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code
    assert here == [422, 429] and there == 422


def test_behind_a_trusted_proxy_the_callers_address_counts():
    client = limited_app("1 per minute", TRUSTED_PROXIES=1).test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = post(client, environ_base=proxy, headers={"X-Forwarded-For": "192.0.2.1"}).status_code
    second = post(client, environ_base=proxy, headers={"X-Forwarded-For": "192.0.2.2"}).status_code
    assert (first, second) == (422, 422)


def test_open_routes_cost_nothing():
    client = limited_app("1 per minute").test_client()
    for _ in range(5):
        assert client.get("/v1/health").status_code == 503  # no model here; still not limited
    assert post(client).status_code == 422


def test_a_caller_without_a_valid_key_is_refused_before_it_is_counted():
    client = limited_app("1 per minute", API_KEYS=KEY).test_client()
    assert [post(client).status_code for _ in range(3)] == [401, 401, 401]
    assert post(client, headers={"X-API-Key": KEY}).status_code == 422


def test_an_empty_setting_turns_the_limit_off():
    client = limited_app("").test_client()
    assert {post(client).status_code for _ in range(20)} == {422}


def test_a_malformed_limit_fails_at_start():
    with pytest.raises(ValueError):
        limited_app("five a minute")


def test_an_unreachable_redis_falls_back_to_counting_in_memory(caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = limited_app("2 per minute", RATE_LIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port}").test_client()
    assert [post(client).status_code for _ in range(3)] == [422, 422, 429]
    assert "falling back to in-memory storage" in caplog.text


@pytest.fixture(scope="module")
def redis_url():
    """A redis-server of its own on a free port of 127.0.0.1, stopped after the module."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (make test-deps installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_with_redis_every_worker_counts_against_the_same_budget(redis_url):
    # Two apps stand for two gunicorn workers (or two instances) sharing one Redis.
    config = {"RATE_LIMIT_STORAGE_URI": redis_url, "API_KEYS": KEY}
    first, second = (limited_app("3 per minute", **config).test_client() for _ in range(2))
    key = {"X-API-Key": KEY}
    statuses = [post(client, headers=key).status_code for client in (first, second, first, second)]
    assert statuses == [422, 422, 422, 429]


def test_with_redis_the_work_is_charged_to_the_shared_budget(redis_url, monkeypatch):
    monkeypatch.setattr("service.routes.compare", parses_then_runs_out(23))
    config = {"RATE_LIMIT_STORAGE_URI": redis_url, "API_KEYS": OTHER_KEY}
    first, second = (limited_app("100 per minute", FakeEngine(), **config).test_client() for _ in range(2))
    key = {"X-API-Key": OTHER_KEY}
    assert post(first, SMALL, headers=key).status_code == 503
    assert remaining(post(second, headers=key)) == 100 - (1 + math.ceil(23 / 5)) - 1


def test_in_memory_each_worker_counts_on_its_own():
    first, second = (limited_app("1 per minute").test_client() for _ in range(2))
    assert [post(client).status_code for client in (first, second)] == [422, 422]


# The work done, charged after the answer --------------------------------------------------------

PREAMBLE = "株式会社Ａ（以下「甲」という。）と株式会社Ｂ（以下「乙」という。）は、次のとおり契約を締結する。\n\n"


def consent_dropped(articles: int = 12) -> dict:
    """A pair whose every article loses its consent and turns from permission to prohibition.

    Each revised sentence must be parsed to tell who acts (its meaning reads 乙's subject and the
    dropped 承諾), so the comparison parses sentences; well under 30,000 bytes, so it costs 1 unit sent.
    """
    # The 業務 are named by letters: sentences differing in their figures alone share one reading.
    def text(sentence: str) -> str:
        return PREAMBLE + "\n\n".join(f"第{i}条（業務{i}）\n" + sentence.format(i=chr(ord("Ａ") + i))
                                       for i in range(1, articles + 1))

    return {"original": {"text": text("乙は、甲の承諾を得て、業務{i}を第三者に再委託することができる。")},
            "revised": {"text": text("乙は、業務{i}を第三者に再委託してはならない。")}}


@pytest.fixture
def fresh_parses():
    """No sentence parsed nor comparison kept yet in this process, so that a comparison parses what it needs."""
    from nlp.compare import forget_comparisons
    from nlp.meaning import roles

    roles.clear_cache()
    forget_comparisons()
    yield
    roles.clear_cache()


def test_a_request_that_parsed_sentences_costs_more_than_the_same_request_that_parsed_none(engine, fresh_parses):
    body = consent_dropped()
    assert len(json.dumps(body, ensure_ascii=False).encode()) < BYTES_PER_UNIT
    client = limited_app("1000 per minute", engine).test_client()
    first = post(client, body, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    parsed = first.get_json()["meta"]["budget"]["sentences_parsed"]
    assert first.status_code == 200 and parsed >= 10
    # The same bytes from another caller: the sentences are already parsed in this process.
    again = post(client, body, environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert again.get_json()["meta"]["budget"]["sentences_parsed"] == 0
    assert remaining(again) == 1000 - 1
    assert remaining(first) == 1000 - 1 - math.ceil(parsed / Defaults.RATE_LIMIT_SENTENCES_PER_UNIT)


def test_a_unit_is_charged_per_rate_limit_sentences_per_unit_sentences_parsed(engine, fresh_parses):
    client = limited_app("1000 per minute", engine, RATE_LIMIT_SENTENCES_PER_UNIT=2).test_client()
    response = post(client, consent_dropped())
    parsed = response.get_json()["meta"]["budget"]["sentences_parsed"]
    assert parsed >= 10 and remaining(response) == 1000 - 1 - math.ceil(parsed / 2)


def test_the_work_charge_takes_what_is_left_and_the_next_request_is_refused(engine, fresh_parses):
    client = limited_app("4 per minute", engine, RATE_LIMIT_SENTENCES_PER_UNIT=1).test_client()
    response = post(client, consent_dropped())
    assert response.status_code == 200 and response.get_json()["meta"]["budget"]["sentences_parsed"] > 3
    assert remaining(response) == 0
    refused = post(client)
    assert refused.status_code == 429 and "sentences parsed" in refused.get_json()["detail"]


def test_characters_compared_beyond_what_the_body_paid_for_are_charged(engine):
    """A .docx carries more text than its bytes weigh: the comparison is charged by its characters."""
    text = "\n\n".join([seed_text("003")] * 3)  # 50,400 characters in 72 KB of .docx
    environ = EnvironBuilder(method="POST", path="/v1/compare", data={
        "original": (io.BytesIO(word_file(text)), "original.docx"),
        "revised": (io.BytesIO(word_file(text)), "revised.docx")}).get_environ()
    paid = math.ceil(int(environ["CONTENT_LENGTH"]) / BYTES_PER_UNIT)
    compared = math.ceil(2 * len(text) / CHARS_PER_UNIT)
    assert compared > paid
    client = limited_app("1000 per minute", engine).test_client()
    response = client.open(environ)
    assert response.status_code == 200 and response.get_json()["meta"]["budget"]["sentences_parsed"] == 0
    assert remaining(response) == 1000 - compared


def test_a_drift_check_pays_for_the_template_once_per_document(engine):
    template = seed_text("000")
    body = {"template": {"text": template}, "documents": [{"text": template}] * 3}
    paid = math.ceil(len(json.dumps(body, ensure_ascii=False).encode()) / BYTES_PER_UNIT)
    compared = math.ceil(3 * 2 * len(template) / CHARS_PER_UNIT)
    assert compared > paid
    client = limited_app("1000 per minute", engine).test_client()
    response = client.post("/v1/drift", json=body)
    assert response.status_code == 200 and remaining(response) == 1000 - compared


class FakeEngine:
    """Enough of an engine for the route; the comparison itself is replaced."""

    name, version = "fake", "0"

    def memory_zone(self):
        return contextlib.nullcontext()


def parses_then_runs_out(sentences: int):
    def compare(original, revised, *, engine, options, budget):
        assert budget.parse_sentences(sentences)
        raise DeadlineExceeded("The comparison ran out of time while reading changes of meaning.")
    return compare


SMALL = {"original": {"text": "第1条（目的）\n乙は、業務を行う。"}, "revised": {"text": "第1条（目的）\n乙は、業務を行わない。"}}


def test_a_comparison_stopped_at_its_deadline_still_pays_for_what_it_parsed(monkeypatch):
    monkeypatch.setattr("service.routes.compare", parses_then_runs_out(23))
    client = limited_app("1000 per minute", FakeEngine()).test_client()
    response = post(client, SMALL)
    assert response.status_code == 503
    assert remaining(response) == 1000 - 1 - math.ceil(23 / Defaults.RATE_LIMIT_SENTENCES_PER_UNIT)


def test_rate_limit_sentences_per_unit_0_charges_no_parsing(monkeypatch):
    monkeypatch.setattr("service.routes.compare", parses_then_runs_out(23))
    client = limited_app("1000 per minute", FakeEngine(), RATE_LIMIT_SENTENCES_PER_UNIT=0).test_client()
    assert remaining(post(client, SMALL)) == 1000 - 1


def test_a_refused_request_pays_for_no_work():
    client = limited_app("1000 per minute", FakeEngine()).test_client()
    assert remaining(post(client)) == 999  # blank texts: refused before any comparison


def test_the_default_is_5_sentences_a_unit():
    assert Defaults.RATE_LIMIT_SENTENCES_PER_UNIT == 5


@pytest.mark.parametrize("value", [-1, "5", 2.5, True])
def test_a_malformed_sentences_per_unit_fails_at_start(value):
    with pytest.raises(ValueError, match="RATE_LIMIT_SENTENCES_PER_UNIT"):
        limited_app("5 per minute", RATE_LIMIT_SENTENCES_PER_UNIT=value)

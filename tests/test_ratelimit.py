"""The rate limit: per caller (API key, else address), charged by body size, 429 problem with Retry-After."""

from __future__ import annotations

import math
import shutil
import socket
import subprocess
import time

import pytest

from service import create_app
from service.config import Defaults
from service.ratelimit import BYTES_PER_UNIT

KEY = "k3y-for-tests-0123456789"
OTHER_KEY = "another-key-abcdefghij"
# Refused at once (422: nothing to compare), so a test spends its budget without comparing.
CHEAP = {"original": {"text": " "}, "revised": {"text": " "}}


def limited_app(limit: str = "5 per minute", **config):
    return create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": limit, **config})


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


def test_in_memory_each_worker_counts_on_its_own():
    first, second = (limited_app("1 per minute").test_client() for _ in range(2))
    assert [post(client).status_code for client in (first, second)] == [422, 422]

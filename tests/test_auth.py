"""Optional API keys: off by default; on, the routes that read contracts need one, the others stay open."""

from __future__ import annotations

import pytest

from conftest import dev_text, seed_text
from service import create_app
from service.auth import api_keys, key_id

KEY = "k3y-for-tests-0123456789"
OTHER_KEY = "another-key-abcdefghij"
BODY = {"original": {"text": seed_text("000")}, "revised": {"text": dev_text("000_counter_otsu")}}


@pytest.fixture(scope="module")
def locked(engine):
    """A client of an app with two API keys, as production runs."""
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "",
                      "API_KEYS": f"{KEY}, {OTHER_KEY}"})
    app.extensions["engine"] = engine
    return app.test_client()


def assert_401(response, detail_starts: str) -> None:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    body = response.get_json()
    assert body["type"].endswith("/unauthorized") and body["detail"].startswith(detail_starts)


def test_without_keys_configured_no_key_is_needed(client):
    assert client.post("/v1/compare", json=BODY).status_code == 200


@pytest.mark.parametrize("path", ["/v1/compare", "/v1/drift", "/v1/redline"])
def test_a_request_without_a_key_is_401_before_its_body_is_read(locked, path):
    assert_401(locked.post(path, data=b"not even json", content_type="text/plain"), "This route needs an API key")


def test_a_wrong_key_is_401_and_not_repeated(locked):
    response = locked.post("/v1/compare", json=BODY, headers={"X-API-Key": "guessed-key-000000000"})
    assert_401(response, "The API key sent is not valid")
    assert "guessed" not in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [
    {"Authorization": f"Bearer {KEY}"},
    {"Authorization": f"bearer {OTHER_KEY}"},
    {"X-API-Key": KEY},
])
def test_a_valid_key_in_either_header_is_accepted(locked, headers):
    response = locked.post("/v1/compare", json=BODY, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_basic_authorization_header_is_not_a_key(locked):
    assert_401(locked.post("/v1/compare", json=BODY, headers={"Authorization": f"Basic {KEY}"}), "This route")


@pytest.mark.parametrize("path", ["/v1/health", "/v1/openapi.yaml", "/", "/static/app.js", "/metrics"])
def test_health_the_spec_the_page_and_metrics_stay_open(locked, path):
    with locked.get(path) as response:
        assert response.status_code == 200


def test_an_unknown_route_is_404_with_or_without_a_key(locked):
    assert locked.get("/v1/nothing").status_code == 404


def test_keys_come_as_a_comma_separated_string_or_a_list():
    assert api_keys(f" {KEY} ,{OTHER_KEY},, ") == (KEY, OTHER_KEY)
    assert api_keys([KEY]) == (KEY,)
    assert api_keys("") == ()


def test_a_key_of_digits_read_from_the_environment_as_a_number_still_works(monkeypatch):
    monkeypatch.setenv("CONTRACTDIFF_API_KEYS", "12345678901234567890")
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False})
    assert app.extensions["api_keys"] == ("12345678901234567890",)


def test_a_short_key_is_refused_at_start():
    with pytest.raises(ValueError, match="key 2 has fewer than 16 characters"):
        create_app({"LOAD_MODEL_AT_START": False, "API_KEYS": f"{KEY},short"})


def test_an_instance_that_requires_keys_does_not_start_without_them():
    with pytest.raises(RuntimeError, match="set CONTRACTDIFF_API_KEYS"):
        create_app({"LOAD_MODEL_AT_START": False, "REQUIRE_API_KEYS": True})


def test_the_key_id_in_logs_does_not_give_the_key_away():
    assert len(key_id(KEY)) == 12 and key_id(KEY) not in KEY and key_id(KEY) != key_id(OTHER_KEY)


def test_the_page_asks_for_a_key_only_when_the_instance_has_keys(client, locked):
    assert 'id="api-key"' not in client.get("/").get_data(as_text=True)
    assert 'id="api-key"' in locked.get("/").get_data(as_text=True)


# Failed keys are throttled per client -------------------------------------------------------


@pytest.fixture
def throttled(engine):
    """An app with a key that lets a client fail 3 times a minute."""
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "",
                      "API_KEYS": KEY, "AUTH_FAILURE_LIMIT": "3 per minute"})
    app.extensions["engine"] = engine
    return app.test_client()


def wrong_key(client, address="198.51.100.7"):
    return client.post("/v1/compare", json=BODY, headers={"X-API-Key": "wrong-key-0123456789"},
                       environ_base={"REMOTE_ADDR": address})


def test_the_default_allows_ten_failed_keys_a_minute(app):
    assert app.config["AUTH_FAILURE_LIMIT"] == "10 per minute"


def test_failed_keys_past_the_limit_are_refused_429_with_retry_after(throttled):
    assert [wrong_key(throttled).status_code for _ in range(4)] == [401, 401, 401, 429]
    response = wrong_key(throttled)
    assert response.status_code == 429 and response.mimetype == "application/problem+json"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "AUTH_FAILURE_LIMIT" in response.get_json()["detail"]


def test_a_throttled_client_is_refused_even_with_the_right_key(throttled):
    for _ in range(3):
        wrong_key(throttled)
    response = throttled.post("/v1/compare", json=BODY, headers={"X-API-Key": KEY},
                              environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 429


def test_a_missing_key_counts_as_a_failure(throttled):
    for _ in range(3):
        throttled.post("/v1/compare", json=BODY, environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert wrong_key(throttled, "198.51.100.8").status_code == 429


def test_another_client_is_not_throttled_for_the_failures_of_one(throttled):
    for _ in range(4):
        wrong_key(throttled)
    response = throttled.post("/v1/compare", json=BODY, headers={"X-API-Key": KEY},
                              environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200


def test_open_routes_stay_open_for_a_throttled_client(throttled):
    for _ in range(4):
        wrong_key(throttled)
    assert throttled.get("/v1/health", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200

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

"""GET /metrics in one process: requests, latency and in-flight by route template, documents compared.

Adding up gunicorn's workers (multiprocess mode) is checked against a real gunicorn in test_load.py.
"""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import dev_text, seed_text
from service import create_app


@pytest.fixture
def client(engine):
    """A fresh app, so that the counts are this test's alone."""
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": ""})
    app.extensions["engine"] = engine
    return app.test_client()


def samples(client) -> dict[tuple[str, tuple], float]:
    """The scrape as {(sample name, sorted labels): value}."""
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def test_requests_are_counted_by_route_method_and_status(client):
    body = {"original": {"text": seed_text("000")}, "revised": {"text": dev_text("000_counter_otsu")}}
    client.post("/v1/compare", json=body)
    client.post("/v1/compare", json={})
    found = samples(client)
    route = ("route", "/v1/compare")
    assert found[("contractdiff_requests_total", (("method", "POST"), route, ("status", "200")))] == 1
    assert found[("contractdiff_requests_total", (("method", "POST"), route, ("status", "422")))] == 1
    assert found[("contractdiff_request_duration_seconds_count", (route,))] == 2
    assert found[("contractdiff_requests_in_flight", (route,))] == 0


def test_documents_compared_count_two_per_comparison_and_each_drift_document(client):
    text = seed_text("000")
    client.post("/v1/compare", json={"original": {"text": text}, "revised": {"text": text}})
    client.post("/v1/drift", json={"template": {"text": text}, "documents": [{"text": text}] * 3})
    found = samples(client)
    assert found[("contractdiff_documents_compared_total", (("route", "/v1/compare"),))] == 2
    assert found[("contractdiff_documents_compared_total", (("route", "/v1/drift"),))] == 3


def test_a_path_or_method_the_service_does_not_know_is_not_a_label(client):
    client.get("/v1/秘密の契約書")
    client.open("/v1/compare", method="BREW")
    labels = {value for (name, labels) in samples(client) for _, value in labels}
    assert "unmatched" in labels and "other" in labels
    assert not any("秘密" in label or "BREW" in label for label in labels)

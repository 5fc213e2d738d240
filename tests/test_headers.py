"""Security headers on the page and the API; answers that quote contracts are never cached."""

from __future__ import annotations

import re

import pytest

from conftest import seed_text
from service.headers import SECURITY_HEADERS


@pytest.mark.parametrize("path", ["/", "/v1/health", "/v1/openapi.yaml", "/v1/nothing"])
def test_every_answer_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert {name: headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_the_page_has_no_inline_script_for_the_policy_to_block(client):
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>", page)
    assert scripts and all("src=" in attributes or 'type="application/json"' in attributes for attributes in scripts)
    assert not re.search(r"\son[a-z]+\s*=|\sstyle\s*=|<style", page)  # no inline handler, no inline style


def test_an_answer_quoting_the_contracts_is_not_cached(client):
    body = {"original": {"text": seed_text("000")}, "revised": {"text": seed_text("000")}}
    assert client.post("/v1/compare", json=body).headers["Cache-Control"] == "no-store"
    assert client.post("/v1/compare", json={}).headers["Cache-Control"] == "no-store"

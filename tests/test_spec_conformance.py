"""Schemathesis against the app's own OpenAPI document, in process through the WSGI app.

For every operation it generates requests from the spec, valid and invalid ones, as JSON and
as forms, and checks that none gets a 5xx, that each answer has a status, content type, headers
and body the spec documents, and that invalid JSON is refused. The app is set up as in
production: API keys on (the fuzzer sends one) and a rate limit (high enough never to refuse it).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service import create_app

KEY = "fuzz-key-0123456789abcdef"
APP = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "API_KEYS": KEY,
                  "RATE_LIMIT": "1000000 per minute"})
# An invalid request may also be refused as too large (a text over MAX_TEXT_CHARS is 413, which
# the spec documents), besides schemathesis's default 4xx statuses.
CONFIG = schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {
    "expected-statuses": ["400", "401", "405", "413", "415", "422", "429"]}}})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
# Invalid data must be refused, in JSON. In a form every field arrives as text, so a number or an
# object generated "invalid" for a document field is a valid text once sent, and rightly compared.
JSON_CHECKS = [*CHECKS, negative_data_rejection]

schema = schemathesis.openapi.from_wsgi("/v1/openapi.yaml", APP, config=CONFIG)


@pytest.fixture(autouse=True)
def model(engine):
    """The session's engine, given to the app the schema was loaded from."""
    APP.extensions["engine"] = engine


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_generated_request_gets_an_answer_the_spec_documents(case):
    checks = CHECKS if case.media_type == "multipart/form-data" else JSON_CHECKS
    case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, checks=checks)

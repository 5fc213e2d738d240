"""The OpenAPI document, generated from the schemas: ``python -m service.spec > api_spec/openapi.yaml``.

``make spec`` runs this; ``tests/test_spec.py`` fails when the committed file is stale.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from nlp.exports import EXPORTERS

from .config import Defaults
from .drift import DriftRequest, DriftResponse
from .errors import PROBLEM_JSON
from .exports import RedlineQuery
from .logs import REQUEST_ID_HEADER
from .schemas import CompareRequest, CompareResponse, HealthResponse, ProblemSchema, RedlineRequest
from .uploads import FORM, CompareUploadSchema, DriftUploadSchema, RedlineUploadSchema

__all__ = ["build_spec", "render"]

TITLE = "contractdiff"
API_VERSION = "1.0.0"
DESCRIPTION = """\
Compares two Japanese contracts article by article (条, 項): which articles were paired,
inserted, deleted, moved or renumbered, a redline for each pair, and the changes of typed
terms (periods, amounts, caps, courts) between them.

Every error is an RFC 9457 problem (`application/problem+json`). Every answer carries an
`X-Request-ID`: the one the request sent, if it is 1 to 128 letters, digits or `.`, `_`, `:`, `-`,
else a new one; the service's log lines for the request carry it too.

The routes that read contracts need an API key when the instance has some (the setting API_KEYS,
which production sets), sent as `Authorization: Bearer KEY` or `X-API-Key: KEY`, and are rate
limited per caller, one unit per 30,000 bytes of body, and once answered, one per 10,000
characters compared beyond those and one per few sentences parsed (the setting
RATE_LIMIT_SENTENCES_PER_UNIT). Health and this document stay open."""

# The largest document this route serves: the spec is about 60 KB.
SPEC_CHARS = 1_000_000

# The problems each route can answer with, by status.
PROBLEMS = {
    "400": "The body is not UTF-8, not JSON, or nested too deeply",
    "405": "Method not allowed; the Allow header lists the allowed ones",
    "413": (
        f"The body is over {Defaults.MAX_CONTENT_LENGTH:,} bytes, "
        f"or a text over {Defaults.MAX_TEXT_CHARS:,} characters, "
        f"or uploaded files over {Defaults.MAX_UPLOAD_BYTES:,} bytes together, "
        f"or (drift) more than {Defaults.MAX_DRIFT_DOCUMENTS} documents"
    ),
    "401": "No API key, or not a valid one (when the instance has API keys)",
    "415": "The body is not declared as application/json (or multipart/form-data where files are taken)",
    "422": "The request does not match the schema; `errors` says where",
    "429": "The caller's rate limit is used up; Retry-After says in how many seconds to try again",
    "500": "The service failed",
    "503": "The instance has no model loaded, or the comparison ran past REQUEST_DEADLINE_SECONDS "
           "(`deadline-exceeded`, with Retry-After)",
}
# Headers a problem of that status carries besides X-Request-ID.
PROBLEM_HEADERS = {"401": ["WWW-Authenticate"], "405": ["Allow"], "429": ["Retry-After"]}
HEADERS = {
    REQUEST_ID_HEADER: {
        "description": "The request's id, as sent or made by the service; its log lines carry it",
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$", "maxLength": 128},
    },
    "WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string", "maxLength": 100}},
    "Allow": {"description": "The methods the route allows", "schema": {"type": "string", "maxLength": 100}},
    "Retry-After": {"description": "Seconds until the caller may send again",
                    "schema": {"type": "integer", "minimum": 0}},
}
# Either header carries the key; the empty alternative is an instance without keys (local use).
SECURITY = [{"bearer": []}, {"apiKey": []}, {}]
# A document field of a form is a file, or the text itself.
DOCUMENT_PART = {"contentType": "application/octet-stream, text/plain, application/pdf, text/html"}


def build_spec() -> APISpec:
    spec = APISpec(
        title=TITLE,
        version=API_VERSION,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": DESCRIPTION},
    )
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "description": "An API key of the setting API_KEYS"})
    spec.components.security_scheme("apiKey", {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                               "description": "An API key of the setting API_KEYS"})
    for name, header in HEADERS.items():
        spec.components.header(name, header)
    for status, description in PROBLEMS.items():
        spec.components.response(
            f"Problem{status}",
            {"description": description, "headers": _headers(*PROBLEM_HEADERS.get(status, ())),
             "content": {PROBLEM_JSON: {"schema": "Problem"}}},
        )
    spec.path(
        path="/v1/compare",
        operations={
            "post": {
                "operationId": "compare",
                "summary": "Compare two contract texts",
                "security": SECURITY,
                "requestBody": _compare_body(),
                "responses": {
                    "200": _json("The comparison", CompareResponse),
                    **_problems("400", "401", "405", "413", "415", "422", "429", "500", "503"),
                },
            }
        },
    )
    spec.path(
        path="/v1/drift",
        operations={
            "post": {
                "operationId": "drift",
                "summary": "Check documents against the template they were made from",
                "description": "Per document, in the order given: its drift from the template (0: the "
                "template apart from formatting, 1: nothing in common), the articles it lacks and adds, "
                "its modified articles with redlines and term changes. Per template article: how many "
                "documents lack it, modify it or change a term in it, and each term's values. "
                f"At most {Defaults.MAX_DRIFT_DOCUMENTS} documents (MAX_DRIFT_DOCUMENTS); larger batches "
                "run on the command line, `python -m service.cli drift`.",
                "security": SECURITY,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": DriftRequest},
                                FORM: {"schema": DriftUploadSchema,
                                       "encoding": {"template": DOCUMENT_PART, "documents": DOCUMENT_PART}}},
                },
                "responses": {
                    "200": _json("Each document's drift and the batch per template article", DriftResponse),
                    **_problems("400", "401", "405", "413", "415", "422", "429", "500", "503"),
                },
            }
        },
    )
    spec.path(
        path="/v1/redline",
        operations={
            "post": {
                "operationId": "redline",
                "summary": "The comparison as a file: tracked changes, 新旧対照表, a redline page, a ledger",
                "description": "The body is that of `/v1/compare`, JSON or uploaded files. `docx` is the "
                "revised contract with Word tracked changes (w:ins, w:del and moves) against the original, "
                "and comments naming the changes: when the revised draft came as a .docx, that file itself "
                "(its styles, numbering, tables, headers and footers kept, its earlier tracked changes and "
                "comments beside the new ones), else the original's .docx when it came as one; with "
                "`decisions`, the merged draft (accepted rows written revised, rejected ones original, "
                "both untracked; the rest still tracked; the reader's comments as Word comments); "
                "`shinkyu` a 新旧対照表 (.docx, 改正後 | 改正前, changes "
                "underlined); `html` a standalone redline page; `xlsx` and `csv` the changes, one row each.",
                "security": SECURITY,
                "parameters": [{"in": "query", "schema": RedlineQuery}],
                "requestBody": _compare_body(RedlineRequest, RedlineUploadSchema),
                "responses": {
                    "200": {
                        "description": "The file, as an attachment named after the revised document",
                        "headers": _headers(),
                        "content": {
                            media_type: {"schema": {"type": "string", "format": "binary"}}
                            for media_type in dict.fromkeys(
                                exporter.media_type.split(";")[0] for exporter in EXPORTERS.values())
                        },
                    },
                    **_problems("400", "401", "405", "413", "415", "422", "429", "500", "503"),
                },
            }
        },
    )
    spec.path(
        path="/v1/health",
        operations={
            "get": {
                "operationId": "health",
                "summary": "Whether the instance is ready, and with which model",
                "responses": {"200": _json("Ready", HealthResponse), **_problems("405", "500", "503")},
            }
        },
    )
    spec.path(
        path="/v1/openapi.yaml",
        operations={
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "headers": _headers(),
                        "content": {"application/yaml": {"schema": {"type": "string",
                                                                      "maxLength": SPEC_CHARS}}},
                    },
                    **_problems("405", "500"),
                },
            }
        },
    )
    return spec


def render() -> str:
    """The spec as YAML in a stable order (``openapi`` first), so the committed file can be compared."""
    document = build_spec().to_dict()
    ordered = {"openapi": document.pop("openapi"), "info": document.pop("info"), **document}
    return yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


class _Dumper(yaml.SafeDumper):
    """Writes text of several lines as a literal block, as it was written."""

    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = "|" if "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _Dumper.represent_str)


def _json(description: str, schema: Any) -> dict[str, Any]:
    return {"description": description, "headers": _headers(),
            "content": {"application/json": {"schema": schema}}}


def _headers(*names: str) -> dict[str, Any]:
    """References to the headers an answer carries: X-Request-ID, and ``names``."""
    return {name: {"$ref": f"#/components/headers/{name}"} for name in (REQUEST_ID_HEADER, *names)}


def _compare_body(json: type = CompareRequest, form: type = CompareUploadSchema) -> dict[str, Any]:
    """Two contracts, as JSON texts or as uploaded files."""
    return {
        "required": True,
        "content": {"application/json": {"schema": json},
                    FORM: {"schema": form,
                           "encoding": {"original": DOCUMENT_PART, "revised": DOCUMENT_PART}}},
    }


def _problems(*statuses: str) -> dict[str, Any]:
    return {status: {"$ref": f"#/components/responses/Problem{status}"} for status in statuses}


if __name__ == "__main__":
    sys.stdout.write(render())

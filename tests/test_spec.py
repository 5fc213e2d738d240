"""The committed OpenAPI document is what the schemas generate, and it documents every bound."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from nlp import result
from service import create_app, schemas
from service.config import Defaults
from service.spec import render

COMMITTED = Path(__file__).parent.parent / "api_spec" / "openapi.yaml"


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))


def schema_nodes(node, where="$"):
    """Every schema in the document, with where it is."""
    if isinstance(node, dict):
        if "type" in node or "enum" in node:
            yield where, node
        for key, value in node.items():
            yield from schema_nodes(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schema_nodes(value, f"{where}[{index}]")


def types_of(schema: dict) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []


def test_committed_spec_is_up_to_date():
    assert COMMITTED.read_text(encoding="utf-8") == render(), (
        "api_spec/openapi.yaml is stale: run `make spec`"
    )


def test_spec_is_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["title"] and spec["info"]["version"]


def test_spec_documents_the_routes_the_app_serves(spec):
    app = create_app({"LOAD_MODEL_AT_START": False})
    served = {
        (rule.rule, method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    assert documented == served


def is_file_answer(where: str, schema: dict) -> bool:
    """A file the service sends back (an export): bytes it writes, not a text field."""
    return ".responses." in where and schema.get("format") == "binary"


def test_every_string_has_a_max_length(spec):
    unbounded = [
        where
        for where, schema in schema_nodes(spec)
        if "string" in types_of(schema) and "enum" not in schema and "maxLength" not in schema
        and not is_file_answer(where, schema)
    ]
    assert unbounded == []


def test_every_list_has_max_items(spec):
    unbounded = [
        where
        for where, schema in schema_nodes(spec)
        if "array" in types_of(schema) and "maxItems" not in schema
    ]
    assert unbounded == []


def test_text_limit_documented_is_the_default(spec):
    text = spec["components"]["schemas"]["Document"]["properties"]["text"]
    assert (text["minLength"], text["maxLength"]) == (1, Defaults.MAX_TEXT_CHARS)


def test_every_error_response_is_a_problem(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    name = response["$ref"].rsplit("/", 1)[1]
                    content = spec["components"]["responses"][name]["content"]
                    assert list(content) == ["application/problem+json"], (path, method, status)


@pytest.mark.parametrize(
    "dataclass, schema",
    [
        (result.Comparison, schemas.CompareResponse),
        (result.Summary, schemas.SummarySchema),
        (result.Clause, schemas.ClauseSchema),
        (result.ClauseRef, schemas.ClauseRefSchema),
        (result.ParagraphPair, schemas.ParagraphPairSchema),
        (result.ParagraphRef, schemas.ParagraphRefSchema),
        (result.Segment, schemas.SegmentSchema),
        (result.Change, schemas.ChangeSchema),
        (result.TermValue, schemas.TermValueSchema),
        (result.Excerpt, schemas.ExcerptSchema),
        (result.PairScores, schemas.PairScoresSchema),
        (result.Candidate, schemas.CandidateSchema),
    ],
)
def test_answer_schemas_carry_every_field_the_library_returns(dataclass, schema):
    assert list(schema().fields) == [field.name for field in dataclasses.fields(dataclass)]


def test_the_app_serves_the_committed_spec_as_yaml():
    client = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False}).test_client()
    response = client.get("/v1/openapi.yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    assert response.get_data(as_text=True) == COMMITTED.read_text(encoding="utf-8")

"""The HTTP API with the real model: health, a comparison of two real contracts, the documented shape."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import service
from conftest import dev_text, seed_text
from nlp.result import Op, Status

SPEC = yaml.safe_load(
    (Path(__file__).parent.parent / "api_spec" / "openapi.yaml").read_text(encoding="utf-8")
)
SCHEMAS = SPEC["components"]["schemas"]
JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def violations(value, schema: dict, where: str = "$") -> list[str]:
    """Where ``value`` breaks the OpenAPI schema: the subset of JSON Schema the spec uses."""
    if "$ref" in schema:
        return violations(value, SCHEMAS[schema["$ref"].rsplit("/", 1)[1]], where)
    if "anyOf" in schema:
        found = [violations(value, option, where) for option in schema["anyOf"]]
        return [] if any(not problems for problems in found) else [p for problems in found for p in problems]
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else types
        is_bool = isinstance(value, bool)
        if not any(isinstance(value, JSON_TYPES[t]) and (t == "boolean" or not is_bool) for t in allowed):
            return [f"{where}: {value!r:.40} is not {allowed}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} is not one of {schema['enum']}"]
    problems = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        problems += [f"{where}: no {key}" for key in schema.get("required", []) if key not in value]
        if schema.get("additionalProperties") is False:
            problems += [f"{where}: unexpected {key}" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                problems += violations(item, properties[key], f"{where}.{key}")
    elif isinstance(value, list):
        if len(value) > schema.get("maxItems", len(value)):
            problems.append(f"{where}: more than {schema['maxItems']} items")
        for index, item in enumerate(value):
            problems += violations(item, schema.get("items", {}), f"{where}[{index}]")
    elif isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        problems.append(f"{where}: longer than {schema['maxLength']}")
    return problems


@pytest.fixture(scope="module")
def counter_draft(app):
    """The answer for seed 000 against the other party's counter-draft, asked for once."""
    body = {
        "original": {"text": seed_text("000"), "name": "接続契約（甲案）"},
        "revised": {"text": dev_text("000_counter_otsu"), "name": "接続契約（乙修正案）"},
    }
    response = app.test_client().post("/v1/compare", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_health_says_the_model_is_loaded(client, engine):
    response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "model": "ja_ginza",
        "model_version": engine.version,
        "model_loaded": True,
    }


def test_factory_loads_the_model_named_in_the_settings(monkeypatch, engine):
    loaded = []
    monkeypatch.setattr(service, "load_engine", lambda model: loaded.append(model) or engine)
    app = service.create_app({"MODEL": "ja_ginza"})
    assert loaded == ["ja_ginza"]
    assert app.extensions["engine"] is engine


def test_comparison_pairs_articles_by_number(counter_draft):
    articles = [c for c in counter_draft["clauses"] if (c["original"] or c["revised"])["part"] == "article"]
    original = {c["original"]["number"] for c in articles if c["original"]}
    revised = {c["revised"]["number"] for c in articles if c["revised"]}
    assert original == revised == set(range(1, 18))


def test_comparison_statuses_and_redline_ops_are_the_vocabulary(counter_draft):
    clauses = counter_draft["clauses"]
    assert {c["status"] for c in clauses} <= {s.value for s in Status}
    assert Status.MODIFIED.value in {c["status"] for c in clauses}
    ops = {segment["op"] for c in clauses for segment in c["redline"]}
    assert ops <= {o.value for o in Op}
    assert Op.INSERT.value in ops


def test_comparison_summary_counts_the_clauses(counter_draft):
    summary, clauses = counter_draft["summary"], counter_draft["clauses"]
    for status in Status:
        assert summary[status.value] == sum(c["status"] == status.value for c in clauses)


def test_meta_names_the_model_and_echoes_the_document_names(counter_draft, engine):
    meta = counter_draft["meta"]
    assert meta["model"] == "ja_ginza"
    assert meta["model_version"] == engine.version
    assert meta["elapsed_ms"] > 0
    assert (meta["original_name"], meta["revised_name"]) == ("接続契約（甲案）", "接続契約（乙修正案）")


def test_comparison_matches_the_committed_openapi_schema(counter_draft):
    assert violations(counter_draft, {"$ref": "#/components/schemas/CompareResponse"}) == []


def test_problem_matches_the_committed_openapi_schema(client):
    response = client.post("/v1/compare", json={"original": {"text": " "}})
    assert response.status_code == 422
    assert violations(response.get_json(), {"$ref": "#/components/schemas/Problem"}) == []


def test_health_matches_the_committed_openapi_schema(client):
    assert (
        violations(client.get("/v1/health").get_json(), {"$ref": "#/components/schemas/HealthResponse"}) == []
    )

"""The compiled dump of the answer schemas equals marshmallow's own, field for field and in order."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from marshmallow import Schema, fields, post_dump

from conftest import dev_text, seed_text
from nlp.compare import compare
from service.dump import dumper
from service.schemas import CompareResponse, HealthResponse, ProblemSchema

PAIRS = {
    "a counter-draft": ("000_original", "000_counter_otsu"),
    "changes of meaning": ("001_original", "001_counter_meaning"),
    "two templates": ("001_original", "004_original"),
    "a memo without articles": ("memo_original", "memo_revised"),
}


def same(schema: type[Schema], obj: object) -> None:
    ours, theirs = dumper(schema)(obj), schema().dump(obj)
    assert json.dumps(ours, ensure_ascii=False) == json.dumps(theirs, ensure_ascii=False)


@pytest.mark.parametrize("name", PAIRS)
def test_a_comparison_dumps_as_marshmallow_dumps_it(engine, name):
    original, revised = PAIRS[name]
    result = compare(dev_text(original), dev_text(revised), engine=engine)
    same(CompareResponse, result)
    named = replace(result, meta={**result.meta, "original_name": "甲案.docx", "revised_name": None})
    same(CompareResponse, named)


def test_a_document_compared_with_itself_dumps_as_marshmallow_dumps_it(engine):
    text = seed_text("003")
    same(CompareResponse, compare(text, text, engine=engine))


def test_the_other_schemas_and_missing_keys_dump_alike():
    same(HealthResponse, {"status": "ok", "model": "ja_ginza", "model_version": "5", "model_loaded": True})
    same(ProblemSchema, {"type": "about:blank", "title": "Bad", "status": 422, "detail": "x",
                         "errors": {"original": ["Missing data for required field."]}})
    same(ProblemSchema, {"type": "about:blank", "title": "Bad", "status": 400, "detail": "x"})


def test_a_schema_with_a_dump_hook_is_dumped_by_marshmallow():
    class Hooked(Schema):
        name = fields.String()
        count = fields.Integer(dump_default=3)

        @post_dump
        def shout(self, data, **kwargs):
            return {**data, "name": data["name"].upper()}

    assert dumper(Hooked)({"name": "kō"}) == {"name": "KŌ", "count": 3}


def test_enums_by_name_by_value_and_none_dump_alike():
    from nlp.result import ChangeKind, Status

    class Enums(Schema):
        by_name = fields.Enum(Status)
        by_value = fields.Enum(Status, by_value=True)
        as_string = fields.Enum(ChangeKind, by_value=fields.String)

    same(Enums, {"by_name": Status.MODIFIED, "by_value": Status.MODIFIED, "as_string": ChangeKind.VALUE})
    same(Enums, {"by_name": Status.EQUAL, "by_value": Status.INSERTED, "as_string": None})


def test_the_same_request_again_is_answered_from_the_comparison_kept_as_the_first(client):
    from nlp.compare import forget_comparisons
    from nlp.meaning import roles

    forget_comparisons()
    roles.clear_cache()
    body = {"original": {"text": dev_text("000_original")}, "revised": {"text": dev_text("000_counter_otsu")}}
    first = client.post("/v1/compare", json=body).get_json()
    again = client.post("/v1/compare", json=body).get_json()
    for answer in (first, again):
        answer["meta"].pop("elapsed_ms")
    assert first["meta"]["budget"]["sentences_parsed"] > 0 and again["meta"]["budget"]["sentences_parsed"] == 0
    first["meta"]["budget"]["sentences_parsed"] = 0
    assert again == first
    # The names are the request's own, never the kept answer's.
    named = client.post("/v1/compare", json={"original": {**body["original"], "name": "甲案.txt"},
                                             "revised": body["revised"]}).get_json()
    assert named["meta"]["original_name"] == "甲案.txt" and "original_name" not in again["meta"]


def test_a_comparison_is_kept_for_its_texts_and_options_together(engine):
    from nlp.compare import Options, forget_comparisons

    forget_comparisons()
    original, revised = dev_text("000_original"), dev_text("000_counter_otsu")
    first = compare(original, revised, engine=engine)
    assert compare(original, revised, engine=engine).clauses is first.clauses
    assert compare(original, revised, engine=engine, options=Options(detect_moves=False)).clauses \
        is not first.clauses
    assert compare(original, revised + "\n", engine=engine).clauses is not first.clauses
    forget_comparisons()
    assert compare(original, revised, engine=engine).clauses is not first.clauses


def test_answers_without_clauses_are_never_taken_for_one_another(app):
    from nlp.result import Comparison
    from service.routes import answer

    empty = {"equal": 0, "modified": 0, "inserted": 0, "deleted": 0, "moved": 0, "renumbered": 0,
             "formatting_only": 0}
    meta = {"model": "ja_ginza", "model_version": "5", "elapsed_ms": 0.0,
            "budget": {"sentences_parsed": 0, "largest_assignment": 0, "degraded": []}}
    with app.test_request_context():
        one = answer(Comparison(empty, (), (), meta)).get_json()
        other = answer(Comparison({**empty, "equal": 1}, (), (), meta)).get_json()
    assert (one["summary"]["equal"], other["summary"]["equal"]) == (0, 1)

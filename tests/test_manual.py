"""Pairs set by hand: a reader corrects the pairing of seed 001 against seed 004 (two templates)."""

from __future__ import annotations

import json

import pytest

from conftest import seed_text
from nlp.compare import Options, compare
from nlp.errors import InvalidPairing


def rows(result) -> dict[tuple[str | None, str | None], object]:
    return {(c.original and c.original.id, c.revised and c.revised.id): c for c in result.clauses
            if (c.original or c.revised).part.value == "article"}


@pytest.fixture(scope="module")
def automatic(engine):
    return compare(seed_text("001"), seed_text("004"), engine=engine)


def test_a_pair_set_by_hand_is_kept_and_the_rest_pair_around_it(automatic, engine):
    # 001 第10条（セキュリティ対策） has no pair; the reader says it goes with 004 第6条（認証情報の管理）.
    assert ("a10", None) in rows(automatic) and (None, "a6") in rows(automatic)
    result = compare(seed_text("001"), seed_text("004"), engine=engine,
                     options=Options(pairs=(("a10", "a6"),)))
    found = rows(result)
    assert found[("a10", "a6")].matched_by == ("manual",)
    assert found[("a10", "a6")].status.value == "modified"
    automatic_pairs = {key for key in rows(automatic) if None not in key}
    assert automatic_pairs <= set(found)  # the others stay as the pairing made them


def test_an_article_left_alone_by_hand_stands_alone_and_its_partner_too(automatic, engine):
    assert ("a8", "a11") in rows(automatic)
    result = compare(seed_text("001"), seed_text("004"), engine=engine,
                     options=Options(unpaired=(("original", "a8"),)))
    found = rows(result)
    assert found[("a8", None)].status.value == "deleted" and found[("a8", None)].matched_by == ("manual",)
    assert ("a8", "a11") not in found


def test_a_pair_forced_out_of_reading_order_is_moved(engine):
    text = seed_text("001")
    result = compare(text, text, engine=engine, options=Options(pairs=(("a2", "a19"), ("a19", "a2"))))
    found = rows(result)
    assert found[("a2", "a19")].status.value == "modified"
    assert sum(clause.moved for clause in found.values()) >= 1
    assert found[("a5", "a5")].status.value == "equal"


@pytest.mark.parametrize("options, message", [
    (Options(pairs=(("a99", "a1"),)), "no article 'a99'"),
    (Options(pairs=(("a1", "a1"),), unpaired=(("original", "a1"),)), "named twice"),
    (Options(pairs=(("preamble", "preamble"),)), "pair by kind"),
])
def test_a_pair_the_documents_do_not_allow_is_refused_saying_why(options, message, engine):
    with pytest.raises(InvalidPairing, match=message):
        compare(seed_text("001"), seed_text("004"), engine=engine, options=options)


def test_the_api_takes_pairs_as_json_and_as_a_form_field(client):
    body = {"original": {"text": seed_text("001")}, "revised": {"text": seed_text("004")},
            "options": {"pairs": [{"original": "a10", "revised": "a6"}], "unpaired": [{"revised": "a7"}]}}
    answer = client.post("/v1/compare", json=body).get_json()
    manual = {((c["original"] or {}).get("id"), (c["revised"] or {}).get("id")) for c in answer["clauses"]
              if "manual" in c["matched_by"]}
    assert manual == {("a10", "a6"), (None, "a7")}
    form = {"original": seed_text("001"), "revised": seed_text("004"),
            "pairs": json.dumps([{"original": "a10", "revised": "a6"}])}
    answer = client.post("/v1/compare", data=form, content_type="multipart/form-data").get_json()
    assert any("manual" in c["matched_by"] for c in answer["clauses"])


def test_the_api_refuses_unknown_ids_and_pairs_in_a_drift_check(client):
    body = {"original": {"text": seed_text("001")}, "revised": {"text": seed_text("004")},
            "options": {"pairs": [{"original": "a99", "revised": "a6"}]}}
    response = client.post("/v1/compare", json=body)
    assert response.status_code == 422 and response.get_json()["type"].endswith("/invalid-pairing")
    drift = client.post("/v1/drift", json={"template": {"text": seed_text("001")}, "documents": [
        {"text": seed_text("004")}], "options": {"pairs": [{"original": "a1", "revised": "a1"}]}})
    assert drift.status_code == 422 and drift.get_json()["type"].endswith("/invalid-request")

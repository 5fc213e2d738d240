"""Template drift: the score, the per-document lists, the aggregate and POST /v1/drift, on real contracts."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import dev_text, seed_text
from nlp import drift
from nlp.drift import aggregate, article_chars, drift_each, drift_one
from nlp.errors import EmptyDocument
from nlp.structure import parse
from service import create_app
from service import drift as drift_schemas
from service.report import render_csv, render_html


@pytest.fixture(scope="module")
def template():
    return parse(dev_text("000_original"))


@pytest.fixture(scope="module")
def dev_results(template, engine):
    names = ["000_formatting", "000_counter_otsu"]
    return tuple(drift_each(template, [(name, dev_text(name)) for name in names], engine=engine))


def by_label(summary):
    return {article.template.label: article for article in summary.articles}


def values(distribution):
    return {(value.value, value.unit): value.count for value in distribution.values}


def without_article(text: str, article) -> str:
    return text[:article.span.start] + text[article.span.end:]


# The score ---------------------------------------------------------------------------------


def test_a_copy_that_differs_only_in_formatting_drifts_zero(dev_results):
    formatting = dev_results[0]
    assert formatting.drift == 0.0
    assert (formatting.missing, formatting.extra, formatting.modified) == ((), (), ())
    assert len(formatting.formatting_only) == 17


def test_the_template_against_itself_drifts_zero(template, engine):
    result = drift_one(template, template.text, "itself", engine=engine)
    assert result.drift == 0.0
    assert result.formatting_only == ()


def test_deleting_an_article_drifts_by_its_share_of_the_template(template, engine):
    deleted = template.articles[7]                      # 第8条（禁止事項）
    result = drift_one(template, without_article(template.text, deleted), "short", engine=engine)
    total = sum(article_chars(template, article) for article in template.articles)
    assert [ref.label for ref in result.missing] == ["第8条"]
    assert result.drift == pytest.approx(article_chars(template, deleted) / total, abs=1e-4)


def test_an_article_the_template_lacks_counts_in_the_whole(template, engine):
    added = "第18条（反社会的勢力の排除）\n甲及び乙は、反社会的勢力に該当しないことを表明し、保証する。\n"
    end = template.articles[-1].span.end
    text = template.text[:end] + "\n\n" + added + template.text[end:]
    result = drift_one(template, text, "longer", engine=engine)
    total = sum(article_chars(template, article) for article in template.articles)
    extra = article_chars(parse(added), parse(added).articles[0])
    assert [entry.document.label for entry in result.extra] == ["第18条"]
    assert result.drift == pytest.approx(extra / (total + extra), abs=1e-3)


def test_a_different_contract_drifts_almost_wholly(engine):
    result = drift_one(parse(seed_text("001")), seed_text("003"), "003", engine=engine)
    assert result.drift > 0.95


def test_a_counter_draft_lacks_article_8_and_adds_article_6(dev_results):
    counter = dev_results[1]
    assert [ref.label for ref in counter.missing] == ["第8条"]
    assert [entry.document.label for entry in counter.extra] == ["第6条"]
    assert [entry.template.label for entry in counter.modified] == ["第4条", "第9条", "第11条", "第12条", "第13条",
                                                                    "第16条"]
    assert 0.1 < counter.drift < 0.25


def test_a_modified_article_carries_its_redline_and_term_changes(dev_results):
    article_9 = next(entry for entry in dev_results[1].modified if entry.template.label == "第9条")
    assert [change.summary for change in article_9.changes] == ["秘密保持義務の存続期間: 5年間 → 3年間"]
    assert {(segment.op, segment.text) for segment in article_9.redline} >= {("delete", "5"), ("insert", "3")}
    assert 0 < article_9.drift < 0.05


def test_articles_renumbered_but_equal_in_text_do_not_drift(template, dev_results):
    counter = dev_results[1]
    touched = {ref.label for ref in counter.missing} | {entry.template.label for entry in counter.modified}
    assert not touched & {"第6条", "第7条"}
    articles = by_label(aggregate(template, dev_results))
    assert articles["第6条"].drift == articles["第7条"].drift == 0.0


def test_a_text_of_a_title_only_is_an_entry_with_its_reason(template, engine):
    [result] = drift_each(template, [("memo", "打合せメモ\n\n甲　株式会社アルファ")], engine=engine)
    assert result.drift is None
    assert "has no articles" in result.error and "no paragraphs" in result.error


def test_a_memo_of_paragraphs_is_measured_like_a_contract(template, engine):
    [result] = drift_each(template, [("memo", "打合せメモ。来週までに確認する。")], engine=engine)
    assert result.error is None and result.drift == 1.0
    assert len(result.missing) == len(template.articles)


def test_a_template_without_articles_is_refused(engine):
    with pytest.raises(EmptyDocument, match="template has no articles"):
        drift_one(parse("秘密保持契約書"), seed_text("001"), "001", engine=engine)


# The aggregate -----------------------------------------------------------------------------


def test_aggregate_counts_the_documents_that_lack_or_modify_each_article(template, dev_results):
    summary = aggregate(template, dev_results)
    articles = by_label(summary)
    assert (summary.documents, summary.failed) == (2, 0)
    assert articles["第8条"].missing_in == ("000_counter_otsu",)
    assert articles["第8条"].drift == 0.5
    assert {label for label, article in articles.items() if article.term_changed} == {
        "第4条", "第9条", "第11条", "第12条", "第13条", "第16条"}
    assert articles["第1条"].missing == articles["第1条"].modified == 0


def test_aggregate_puts_the_most_departed_from_articles_first(template, dev_results):
    labels = [article.template.label for article in aggregate(template, dev_results).articles]
    assert labels[0] == "第8条"
    assert set(labels[:7]) == {"第8条", "第4条", "第9条", "第11条", "第12条", "第13条", "第16条"}


def test_value_distribution_counts_documents_that_keep_the_template_value(template, dev_results):
    article_9 = by_label(aggregate(template, dev_results))["第9条"]
    [period] = article_9.terms
    assert period.category == "confidentiality_period"
    assert values(period) == {(5, "year"): 1, (3, "year"): 1}
    assert [value.text for value in period.template] == ["5年間"]
    assert period.values[0].documents in (("000_formatting",), ("000_counter_otsu",))


def test_value_distribution_lists_documents_without_the_term(template, dev_results):
    [cap] = by_label(aggregate(template, dev_results))["第13条"].terms
    assert values(cap) == {(10_000_000, "yen"): 1}
    assert cap.absent_in == ("000_formatting",)


def test_failed_documents_are_counted_apart(template, dev_results):
    summary = aggregate(template, (*dev_results, drift.DocumentDrift.failure("broken.docx", "damaged")))
    assert (summary.documents, summary.failed) == (2, 1)
    assert by_label(summary)["第8条"].drift == 0.5


# POST /v1/drift ----------------------------------------------------------------------------


SEEDS = ["000", "001", "002", "003", "004"]
DEV = ["001_original", "000_counter_otsu", "000_formatting", "004_counter_ko"]


@pytest.fixture(scope="module")
def seeds_against_001(app):
    documents = [{"text": seed_text(seed), "name": seed} for seed in SEEDS]
    documents += [{"text": dev_text(name), "name": name} for name in DEV]
    response = app.test_client().post("/v1/drift", json={
        "template": {"text": seed_text("001"), "name": "001"}, "documents": documents})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def api_articles(answer):
    return {article["template"]["label"]: article for article in answer["aggregate"]["articles"]}


def test_api_reports_each_document_in_order_with_its_name(seeds_against_001):
    assert [document["name"] for document in seeds_against_001["documents"]] == SEEDS + DEV
    assert seeds_against_001["template"] == {"name": "001", "articles": 20}


def test_api_copies_of_the_template_drift_zero_and_formatting_never_counts(seeds_against_001):
    drifts = {document["name"]: document["drift"] for document in seeds_against_001["documents"]}
    assert drifts["001"] == drifts["001_original"] == 0.0
    assert drifts["000_formatting"] == drifts["000"]
    assert all(0.8 < drifts[name] <= 1 for name in ["000", "002", "003", "004"])


def test_api_tells_documents_drafted_on_another_template_apart(seeds_against_001):
    documents = {document["name"]: document for document in seeds_against_001["documents"]}
    same = {name for name, document in documents.items() if document["same_template"]}
    assert same == {"001", "001_original"}
    assert all(documents[name]["template_share"] == 1.0 for name in same)
    assert all(documents[name]["template_share"] < 0.4 for name in documents.keys() - same)
    assert seeds_against_001["aggregate"]["other_template"] == [n for n in SEEDS + DEV if n not in same]


def test_a_counter_draft_on_the_template_is_the_same_template(template, dev_results):
    formatting, counter = dev_results
    assert (formatting.same_template, formatting.template_share) == (True, 1.0)
    assert counter.same_template and counter.template_share > 0.9


def test_the_report_sorts_and_labels_other_templates_apart(seeds_against_001):
    page = render_html(seeds_against_001)
    table = page[page.index('<section id="documents">'):page.index('<section id="details">')]
    names = re.findall(r'<a href="#doc-\d+">([^<]+)</a>', table)
    assert set(names[:2]) == {"001", "001_original"}
    assert "別の雛形で作られたとみられる文書 7件" in page and table.count(">別の雛形</td>") == 7
    rows = list(csv.reader(io.StringIO(render_csv(seeds_against_001))))
    assert rows[0][2:4] == ["雛形", "雛形の条の保持率"]
    assert {row[0]: row[2] for row in rows[1:]}["001"] == "同じ雛形"
    assert {row[0]: row[2] for row in rows[1:]}["003"] == "別の雛形"


def test_api_aggregate_counts_match_the_documents(seeds_against_001):
    aggregate_ = seeds_against_001["aggregate"]
    assert (aggregate_["documents"], aggregate_["failed"]) == (9, 0)
    for article in aggregate_["articles"]:
        label = article["template"]["label"]
        lacking = [d["name"] for d in seeds_against_001["documents"] if label in {m["label"] for m in d["missing"]}]
        assert article["missing_in"] == lacking
        assert article["missing"] == len(lacking)


def test_api_aggregate_of_the_confidentiality_article(seeds_against_001):
    article = api_articles(seeds_against_001)["第12条"]
    assert article["template"]["heading"] == "秘密保持"
    assert (article["missing"], article["modified"]) == (0, 7)
    [period] = [t for t in article["terms"] if t["category"] == "confidentiality_period"]
    assert period["label"] == "秘密保持義務の存続期間"
    assert {(v["value"], v["unit"]): v["count"] for v in period["values"]} == {(3, "year"): 4, (5, "year"): 3}
    assert period["absent"] == 2
    assert "000_counter_otsu" in next(v["documents"] for v in period["values"] if v["value"] == 3)


def test_api_aggregate_of_governing_law(seeds_against_001):
    [law] = [t for t in api_articles(seeds_against_001)["第20条"]["terms"] if t["category"] == "governing_law"]
    assert [(v["value"], v["count"]) for v in law["values"]] == [("日本法", 8)]


def test_api_answers_the_dev_texts_against_their_original(client):
    response = client.post("/v1/drift", json={
        "template": {"text": dev_text("000_original"), "name": "000_original"},
        "documents": [{"text": dev_text("000_formatting"), "name": "000_formatting"},
                      {"text": dev_text("000_counter_otsu"), "name": "000_counter_otsu"}],
    })
    formatting, counter = response.get_json()["documents"]
    assert (formatting["drift"], len(formatting["formatting_only"])) == (0.0, 17)
    assert [m["label"] for m in counter["missing"]] == ["第8条"]
    assert [e["document"]["label"] for e in counter["extra"]] == ["第6条"]
    [period] = api_articles(response.get_json())["第9条"]["terms"]
    assert {(v["value"], v["unit"]): v["count"] for v in period["values"]} == {(5, "year"): 1, (3, "year"): 1}


def test_api_names_unnamed_documents_by_position(client):
    response = client.post("/v1/drift", json={
        "template": {"text": dev_text("004_original")},
        "documents": [{"text": dev_text("004_counter_ko")}, {"text": "打合せメモ"}]})
    first, second = response.get_json()["documents"]
    assert (first["name"], second["name"]) == ("document 1", "document 2")
    assert second["drift"] is None and "has no articles" in second["error"]
    assert response.get_json()["aggregate"]["failed"] == 1


def test_api_refuses_more_documents_than_the_setting_with_a_pointer_to_the_cli(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "MAX_DRIFT_DOCUMENTS": 2})
    app.extensions["engine"] = engine
    response = app.test_client().post("/v1/drift", json={
        "template": {"text": dev_text("000_original")}, "documents": [{"text": dev_text("000_formatting")}] * 3})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith("/too-many-documents")
    assert "the limit is 2" in problem["detail"] and "python -m service.cli drift" in problem["detail"]


def test_api_default_limit_is_50_documents():
    assert create_app({"LOAD_MODEL_AT_START": False}).config["MAX_DRIFT_DOCUMENTS"] == 50


@pytest.mark.parametrize("body, field", [
    ({"template": {"text": "第1条 x"}, "documents": []}, "documents"),
    ({"template": {"text": "第1条 x"}}, "documents"),
    ({"documents": [{"text": "第1条 x"}]}, "template"),
    ({"template": {"text": "第1条 x"}, "documents": [{"text": "   "}]}, "documents"),
    ({"template": {"text": "第1条 x"}, "documents": [{"text": "第1条 x"}], "option": {}}, "option"),
])
def test_api_refuses_a_request_off_the_schema(client, body, field):
    response = client.post("/v1/drift", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_api_refuses_a_template_without_articles(client):
    response = client.post("/v1/drift", json={
        "template": {"text": "秘密保持契約書"}, "documents": [{"text": seed_text("001")}]})
    assert response.status_code == 422
    assert response.get_json()["type"].endswith("/empty-document")


def test_api_refuses_a_document_over_the_text_limit(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "MAX_TEXT_CHARS": 7_000})
    app.extensions["engine"] = engine
    response = app.test_client().post("/v1/drift", json={
        "template": {"text": dev_text("000_original")},
        "documents": [{"text": dev_text("000_formatting")}, {"text": seed_text("003"), "name": "003"}]})
    assert response.status_code == 413
    assert "Document 2 (003)" in response.get_json()["detail"]


@pytest.mark.parametrize("dataclass, schema", [
    (drift.DocumentDrift, drift_schemas.DocumentDriftSchema),
    (drift.ClauseDrift, drift_schemas.ClauseDriftSchema),
    (drift.TermFound, drift_schemas.TermFoundSchema),
    (drift.ValueCount, drift_schemas.ValueCountSchema),
    (drift.TermDistribution, drift_schemas.TermDistributionSchema),
    (drift.ArticleDrift, drift_schemas.ArticleDriftSchema),
    (drift.Aggregate, drift_schemas.AggregateSchema),
    (drift_schemas.DriftReport, drift_schemas.DriftResponse),
])
def test_drift_schemas_carry_every_field_the_library_returns(dataclass, schema):
    assert {field.name for field in dataclasses.fields(dataclass)} <= set(schema().fields)


def test_the_web_service_does_not_load_dask():
    code = ("import sys; from service import create_app; create_app({'LOAD_MODEL_AT_START': False}); "
            "print(sorted(name for name in ('dask', 'distributed') if name in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


def test_drift_takes_uploaded_files_a_shift_jis_one_among_them(client):
    template = seed_text("000").encode("utf-8")
    documents = [(io.BytesIO(dev_text("000_counter_otsu").replace("\u00b7", "・").encode("cp932")), "乙修正案.txt"),
                 (io.BytesIO(dev_text("000_formatting").encode("utf-8")), "書式のみ.txt")]
    response = client.post("/v1/drift", data={"template": (io.BytesIO(template), "雛形.txt"), "documents": documents},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    names = [document["name"] for document in report["documents"]]
    assert names == ["乙修正案.txt", "書式のみ.txt"]
    assert report["documents"][1]["drift"] == 0
    assert report["documents"][0]["drift"] > 0

"""Contracts uploaded as files (multipart/form-data): .docx, web pages and text in any common encoding
compare like JSON texts; a file that cannot be read is a problem naming it."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from conftest import dev_text, seed_text, web_page, word_file
from service import create_app

COMPARE = "/v1/compare"


def upload(client, files: dict, path: str = COMPARE, **fields):
    """POST the files ({field: (bytes, filename)}) and fields as multipart/form-data."""
    data = {key: (io.BytesIO(content), name) for key, (content, name) in files.items()}
    return client.post(path, data={**data, **fields}, content_type="multipart/form-data")


def problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"].endswith(f"/{slug}")
    return body


@pytest.fixture(scope="module")
def json_answer(app):
    body = {"original": {"text": seed_text("000")}, "revised": {"text": dev_text("000_counter_otsu")}}
    return app.test_client().post(COMPARE, json=body).get_json()


def test_a_shift_jis_text_and_a_word_file_compare_like_the_json_texts(client, json_answer):
    # Shift_JIS has no "·" (U+00B7); a Shift_JIS file has "・", which compares as the same bullet.
    shift_jis = seed_text("000").replace("·", "・").encode("cp932")
    response = upload(client, {
        "original": (shift_jis, "甲案.txt"),
        "revised": (word_file(dev_text("000_counter_otsu")), "乙修正案.docx"),
    })
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["summary"] == json_answer["summary"]
    assert [c["summary"] for c in answer["changes"]] == [c["summary"] for c in json_answer["changes"]]
    assert (answer["meta"]["original_name"], answer["meta"]["revised_name"]) == ("甲案.txt", "乙修正案.docx")


def test_a_utf16_file_and_a_pasted_text_field_compare(client, json_answer):
    response = upload(client, {"original": (seed_text("000").encode("utf-16"), "契約書/甲案.txt")},
                      revised=dev_text("000_counter_otsu"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["summary"] == json_answer["summary"]
    assert response.get_json()["meta"]["original_name"] == "甲案.txt"


def test_options_come_as_true_or_false_fields(client):
    files = {"original": (seed_text("000").encode(), "a.txt"), "revised": (dev_text("000_formatting").encode(), "b.txt")}
    ignored = upload(client, files).get_json()["summary"]
    kept = upload(client, files, ignore_formatting="false").get_json()["summary"]
    assert ignored["modified"] == 0 and kept["modified"] > 0


def test_an_option_that_is_not_true_or_false_is_refused(client):
    files = {"original": (b"a", "a.txt"), "revised": (b"b", "b.txt")}
    errors = problem(upload(client, files, detect_moves="yes"), 422, "invalid-request")["errors"]
    assert errors == {"options": {"detect_moves": ["Not a valid boolean."]}}


def test_a_picture_named_docx_is_refused_naming_the_file(client):
    files = {"original": (b"\x89PNG\r\n\x1a\n" + bytes(300), "scan.docx"), "revised": (b"x", "b.txt")}
    body = problem(upload(client, files), 422, "unreadable-document")
    assert body["detail"].startswith("scan.docx: ")


def test_a_truncated_word_file_is_refused_as_damaged(client):
    files = {"original": (seed_text("000").encode(), "a.txt"), "revised": (word_file(seed_text("000"))[:2000], "draft.docx")}
    assert "draft.docx: is damaged or truncated" in problem(upload(client, files), 422, "unreadable-document")["detail"]


def test_binary_junk_sent_as_a_text_file_is_refused(client):
    files = {"original": (bytes(range(256)) * 8, "contract.txt"), "revised": (b"x", "b.txt")}
    assert "contract.txt: looks like a binary file" in problem(upload(client, files), 422, "unreadable-document")["detail"]


def test_a_body_neither_json_nor_a_form_is_415(client):
    response = client.post(COMPARE, data=seed_text("000").encode(), content_type="text/plain")
    body = problem(response, 415, "unsupported-media-type")
    assert "multipart/form-data" in body["detail"] and "application/json" in body["detail"]


def test_a_missing_file_is_named(client):
    body = problem(upload(client, {"original": (seed_text("000").encode(), "a.txt")}), 422, "invalid-request")
    assert body["errors"] == {"revised": ["Missing data for required field."]}


def test_two_files_for_one_side_are_refused(client):
    data = {"original": [(io.BytesIO(b"a"), "a.txt"), (io.BytesIO(b"b"), "b.txt")], "revised": (io.BytesIO(b"c"), "c.txt")}
    response = client.post(COMPARE, data=data, content_type="multipart/form-data")
    assert problem(response, 422, "invalid-request")["errors"] == {
        "original": ["Send one file or one text for this field, not several."]}


def test_an_unknown_field_is_refused(client):
    files = {"original": (b"a", "a.txt"), "revised": (b"b", "b.txt")}
    errors = problem(upload(client, files, ignoreFormatting="false"), 422, "invalid-request")["errors"]
    assert errors == {"ignoreFormatting": ["Unknown field."]}


def test_an_empty_file_input_counts_as_no_file(client):
    files = {"original": (b"", ""), "revised": (b"b", "b.txt")}
    errors = problem(upload(client, files), 422, "invalid-request")["errors"]
    assert errors == {"original": ["Missing data for required field."]}


def test_uploads_over_the_limit_are_413_with_the_setting_to_raise(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "MAX_UPLOAD_BYTES": 50_000})
    app.extensions["engine"] = engine
    files = {"original": (word_file(seed_text("003")), "a.docx"), "revised": (word_file(seed_text("003")), "b.docx")}
    body = problem(upload(app.test_client(), files), 413, "body-too-large")
    assert "CONTRACTDIFF_MAX_UPLOAD_BYTES" in body["detail"]


def test_a_word_file_whose_text_is_over_the_text_limit_is_413(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "MAX_TEXT_CHARS": 1_000})
    app.extensions["engine"] = engine
    files = {"original": (word_file(seed_text("000")), "a.docx"), "revised": (b"x", "b.txt")}
    assert "the limit is 1,000" in problem(upload(app.test_client(), files), 413, "text-too-large")["detail"]


def test_a_form_of_one_template_and_many_documents_reads_as_the_drift_body(app):
    from service.uploads import COMPARE_OPTIONS, read_data

    counter = dev_text("000_counter_otsu").replace("·", "・")  # EUC-JP has no U+00B7 either
    data = {"template": (io.BytesIO(word_file(seed_text("000"))), "雛形.docx"),
            "documents": [(io.BytesIO(counter.encode("euc_jp")), "乙.txt"),
                          (io.BytesIO(seed_text("000").encode("utf-16")), "丙.txt")],
            "detect_moves": "false"}
    with app.test_request_context("/v1/drift", method="POST", data=data, content_type="multipart/form-data"):
        body = read_data(max_depth=20, max_upload_bytes=1_000_000, documents=("template",), lists=("documents",),
                         options=COMPARE_OPTIONS)
    assert body["template"]["name"] == "雛形.docx" and body["template"]["text"].startswith("[bookmark: _nrtvg8zeeum5]")
    assert [(d["name"], d["text"]) for d in body["documents"]] == [
        ("乙.txt", counter), ("丙.txt", seed_text("000"))]
    assert body["options"] == {"detect_moves": False}


# Web pages (.html) ------------------------------------------------------------------------------


def page_upload(client, page: bytes, name: str, plain: str, content_type: str = "text/html"):
    """POST the page as ``original`` and the plain text as ``revised``, the form encoded in memory
    (the test client spools a big one to a temporary file it does not close)."""
    boundary, body = encode_multipart({
        "original": FileStorage(io.BytesIO(page), name, content_type=content_type),
        "revised": FileStorage(io.BytesIO(plain.encode()), "乙案.txt", content_type="text/plain")})
    return client.post(COMPARE, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def all_equal(answer: dict) -> bool:
    return answer["changes"] == [] and all(clause["status"] == "equal" for clause in answer["clauses"])


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
def test_a_saved_web_page_of_a_seed_compares_equal_with_its_plain_text(client, seed):
    # The page leaves the 項 and 号 numbers to <ol>: read as a browser shows it, it has them.
    page = web_page(seed_text(seed))
    assert "<ol>" in page and not re.search(r"\n2[.．]", page)
    response = page_upload(client, page.encode(), "甲案.html", seed_text(seed))
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert all_equal(answer), [(c["original"] and c["original"]["label"], c["status"]) for c in answer["clauses"]]
    assert answer["summary"]["equal"] == len(answer["clauses"]) > 0
    assert answer["meta"]["original_name"] == "甲案.html"
    assert "<" not in "".join(segment["text"] for clause in answer["clauses"] for segment in clause["redline"])


def test_two_pages_a_word_processor_saved_compare_like_the_json_texts(client, json_answer):
    # tests/data/html: seed 000 and the counter-draft as LibreOffice saves their Word documents.
    pages = Path(__file__).parent / "data" / "html"
    boundary, body = encode_multipart({
        "original": FileStorage(io.BytesIO((pages / "000.html").read_bytes()), "甲案.html", content_type="text/html"),
        "revised": FileStorage(io.BytesIO((pages / "000_counter_otsu.html").read_bytes()), "乙修正案.html",
                               content_type="text/html")})
    response = client.post(COMPARE, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["summary"] == json_answer["summary"]
    assert [c["summary"] for c in answer["changes"]] == [c["summary"] for c in json_answer["changes"]]


def test_a_page_is_told_by_its_upload_type_or_by_how_it_opens_whatever_its_name(client):
    page, plain = web_page(seed_text("000")), seed_text("000")
    by_type = page_upload(client, page.replace("<!DOCTYPE html>\n", "").encode(), "甲案", plain)
    by_content = page_upload(client, page.encode(), "甲案.txt", plain, content_type="text/plain")
    assert all_equal(by_type.get_json()) and all_equal(by_content.get_json())


def test_a_page_in_shift_jis_or_euc_jp_is_decoded_by_the_charset_it_declares(client):
    plain = seed_text("004").replace("·", "・")
    page = web_page(plain).replace("charset=UTF-8", "charset=Shift_JIS")
    shift_jis = page_upload(client, page.encode("cp932"), "甲案.htm", plain)
    euc = page.replace("charset=Shift_JIS", "charset=EUC-JP").encode("euc_jp")
    euc_jp = page_upload(client, euc, "甲案.html", plain)
    assert all_equal(shift_jis.get_json()) and all_equal(euc_jp.get_json())


def test_a_file_named_html_without_markup_is_read_as_plain_text(client):
    response = page_upload(client, seed_text("000").encode(), "甲案.html", seed_text("000"))
    assert all_equal(response.get_json())


@pytest.mark.parametrize("seed", ["000", "001"])
def test_a_word_processors_page_pasted_into_the_json_text_compares_equal_with_its_plain_text(client, seed):
    page = (Path(__file__).parent / "data" / "html" / f"{seed}.html").read_text(encoding="utf-8")
    answer = client.post(COMPARE, json={"original": {"text": page}, "revised": {"text": seed_text(seed)}}).get_json()
    assert all_equal(answer)
    assert all(c["original"]["label"] == c["revised"]["label"] for c in answer["clauses"])


def test_a_page_pasted_into_the_json_text_is_read_as_formatting(client):
    plain = seed_text("001")
    page = web_page(plain)
    answer = client.post(COMPARE, json={"original": {"text": page}, "revised": {"text": plain}}).get_json()
    # Offsets are those of the pasted page; its articles, 項 and 号 pair one to one, and nothing
    # of what the articles say changed (the numbers drawn by <ol> are not in the pasted text).
    assert answer["changes"] == []
    articles = [c for c in answer["clauses"] if c["revised"]["part"] == "article"]
    assert all(c["original"]["label"] == c["revised"]["label"] for c in articles)
    assert all(len({p["original"]["index"] for p in c["paragraphs"] if p["original"]}) ==
               len({p["revised"]["index"] for p in c["paragraphs"] if p["revised"]}) for c in articles)
    start = answer["clauses"][0]["original"]["start"]
    assert page[start:].startswith(seed_text("001").splitlines()[0].split("]")[-1])


@pytest.mark.parametrize("name, hostile", [
    ("start tags never closed", "{contract}" + "<a" * 4_000_000),
    ("comments never closed", "{contract}" + "<!--a" * 1_600_000),
    ("quoted attributes never closed", "{contract}" + "<p title='" * 800_000),
    ("a script never closed", "{contract}<script>" + "</" * 4_000_000),
])
def test_a_hostile_page_of_megabytes_is_read_in_linear_time(client, name, hostile):
    contract = "".join(f"<p>{line}</p>" for line in seed_text("000").splitlines() if line)
    page = ("<!DOCTYPE html><html><body>" + hostile.replace("{contract}", contract)).encode()
    assert len(page) > 7_000_000
    started = time.perf_counter()
    response = page_upload(client, page, "hostile.html", seed_text("000"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert time.perf_counter() - started < 30, name
    assert all_equal(response.get_json())


@pytest.mark.parametrize("name, hostile", [
    ("nested blocks", "<div>" * 1_000_000 + "{contract}"),
    ("list items", "{contract}<ol>" + "<li>" * 2_000_000),
    ("references", "{contract}" + "&nbsp;" * 1_500_000),
])
def test_a_page_of_more_markup_than_a_contract_is_refused_in_seconds(client, name, hostile):
    contract = "".join(f"<p>{line}</p>" for line in seed_text("000").splitlines() if line)
    page = ("<!DOCTYPE html><html><body>" + hostile.replace("{contract}", contract)).encode()
    started = time.perf_counter()
    body = problem(page_upload(client, page, "hostile.html", seed_text("000")), 422, "unreadable-document")
    assert time.perf_counter() - started < 30, name
    assert body["detail"] == ("hostile.html: holds more than 400,000 tags and runs of text, far more than a "
                              "contract's page; it is refused.")


def test_a_page_read_past_the_request_deadline_is_503(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "",
                      "REQUEST_DEADLINE_SECONDS": 0.3})
    app.extensions["engine"] = engine
    page = ("<!DOCTYPE html><html><body><ol>" + "<li>第1条（目的）" * 300_000).encode()
    response = page_upload(app.test_client(), page, "slow.html", seed_text("000"))
    assert problem(response, 503, "deadline-exceeded")["detail"].startswith(
        "The request ran out of time while reading slow.html.")


def test_a_page_over_the_upload_limit_is_413(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "MAX_UPLOAD_BYTES": 50_000})
    app.extensions["engine"] = engine
    response = page_upload(app.test_client(), web_page(seed_text("003")).encode() * 3, "a.html", "x")
    assert "CONTRACTDIFF_MAX_UPLOAD_BYTES" in problem(response, 413, "body-too-large")["detail"]

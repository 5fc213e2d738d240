"""POST /v1/redline returns each export as an attachment; GET / serves the page that calls it."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import unquote

import pytest
from lxml import etree

from conftest import dev_text, seed_text, word_file
from service import create_app

REDLINE = "/v1/redline"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY = {
    "original": {"text": seed_text("000"), "name": "甲案"},
    "revised": {"text": dev_text("000_counter_otsu"), "name": "乙修正案"},
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def authors(docx: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    return {mark.get(f"{W}author") for tag in ("ins", "del") for mark in body.iter(f"{W}{tag}")}


def attachment_name(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return unquote(re.search(r"filename\*=UTF-8''([^;]+)", disposition).group(1))


@pytest.mark.parametrize("format, media_type, name", [
    ("docx", DOCX, "乙修正案_変更履歴.docx"),
    ("shinkyu", DOCX, "乙修正案_新旧対照表.docx"),
    ("html", "text/html", "乙修正案_比較結果.html"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "乙修正案_変更一覧.xlsx"),
    ("csv", "text/csv", "乙修正案_変更一覧.csv"),
])
def test_each_format_comes_as_an_attachment_named_after_the_revised_draft(client, format, media_type, name):
    response = client.post(f"{REDLINE}?format={format}", json=BODY)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type
    assert attachment_name(response) == name
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.data) > 1_000


@pytest.mark.parametrize("format", ["docx", "shinkyu", "html", "xlsx", "csv"])
def test_a_name_with_control_characters_still_exports(client, format):
    # Found by schemathesis: XML cannot hold U+0011, and the name became the Word file's title.
    body = {**BODY, "revised": {**BODY["revised"], "name": "乙\u0011修正案\u0014"}}
    assert client.post(f"{REDLINE}?format={format}", json=body).status_code == 200


def test_tracked_changes_carry_the_configured_author(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "REDLINE_AUTHOR": "甲社 法務部"})
    app.extensions["engine"] = engine
    response = app.test_client().post(REDLINE, json=BODY)
    assert response.mimetype == DOCX
    assert authors(response.data) == {"甲社 法務部"}


def test_the_request_may_name_the_author(client):
    assert authors(client.post(f"{REDLINE}?format=docx&author=山田太郎", json=BODY).data) == {"山田太郎"}


def test_the_default_author_is_the_services_name(client):
    assert authors(client.post(REDLINE, json=BODY).data) == {"contractdiff"}


def test_uploaded_files_give_the_same_export(client):
    data = {"original": (io.BytesIO(word_file(seed_text("000"))), "甲案.docx"),
            "revised": (io.BytesIO(dev_text("000_counter_otsu").encode("utf-16")), "乙修正案.txt")}
    response = client.post(f"{REDLINE}?format=csv", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert attachment_name(response) == "乙修正案_変更一覧.csv"
    assert response.data == client.post(f"{REDLINE}?format=csv", json=BODY).data


@pytest.mark.parametrize("query, errors", [
    ("format=pdf", {"format": ["Must be one of: docx, shinkyu, html, xlsx, csv."]}),
    ("format=docx&colour=red", {"colour": ["Unknown field."]}),
    ("author=", {"author": ["Length must be between 1 and 200."]}),
])
def test_a_bad_query_is_422_before_the_body_is_read(client, query, errors):
    response = client.post(f"{REDLINE}?{query}", json={})
    assert response.status_code == 422
    assert response.get_json()["errors"] == errors


def test_a_redline_request_is_checked_like_a_compare_request(client):
    response = client.post(REDLINE, json={"original": {"text": "第1条"}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"revised": ["Missing data for required field."]}


# The page --------------------------------------------------------------------------------------


def test_the_page_is_served_in_japanese_with_both_inputs(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="ja">' in page
    for control in ('id="original-file"', 'id="revised-file"', 'id="original-text"', 'id="revised-text"',
                    'id="changed-only"', 'data-format="shinkyu"', 'value="contractdiff"'):
        assert control in page
    assert '"confidentiality_period": "秘密保持義務の存続期間"' in page


def test_the_page_loads_nothing_from_elsewhere(client):
    page = client.get("/").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith(("/static/", "#", "data:")) for source in sources)
    for source in sources:
        if source.startswith("/static/"):
            with client.get(source) as asset:
                assert asset.status_code == 200
                text = asset.get_data(as_text=True)
            assert "http://" not in text and "https://" not in text

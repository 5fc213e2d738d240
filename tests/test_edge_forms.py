"""Upload forms: an unknown field or too many parts is refused before any uploaded file is read."""

from __future__ import annotations

import io
import time

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import seed_text, word_file

CONTRACT = word_file(seed_text("000"))


@pytest.fixture
def documents_read(monkeypatch):
    """Every document the upload reader is asked to read, by name."""
    import service.uploads

    names = []
    real = service.uploads.read_document

    def counted(content, *, name, limits, **options):
        names.append(name)
        return real(content, name=name, limits=limits, **options)

    monkeypatch.setattr(service.uploads, "read_document", counted)
    return names



def post_form(client, path, parts):
    """POST ``parts`` ((field, content, file name or None)) as one multipart body built in memory."""
    data = MultiDict([(key, FileStorage(io.BytesIO(value), name) if name else value) for key, value, name in parts])
    boundary, body = encode_multipart(data)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("path", ["/v1/compare", "/v1/redline", "/v1/drift"])
def test_250_unknown_file_fields_are_refused_before_any_file_is_read(client, documents_read, path):
    parts = [(f"extra{index}", CONTRACT, f"x{index}.docx") for index in range(250)]
    started = time.perf_counter()
    response = post_form(client, path, parts)
    elapsed = time.perf_counter() - started
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert len(errors) == 250 and errors["extra7"] == ["Unknown field."]
    assert documents_read == [] and elapsed < 2


def test_one_unknown_field_beside_two_good_files_is_refused_before_they_are_read(client, documents_read):
    parts = [("original", CONTRACT, "a.docx"), ("revised", CONTRACT, "b.docx"), ("colour", "red", None)]
    response = post_form(client, "/v1/compare", parts)
    assert response.status_code == 422 and response.get_json()["errors"] == {"colour": ["Unknown field."]}
    assert documents_read == []


@pytest.mark.parametrize("disposition", ['form-data; filename="x.docx"', "form-data; name"])
def test_a_part_without_a_name_is_an_unknown_field_not_a_500(client, documents_read, disposition):
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\nx\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="original"; filename="a.docx"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + CONTRACT + (
            f"\r\n--{boundary}--\r\n").encode()
    response = client.post("/v1/compare", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {"": ["Unknown field."]}
    assert documents_read == []


def test_a_form_of_known_fields_is_read_as_before(client, documents_read):
    parts = [("original", CONTRACT, "a.docx"), ("revised", CONTRACT, "b.docx"), ("detect_moves", "true", None)]
    assert post_form(client, "/v1/compare", parts).status_code == 200
    assert documents_read == ["a.docx", "b.docx"]


def test_a_form_of_1001_small_parts_is_413_naming_the_parts_limit(client, documents_read):
    parts = [("documents", b"x", f"{index}.txt") for index in range(1_001)]
    response = post_form(client, "/v1/drift", parts)
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    detail = response.get_json()["detail"]
    assert "more than 1,000 parts" in detail and "bytes" not in detail
    assert documents_read == []


def test_a_form_over_the_upload_limit_is_413_naming_that_limit(app):
    client = app.test_client()
    app.config["MAX_UPLOAD_BYTES"], before = 1_000, app.config["MAX_UPLOAD_BYTES"]
    try:
        response = post_form(client, "/v1/compare", [("original", b"x" * 2_000, "a.txt")])
    finally:
        app.config["MAX_UPLOAD_BYTES"] = before
    assert response.status_code == 413
    assert "over 1,000 bytes" in response.get_json()["detail"]
    assert "CONTRACTDIFF_MAX_UPLOAD_BYTES" in response.get_json()["detail"]

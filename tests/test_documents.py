"""Reading uploaded files: encodings detected, .docx read in order, bad files refused by name."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from conftest import billion_laughs, seed_text
from nlp.documents import DocumentLimits, read_document
from nlp.errors import InputTooLarge, UnreadableDocument


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp932", "euc_jp"])
def test_plain_text_in_every_common_japanese_encoding_reads_the_same(encoding):
    text = seed_text("001")
    assert read_document(text.encode(encoding), name="001.txt") == text


def word_file(lines: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_file_gives_its_paragraphs_and_tables_in_order():
    lines = seed_text("004").splitlines()[:12]
    text = read_document(word_file(lines, [["報酬", "月額10万円"]]), name="004.docx")
    assert text.splitlines()[: len(lines)] == lines
    assert text.splitlines()[-1] == "報酬\t月額10万円"


def test_a_picture_named_docx_is_refused_with_its_name():
    with pytest.raises(UnreadableDocument, match="scan.docx"):
        read_document(b"\x89PNG\r\n\x1a\n" + bytes(200), name="scan.docx")


def test_a_truncated_word_file_is_refused_as_damaged():
    with pytest.raises(UnreadableDocument, match="damaged or truncated"):
        read_document(word_file(["第1条（目的）"])[:1500], name="draft.docx")


def test_a_binary_file_is_not_read_as_text():
    with pytest.raises(UnreadableDocument, match="binary"):
        read_document(b"\x00\x01\x02" * 100, name="blob.txt")


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(InputTooLarge, match="limit"):
        read_document(b"a" * 2048, name="big.txt", limits=DocumentLimits(max_bytes=1024))


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def with_body_xml(body: str) -> bytes:
    """A .docx whose body is ``body`` (WordprocessingML paragraphs), as Word writes tracked changes."""
    from docx.oxml import parse_xml

    document = docx.Document()
    for paragraph in parse_xml(f"<w:body {W}>{body}</w:body>"):
        document.element.body.insert(len(document.element.body) - 1, paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_tracked_insertions_are_read_and_tracked_deletions_are_not():
    data = with_body_xml(
        '<w:p><w:r><w:t>3. 契約終了後も</w:t></w:r>'
        '<w:del w:id="1" w:author="乙"><w:r><w:delText>5</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="乙"><w:r><w:t>3</w:t></w:r></w:ins>'
        '<w:r><w:t>年間、秘密保持義務は存続する。</w:t></w:r></w:p>')
    assert read_document(data, name="redline.docx") == "3. 契約終了後も3年間、秘密保持義務は存続する。"


def test_a_paragraph_deleted_with_its_mark_leaves_no_empty_line():
    data = with_body_xml(
        '<w:p><w:r><w:t>第8条（禁止事項）</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="乙"/></w:rPr></w:pPr>'
        '<w:del w:id="2" w:author="乙"><w:r><w:delText>4. 相手方のシステムに過負荷を与える行為</w:delText></w:r></w:del></w:p>'
        '<w:p><w:r><w:t>5. 第三者への接続仕様の開示</w:t></w:r></w:p>')
    assert read_document(data, name="redline.docx").splitlines() == ["第8条（禁止事項）", "5. 第三者への接続仕様の開示"]


def test_paragraphs_in_content_controls_are_read():
    data = with_body_xml('<w:sdt><w:sdtContent><w:p><w:r><w:t>第1条（目的）</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    assert read_document(data, name="form.docx") == "第1条（目的）"


def test_an_entity_expansion_bomb_is_refused_unparsed_and_at_once():
    import time

    started = time.perf_counter()
    with pytest.raises(UnreadableDocument, match="laughs.docx: word/document.xml declares a DTD"):
        read_document(billion_laughs(), name="laughs.docx")
    assert time.perf_counter() - started < 1


def test_an_entity_expansion_bomb_is_not_expanded_by_the_xml_parser_either():
    # The DTD check comes first; python-docx's parser on its own refuses to amplify entities.
    from lxml import etree

    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        docx.Document(io.BytesIO(billion_laughs()))


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_a_password_protected_word_file_is_refused_as_encrypted():
    data = OLE + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(500)
    with pytest.raises(UnreadableDocument, match="secret.docx: is encrypted"):
        read_document(data, name="secret.docx")


def test_a_word_97_file_is_refused_with_what_to_do():
    data = OLE + bytes(500) + "WordDocument".encode("utf-16-le") + bytes(500)
    with pytest.raises(UnreadableDocument, match=r"old.doc: is a Word 97–2003 \.doc.*Save it as \.docx"):
        read_document(data, name="old.doc")


def test_a_web_page_is_read_as_the_browser_shows_it_by_its_name_or_its_opening():
    # tests/data/html/000.html: seed 000 as LibreOffice saves its Word document as a web page.
    page = (Path(__file__).parent / "data" / "html" / "000.html").read_bytes()
    by_name = read_document(page, name="000.html")
    assert any(line.endswith("]第1条（目的）") for line in by_name.splitlines()) and "<" not in by_name
    assert read_document(page, name="000.txt") == by_name          # it opens with <!DOCTYPE html>
    assert read_document(page.replace(b"<!DOCTYPE html>", b""), name="000", media_type="text/html") == by_name
    assert read_document(seed_text("000").encode(), name="000.html") == seed_text("000")  # no markup: text

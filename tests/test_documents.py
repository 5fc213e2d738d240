"""Reading uploaded files: encodings detected, .docx read in order, bad files refused by name."""

from __future__ import annotations

import io

import docx
import pytest

from conftest import seed_text
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

"""PDF contracts: a PDF printed from a contract reads as the contract's text, compares like it, and a
PDF that cannot be read (encrypted, cut off, scanned, too long, too slow, a bomb) is a 422 saying why.

The PDFs in tests/data/pdf were printed from the seed texts by LibreOffice (tests/data/pdf/make.py
says how); the scans, the blank pages and the bombs are made here.
"""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pytest
from test_uploads import problem, upload

from conftest import dev_text, seed_text
from nlp.documents import DocumentLimits, read_document
from nlp.errors import DocumentLimitExceeded, UnreadableDocument
from nlp.pdf import Line, Page, check_text_layer, layout_text
from nlp.structure import parse
from nlp.text import normalize
from service import create_app

PDF = Path(__file__).parent / "data" / "pdf"
COMPARE = "/v1/compare"


def pdf_file(name: str) -> bytes:
    return (PDF / f"{name}.pdf").read_bytes()


def visible_lines(text: str) -> list[str]:
    """The lines that hold text, without blanks: a PDF keeps no spaces where LibreOffice drew none."""
    return [re.sub(r"\s", "", line) for line in text.splitlines() if line.strip()]


def scanned(page_of: bytes) -> bytes:
    """A PDF whose one page is a 50 dpi picture of the first page of ``page_of``, as a scanner makes."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(page_of)
    width, height = source[0].get_size()
    scan = pdfium.PdfDocument.new()
    page = scan.new_page(width, height)
    image = pdfium.PdfImage.new(scan)
    image.set_bitmap(source[0].render(scale=50 / 72))
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    return saved(scan)


def joined(*documents: bytes) -> bytes:
    """One PDF of the pages of each document in turn."""
    import pypdfium2 as pdfium

    whole = pdfium.PdfDocument.new()
    for document in documents:
        whole.import_pages(pdfium.PdfDocument(document))
    return saved(whole)


def blank_pages(count: int) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(count):
        document.new_page(595, 842)
    return saved(document)


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def decompression_bomb(megabytes: int) -> bytes:
    """A one-page PDF whose content stream packs ``megabytes`` MB of blanks into a few hundred KB."""
    packer = zlib.compressobj(9)
    stream = b"".join(packer.compress(b" " * 2**20) for _ in range(megabytes)) + packer.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


# Reading


@pytest.mark.parametrize("pdf, source", [
    ("000", seed_text("000")),                       # a text file printed by LibreOffice
    ("000_counter_otsu", dev_text("000_counter_otsu")),  # a Word file: running header, - N -, justified
    ("001_numbered", seed_text("001")),              # a Word file with N / M page numbers
])
def test_a_printed_contract_reads_back_as_its_text(pdf, source):
    text = read_document(pdf_file(pdf), name=f"{pdf}.pdf")
    assert normalize(text).text == normalize(source).text
    # Line for line: wrapped lines joined again, 第N条 and full-width characters as typed.
    assert visible_lines(text) == visible_lines(source)


def test_articles_read_from_a_pdf_are_the_articles_of_its_text():
    text = read_document(pdf_file("001_numbered"), name="001.pdf")
    labels = [(article.label, article.heading) for article in parse(text).articles]
    assert labels == [(article.label, article.heading) for article in parse(seed_text("001")).articles]
    assert labels[11] == ("第12条", "秘密保持")


def test_running_headers_and_page_numbers_are_left_out():
    counter = read_document(pdf_file("000_counter_otsu"), name="乙修正案.pdf")
    numbered = read_document(pdf_file("001_numbered"), name="001.pdf")
    assert "乙修正案）" not in counter and not re.search(r"(?m)^- \d+ -$", counter)
    assert not re.search(r"(?m)^\d+ / \d+$", numbered)


def test_a_pdf_that_only_forbids_printing_and_copying_is_read():
    # An owner password restricts what a viewer allows; the file opens, and its text is the contract's.
    text = read_document(pdf_file("restricted"), name="restricted.pdf")
    assert visible_lines(text) == visible_lines("\n".join(seed_text("000").splitlines()[:7]))


def test_a_pdf_is_known_by_its_content_whatever_its_name():
    assert read_document(pdf_file("000"), name="contract.txt") == read_document(pdf_file("000"), name="000.pdf")


# Comparing


@pytest.fixture(scope="module")
def json_answer(app):
    body = {"original": {"text": seed_text("000")}, "revised": {"text": dev_text("000_counter_otsu")}}
    return app.test_client().post(COMPARE, json=body).get_json()


def test_a_pdf_compares_equal_to_the_text_it_was_printed_from(client):
    response = upload(client, {"original": (seed_text("000").encode(), "甲案.txt"),
                               "revised": (pdf_file("000"), "甲案.pdf")})
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["changes"] == []
    assert answer["summary"]["modified"] == answer["summary"]["inserted"] == answer["summary"]["deleted"] == 0
    assert answer["meta"]["revised_name"] == "甲案.pdf"


def test_a_pdf_counter_draft_reports_the_changes_of_its_text(client, json_answer):
    response = upload(client, {"original": (seed_text("000").encode(), "甲案.txt"),
                               "revised": (pdf_file("000_counter_otsu"), "乙修正案.pdf")})
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["summary"] == json_answer["summary"]
    assert [c["summary"] for c in answer["changes"]] == [c["summary"] for c in json_answer["changes"]]
    assert "秘密保持義務の存続期間: 5年間 → 3年間" in [c["summary"] for c in answer["changes"]]


def test_a_redline_of_pdf_uploads_is_the_redline_of_their_texts(client):
    files = {"original": (seed_text("000").encode(), "甲案.txt"), "revised": (pdf_file("000_counter_otsu"), "乙修正案.pdf")}
    response = upload(client, files, path="/v1/redline?format=csv")
    body = {"original": {"text": seed_text("000")}, "revised": {"text": dev_text("000_counter_otsu")}}
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.data == client.post("/v1/redline?format=csv", json=body).data


def test_drift_reads_pdf_documents(client):
    documents = [(io.BytesIO(pdf_file("000")), "写し.pdf"), (io.BytesIO(pdf_file("000_counter_otsu")), "乙修正案.pdf")]
    response = client.post("/v1/drift", data={"template": (io.BytesIO(seed_text("000").encode()), "雛形.txt"),
                                              "documents": documents}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    drifts = {document["name"]: document["drift"] for document in response.get_json()["documents"]}
    assert drifts["写し.pdf"] == 0 and drifts["乙修正案.pdf"] > 0.1


# PDFs that cannot be compared: each a 422 that names the file and says what to do


def refused(client, pdf: bytes, name: str = "contract.pdf") -> str:
    files = {"original": (seed_text("000").encode(), "甲案.txt"), "revised": (pdf, name)}
    detail = problem(upload(client, files), 422, "unreadable-document")["detail"]
    assert detail.startswith(f"{name}: ")
    return detail


def test_a_password_protected_pdf_asks_for_the_password_to_be_removed(client):
    detail = refused(client, pdf_file("secret"), "secret.pdf")
    assert "password-protected" in detail and "without one" in detail


def test_a_pdf_cut_off_in_transfer_is_truncated(client):
    whole = pdf_file("000")
    assert "truncated" in refused(client, whole[:len(whole) // 2])


def test_a_pdf_whose_body_is_junk_is_damaged(client):
    detail = refused(client, b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    assert "damaged" in detail and "Export it again" in detail


def test_a_scanned_pdf_needs_ocr_first(client):
    detail = refused(client, scanned(pdf_file("000")), "scan.pdf")
    assert "no text layer" in detail and "OCR" in detail


def test_a_scanned_page_among_typed_ones_is_refused_naming_it(client):
    detail = refused(client, joined(pdf_file("000"), scanned(pdf_file("000"))))
    assert "page 3 is a picture without a text layer" in detail and "OCR" in detail


def test_blank_pages_have_no_text(client):
    assert "has no text on its 3 pages" in refused(client, blank_pages(3))


def test_a_picture_named_pdf_is_not_a_pdf(client):
    detail = refused(client, b"\x89PNG\r\n\x1a\n" + bytes(300), "scan.pdf")
    assert "named like a PDF but its content is not one" in detail


def test_too_many_pages_are_refused_with_the_setting_that_raises_the_limit(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "", "MAX_PDF_PAGES": 1})
    app.extensions["engine"] = engine
    detail = refused(app.test_client(), pdf_file("000"))
    assert "has 2 pages; the limit is 1" in detail and "CONTRACTDIFF_MAX_PDF_PAGES" in detail


def test_a_pdf_that_reads_too_slowly_is_stopped_with_the_setting_that_allows_more(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "",
                      "PDF_TIMEOUT_SECONDS": 0.001})
    app.extensions["engine"] = engine
    detail = refused(app.test_client(), pdf_file("000"))
    assert "could not be read within 0.001 s" in detail and "CONTRACTDIFF_PDF_TIMEOUT_SECONDS" in detail


def test_the_files_of_a_request_are_read_within_its_deadline(engine):
    app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "",
                      "REQUEST_DEADLINE_SECONDS": 0.01})
    app.extensions["engine"] = engine
    files = {"original": (pdf_file("000"), "甲案.pdf"), "revised": (pdf_file("000_counter_otsu"), "乙修正案.pdf")}
    response = upload(app.test_client(), files)
    assert problem(response, 503, "deadline-exceeded")["detail"].startswith("The request ran out of time while reading")
    assert response.headers["Retry-After"]


def test_a_decompression_bomb_ends_the_reader_not_the_worker():
    with pytest.raises(UnreadableDocument, match="bomb.pdf: could not be read: the PDF reader stopped"):
        read_document(decompression_bomb(160), name="bomb.pdf", limits=DocumentLimits(pdf_memory_bytes=96 * 2**20))


def test_the_limits_raised_are_named_for_the_caller():
    with pytest.raises(DocumentLimitExceeded) as raised:
        read_document(pdf_file("000"), name="000.pdf", limits=DocumentLimits(max_pdf_pages=1))
    assert raised.value.limit == "max_pdf_pages"


# Layout, on lines as PDFium gives them


def printed(text: str, *, chars_per_line: int = 31, lines_per_page: int = 40, header: str = "",
            footer: str = "") -> list[Page]:
    """``text`` laid out as a PDF would show it: each line wrapped at ``chars_per_line`` characters
    of 10 pt, pages of ``lines_per_page`` lines, ``header`` and ``footer`` ({page}, {pages}) on each.

    No paragraph of seeds 002 and 004 that ends without 。 fills its last line to 31 characters, or
    to one short of them: such a line looks like a wrap to any reader of the page.
    """
    size, left, top = 10.0, 72.0, 770.0
    rows = [line[start:start + chars_per_line] for line in text.splitlines() if line.strip()
            for start in range(0, len(line), chars_per_line)]
    chunks = [rows[start:start + lines_per_page] for start in range(0, len(rows), lines_per_page)]
    pages = []
    for number, chunk in enumerate(chunks, 1):
        lines = [Line(row, left, left + size * len(row), top - size * 1.5 * index - size, top - size * 1.5 * index,
                      size, size) for index, row in enumerate(chunk)]
        if header:
            lines.insert(0, Line(header, left, left + size * len(header), 800.0, 810.0, size, size))
        if footer:
            mark = footer.format(page=number, pages=len(chunks))
            lines.append(Line(mark, 290.0, 290.0 + 5 * len(mark), 40.0, 50.0, size, size))
        pages.append(Page(tuple(lines)))
    return pages


def test_lines_wrapped_by_the_page_width_are_joined_again():
    source = seed_text("004")
    assert visible_lines(layout_text(printed(source))) == visible_lines(source)


@pytest.mark.parametrize("footer", ["- {page} -", "{page} / {pages}", "{page}", "Page {page}"])
def test_page_numbers_and_a_running_header_are_dropped(footer):
    source = seed_text("002")
    text = layout_text(printed(source, header="運用・サポートに関する同意書（案）", footer=footer))
    assert visible_lines(text) == visible_lines(source)


def test_a_line_that_repeats_in_the_body_is_kept():
    # Both signature blocks end in 日付：…; on two pages that is not a running footer.
    source = seed_text("002")
    assert visible_lines(layout_text(printed(source, lines_per_page=12))) == visible_lines(source)


def test_a_text_layer_of_unmapped_glyphs_is_refused():
    pages = [Page((Line("\ufffd" * 30, 72, 372, 700, 710, 10),), unmapped=30)]
    with pytest.raises(UnreadableDocument, match="x.pdf: its text layer does not say which characters"):
        check_text_layer(pages, name="x.pdf")

"""The negotiator's own Word files: read as they choose (tracked changes accepted or rejected), and
exported as the same file with the comparison as tracked changes."""

from __future__ import annotations

import io

import docx
from docx.oxml import parse_xml

from nlp.documents import View, read_document

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LIST = ('<w:abstractNum {W} w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:suff w:val="nothing"/><w:lvlText w:val="第%1条"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimal"/><w:suff w:val="space"/><w:lvlText w:val="%2."/></w:lvl></w:abstractNum>')


def with_body_xml(body: str, *, numbered: bool = False) -> bytes:
    """A .docx whose body is ``body`` (as Word writes tracked changes); ``numbered``: list 3 is 第%1条, %2."""
    document = docx.Document()
    if numbered:
        numbering = document.part.numbering_part.element
        for child in list(numbering):
            numbering.remove(child)
        numbering.append(parse_xml(LIST.format(W=W)))
        numbering.append(parse_xml(f'<w:num {W} w:numId="3"><w:abstractNumId w:val="7"/></w:num>'))
    for paragraph in parse_xml(f"<w:body {W}>{body}</w:body>"):
        document.element.body.insert(len(document.element.body) - 1, paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def numbered(level: int) -> str:
    return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="3"/></w:numPr>'


ROUND = with_body_xml(
    '<w:p><w:r><w:t>3. 契約終了後も</w:t></w:r>'
    '<w:del w:id="1" w:author="乙"><w:r><w:delText>5</w:delText></w:r></w:del>'
    '<w:ins w:id="2" w:author="乙"><w:r><w:t>3</w:t></w:r></w:ins>'
    '<w:r><w:t>年間、秘密保持義務は存続する。</w:t></w:r></w:p>'
    '<w:p><w:pPr><w:rPr><w:ins w:id="3" w:author="乙"/></w:rPr></w:pPr>'
    '<w:ins w:id="4" w:author="乙"><w:r><w:t>4. 前項の義務は、法令に基づく開示には及ばない。</w:t></w:r></w:ins></w:p>'
    '<w:p><w:pPr><w:rPr><w:del w:id="5" w:author="乙"/></w:rPr></w:pPr>'
    '<w:del w:id="6" w:author="乙"><w:r><w:delText>第10条（存続条項）</w:delText></w:r></w:del></w:p>'
    '<w:p><w:r><w:t>第11条（協議）</w:t></w:r></w:p>')


# Reading an earlier round ---------------------------------------------------------------------


def test_a_file_with_tracked_changes_reads_accepted_unless_asked_for_the_original():
    assert read_document(ROUND, name="乙修正案.docx").splitlines() == [
        "3. 契約終了後も3年間、秘密保持義務は存続する。", "4. 前項の義務は、法令に基づく開示には及ばない。", "第11条（協議）"]
    assert read_document(ROUND, name="乙修正案.docx", view=View.ORIGINAL).splitlines() == [
        "3. 契約終了後も5年間、秘密保持義務は存続する。", "第10条（存続条項）", "第11条（協議）"]


def test_a_numbered_paragraph_deleted_whole_is_not_counted_once_accepted():
    data = with_body_xml(
        f'<w:p><w:pPr>{numbered(0)}</w:pPr><w:r><w:t>（目的）</w:t></w:r></w:p>'
        f'<w:p><w:pPr>{numbered(0)}<w:rPr><w:del w:id="1" w:author="乙"/></w:rPr></w:pPr>'
        '<w:del w:id="2" w:author="乙"><w:r><w:delText>（禁止事項）</w:delText></w:r></w:del></w:p>'
        f'<w:p><w:pPr>{numbered(0)}</w:pPr><w:r><w:t>（秘密保持）</w:t></w:r></w:p>', numbered=True)
    assert read_document(data, name="d.docx").splitlines() == ["第1条（目的）", "第2条（秘密保持）"]
    assert read_document(data, name="d.docx", view=View.ORIGINAL).splitlines() == [
        "第1条（目的）", "第2条（禁止事項）", "第3条（秘密保持）"]


def test_a_paragraph_whose_numbering_changed_reads_with_its_old_numbering_once_rejected():
    data = with_body_xml(
        f'<w:p><w:pPr>{numbered(0)}</w:pPr><w:r><w:t>（損害賠償）</w:t></w:r></w:p>'
        f'<w:p><w:pPr>{numbered(1)}<w:pPrChange w:id="1" w:author="乙"><w:pPr/></w:pPrChange></w:pPr>'
        '<w:r><w:t>当事者は、相手方に損害を与えた場合、これを賠償する。</w:t></w:r></w:p>', numbered=True)
    assert read_document(data, name="d.docx").splitlines()[1] == "1. 当事者は、相手方に損害を与えた場合、これを賠償する。"
    assert read_document(data, name="d.docx", view=View.ORIGINAL).splitlines()[1] == (
        "当事者は、相手方に損害を与えた場合、これを賠償する。")


def test_table_rows_inserted_or_deleted_read_as_the_view_has_them():
    row = '<w:tr>{}<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr>'
    data = with_body_xml(
        "<w:tbl>" + row.format("", "基本料", "月額10万円")
        + row.format('<w:trPr><w:ins w:id="1" w:author="乙"/></w:trPr>', "保守料", "月額2万円")
        + row.format('<w:trPr><w:del w:id="2" w:author="乙"/></w:trPr>', "初期費用", "50万円") + "</w:tbl>")
    assert read_document(data, name="t.docx").splitlines() == ["基本料\t月額10万円", "保守料\t月額2万円"]
    assert read_document(data, name="t.docx", view=View.ORIGINAL).splitlines() == ["基本料\t月額10万円", "初期費用\t50万円"]

"""Word's automatic numbering reads as the numbers Word shows, so a Word-numbered contract reads like a typed one."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml import parse_xml

from conftest import seed_text
from nlp.compare import compare
from nlp.documents import read_document
from nlp.numbering import format_number
from nlp.structure import parse
from nlp.text import BOOKMARK

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
ARTICLE_LINE = re.compile(r"^第(\d+)条(.*)$")
PARAGRAPH_LINE = re.compile(r"^(\d+)\. (.*)$")


def level(index: int, number_format: str, text: str, *, start: int = 1, suffix: str = "nothing",
          style: str | None = None) -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (f'<w:lvl w:ilvl="{index}"><w:start w:val="{start}"/><w:numFmt w:val="{number_format}"/>'
            f'{style_xml}<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/></w:lvl>')


def numbered_document(paragraphs: list[tuple], levels: list[str], *,
                      nums: dict[str, str] | None = None) -> bytes:
    """A .docx of paragraphs (level, text[, numId]) numbered by Word with one list of ``levels``."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="7">{"".join(levels)}</w:abstractNum>'))
    for num_id, extra in (nums or {"3": ""}).items():
        numbering.append(parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="7"/>{extra}</w:num>'))
    for item in paragraphs:
        depth, text, num_id = item if len(item) == 3 else (*item, "3")
        paragraph = document.add_paragraph(text)
        if depth is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {W}><w:ilvl w:val="{depth}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def word_numbered(text: str, article_format: str = "decimal") -> bytes:
    """A contract whose 第N条 and 1. 2. 3. are Word's numbering instead of typed text."""
    paragraphs: list[tuple[int | None, str]] = []
    for raw in text.splitlines():
        line = BOOKMARK.sub("", raw)
        if article := ARTICLE_LINE.match(line):
            paragraphs.append((0, article.group(2)))
        elif paragraph := PARAGRAPH_LINE.match(line):
            paragraphs.append((1, paragraph.group(2)))
        else:
            paragraphs.append((None, line))
    return numbered_document(paragraphs, [level(0, article_format, "第%1条"),
                                          level(1, "decimal", "%2.", suffix="space")])


@pytest.mark.parametrize("number, number_format, written", [
    (7, "decimal", "7"),
    (7, "decimalFullWidth", "７"),
    (10, "japaneseCounting", "十"),
    (12, "japaneseCounting", "十二"),
    (2024, "japaneseCounting", "二千二十四"),
    (3, "aiueoFullWidth", "ウ"),
    (2, "irohaFullWidth", "ロ"),
    (1, "decimalEnclosedCircle", "①"),
    (21, "decimalEnclosedCircle", "㉑"),
    (3, "ideographTraditional", "丙"),
    (4, "upperRoman", "IV"),
    (28, "lowerLetter", "bb"),
    (5, "someFormatWordAddsLater", "5"),
])
def test_each_number_format_is_written_as_word_writes_it(number, number_format, written):
    assert format_number(number, number_format) == written


def test_a_contract_numbered_by_word_compares_equal_to_the_typed_one(engine):
    typed = seed_text("000")
    numbered = read_document(word_numbered(typed), name="000.docx")
    summary = compare(typed, numbered, engine=engine).summary
    # 17 articles, and the title, preamble and signature block
    assert (summary.equal, summary.modified, summary.inserted, summary.deleted) == (17 + 3, 0, 0, 0)


def test_kanji_article_numbers_from_word_read_as_article_numbers():
    numbered = read_document(word_numbered(seed_text("000"), "japaneseCounting"), name="000.docx")
    articles = parse(numbered).articles
    assert [a.label for a in articles[9:12]] == ["第十条", "第十一条", "第十二条"]
    assert [a.number for a in articles] == list(range(1, 18))


def test_paragraph_numbers_restart_in_each_article():
    numbered = read_document(word_numbered(seed_text("000")), name="000.docx")
    article = next(a for a in parse(numbered).articles if a.number == 9)
    assert [p.label for p in article.paragraphs] == [None, "1.", "2.", "3."]
    assert "3. 契約終了後も5年間、秘密保持義務は存続する。" in numbered


def test_items_count_within_their_paragraph_and_restart_under_the_next():
    text = read_document(numbered_document(
        [(0, "（解除）"), (1, "甲は、次の場合に解除できる。"), (2, "破産"), (2, "差押え"),
         (1, "乙は、次の場合に解除できる。"), (2, "支払停止")],
        [level(0, "decimal", "第%1条"), level(1, "decimalFullWidth", "%2", suffix="space"),
         level(2, "decimal", "（%3）", suffix="space")]), name="n.docx")
    assert text.splitlines() == ["第1条（解除）", "１ 甲は、次の場合に解除できる。", "（1） 破産", "（2） 差押え",
                                 "２ 乙は、次の場合に解除できる。", "（1） 支払停止"]


def test_a_restarted_list_starts_again_and_a_continued_one_goes_on():
    restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    text = read_document(numbered_document(
        [(0, "甲の義務", "3"), (0, "乙の義務", "3"), (0, "別紙の一", "4"), (0, "別紙の二", "4")],
        [level(0, "aiueoFullWidth", "%1", suffix="space")], nums={"3": "", "4": restart}), name="n.docx")
    assert text.splitlines() == ["ア 甲の義務", "イ 乙の義務", "ア 別紙の一", "イ 別紙の二"]


def test_numbering_given_by_a_paragraph_style_is_read():
    document = docx.Document(io.BytesIO(numbered_document([], [level(0, "decimal", "第%1条", style="Heading1")])))
    heading = document.styles["Heading 1"].element
    heading.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:numId w:val="3"/></w:numPr>'))
    document.add_paragraph("（目的）", style="Heading 1")
    document.add_paragraph("本契約は、業務委託の条件を定める。")
    document.add_paragraph("（秘密保持）", style="Heading 1")
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_document(buffer.getvalue(), name="s.docx").splitlines() == [
        "第1条（目的）", "本契約は、業務委託の条件を定める。", "第2条（秘密保持）"]


def test_a_bullet_in_a_symbol_font_reads_as_a_middle_dot():
    text = read_document(numbered_document(
        [(0, "破産の申立て"), (0, "資産の差押え")], [level(0, "bullet", "\uf0b7", suffix="space")]), name="b.docx")
    assert text.splitlines() == ["・ 破産の申立て", "・ 資産の差押え"]

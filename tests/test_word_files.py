"""The negotiator's own Word files: read as they choose (tracked changes accepted or rejected), and
exported as the same file with the comparison as tracked changes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.shared import Mm, Pt
from lxml import etree
from test_hostile_files import HOSTILE

from conftest import dev_text, seed_text
from nlp.compare import compare
from nlp.documents import View, read_document
from nlp.exports import Draft, Format, export
from nlp.structure import parse
from nlp.text import BOOKMARK, normalize

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
WN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
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


def number_properties(level: int):
    return parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="3"/></w:numPr>')


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


# Documents as a counterparty sends them -------------------------------------------------------

ARTICLE = re.compile(r"^第(\d+)条(.*)$")
ITEM = re.compile(r"^(\d+)\. (.*)$")
DEFINITION = re.compile(r"^(「[^」]+」)とは、(.*)$")
ITEM_SIZE = Pt(10.5)
AUTHOR = "甲社 法務部"
WHEN = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def styled_contract(text: str, header: str) -> bytes:
    """A contract as Word users write one: 第%1条 and %2. numbered by Word, headings in a style of
    their own (bold, 12 pt), paragraphs in another, the definitions of 第2条 as a table, a header
    and a footer, and margins of their own."""
    document = docx.Document()
    styles = document.styles
    heading = styles.add_style("条見出し", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = styles["Normal"]
    heading.font.bold = True
    heading.font.size = Pt(12)
    heading.paragraph_format.keep_with_next = True
    item = styles.add_style("項", WD_STYLE_TYPE.PARAGRAPH)
    item.base_style = styles["Normal"]
    item.paragraph_format.left_indent = Mm(4)
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    numbering.append(parse_xml(LIST.format(W=W)))
    numbering.append(parse_xml(f'<w:num {W} w:numId="3"><w:abstractNumId w:val="7"/></w:num>'))
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = "秘 ― 取扱注意"
    rows: list[tuple[str, str]] = []

    def flush() -> None:
        if rows:
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for term, meaning in rows:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = term, meaning
            rows.clear()

    title = True
    for raw in text.splitlines():
        line = BOOKMARK.sub("", raw)
        item_line = ITEM.match(line)
        if item_line and (definition := DEFINITION.match(item_line.group(2))):
            rows.append((definition.group(1), definition.group(2)))
            continue
        flush()
        if article := ARTICLE.match(line):
            paragraph = document.add_paragraph(style="条見出し")
            paragraph.add_run(article.group(2))
            paragraph._p.get_or_add_pPr().append(number_properties(0))
        elif item_line:
            paragraph = document.add_paragraph(style="項")
            paragraph.add_run(item_line.group(2)).font.size = ITEM_SIZE
            paragraph._p.get_or_add_pPr().append(number_properties(1))
        elif title and line.strip():
            document.add_paragraph(line, style="Title")
            title = False
        else:
            document.add_paragraph(line)
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def counter_draft() -> str:
    """乙's counter-draft of seed 000, with a definition changed and one added to the table."""
    return (dev_text("000_counter_otsu")
            .replace("通常の利用が困難となる事象", "通常の利用が著しく困難となる事象")
            .replace("5. 「秘密情報」とは、接続仕様、技術情報、アカウント情報、事業情報その他一切の非公開情報をいう。",
                     "5. 「秘密情報」とは、接続仕様、技術情報、アカウント情報、事業情報その他一切の非公開情報をいう。\n"
                     "6. 「検証環境」とは、第6条に定める接続試験用の環境をいう。"))


ORIGINAL_FILE = styled_contract(seed_text("000"), "接続契約（甲案）")
REVISED_FILE = styled_contract(counter_draft(), "接続契約（乙修正案）")
ORIGINAL = read_document(ORIGINAL_FILE, name="甲案.docx")
REVISED = read_document(REVISED_FILE, name="乙修正案.docx")


def tracked(comparison, original: Draft, revised: Draft) -> bytes:
    return export(Format.DOCX, comparison, original, revised, author=AUTHOR, date=WHEN).content


@pytest.fixture(scope="module")
def on_revised(engine) -> bytes:
    """The revised file with the changes from the original (sent as text) tracked in it."""
    comparison = compare(ORIGINAL, REVISED, engine=engine)
    return tracked(comparison, Draft(ORIGINAL, "甲案.txt"), Draft(REVISED, "乙修正案.docx", REVISED_FILE))


@pytest.fixture(scope="module")
def on_original(engine) -> bytes:
    """Only the original came as a file: the changes that make it the revised draft, tracked in it."""
    comparison = compare(ORIGINAL, REVISED, engine=engine)
    return tracked(comparison, Draft(ORIGINAL, "甲案.docx", ORIGINAL_FILE), Draft(REVISED, "乙修正案.txt"))


def part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def marked(data: bytes, tag: str, *, author: str | None = None) -> list[str]:
    """The text inside each w:ins, w:del, w:moveFrom or w:moveTo holding runs (by ``author``)."""
    found = []
    for mark in part(data, "word/document.xml").iter(f"{WN}{tag}"):
        text = "".join(t.text or "" for t in mark.iter(f"{WN}t", f"{WN}delText"))
        if text and (author is None or mark.get(f"{WN}author") == author):
            found.append(text)
    return found


def visible(text: str) -> list[str]:
    """The lines a reader sees, without Word export residue."""
    lines = (BOOKMARK.sub("", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def test_the_export_is_the_revised_file_with_its_styles_numbering_table_header_and_page(on_revised):
    for name in ("word/styles.xml", "word/numbering.xml", "word/header1.xml", "word/footer1.xml"):
        assert etree.tostring(part(on_revised, name)) == etree.tostring(part(REVISED_FILE, name)), name
    document = docx.Document(io.BytesIO(on_revised))
    assert document.styles["条見出し"].font.bold and document.styles["条見出し"].font.size == Pt(12)
    headings = [p for p in document.paragraphs if p.style.name == "条見出し"]
    assert len(headings) >= 17 and all(p._p.pPr.numPr is not None for p in headings)
    assert not any(ARTICLE.match(p.text) for p in document.paragraphs)   # no number typed in
    assert len(document.tables) == 1 and document.tables[0].style.name == "Table Grid"
    page = [etree.tostring(part(data, "word/document.xml").find(f"{WN}body/{WN}sectPr"))
            for data in (on_revised, REVISED_FILE)]
    assert page[0] == page[1] and b"w:left=\"1701\"" in page[0]   # 30 mm
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "接続契約（乙修正案）"
    assert section.footer.paragraphs[0].text == "秘 ― 取扱注意"


def test_the_changes_are_tracked_by_the_author_given(on_revised):
    assert "変更の90" in marked(on_revised, "ins") and "原則として30" in marked(on_revised, "del")
    assert "（検証環境の提供）" in marked(on_revised, "ins")         # an inserted article, its number automatic
    assert "（禁止事項）" in marked(on_revised, "del")               # a deleted one, where it stood
    body = part(on_revised, "word/document.xml")
    marks = [m for tag in ("ins", "del") for m in body.iter(f"{WN}{tag}")]
    assert {m.get(f"{WN}author") for m in marks} == {AUTHOR}
    assert {m.get(f"{WN}date") for m in marks} == {"2026-04-01T09:30:00Z"}
    ids = [m.get(f"{WN}id") for m in body.iter() if m.tag in {f"{WN}{t}" for t in ("ins", "del", "pPrChange")}]
    assert len(ids) == len(set(ids))
    assert part(on_revised, "word/settings.xml").find(f"{WN}trackRevisions") is not None


def test_inserted_and_deleted_runs_keep_the_properties_of_the_text_around_them(on_revised):
    body = part(on_revised, "word/document.xml")
    deletion = next(m for m in body.iter(f"{WN}del") if "".join(m.itertext()) == "原則として30")
    insertion = deletion.getnext()
    kept = deletion.getprevious()
    assert insertion.tag == f"{WN}ins" and kept.tag == f"{WN}r"
    size = f"{WN}rPr/{WN}sz"
    assert kept.find(size).get(f"{WN}val") == "21"
    assert deletion.find(f"{WN}r/{size}").get(f"{WN}val") == insertion.find(f"{WN}r/{size}").get(f"{WN}val") == "21"


def test_a_changed_table_cell_is_tracked_in_its_cell_and_an_added_row_as_a_row(on_revised):
    table = part(on_revised, "word/document.xml").find(f".//{WN}tbl")
    assert "著しく" in ["".join(m.itertext()) for m in table.iter(f"{WN}ins")]
    added = [row for row in table.iter(f"{WN}tr") if row.find(f"{WN}trPr/{WN}ins") is not None]
    assert ["".join(row.itertext()) for row in added] == ["「検証環境」第6条に定める接続試験用の環境をいう。"]


def test_accepting_every_change_gives_the_revised_draft_and_rejecting_every_change_the_original(on_revised):
    assert read_document(on_revised, name="e.docx") == REVISED
    assert visible(read_document(on_revised, name="e.docx", view=View.ORIGINAL)) == visible(ORIGINAL)


def test_each_articles_changes_are_a_comment_on_its_heading(on_revised):
    comments = "".join(part(on_revised, "word/comments.xml").itertext())
    assert "秘密保持義務の存続期間: 5年間 → 3年間（減少）" in comments
    assert "仕様変更の通知期限: 30日前まで → 90日前まで（増加）" in comments


def test_only_the_original_as_a_file_carries_the_changes_that_make_it_the_revised_draft(on_original):
    document = docx.Document(io.BytesIO(on_original))
    assert document.sections[0].header.paragraphs[0].text == "接続契約（甲案）"
    assert "原則として30" in marked(on_original, "del") and "変更の90" in marked(on_original, "ins")
    assert "（禁止事項）" in marked(on_original, "del") and "（検証環境の提供）" in marked(on_original, "ins")
    assert visible(read_document(on_original, name="e.docx")) == visible(REVISED)
    assert read_document(on_original, name="e.docx", view=View.ORIGINAL) == ORIGINAL


# A second reader of tracked changes -----------------------------------------------------------

SYSTEM_PYTHON = "/usr/bin/python3"


def libreoffice_can_resolve_changes() -> bool:
    if shutil.which("soffice") is None or not Path(SYSTEM_PYTHON).exists():
        return False
    found = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    return found.returncode == 0


needs_libreoffice = pytest.mark.skipif(not libreoffice_can_resolve_changes(),
                                       reason="LibreOffice with its Python bridge (python3-uno) is not installed")


def libreoffice(data: bytes, mode: str, tmp_path: Path) -> str:
    """The text of ``data`` once LibreOffice accepted (or rejected) every change and saved it again."""
    source, target = tmp_path / f"in-{mode}.docx", tmp_path / f"out-{mode}.docx"
    source.write_bytes(data)
    helper = Path(__file__).with_name("libreoffice_changes.py")
    result = subprocess.run([SYSTEM_PYTHON, str(helper), mode, str(source), str(target), str(tmp_path / "profile")],
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0 and target.exists(), result.stderr
    return read_document(target.read_bytes(), name="libreoffice.docx")


@needs_libreoffice
@pytest.mark.parametrize("base", ["revised", "original"])
def test_libreoffice_accepting_and_rejecting_every_change_gives_the_two_drafts(base, on_revised, on_original, tmp_path):
    data = on_revised if base == "revised" else on_original
    assert visible(libreoffice(data, "accept", tmp_path)) == visible(REVISED)
    assert visible(libreoffice(data, "reject", tmp_path)) == visible(ORIGINAL)


# A moved article ---------------------------------------------------------------------------------


def moved_up(text: str) -> str:
    """``text`` (seed 000) with its 第15条 moved up before 第5条, one phrase in it changed."""
    articles = parse(text).articles
    article, before = articles[14].span, articles[4].span.start
    return (text[:before] + article.slice(text).replace("第三者に譲渡", "第三者に承諾なく譲渡") + "\n\n"
            + text[before:article.start] + text[article.end:])


@pytest.fixture(scope="module")
def moved(engine):
    """The revised file with its 第15条 moved up before 第5条 (and one phrase in it changed)."""
    data = styled_contract(moved_up(seed_text("000")), "接続契約（乙修正案）")
    revised = read_document(data, name="moved.docx")
    comparison = compare(ORIGINAL, revised, engine=engine)
    assert [clause.original.label for clause in comparison.clauses if clause.moved] == ["第15条"]
    return tracked(comparison, Draft(ORIGINAL), Draft(revised, "moved.docx", data)), revised


def test_a_moved_article_is_a_move_on_the_file_and_its_changed_words_are_tracked_inside_it(moved):
    data, revised = moved
    assert "（地位の譲渡禁止）" in marked(data, "moveFrom") and "（地位の譲渡禁止）" in marked(data, "moveTo")
    assert "承諾なく" in marked(data, "ins")
    body = part(data, "word/document.xml")
    names = [{m.get(f"{WN}name") for m in body.iter(f"{WN}{tag}RangeStart")} for tag in ("moveFrom", "moveTo")]
    assert names[0] == names[1] == {"move1"}
    assert read_document(data, name="moved.docx") == revised
    assert visible(read_document(data, name="moved.docx", view=View.ORIGINAL)) == visible(ORIGINAL)


# An earlier round --------------------------------------------------------------------------------

OTSU = "乙社 法務部"


def edited_without_tracking(data: bytes, old: str, new: str) -> bytes:
    """``data`` with ``old`` replaced in the text of a run, as an edit made with tracking off."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in archive.infolist():
            content = archive.read(entry)
            if entry.filename == "word/document.xml":
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode(), 1)
            copy.writestr(entry, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def second_round(engine, on_revised):
    """乙's file of the first round (its changes tracked by 乙, and 乙's comments), edited once more
    by 乙 with tracking off, compared by 甲 with the original: the file 甲 gets back."""
    first = export(Format.DOCX, compare(ORIGINAL, REVISED, engine=engine), Draft(ORIGINAL),
                   Draft(REVISED, "乙修正案.docx", REVISED_FILE), author=OTSU, date=WHEN).content
    sent = edited_without_tracking(first, "本契約は日本法を準拠法とする。", "本契約は日本国の法令を準拠法とする。")
    revised = read_document(sent, name="乙修正案2.docx")
    comparison = compare(ORIGINAL, revised, engine=engine)
    return tracked(comparison, Draft(ORIGINAL), Draft(revised, "乙修正案2.docx", sent)), sent, revised


def test_an_earlier_rounds_changes_and_comments_stay_beside_the_new_ones(second_round):
    data, sent, _ = second_round
    assert marked(data, "ins", author=OTSU) == marked(sent, "ins", author=OTSU)
    assert marked(data, "del", author=OTSU) == marked(sent, "del", author=OTSU)
    # What 乙 changed without tracking is the only change tracked anew.
    assert "".join(marked(data, "ins", author=AUTHOR) + marked(data, "del", author=AUTHOR)) in (
        "国の法令", "日本国の法令日本法", "日本法日本国の法令")
    comments = part(data, "word/comments.xml").findall(f"{WN}comment")
    assert {comment.get(f"{WN}author") for comment in comments} == {OTSU, AUTHOR}


def test_the_second_rounds_file_accepts_to_its_text_and_rejects_to_the_original(second_round):
    data, _, revised = second_round
    assert read_document(data, name="e.docx") == revised
    assert visible(read_document(data, name="e.docx", view=View.ORIGINAL)) == visible(ORIGINAL)


@needs_libreoffice
def test_libreoffice_resolves_the_second_rounds_file_to_the_same_texts(second_round, tmp_path):
    data, _, revised = second_round
    assert visible(libreoffice(data, "accept", tmp_path)) == visible(revised)
    assert visible(libreoffice(data, "reject", tmp_path)) == visible(ORIGINAL)


def test_read_as_the_original_the_second_rounds_file_shows_only_the_untracked_edit(second_round):
    _, sent, _ = second_round
    before = read_document(sent, name="乙修正案2.docx", view=View.ORIGINAL)
    assert visible(before) == visible(ORIGINAL.replace("本契約は日本法を準拠法とする。", "本契約は日本国の法令を準拠法とする。"))


# Through the service ------------------------------------------------------------------------------

REDLINE = "/v1/redline?format=docx&author=甲社 法務部"


def form(**fields) -> dict:
    return {name: (io.BytesIO(value), filename) if isinstance(value, bytes) else value
            for name, (value, filename) in fields.items()}


def test_uploading_the_revised_file_gets_that_file_back_with_the_changes_tracked(client):
    response = client.post(REDLINE, content_type="multipart/form-data", data=form(
        original=(ORIGINAL_FILE, "甲案.docx"), revised=(REVISED_FILE, "乙修正案.docx")))
    assert response.status_code == 200, response.get_data(as_text=True)
    document = docx.Document(io.BytesIO(response.data))
    assert document.sections[0].header.paragraphs[0].text == "接続契約（乙修正案）"
    assert len(document.tables) == 1 and "条見出し" in [style.name for style in document.styles]
    assert "変更の90" in marked(response.data, "ins", author=AUTHOR)
    assert read_document(response.data, name="e.docx") == REVISED
    assert visible(read_document(response.data, name="e.docx", view=View.ORIGINAL)) == visible(ORIGINAL)


def test_with_only_the_original_as_a_file_the_changes_are_tracked_on_it(client):
    response = client.post(REDLINE, content_type="multipart/form-data", data=form(
        original=(ORIGINAL_FILE, "甲案.docx"), revised=(REVISED, None)))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert docx.Document(io.BytesIO(response.data)).sections[0].header.paragraphs[0].text == "接続契約（甲案）"
    assert visible(read_document(response.data, name="e.docx")) == visible(REVISED)


def test_a_file_from_an_earlier_round_is_compared_as_the_view_asks(client, second_round):
    _, sent, _ = second_round

    def changes(**view) -> list[str]:
        response = client.post("/v1/compare", content_type="multipart/form-data", data=form(
            original=(ORIGINAL, None), revised=(sent, "乙修正案2.docx"), **view))
        assert response.status_code == 200, response.get_data(as_text=True)
        return [clause["revised"]["label"] for clause in response.get_json()["clauses"]
                if clause["status"] != "equal" and clause["revised"]]

    assert len(changes()) > 5                                   # 乙's tracked changes, accepted
    assert changes(view=("original", None)) == ["第16条"]      # only what 乙 changed untracked


def test_a_view_that_is_not_one_is_refused_before_any_file_is_read(client):
    response = client.post("/v1/compare", content_type="multipart/form-data", data=form(
        original=(ORIGINAL_FILE, "甲案.docx"), revised=(REVISED_FILE, "乙修正案.docx"), view=("rejected", None)))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"view": ["Must be one of: accepted, original."]}


@pytest.mark.parametrize("kind", ["zip bomb", "zip bomb lying about its size", "entity expansion (billion laughs)"])
def test_a_hostile_revised_file_is_refused_by_the_export_as_by_the_comparison(client, kind):
    response = client.post(REDLINE, content_type="multipart/form-data", data=form(
        original=(ORIGINAL_FILE, "甲案.docx"), revised=(HOSTILE[kind](), "revised.docx")))
    assert response.status_code == 422
    assert response.get_json()["detail"].startswith("revised.docx: ")


def test_articles_paired_out_of_order_read_in_each_drafts_own_order(engine):
    """Seed 003 (with 章 and 節 headings) against seed 000 as a Word file: unrelated contracts, whose
    articles pair by heading in another order, and whose headings between articles differ."""
    data = styled_contract(seed_text("000"), "h")
    revised = read_document(data, name="000.docx")
    original = seed_text("003")
    exported = tracked(compare(original, revised, engine=engine), Draft(original), Draft(revised, "000.docx", data))
    assert read_document(exported, name="e.docx") == revised
    rejected = read_document(exported, name="e.docx", view=View.ORIGINAL)
    assert [line for line in visible(rejected) if "章" in line or "節" in line] == [
        line for line in visible(original) if "章" in line or "節" in line]
    assert normalize(rejected).text == normalize(original).text

"""The exports of seed 000 against the other party's counter-draft: Word tracked changes, 新旧対照表,
the redline page and the changes ledger, each opened and read back."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import docx
import pytest
from lxml import etree

from conftest import dev_text, seed_text
from nlp.compare import compare
from nlp.documents import read_document
from nlp.exports import Draft, Format, export
from nlp.structure import parse
from nlp.text import BOOKMARK

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AUTHOR = "乙社 法務部"
WHEN = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
ORIGINAL = Draft(seed_text("000"), "接続契約（甲案）.docx")
REVISED = Draft(dev_text("000_counter_otsu"), "接続契約（乙修正案）.docx")


@pytest.fixture(scope="module")
def counter_draft(engine):
    return compare(ORIGINAL.text, REVISED.text, engine=engine)


def exported(comparison, format: Format, original: Draft = ORIGINAL, revised: Draft = REVISED) -> bytes:
    return export(format, comparison, original, revised, author=AUTHOR, date=WHEN).content


@pytest.fixture(scope="module")
def tracked(counter_draft) -> bytes:
    return exported(counter_draft, Format.DOCX)


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def marked(data: bytes, tag: str) -> list[str]:
    """The text inside each w:ins, w:del, w:moveFrom or w:moveTo holding runs."""
    body = part(data, "word/document.xml")
    found = []
    for mark in body.iter(f"{W}{tag}"):
        text = "".join(t.text or "" for t in mark.iter(f"{W}t", f"{W}delText"))
        if text:
            found.append(text)
    return found


def visible_lines(text: str) -> list[str]:
    """Lines with text, without Word export residue: what a reader of either document sees."""
    lines = (BOOKMARK.sub("", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def rejected_text(data: bytes) -> str:
    """The document with every tracked change rejected: deletions back, insertions gone."""
    body = part(data, "word/document.xml").find(f"{W}body")
    lines, carry = [], ""
    for paragraph in body.iter(f"{W}p"):
        pieces = []
        for node in paragraph.iter(f"{W}t", f"{W}delText"):
            inside = {ancestor.tag for ancestor in node.iterancestors()}
            if f"{W}ins" not in inside and f"{W}moveTo" not in inside:
                pieces.append(node.text or "")
        mark = paragraph.find(f"{W}pPr/{W}rPr")
        inserted_mark = mark is not None and (mark.find(f"{W}ins") is not None or mark.find(f"{W}moveTo") is not None)
        carry += "".join(pieces)
        if not inserted_mark:
            lines.append(carry)
            carry = ""
    return "\n".join(lines)


# Word tracked changes -------------------------------------------------------------------------


def test_changed_words_are_tracked_insertions_and_deletions(tracked):
    assert "変更の90" in marked(tracked, "ins")
    assert "原則として30" in marked(tracked, "del")
    assert "3" in marked(tracked, "ins") and "5" in marked(tracked, "del")


def test_the_inserted_article_stands_whole_in_an_insertion(tracked):
    insertions = marked(tracked, "ins")
    assert "第6条（検証環境の提供）" in insertions
    assert "2. 検証環境の利用条件は、甲乙協議のうえ別途定める。" in insertions


def test_the_deleted_article_stands_whole_in_a_deletion_where_it_stood(tracked):
    deletions = marked(tracked, "del")
    assert "第8条（禁止事項）" in deletions
    assert "5. 第三者への接続仕様の開示（秘密情報を除く）" in deletions
    text = "".join(t.text or "" for t in part(tracked, "word/document.xml").iter(f"{W}t", f"{W}delText"))
    assert text.index("連携データの取扱い") < text.index("禁止事項") < text.index("秘密保持")


def test_every_revision_names_the_author_and_time_given(tracked):
    body = part(tracked, "word/document.xml")
    marks = [m for tag in ("ins", "del") for m in body.iter(f"{W}{tag}")]
    assert len(marks) > 10
    assert {m.get(f"{W}author") for m in marks} == {AUTHOR}
    assert {m.get(f"{W}date") for m in marks} == {"2026-04-01T09:30:00Z"}
    assert len({m.get(f"{W}id") for m in marks}) == len(marks)


def test_accepting_every_change_gives_the_revised_contract(tracked):
    assert visible_lines(read_document(tracked, name="redline.docx")) == visible_lines(REVISED.text)


def test_rejecting_every_change_gives_the_original_contract(tracked):
    assert visible_lines(rejected_text(tracked)) == visible_lines(ORIGINAL.text)


def test_each_articles_changes_are_commented_on_it(tracked):
    comments = "".join(t.text or "" for t in part(tracked, "word/comments.xml").iter(f"{W}t"))
    assert "秘密保持義務の存続期間: 5年間 → 3年間（減少）" in comments
    assert "仕様変更の通知期限: 30日前まで → 90日前まで（増加）" in comments
    assert "管轄裁判所: 甲の本店所在地を管轄する地方裁判所 → 東京地方裁判所（変更・乙に有利）" in comments


def test_the_negotiators_own_edits_will_be_tracked_too(tracked):
    assert part(tracked, "word/settings.xml").find(f"{W}trackRevisions") is not None


@pytest.fixture(scope="module")
def moved(engine):
    """Seed 000 with its 第15条 moved up before 第5条, word for word."""
    text = seed_text("000")
    articles = parse(text).articles
    article = articles[14].span
    before = articles[4].span.start
    revised = text[:before] + article.slice(text) + "\n\n" + text[before:article.start] + text[article.end:]
    comparison = compare(text, revised, engine=engine)
    assert [c.revised.label for c in comparison.clauses if c.moved] == ["第15条"]
    return exported(comparison, Format.DOCX, Draft(text), Draft(revised)), revised


def test_a_moved_article_is_tracked_as_a_move(moved):
    data, _ = moved
    assert "第15条（地位の譲渡禁止）" in marked(data, "moveFrom")
    assert "第15条（地位の譲渡禁止）" in marked(data, "moveTo")
    assert not any("地位の譲渡禁止" in text for text in marked(data, "ins") + marked(data, "del"))
    body = part(data, "word/document.xml")
    names = [{m.get(f"{W}name") for m in body.iter(f"{W}{tag}RangeStart")} for tag in ("moveFrom", "moveTo")]
    assert names[0] == names[1] == {"move1"}


def test_a_moved_article_reads_in_its_new_place_once_accepted_and_in_its_old_one_once_rejected(moved):
    data, revised = moved
    assert visible_lines(read_document(data, name="moved.docx")) == visible_lines(revised)
    assert visible_lines(rejected_text(data)) == visible_lines(seed_text("000"))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("format", [Format.DOCX, Format.SHINKYU])
def test_libreoffice_opens_the_word_files(counter_draft, format, tmp_path):
    source = tmp_path / f"export.{format}.docx"
    source.write_bytes(exported(counter_draft, format))
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=120, check=False)
    pdf = tmp_path / f"export.{format}.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


# 新旧対照表 -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def table(counter_draft):
    document = docx.Document(io.BytesIO(exported(counter_draft, Format.SHINKYU)))
    assert len(document.tables) == 1
    return document.tables[0]


def cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs)


def underlined(cell) -> list[str]:
    return [run.text for p in cell.paragraphs for run in p.runs if run.underline]


def row_of(table, label: str):
    return next(row for row in table.rows[1:] if label in cell_text(row.cells[0]) + cell_text(row.cells[1]))


def test_the_table_puts_the_new_text_left_and_the_old_right(table):
    assert [cell_text(cell) for cell in table.rows[0].cells] == ["改正後", "改正前"]


def test_there_is_one_row_per_changed_article_and_none_for_unchanged_ones(table):
    rows = [cell_text(row.cells[0]).split("\n")[0] for row in table.rows[1:]]
    assert rows == ["第4条（接続仕様の変更）", "第6条（検証環境の提供）", "第7条（障害対応）　（略）",
                    "第8条（連携データの取扱い）　（略）", "（削る）", "第9条（秘密保持）", "第11条（契約期間）",
                    "第12条（契約の終了・解除）", "第13条（損害賠償）", "第16条（準拠法・管轄）"]


def test_the_changed_wording_is_underlined_on_both_sides(table):
    new, old = row_of(table, "第9条（秘密保持）").cells
    assert "3. 契約終了後も3年間、秘密保持義務は存続する。" in cell_text(new)
    assert "3. 契約終了後も5年間、秘密保持義務は存続する。" in cell_text(old)
    assert underlined(new) == ["3"] and underlined(old) == ["5"]


def test_an_inserted_article_is_new_in_the_old_column(table):
    new, old = row_of(table, "第6条（検証環境の提供）").cells
    assert cell_text(old) == "（新設）"
    assert "".join(underlined(new)).startswith("第6条（検証環境の提供）1. 甲は、乙が接続試験")


def test_a_deleted_article_is_struck_in_the_new_column(table):
    new, old = row_of(table, "第8条（禁止事項）").cells
    assert cell_text(new) == "（削る）"
    assert "".join(underlined(old)).startswith("第8条（禁止事項）当事者は、以下の行為を行ってはならない。")


def test_a_renumbered_article_is_its_number_change_and_the_rest_omitted(table):
    new, old = row_of(table, "第7条（障害対応）").cells
    assert (cell_text(new), cell_text(old)) == ("第7条（障害対応）　（略）", "第6条（障害対応）　（略）")
    assert underlined(new) == ["7"] and underlined(old) == ["6"]


def test_the_table_is_titled_with_the_contracts_title(counter_draft):
    document = docx.Document(io.BytesIO(exported(counter_draft, Format.SHINKYU)))
    assert document.paragraphs[0].text == "特定契約・接続契約モデル契約書　新旧対照表"
    assert document.core_properties.title == "特定契約・接続契約モデル契約書　新旧対照表"


def test_without_a_title_the_table_is_named_after_the_file_without_its_extension(engine):
    untitled = Draft(REVISED.text.split("\n", 2)[2], REVISED.name)
    comparison = compare(ORIGINAL.text.split("\n", 2)[2], untitled.text, engine=engine)
    document = docx.Document(io.BytesIO(exported(comparison, Format.SHINKYU, revised=untitled)))
    assert document.paragraphs[0].text == "接続契約（乙修正案）　新旧対照表"


def test_lines_wrapped_inside_a_sentence_read_as_one_paragraph_with_its_number_hanging(engine):
    wrapped = Draft(REVISED.text.replace("相手方に対し、変更の90日前", "相手方に\n対し、変更の90日前"), REVISED.name)
    table = docx.Document(io.BytesIO(exported(compare(ORIGINAL.text, wrapped.text, engine=engine),
                                              Format.SHINKYU, revised=wrapped))).tables[0]
    new, _ = row_of(table, "第4条（接続仕様の変更）").cells
    item = new.paragraphs[1]
    assert item.text == "1. 甲または乙が接続仕様を変更する場合、相手方に対し、変更の90日前までに書面により通知する。"
    indent = item._p.pPr.find(f"{W}ind")
    assert indent.get(f"{W}hanging") == indent.get(f"{W}left") == "315"   # "1. ": one and a half em
    assert new.paragraphs[0]._p.pPr.find(f"{W}ind") is None                 # the heading does not hang
    assert item._p.pPr.find(f"{W}kinsoku") is not None
    _, old = row_of(table, "第12条（契約の終了・解除）").cells
    # The unchanged 2項 is its number and （略）, its · items left out with it (tests/test_shinkyu.py).
    assert "2. （略）" in [p.text for p in old.paragraphs]


def test_a_row_that_fits_on_a_page_is_not_split_across_two(table):
    short = row_of(table, "第7条（障害対応）")
    assert short._tr.trPr.find(f"{W}cantSplit") is not None


# Redline page -----------------------------------------------------------------------------------


def test_the_redline_page_marks_insertions_and_deletions(counter_draft):
    page = exported(counter_draft, Format.HTML).decode("utf-8")
    assert "<del>原則として30</del><ins>変更の90</ins>" in page
    assert "<td>秘密保持義務の存続期間</td><td>第9条</td><td>秘密保持義務の存続期間: 5年間 → 3年間</td><td>減少</td>" \
           "<td>—</td>" in page
    assert "<td>責任上限</td><td>第13条</td><td>責任上限: 金1,000万円（新設）</td><td>追加</td><td>乙</td>" in page
    assert '<th scope="col">有利</th>' in page


def test_the_redline_page_escapes_the_contracts_and_loads_nothing(engine):
    hostile = REVISED.text.replace("3. 契約終了後も3年間", '3. 契約終了後も<script>alert("3年間")</script>')
    comparison = compare(ORIGINAL.text, hostile, engine=engine)
    page = exported(comparison, Format.HTML, revised=Draft(hostile, "<b>乙</b>")).decode("utf-8")
    assert "&lt;script&gt;alert(&quot;3年間&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;乙&lt;/b&gt;" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page and "http" not in page


# Ledger ---------------------------------------------------------------------------------------


def xlsx_rows(data: bytes) -> list[list[str]]:
    """The cells of the first sheet as text (shared strings resolved)."""
    s = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    strings = [si.findtext(f"{s}t") or "" for si in part(data, "xl/sharedStrings.xml").iter(f"{s}si")]
    rows = []
    for row in part(data, "xl/worksheets/sheet1.xml").iter(f"{s}row"):
        cells = []
        for cell in row.iter(f"{s}c"):
            value = cell.findtext(f"{s}v") or ""
            cells.append(strings[int(value)] if cell.get("t") == "s" else value)
        rows.append(cells)
    return rows


CONFIDENTIALITY_ROW = ["2", "秘密保持義務の存続期間", "条件値", "第9条", "第9条",
                       "5年間", "3年間", "減少", "—", "秘密保持義務の存続期間: 5年間 → 3年間"]


def test_the_workbook_has_a_row_per_change(counter_draft):
    rows = xlsx_rows(exported(counter_draft, Format.XLSX))
    assert rows[0] == ["No.", "区分", "種類", "原案の条", "修正案の条", "変更前", "変更後", "方向", "有利", "概要"]
    assert len(rows) == 1 + len(counter_draft.changes)
    assert rows[2] == CONFIDENTIALITY_ROW


def test_the_ledger_names_the_favoured_party_and_a_missing_value_as_a_dash(counter_draft):
    cap = next(row for row in xlsx_rows(exported(counter_draft, Format.XLSX)) if row[1] == "責任上限")
    assert cap[5:9] == ["—", "金1,000万円", "追加", "乙"]


def test_changes_of_meaning_reach_the_ledger_in_words(engine):
    comparison = compare(dev_text("001_original"), dev_text("001_counter_meaning"), engine=engine)
    rows = xlsx_rows(exported(comparison, Format.XLSX))
    assert ["義務の強さ", "義務の強さ", "第8条", "第8条", "確認的規定", "義務", "変更", "甲"] in [row[1:9] for row in rows]
    assert {row[2] for row in rows[1:]} >= {"承諾・同意", "条件", "範囲", "定義", "当事者"}
    codes = {"statement", "obligation", "effort", "negated", "affirmed", "other", "consent", "modality"}
    assert not [cell for row in rows for cell in row if cell in codes]


def test_the_csv_has_the_same_rows_and_opens_in_excel(counter_draft):
    data = exported(counter_draft, Format.CSV)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == xlsx_rows(exported(counter_draft, Format.XLSX))
    assert rows[2] == CONFIDENTIALITY_ROW


def test_files_are_named_after_the_revised_document(counter_draft):
    names = {format: export(format, counter_draft, ORIGINAL, REVISED, author=AUTHOR).filename for format in Format}
    assert names == {
        Format.DOCX: "接続契約（乙修正案）_変更履歴.docx",
        Format.SHINKYU: "接続契約（乙修正案）_新旧対照表.docx",
        Format.HTML: "接続契約（乙修正案）_比較結果.html",
        Format.XLSX: "接続契約（乙修正案）_変更一覧.xlsx",
        Format.CSV: "接続契約（乙修正案）_変更一覧.csv",
    }

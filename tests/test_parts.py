"""The parts outside the articles: 表題, 前文, 目次, 別紙/別表, 附則 and 署名欄, parsed and compared."""

from __future__ import annotations

import io
import time
from pathlib import Path

import docx
import pytest

from conftest import dev_text, seed_text
from nlp.compare import compare
from nlp.documents import read_document
from nlp.drift import drift_one
from nlp.exports import Draft, Format, export
from nlp.exports.ledger import COLUMNS, ledger_rows
from nlp.exports.shinkyu import changed_clauses
from nlp.result import ChangeKind, Part, Status
from nlp.structure import parse
from nlp.text import normalize
from service.schemas import CompareResponse

PARTS = Path(__file__).parent / "data" / "parts"


def parts_text(name: str) -> str:
    """A text made for these tests: an e-Gov style statute, a contract with 別紙 (see data/parts)."""
    return (PARTS / f"{name}.txt").read_text(encoding="utf-8")


def part_rows(result) -> dict[str, object]:
    """The rows of parts by the id of their revised (or original) side: preamble, appendix-2 …"""
    return {(c.revised or c.original).id: c for c in result.clauses if (c.revised or c.original).part != Part.ARTICLE}


def statuses(result) -> dict[str, Status]:
    return {key: clause.status for key, clause in part_rows(result).items()}


@pytest.fixture(scope="module")
def meaning_draft(engine):
    return compare(dev_text("001_original"), dev_text("001_counter_meaning"), engine=engine)


@pytest.fixture(scope="module")
def outsourcing(engine):
    return compare(parts_text("outsourcing_original"), parts_text("outsourcing_revised"), engine=engine)


@pytest.fixture(scope="module")
def statute(engine):
    return compare(parts_text("statute_original"), parts_text("statute_revised"), engine=engine)


# Parsing --------------------------------------------------------------------------------------


def test_a_contract_has_its_title_preamble_and_signature_block_as_parts():
    contract = parse(seed_text("000"))
    assert [(p.id, p.part, p.label) for p in contract.parts] == [
        ("title", Part.TITLE, "表題"), ("preamble", Part.PREAMBLE, "前文"), ("signature", Part.SIGNATURE, "署名欄")]
    title, preamble, signature = contract.parts
    assert title.span.slice(contract.text) == contract.title
    assert preamble.span == contract.preamble and signature.span == contract.signature


def test_parts_outside_the_articles_are_shaped_like_articles():
    contract = parse(parts_text("outsourcing_original"))
    spec = next(p for p in contract.parts if p.id == "appendix-1")
    assert (spec.label, spec.heading, spec.number, spec.branch) == ("別紙1", "業務仕様書", None, None)
    assert spec.body.slice(contract.text).startswith("1. 社内システムの要件定義")
    assert [p.number for p in spec.paragraphs] == [1, 2, 3]


def test_appendices_after_the_signature_block_are_parts_of_their_own():
    contract = parse(parts_text("outsourcing_original"))
    assert [(p.id, p.label, p.heading) for p in contract.parts[2:]] == [
        ("signature", "署名欄", None), ("appendix-1", "別紙1", "業務仕様書"), ("appendix-2", "別紙2", "委託料")]
    assert contract.articles[-1].label == "第6条"
    assert contract.articles[-1].span.slice(contract.text).endswith("甲乙誠実に協議して定める。")


def test_the_signature_block_begins_at_ijou_and_holds_the_seals():
    contract = parse(parts_text("outsourcing_original"))
    signature = next(p for p in contract.parts if p.part == Part.SIGNATURE).span.slice(contract.text)
    assert signature.startswith("以上\n")
    assert signature.endswith("代表取締役\u3000＿＿＿＿＿＿\u3000印")
    assert "別紙" not in signature


@pytest.mark.parametrize("line, label, heading", [
    ("別紙1　業務仕様書", "別紙1", "業務仕様書"),
    ("別表第一（第三条関係）", "別表第一", "第三条関係"),
    ("【別紙２】", "別紙２", None),
    ("別紙：料金表", "別紙", "料金表"),
    ("別紙第1号様式", "別紙第1号様式", None),
])
def test_appendix_headings_as_contracts_and_statutes_write_them(line, label, heading):
    text = f"第1条（目的）\n本契約は、業務の委託について定める。\n\n{line}\n一　項目\n"
    (appendix,) = [p for p in parse(text).parts if p.part == Part.APPENDIX]
    assert (appendix.label, appendix.heading) == (label, heading)


@pytest.mark.parametrize("line", ["別紙のとおりとする。", "別紙1に定める業務を行う。", "別表第一に掲げる事項"])
def test_a_sentence_citing_an_appendix_is_not_its_heading(line):
    contract = parse(f"第1条（目的）\n本契約は、業務の委託について定める。\n{line}\n")
    assert not [p for p in contract.parts if p.part == Part.APPENDIX]
    assert line in contract.articles[0].span.slice(contract.text)


def test_a_statute_has_its_supplementary_provisions_and_table_as_parts():
    contract = parse(parts_text("statute_original"))
    assert [(p.id, p.label, p.heading) for p in contract.parts] == [
        ("title", "表題", None), ("preamble", "前文", None),
        ("supplementary", "附則", None), ("supplementary-2", "附則", "令和六年六月一日法律第五十号"),
        ("appendix-1", "別表", "第五条の二関係")]
    # The articles of the 附則 (第一条, 第二条) belong to it, not to the statute.
    assert [a.label for a in contract.articles][-1] == "第七条"


def test_a_table_of_contents_does_not_make_articles():
    contract = parse(parts_text("statute_original"))
    assert [(a.number, a.branch) for a in contract.articles] == [
        (1, None), (2, None), (3, None), (4, None), (5, None), (5, 2), (6, None), (7, None)]
    assert [(d.label, d.title) for d in contract.divisions] == [
        ("第一章", "総則"), ("第二章", "電子契約の締結"), ("第一節", "通則"), ("第二節", "電子署名"), ("第三章", "雑則")]
    assert contract.articles[0].chapter == "第一章" and contract.articles[5].section == "第二節"
    (contents,) = contract.noise
    assert contents.slice(contract.text).startswith("目次\n") and "第一章　総則（第一条・第二条）" in contents.slice(
        contract.text)
    assert contract.preamble is not None and contract.preamble.slice(contract.text) == "（令和五年法律第九十九号）"


def table_of_contents(text: str, *, chapters: bool = False) -> str:
    """A 目次 listing every article of ``text`` as 第N条（見出し）, under one 第1章 when ``chapters``."""
    lines = ["目次"] + (["第1章　総則"] if chapters else [])
    lines += [f"{a.label}（{a.heading}）" for a in parse(text).articles]
    return "\n".join(lines) + "\n\n"


@pytest.mark.parametrize("seed", ["000", "003"])
def test_a_table_of_contents_of_articles_leaves_the_articles_as_they_were(seed):
    text = seed_text(seed)
    first = parse(text).articles[0].span.start
    with_contents = text[:first] + table_of_contents(text) + text[first:]
    plain, listed = parse(text), parse(with_contents)
    shape = lambda contract: [(a.id, a.heading, len(a.paragraphs)) for a in contract.articles]  # noqa: E731
    assert shape(listed) == shape(plain)
    assert listed.title == plain.title
    assert listed.preamble.slice(with_contents) == plain.preamble.slice(text)


def test_a_chapter_heading_after_a_table_of_articles_is_the_texts_own():
    text = seed_text("000")
    first = parse(text).articles[0].span.start
    with_contents = text[:first] + table_of_contents(text) + "第1章　総則\n\n" + text[first:]
    contract = parse(with_contents)
    assert [d.label for d in contract.divisions] == ["第1章"]
    assert len(contract.articles) == 17 and contract.articles[0].chapter == "第1章"


def test_a_table_of_contents_with_chapters_ends_where_the_first_chapter_begins():
    text = seed_text("000")
    first = parse(text).articles[0].span.start
    with_contents = (text[:first] + table_of_contents(text, chapters=True) + "第1章　総則\n\n" + text[first:])
    contract = parse(with_contents)
    assert [d.label for d in contract.divisions] == ["第1章"]
    assert [a.number for a in contract.articles] == list(range(1, 18))


def test_a_text_that_only_mentions_a_table_of_contents_is_read_as_before():
    text = seed_text("000").replace("第2条", "目次\n\n第2条", 1)
    assert len(parse(text).articles) == 17


# Comparing ------------------------------------------------------------------------------------


def test_the_preamble_and_signature_edits_of_a_counter_draft_are_modified_parts(meaning_draft):
    assert statuses(meaning_draft) == {"title": Status.EQUAL, "preamble": Status.MODIFIED,
                                       "signature": Status.MODIFIED}
    preamble = part_rows(meaning_draft)["preamble"]
    assert (preamble.original.part, preamble.revised.part) == (Part.PREAMBLE, Part.PREAMBLE)
    inserted = "".join(s.text for s in preamble.redline if s.op == "insert")
    assert "甲野商事" in inserted
    signature = part_rows(meaning_draft)["signature"]
    assert "乙" in "".join(s.text for s in signature.redline if s.op == "insert")


def test_parts_stand_before_and_after_the_articles(outsourcing):
    order = [(c.revised or c.original).id for c in outsourcing.clauses]
    assert order[:2] == ["title", "preamble"]
    assert order[-3:] == ["signature", "appendix-1", "appendix-2"]
    assert order[2:-3] == ["a1", "a2", "a3", "a3-2", "a4", "a5", "a6"]


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_a_seed_compared_with_itself_has_every_part_equal(engine, seed):
    result = compare(seed_text(seed), seed_text(seed), engine=engine)
    found = statuses(result)
    assert {"title", "preamble"} <= set(found) and found.keys() & {"signature", "supplementary"}
    assert set(found.values()) == {Status.EQUAL}
    assert not any(c.changes for c in part_rows(result).values())


def test_formatting_outside_the_articles_is_not_an_edit(engine):
    result = compare(dev_text("000_original"), dev_text("000_formatting"), engine=engine)
    rows = part_rows(result)
    assert {key: row.status for key, row in rows.items()} == {
        "title": Status.EQUAL, "preamble": Status.EQUAL, "signature": Status.EQUAL}
    assert rows["preamble"].formatting_only and rows["signature"].formatting_only  # a line wrap; 2通 → 二通


def test_an_appendix_edit_is_reported_with_its_value_change(outsourcing):
    rows = part_rows(outsourcing)
    assert rows["appendix-1"].status == Status.EQUAL
    fees = rows["appendix-2"]
    assert fees.status == Status.MODIFIED and fees.revised.part == Part.APPENDIX
    assert fees.revised.label == "別紙2" and fees.revised.heading == "委託料"
    (change,) = [c for c in fees.changes if c.kind == ChangeKind.VALUE]
    assert (change.original.text, change.revised.text) == ("50万円", "60万円")
    assert (change.original_clause, change.revised_clause) == ("別紙2", "別紙2")
    assert change in outsourcing.changes


def test_a_name_filled_in_the_signature_block_is_a_modified_signature(outsourcing):
    signature = part_rows(outsourcing)["signature"]
    assert signature.status == Status.MODIFIED
    assert "".join(s.text for s in signature.redline if s.op == "insert").strip() == "南田花子"


def test_articles_are_left_alone_by_edits_outside_them(outsourcing):
    articles = [c for c in outsourcing.clauses if c.revised.part == Part.ARTICLE]
    assert {c.status for c in articles} == {Status.EQUAL}
    assert outsourcing.summary.modified == 3  # 前文, 署名欄, 別紙2: each row counts once
    assert outsourcing.summary.equal == len(outsourcing.clauses) - 3


def test_a_statutes_supplementary_provisions_and_table_are_compared(statute):
    assert statuses(statute) == {
        "title": Status.EQUAL, "preamble": Status.EQUAL, "supplementary": Status.EQUAL,
        "supplementary-2": Status.MODIFIED, "appendix-1": Status.MODIFIED}
    table = part_rows(statute)["appendix-1"]
    assert [s.text for s in table.redline if s.op == "insert"] == ["三\u3000認証業務の実施の方法"]
    (article,) = [c for c in statute.clauses if c.status == Status.MODIFIED and c.revised.part == Part.ARTICLE]
    assert article.revised.label == "第六条"


def test_a_branch_article_carries_its_branch_in_the_answer(outsourcing):
    (row,) = [c for c in outsourcing.clauses if c.revised.label == "第3条の2"]
    assert (row.original.number, row.original.branch, row.revised.branch) == (3, 2, 2)
    answer = CompareResponse().dump(outsourcing)
    (dumped,) = [c for c in answer["clauses"] if c["revised"]["label"] == "第3条の2"]
    assert (dumped["revised"]["number"], dumped["revised"]["branch"], dumped["revised"]["part"]) == (3, 2, "article")


def test_the_answer_names_each_part(outsourcing):
    answer = CompareResponse().dump(outsourcing)
    parts = [(c["original"]["part"], c["status"]) for c in answer["clauses"] if c["original"]["part"] != "article"]
    assert parts == [("title", "equal"), ("preamble", "modified"), ("signature", "modified"),
                     ("appendix", "equal"), ("appendix", "modified")]


def test_an_appendix_added_and_one_removed(engine):
    original = parts_text("outsourcing_original")
    spec, fees = original.index("\n別紙1　") + 1, original.index("\n別紙2　") + 1
    revised = original[:spec] + original[fees:].replace("別紙2", "別紙1", 1) + "\n別紙2　作業報告書の様式\n1. 作業日\n2. 作業内容\n"
    rows = compare(original, revised, engine=engine).clauses[-3:]
    assert [(c.status, (c.revised or c.original).label) for c in rows] == [
        (Status.DELETED, "別紙1"), (Status.EQUAL, "別紙1"), (Status.INSERTED, "別紙2")]
    kept = rows[1]
    assert kept.original.label == "別紙2" and kept.renumbered  # 別紙2 委託料 is now 別紙1


def test_an_appendix_rewritten_whole_pairs_by_its_label(engine):
    original = parts_text("outsourcing_original")
    fees = original.index("\n別紙2　") + 1
    revised = original[:fees] + "別紙2　委託料\n委託料は、成果物の検収後に一括して金300万円を支払う。\n"
    fees_row = compare(original, revised, engine=engine).clauses[-1]
    assert fees_row.status == Status.MODIFIED and fees_row.matched_by == ("label",)


def test_a_text_without_articles_reports_its_edit_in_its_paragraph(engine):
    original = "お知らせ\n\n当社は、2025年4月1日より利用料金を月額1,000円に改定いたします。\n"
    result = compare(original, original.replace("1,000円", "1,200円"), engine=engine)
    assert statuses(result) == {"title": Status.EQUAL}
    [paragraph] = [c for c in result.clauses if c.revised.part == Part.ARTICLE]
    assert (paragraph.revised.label, paragraph.status) == ("第1段落", Status.MODIFIED)
    assert [(c.original.value, c.revised.value) for c in result.changes if c.kind == ChangeKind.VALUE] == [
        (1000, 1200)]


# A memo with no numbering at all: title, preamble, paragraphs, signature block.
MEMO = """業務提携に関する覚書

株式会社アルファ（以下「甲」という。）と株式会社ベータ（以下「乙」という。）は、
本件業務の提携に関し、次のとおり合意した。

甲は乙に対し、本件業務の対価として月額50万円を
支払う。支払は毎月末日締め翌月末日払いとする。

乙は、本件業務に関して知り得た甲の秘密情報を、本覚書終了後3年間、第三者に開示してはならない。

本覚書の有効期間は、締結日から1年間とする。

本覚書に関する紛争は、東京地方裁判所を第一審の専属的合意管轄裁判所とする。

2026年4月1日

甲　株式会社アルファ
乙　株式会社ベータ
"""


def memo_paragraphs(text: str) -> list[str]:
    return [article.span.slice(text) for article in parse(text).articles]


def test_a_memo_without_numbering_reads_title_preamble_paragraphs_and_signature():
    contract = parse(MEMO)
    assert [part.part for part in contract.parts] == [Part.TITLE, Part.PREAMBLE, Part.SIGNATURE]
    assert contract.parts[1].span.slice(MEMO).endswith("次のとおり合意した。")
    assert [a.label for a in contract.articles] == ["第1段落", "第2段落", "第3段落", "第4段落"]
    assert memo_paragraphs(MEMO)[0] == "甲は乙に対し、本件業務の対価として月額50万円を\n支払う。支払は毎月末日締め翌月末日払いとする。"
    assert contract.parts[2].span.slice(MEMO) == "2026年4月1日\n\n甲　株式会社アルファ\n乙　株式会社ベータ"


def test_a_memo_reads_the_same_paragraphs_whatever_its_line_breaks():
    lines = [line for line in MEMO.splitlines() if line]
    unbroken = "\n".join(lines)                                   # no blank lines (Word, PDF)
    sentences = MEMO.replace("支払う。支払", "支払う。\n支払")               # a line ends at each sentence
    wrapped = "\n".join(line[i:i + 20] for line in MEMO.splitlines() for i in range(0, max(len(line), 1), 20))
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"
    def read(text: str) -> list[str]:
        return [normalize("".join(p.text for p in a.paragraphs)).text for a in parse(text).articles]

    for variant in (unbroken, wrapped, html):
        assert read(variant) == read(MEMO)
    assert len(memo_paragraphs(sentences)) == 5


def test_memo_paragraphs_pair_by_content_with_values_and_the_inserted_one(engine):
    paragraphs = MEMO.split("\n\n")
    inserted = "乙は、甲の書面による承諾なく本件業務を第三者に再委託してはならない。"
    revised = "\n\n".join([*paragraphs[:2], paragraphs[3].replace("3年間", "5年間"), paragraphs[2], inserted,
                           *paragraphs[4:]]).replace("月額50万円", "月額60万円")
    result = compare(MEMO, revised, engine=engine)
    rows = [(c.status, c.original and c.original.label, c.revised and c.revised.label)
            for c in result.clauses if (c.original or c.revised).part == Part.ARTICLE]
    assert (Status.INSERTED, None, "第3段落") in rows
    assert {(o, r) for status, o, r in rows if status == Status.MODIFIED} == {
        ("第1段落", "第2段落"), ("第2段落", "第1段落")}
    values = {(c.original.value, c.revised.value) for c in result.changes if c.kind == ChangeKind.VALUE}
    assert values == {(500_000, 600_000), (3, 5)}
    assert statuses(result) == {"title": Status.EQUAL, "preamble": Status.EQUAL, "signature": Status.EQUAL}


def test_a_memo_signature_edit_is_the_signature_block(engine):
    result = compare(MEMO, MEMO.replace("乙　株式会社ベータ", "乙　株式会社ベータ\n丙　株式会社ガンマ"), engine=engine)
    assert statuses(result)["signature"] == Status.MODIFIED
    assert all(c.status == Status.EQUAL for c in result.clauses if c.revised and c.revised.part == Part.ARTICLE)


# What reads the comparison ----------------------------------------------------------------------


ORIGINAL = Draft(parts_text("outsourcing_original"), "業務委託契約（甲案）.docx")
REVISED = Draft(parts_text("outsourcing_revised"), "業務委託契約（乙案）.docx")


def exported(comparison, format: Format) -> bytes:
    return export(format, comparison, ORIGINAL, REVISED, author="甲社 法務部").content


def test_word_tracked_changes_write_the_parts_once(outsourcing):
    accepted = read_document(exported(outsourcing, Format.DOCX), name="redline.docx")
    lines = [line.strip() for line in accepted.splitlines() if line.strip()]
    assert lines == [line.strip() for line in REVISED.text.splitlines() if line.strip()]
    assert accepted.count("業務委託契約書") == 1 and accepted.count("別紙2") == 2  # its heading, 第2条's citation


def test_the_shinkyu_table_has_a_row_for_each_changed_part(outsourcing):
    assert [(c.revised or c.original).id for c in changed_clauses(outsourcing)] == [
        "preamble", "signature", "appendix-2"]
    table = docx.Document(io.BytesIO(exported(outsourcing, Format.SHINKYU))).tables[0]
    new, old = ("\n".join(p.text for p in cell.paragraphs) for cell in table.rows[-1].cells)
    assert "月額60万円" in new and "月額50万円" in old


def test_the_ledger_names_the_part_a_change_stands_in(outsourcing):
    column = {title: index for index, (title, _) in enumerate(COLUMNS)}
    rows = [row for row in ledger_rows(outsourcing) if row[column["原案の条"]] == "別紙2"]
    assert [(row[column["変更前"]], row[column["変更後"]]) for row in rows] == [("50万円", "60万円")]


def test_the_redline_page_shows_the_parts(outsourcing):
    page = exported(outsourcing, Format.HTML).decode("utf-8")
    assert 'aria-label="前文 変更"' in page and 'aria-label="別紙2 変更"' in page


def test_drift_is_measured_on_the_articles_only(engine):
    template = parse(parts_text("outsourcing_original"))
    result = drift_one(template, parts_text("outsourcing_revised"), "乙案", engine=engine)
    assert result.drift == 0.0
    assert (result.missing, result.extra, result.modified) == ((), (), ())


def test_thousands_of_appendix_headings_compare_in_seconds(engine):
    text = "第1条（目的）\n本契約は、業務の委託について定める。\n" + "別紙\n" * 20_000
    started = time.perf_counter()
    result = compare(text, text.replace("別紙", "別表", 3) + "追記\n", engine=engine)
    assert time.perf_counter() - started < 30      # a guard against quadratic work, not a benchmark
    assert sum(1 for c in result.clauses if (c.revised or c.original).part == Part.APPENDIX) >= 20_000

"""The 新旧対照表 (format=shinkyu) of real contracts, read back with python-docx: within a changed
article the heading and the changed 項 are printed in full, with their changes underlined, and each
unchanged 項 or 号 is its number and （略）."""

from __future__ import annotations

import io
import re

import docx
import pytest

from conftest import DATA, dev_text, seed_text
from nlp.compare import compare
from nlp.exports import Draft, Format, export

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def table_of(engine, original: str, revised: str):
    comparison = compare(original, revised, engine=engine)
    data = export(Format.SHINKYU, comparison, Draft(original, "甲案.txt"), Draft(revised, "乙修正案.txt"),
                  author="乙社 法務部").content
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 1
    return document.tables[0]


def lines(cell) -> list[str]:
    return [paragraph.text for paragraph in cell.paragraphs]


def underlined(cell) -> list[str]:
    return [run.text for paragraph in cell.paragraphs for run in paragraph.runs if run.underline]


def underlined_in(paragraph) -> list[str]:
    return [run.text for run in paragraph.runs if run.underline]


def row_of(table, heading: str):
    """The row whose 改正後 column (or, for an article removed, 改正前 column) starts with ``heading``."""
    return next(row for row in table.rows[1:]
                if any(lines(cell)[0].startswith(heading) for cell in row.cells))


def hangs(paragraph) -> bool:
    indent = paragraph._p.pPr.find(f"{W}ind")
    return indent is not None and indent.get(f"{W}hanging") == indent.get(f"{W}left") != "0"


# Seed 000 against the other party's counter-draft -------------------------------------------------


@pytest.fixture(scope="module")
def counter(engine):
    return table_of(engine, seed_text("000"), dev_text("000_counter_otsu"))


def test_an_unchanged_paragraph_of_a_changed_article_is_its_number_and_omitted(counter):
    new, old = row_of(counter, "第4条（接続仕様の変更）").cells
    assert lines(new) == [
        "第4条（接続仕様の変更）",
        "1. 甲または乙が接続仕様を変更する場合、相手方に対し、変更の90日前までに書面により通知する。",
        "2. 前項の変更により相手方に追加の対応が必要となる場合、当該対応に要する費用は、変更を行う当事者が負担する。",
        "3. （略）"]
    assert lines(old) == [
        "第4条（接続仕様の変更）",
        "1. 甲または乙が接続仕様を変更する場合、相手方に対し、原則として30日前までに書面により通知する。",
        "2. 前項の変更により相手方に追加の対応が必要となる場合、当事者間にて別途協議して負担を定める。",
        "3. （略）"]
    # The changed 項 keep their underlines; the heading and the omitted 項 have none.
    assert underlined(new) == ["変更の90", "当該対応に要する費用は、変更を行う当事者が負担す"]
    assert underlined(old) == ["原則として30", "当事者間にて別途協議して負担を定め"]


def test_the_omitted_paragraphs_keep_their_numbers_and_place(counter):
    new, old = row_of(counter, "第9条（秘密保持）").cells
    # The 項 without a number (the article's opening sentence) is （略） alone.
    expected = ["第9条（秘密保持）", "（略）", "1. （略）", "2. （略）"]
    assert lines(new) == [*expected, "3. 契約終了後も3年間、秘密保持義務は存続する。"]
    assert lines(old) == [*expected, "3. 契約終了後も5年間、秘密保持義務は存続する。"]
    assert underlined(new) == ["3"] and underlined(old) == ["5"]
    new, old = row_of(counter, "第16条（準拠法・管轄）").cells
    assert lines(new)[1] == lines(old)[1] == "1. （略）"
    assert lines(new)[2] == "2. 本契約に関する紛争は、東京地方裁判所を第一審の専属的合意管轄裁判所とする。"


def test_a_paragraph_that_only_gained_its_number_is_omitted_with_the_number_underlined(counter):
    new, old = row_of(counter, "第13条（損害賠償）").cells
    assert lines(new)[:2] == ["第13条（損害賠償）", "1. （略）"]
    assert underlined_in(new.paragraphs[1]) == ["1. "]
    # The 項 added is printed in full, underlined, as before.
    assert underlined_in(new.paragraphs[2]) == [lines(new)[2]]
    assert lines(new)[2].startswith("2. 前項に基づき乙が甲に対して負う損害賠償の累計総額は、金1,000万円")
    assert lines(old) == ["第13条（損害賠償）", "（略）"]
    assert underlined(old) == []


def test_articles_changed_wholly_or_only_renumbered_are_as_before(counter):
    new, old = row_of(counter, "第7条（障害対応）").cells
    assert (lines(new), lines(old)) == (["第7条（障害対応）　（略）"], ["第6条（障害対応）　（略）"])
    assert underlined(new) == ["7"] and underlined(old) == ["6"]
    new, old = row_of(counter, "第6条（検証環境の提供）").cells
    assert lines(old) == ["（新設）"] and "（略）" not in "".join(lines(new))
    new, old = row_of(counter, "（削る）").cells
    assert lines(new) == ["（削る）"] and "（略）" not in "".join(lines(old))


def test_the_unchanged_items_under_a_paragraph_are_left_out_with_it(counter):
    new, old = row_of(counter, "第12条（契約の終了・解除）").cells
    assert lines(new)[2] == lines(old)[2] == "2. （略）"   # its three · items with it
    assert not [line for line in lines(new) + lines(old) if line.startswith("·")]


# Items (号) of a changed paragraph -------------------------------------------------------------------


def test_an_unchanged_item_of_a_changed_paragraph_is_its_number_and_omitted(engine):
    original = seed_text("001")
    revised = (original.replace("（3）正当な権限を有する第三者から取得した情報",
                                "（3）正当な権限を有する第三者から秘密保持義務を負うことなく取得した情報")
               .replace("3. 本条の義務は契約終了後も3年間存続する。", "3. 本条の義務は契約終了後も5年間存続する。"))
    new, old = row_of(table_of(engine, original, revised), "第12条（秘密保持）").cells
    heading, clause, stem = "第12条（秘密保持）", "1. （略）", "2. 次の情報は秘密情報に含まれない。"
    assert lines(new) == [heading, clause, stem, "（1）　（略）", "（2）　（略）",
                          "（3）正当な権限を有する第三者から秘密保持義務を負うことなく取得した情報",
                          "（4）　（略）", "3. 本条の義務は契約終了後も5年間存続する。"]
    assert lines(old) == [heading, clause, stem, "（1）　（略）", "（2）　（略）",
                          "（3）正当な権限を有する第三者から取得した情報",
                          "（4）　（略）", "3. 本条の義務は契約終了後も3年間存続する。"]
    assert underlined(new) == ["秘密保持義務を負うことなく", "5"] and underlined(old) == ["3"]
    # The 柱書 is kept in full and unmarked; the item printed hangs under its number.
    assert underlined_in(new.paragraphs[2]) == []
    assert hangs(new.paragraphs[5]) and hangs(old.paragraphs[5])


def test_bulleted_items_are_omitted_beside_the_one_changed(engine):
    revised = dev_text("000_counter_otsu").replace("· 資産の差押え", "· 資産の仮差押え又は差押え")
    new, old = row_of(table_of(engine, seed_text("000"), revised), "第12条（契約の終了・解除）").cells
    items = [line for line in lines(new) if line.startswith("·")]
    assert items == ["· （略）", "· 資産の仮差押え又は差押え", "· （略）"]
    assert [line for line in lines(old) if line.startswith("·")] == ["· （略）", "· 資産の差押え", "· （略）"]
    assert lines(new)[2] == "2. 以下の事由に該当する場合、催告なく即時解除できる。"
    changed = next(paragraph for paragraph in new.paragraphs if paragraph.text == "· 資産の仮差押え又は差押え")
    assert underlined_in(changed) == ["仮差押え又は"] and hangs(changed)


def test_a_paragraph_whose_number_alone_changed_is_omitted_with_both_numbers_underlined(engine):
    original = seed_text("000")
    first = "1. 甲及び乙は、接続環境の安定稼働を確保するため"
    added = "1. 甲及び乙は、接続環境の運用責任者を定め、相手方に書面で通知する。\n"
    article = re.search(r"第5条（運用管理）\n(.*?)\n\n", original, re.S).group(1)
    renumbered = re.sub(r"^(\d)\. ", lambda m: f"{int(m.group(1)) + 1}. ", article, flags=re.M)
    revised = original.replace(article, added + renumbered)
    assert first in original and revised.count("4. 甲及び乙は、接続に必要なアカウント") == 1
    new, old = row_of(table_of(engine, original, revised), "第5条（運用管理）").cells
    assert lines(new) == ["第5条（運用管理）", added.strip(), "2. （略）", "3. （略）", "4. （略）"]
    assert lines(old) == ["第5条（運用管理）", "1. （略）", "2. （略）", "3. （略）"]
    assert [underlined_in(p) for p in new.paragraphs[2:]] == [["2"], ["3"], ["4"]]
    assert [underlined_in(p) for p in old.paragraphs[1:]] == [["1"], ["2"], ["3"]]


def test_a_changed_heading_over_unchanged_paragraphs_is_the_heading_and_omitted(engine):
    original = seed_text("000")
    revised = original.replace("第5条（運用管理）", "第5条（システムの運用管理）")
    new, old = row_of(table_of(engine, original, revised), "第5条").cells
    assert (lines(new), lines(old)) == (["第5条（システムの運用管理）　（略）"], ["第5条（運用管理）　（略）"])
    assert underlined(new) == ["システムの"] and underlined(old) == []


# A statute's layout (e-Gov): the caption above, the first 項 on the article's line ------------------


def test_a_statutes_first_paragraph_omitted_stays_on_its_articles_line(engine):
    original = (DATA / "parts" / "statute_original.txt").read_text(encoding="utf-8")
    revised = original.replace("一　当該情報が当該措置を行った者の作成", "一　当該情報が当該措置を行った者の名義による作成")
    new, old = row_of(table_of(engine, original, revised), "（定義）").cells
    assert lines(new)[:3] == ["（定義）", "第二条　（略）",
                              "２　この法律において「電子署名」とは、電磁的記録に記録することができる情報について"
                              "行われる措置であって、次の要件のいずれにも該当するものをいう。"]
    assert lines(new)[3:] == ["一　当該情報が当該措置を行った者の名義による作成に係るものであることを示すためのものであること。",
                              "二　（略）"]
    assert lines(old)[3:] == ["一　当該情報が当該措置を行った者の作成に係るものであることを示すためのものであること。",
                              "二　（略）"]
    assert underlined(new) == ["名義による"] and underlined(old) == []
    assert hangs(new.paragraphs[2]) and hangs(new.paragraphs[3])


def test_a_renumbered_statute_article_shows_its_number_change(engine):
    original = (DATA / "parts" / "statute_original.txt").read_text(encoding="utf-8")
    revised = original.replace("（締結の方法）\n第三条", "（通則）\n第三条　電子契約の締結については、この節の定めるところによる。"
                                                   "\n\n（締結の方法）\n第四条")
    new, old = row_of(table_of(engine, original, revised), "（締結の方法）").cells
    assert (lines(new), lines(old)) == (["（締結の方法）", "第四条　（略）"], ["（締結の方法）", "第三条　（略）"])
    assert underlined(new) == ["四"] and underlined(old) == ["三"]


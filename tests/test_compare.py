"""The whole comparison: statuses, redlines, paragraphs and the summary, on real contracts."""

from __future__ import annotations

import re

import pytest

from conftest import dev_text, seed_text
from nlp.compare import Options, compare
from nlp.result import Op, Part, Status
from nlp.text import BOOKMARK


def clause(result, original: int | None, revised: int | None):
    return next(c for c in result.clauses
                if (c.original.number if c.original else None) == original
                and (c.revised.number if c.revised else None) == revised)


def test_a_formatting_only_copy_is_all_equal_and_marked_formatting_only(engine):
    result = compare(dev_text("000_original"), dev_text("000_formatting"), engine=engine)
    assert result.summary.equal == 17 + 3  # the articles, and the title, preamble and signature block
    assert result.summary.modified == result.summary.inserted == result.summary.deleted == 0
    assert result.summary.formatting_only >= 15
    assert all(s.op == Op.EQUAL for c in result.clauses for s in c.redline)


def test_keeping_formatting_reports_the_same_copy_as_modified(engine):
    result = compare(dev_text("000_original"), dev_text("000_formatting"), engine=engine,
                     options=Options(ignore_formatting=False))
    assert result.summary.modified >= 15


def test_a_changed_notice_period_is_redlined_as_one_number(engine):
    result = compare(dev_text("000_original"), dev_text("000_counter_otsu"), engine=engine)
    notice = clause(result, 4, 4)
    assert notice.status == Status.MODIFIED
    deleted = "".join(s.text for s in notice.redline if s.op == Op.DELETE)
    inserted = "".join(s.text for s in notice.redline if s.op == Op.INSERT)
    assert "30" in deleted and "90" in inserted
    assert "3" not in deleted.replace("30", "")


def test_clauses_come_in_reading_order_with_deleted_articles_where_they_stood(engine):
    result = compare(dev_text("000_original"), dev_text("000_counter_otsu"), engine=engine)
    order = [(c.original.number if c.original else None, c.revised.number if c.revised else None)
             for c in result.clauses]
    assert order.index((None, 6)) < order.index((6, 7)) < order.index((7, 8))
    assert order.index((7, 8)) < order.index((8, None)) < order.index((9, 9))


def test_inserted_and_deleted_articles_carry_their_whole_text(engine):
    result = compare(dev_text("000_original"), dev_text("000_counter_otsu"), engine=engine)
    inserted = clause(result, None, 6)
    assert inserted.status == Status.INSERTED
    assert [s.op for s in inserted.redline] == [Op.INSERT]
    assert "検証環境" in inserted.redline[0].text
    deleted = clause(result, 8, None)
    assert deleted.status == Status.DELETED and "禁止事項" in deleted.redline[0].text


def test_a_renumbered_unchanged_article_is_equal_and_renumbered(engine):
    result = compare(dev_text("000_original"), dev_text("000_counter_otsu"), engine=engine)
    moved_down = clause(result, 6, 7)
    assert moved_down.renumbered and not moved_down.moved
    assert moved_down.status == Status.EQUAL


def test_a_paragraph_moved_to_the_top_is_paired_and_flagged_moved(engine):
    original = seed_text("001")
    paragraphs = ("1. 乙は、本契約に基づく業務の全部又は一部を第三者へ再委託することができる。\n"
                  "2. 乙は、再委託先に対し本契約と同等の義務を負わせるものとする。\n"
                  "3. 再委託先の行為については乙が責任を負う。")
    reordered = ("1. 再委託先の行為については乙が責任を負う。\n"
                 "2. 乙は、本契約に基づく業務の全部又は一部を第三者へ再委託することができる。\n"
                 "3. 乙は、再委託先に対し本契約と同等の義務を負わせるものとする。")
    assert paragraphs in original
    article = clause(compare(original, original.replace(paragraphs, reordered), engine=engine), 4, 4)
    statuses = [p.status for p in article.paragraphs]
    assert Status.INSERTED not in statuses and Status.DELETED not in statuses
    assert [p.original.index for p in article.paragraphs if p.moved] == [2]


def test_every_clause_reference_points_at_its_article_text(engine):
    original, revised = dev_text("004_original"), dev_text("004_counter_ko")
    result = compare(original, revised, engine=engine)
    for item in result.clauses:
        for ref, text in ((item.original, original), (item.revised, revised)):
            if ref is not None and ref.part == Part.ARTICLE:  # a part's label is its name: 前文
                assert BOOKMARK.sub("", text[ref.start:ref.end]).startswith(ref.label)


def test_seed_003_against_a_lightly_edited_copy_pairs_every_article(engine):
    original = seed_text("003")
    revised = original.replace("年率14.5%", "年率14.6%").replace("大阪地方裁判所", "東京地方裁判所")
    result = compare(original, revised, engine=engine)
    assert result.summary.modified == 2 and result.summary.equal == 45 + 3  # and title, preamble, 付則
    assert result.meta["model"] == "ja_ginza" and result.meta["elapsed_ms"] > 0


def test_a_period_moved_into_a_split_off_article_is_one_change_on_that_pair(engine):
    original = dev_text("000_original")
    revised = original.replace(
        "3. 契約終了後も5年間、秘密保持義務は存続する。\n",
        "\n第9条の2（秘密保持期間）\n契約終了後も3年間、秘密保持義務は存続する。\n")
    result = compare(original, revised, engine=engine)
    periods = [(c.original_clause, c.revised_clause, c.original.value, c.revised.value)
               for c in result.changes if c.category == "confidentiality_period"]
    assert periods == [("第9条", "第9条の2", 5, 3)]


def test_seed_003_against_seed_001_reports_the_cap_in_months_and_the_court(engine):
    result = compare(seed_text("003"), seed_text("001"), engine=engine)
    found = {(c.category, c.original and (c.original.value, c.original.unit),
              c.revised and (c.revised.value, c.revised.unit)) for c in result.changes}
    assert ("liability_cap", (1, "month"), (6, "month")) in found
    assert ("jurisdiction", ("大阪地方裁判所", "court"), ("甲の本店所在地を管轄する地方裁判所", "court")) in found


def test_seed_000_against_seed_001_reports_the_shorter_confidentiality_period(engine):
    result = compare(seed_text("000"), seed_text("001"), engine=engine)
    change = next(c for c in result.changes if c.category == "confidentiality_period")
    assert (change.original.value, change.revised.value, change.direction) == (5, 3, "decrease")
    assert (change.original_clause, change.revised_clause) == ("第9条", "第12条")


def test_renumbering_alone_is_not_formatting(engine):
    result = compare(dev_text("000_original"), dev_text("000_counter_otsu"), engine=engine)
    moved_down = clause(result, 7, 8)
    assert moved_down.renumbered and not moved_down.formatting_only


KANJI_DIGITS = "〇一二三四五六七八九"


def kanji(number: str) -> str:
    tens, ones = divmod(int(number), 10)
    if tens >= 10:
        return number
    return ("" if tens < 2 else KANJI_DIGITS[tens]) + ("十" if tens else "") + (KANJI_DIGITS[ones] if ones else "")


def formatting_copy(text: str) -> str:
    """The same contract retyped: kanji and full-width numbers, ヶ月, １　 labels, wrapped at 45."""
    text = BOOKMARK.sub("", text)
    text = re.sub(r"(\d+)(年間|年|日間|日前|か月|ヶ月|名|通)", lambda m: kanji(m.group(1)) + m.group(2), text)
    text = text.replace("か月", "ヶ月").translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    text = re.sub(r"(?m)^([０-９]+)[.．][ \t]*", lambda m: m.group(1) + "\u3000", text)
    lines = []
    for line in text.split("\n"):
        while len(line) > 45 and not line.startswith("第"):
            lines.append(line[:45])
            line = "\u3000\u3000" + line[45:]
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_a_retyped_copy_of_every_seed_reports_nothing(engine, seed):
    result = compare(seed_text(seed), formatting_copy(seed_text(seed)), engine=engine)
    assert result.summary.modified == result.summary.inserted == result.summary.deleted == 0
    assert result.changes == ()


def official_style(text: str) -> str:
    """The same contract in the punctuation of official style (公用文): ，for 、 and ．for 。."""
    return text.replace("、", "，").replace("。", "．")


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_a_copy_in_official_punctuation_reports_nothing(engine, seed):
    result = compare(seed_text(seed), official_style(seed_text(seed)), engine=engine)
    assert result.summary.modified == result.summary.inserted == result.summary.deleted == 0
    assert result.changes == ()


def test_a_counter_draft_in_official_punctuation_reads_as_the_same_changes(engine):
    def found(original: str, revised: str) -> list:
        return sorted((c.kind.value, c.category, c.original_clause, c.before, c.after, c.favours,
                       c.original.value if c.original else None, c.revised.value if c.revised else None)
                      for c in compare(original, revised, engine=engine).changes)

    original, revised = dev_text("001_original"), dev_text("001_counter_meaning")
    assert found(official_style(original), official_style(revised)) == found(original, revised)


def test_of_two_equal_periods_the_one_whose_wording_matches_is_the_one_that_changed(engine):
    original = seed_text("004")
    revised = original.replace("契約締結日から1年間とする", "契約締結日から2年間とする")
    changes = [(c.category, c.original.value if c.original else None, c.revised.value if c.revised else None)
               for c in compare(original, revised, engine=engine).changes]
    assert changes == [("contract_term", 1, 2)]


def test_without_headings_the_opening_words_still_name_the_confidentiality_period(engine):
    def strip(text: str) -> str:
        return re.sub(r"(第[0-9]+条)（[^）]*）", r"\1", text)

    result = compare(strip(dev_text("004_original")), strip(dev_text("004_counter_ko")), engine=engine)
    periods = [(c.original.value, c.revised.value) for c in result.changes
               if c.category == "confidentiality_period"]
    assert periods == [(3, 5)]


# Pasted web pages against typed text: what a page draws or hides is formatting.

PAGE = ("<h2>第1条（目的）</h2>\n<ol><li>甲は、乙に対し、本件業務を委託する。</li><li>乙は、これを受託する。</li></ol>\n"
        "<p>第</font>2<font>条（報酬）</p>\n<p>甲は、乙に対し、月額10万円を支払う。</p>\n")
TYPED = ("第1条（目的）\n1　甲は、乙に対し、本件業務を委託する。\n2　乙は、これを受託する。\n"
         "第2条（報酬）\n甲は、乙に対し、月額10万円を支払う。\n")


def test_numbers_a_page_draws_for_its_list_equal_the_numbers_typed(engine):
    result = compare(PAGE, TYPED, engine=engine)
    assert [c.status for c in result.clauses] == [Status.EQUAL, Status.EQUAL]
    assert all(segment.op == Op.EQUAL for clause in result.clauses for segment in clause.redline)


def test_a_renumbered_paragraph_of_a_page_is_still_a_change(engine):
    typed = TYPED.replace("2　乙は", "3　乙は")
    [first, _] = compare(PAGE, typed, engine=engine).clauses
    assert first.status == Status.MODIFIED

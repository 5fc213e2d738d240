"""parse(): title, preamble, 章/節, 条 → 項 → 号, 附則, signature and page headers, on real contract text."""

from __future__ import annotations

import re
import time

import pytest

from conftest import dev_text, seed_text
from nlp.model import Contract, DivisionKind, Span
from nlp.structure import parse

SEEDS = ["000", "001", "002", "003", "004"]
DEV = ["000_counter_otsu", "000_formatting", "000_original", "002_counter_otsu", "004_counter_ko"]

# A hang guard, not a benchmark: each pathological input parses in about 0.1 s.
MAX_SECONDS = 1.0

KANJI_DIGITS = "〇一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARTICLE_AT_LINE_START = re.compile(r"(?m)^(\[bookmark: [^\]]*\])?第(\d+)条")
PARAGRAPH_AT_LINE_START = re.compile(r"(?m)^(\d+)[.．] ?")


def kanji(number: int) -> str:
    """12 → 十二, 47 → 四十七 (below 100, as article numbers are written)."""
    tens, ones = divmod(number, 10)
    written = ("" if tens == 1 else KANJI_DIGITS[tens]) + "十" if tens else ""
    return written + (KANJI_DIGITS[ones] if ones else "")


def with_kanji_articles(text: str) -> str:
    return ARTICLE_AT_LINE_START.sub(lambda m: f"{m[1] or ''}第{kanji(int(m[2]))}条", text)


def with_full_width_numbers(text: str) -> str:
    text = ARTICLE_AT_LINE_START.sub(lambda m: f"{m[1] or ''}第{m[2].translate(FULL_WIDTH)}条", text)
    return PARAGRAPH_AT_LINE_START.sub(lambda m: m[1].translate(FULL_WIDTH) + "\u3000", text)


def tree(contract: Contract) -> list[tuple[int | None, int | None, str | None, int]]:
    return [(a.number, a.branch, a.heading, len(a.paragraphs)) for a in contract.articles]


def article(contract: Contract, number: int):
    return next(a for a in contract.articles if a.number == number)


def timed_parse(text: str) -> Contract:
    started = time.perf_counter()
    contract = parse(text)
    assert time.perf_counter() - started < MAX_SECONDS
    return contract


# Articles


@pytest.mark.parametrize("seed, count", [("000", 17), ("001", 20), ("002", 19), ("003", 47), ("004", 17)])
def test_seed_article_counts(seed, count):
    assert len(parse(seed_text(seed)).articles) == count


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_articles_are_numbered_one_to_n_in_order(seed):
    articles = parse(seed_text(seed)).articles
    assert [a.number for a in articles] == list(range(1, len(articles) + 1))
    assert [a.id for a in articles] == [f"a{n}" for n in range(1, len(articles) + 1)]


@pytest.mark.parametrize("seed, number, heading", [
    ("000", 1, "目的"), ("000", 9, "秘密保持"), ("000", 16, "準拠法・管轄"), ("000", 17, "協議事項"),
    ("001", 2, "業務内容"), ("001", 15, "損害賠償"), ("001", 20, "準拠法及び管轄"),
    ("002", 3, "サポート受付"), ("002", 19, "準拠法及び管轄"),
    ("003", 1, "契約約款の適用"), ("003", 35, "機密保持"), ("003", 44, "当社からの間合せ"),
    ("003", 46, "裁判管轄"), ("003", 47, "紛争の解決のための努力"),
    ("004", 12, "責任の制限"), ("004", 17, "合意管轄"),
])
def test_seed_article_headings(seed, number, heading):
    assert article(parse(seed_text(seed)), number).heading == heading


def test_cross_references_at_line_start_are_not_articles():
    text = ("第1条（存続）\n本条は存続する。\n第7条、第9条は存続する。\n"
            "第29条（料金等）に定めるその他費用\n第3条5項記載のサービス\n")
    contract = parse(text)
    assert [a.number for a in contract.articles] == [1]
    assert "第29条（料金等）に定める" in contract.articles[0].paragraphs[0].text


def test_cross_references_inside_bullets_are_not_articles():
    articles = parse(seed_text("003")).articles
    assert "第29条（料金等）に定めるその他費用" in article(parse(seed_text("003")), 5).paragraphs[1].text
    assert [a.number for a in articles].count(29) == 1


def test_heading_on_the_line_above_the_label():
    text = ("（目的）\n第1条\n本契約は、甲乙間の取引に適用する。\n\n"
            "（定義）\n第2条\n1. 甲とは委託者をいう。\n2. 乙とは受託者をいう。\n")
    contract = parse(text)
    assert [(a.heading, len(a.paragraphs)) for a in contract.articles] == [("目的", 1), ("定義", 2)]
    assert text[contract.articles[0].span.start:].startswith("（目的）\n第1条")
    assert contract.title is None


def test_heading_after_a_blank_on_the_label_line():
    contract = parse("第1条 目的\n本契約は、甲乙間の取引に適用する。\n"
                     "第2条　（定義）\n本契約の用語は次のとおりとする。\n")
    assert [a.heading for a in contract.articles] == ["目的", "定義"]


def test_statute_style_body_on_the_label_line():
    contract = parse("第一条　甲は、乙に対し、本件業務を委託する。\n２　乙は、これを受託する。\n")
    only = contract.articles[0]
    assert (only.number, only.heading) == (1, None)
    assert [(p.number, p.text) for p in only.paragraphs] == [
        (None, "甲は、乙に対し、本件業務を委託する。"), (2, "乙は、これを受託する。")]


def test_branch_article_sits_between_its_neighbours():
    fourth = "[bookmark: _xulr81segy8w]第4条"
    branch = "第3条の2（接続試験）\n1. 甲及び乙は、接続試験を行う。\n\n"
    text = seed_text("000").replace(fourth, branch + fourth)
    articles = parse(text).articles
    assert [(a.id, a.number, a.branch, a.label) for a in articles[2:5]] == [
        ("a3", 3, None, "第3条"), ("a3-2", 3, 2, "第3条の2"), ("a4", 4, None, "第4条")]
    assert articles[3].heading == "接続試験"
    assert len(articles) == 18


def test_duplicate_article_numbers_get_unique_ids():
    contract = parse("第1条（目的）\n本文。\n第1条（定義）\n本文。\n第2条（期間）\n本文。\n")
    assert [a.id for a in contract.articles] == ["a1", "a1_2", "a2"]


@pytest.mark.parametrize("seed", ["000", "001", "003"])
def test_kanji_article_numbers_give_the_same_tree(seed):
    text = seed_text(seed)
    kanji_text = with_kanji_articles(text)
    assert "第十二条" in kanji_text
    assert tree(parse(kanji_text)) == tree(parse(text))


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
def test_full_width_numbers_give_the_same_tree(seed):
    text = seed_text(seed)
    full_width = with_full_width_numbers(text)
    assert "第１２条" in full_width and "\n２\u3000" in full_width
    assert tree(parse(full_width)) == tree(parse(text))


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
@pytest.mark.parametrize("blank", ["\u00a0", "\u00a0\u00a0", "\u2002"])
def test_a_paragraph_number_followed_by_a_no_break_space_is_its_label(seed, blank):
    # Word's fixed space and a web page's &nbsp; after １ read as the full-width space does.
    text = seed_text(seed)
    spaced = PARAGRAPH_AT_LINE_START.sub(lambda m: m[1].translate(FULL_WIDTH) + blank, text)
    assert f"\n２{blank}" in spaced
    assert tree(parse(spaced)) == tree(parse(text))
    labels = [p.number for a in parse(spaced).articles for p in a.paragraphs]
    assert labels == [p.number for a in parse(text).articles for p in a.paragraphs]


def test_formatting_copy_gives_the_same_tree():
    formatted, original = parse(dev_text("000_formatting")), parse(dev_text("000_original"))
    assert tree(formatted) == tree(original)
    assert formatted.title == original.title


def test_full_width_paragraph_labels_are_read_as_numbers():
    paragraphs = article(parse(dev_text("000_formatting")), 3).paragraphs
    assert [(p.label, p.number) for p in paragraphs] == [("１", 1), ("２", 2), ("３", 3)]


def test_wrapped_line_continues_its_paragraph():
    paragraph = article(parse(dev_text("000_formatting")), 2).paragraphs[2]
    assert paragraph.number == 2
    assert paragraph.text == ("「接続仕様」とは、API仕様書、通信方式、データ項目、"
                              "認証方式、暗号化方式その他の\n技術文書の総称をいう。")


# Divisions


def test_seed_003_has_nine_sections():
    divisions = parse(seed_text("003")).divisions
    assert [(d.kind, d.number) for d in divisions] == [(DivisionKind.SECTION, n) for n in range(1, 10)]
    assert (divisions[0].label, divisions[0].title) == ("第1節", "総則")


def test_articles_record_their_section():
    contract = parse(seed_text("003"))
    assert [(n, article(contract, n).section) for n in (1, 12, 35, 47)] == [
        (1, "第1節"), (12, "第2節"), (35, "第8節"), (47, "第9節")]


def test_a_new_chapter_resets_the_section():
    text = "第1章 総則\n第1節 目的\n第1条（目的）\n本文。\n第2章 契約\n第2条（成立）\n本文。\n"
    contract = parse(text)
    assert [(a.chapter, a.section) for a in contract.articles] == [("第1章", "第1節"), ("第2章", None)]
    assert [d.kind.value for d in contract.divisions] == ["chapter", "section", "chapter"]


# Paragraphs and items


def test_unnumbered_paragraph_holds_its_items():
    paragraphs = article(parse(seed_text("002")), 2).paragraphs
    assert len(paragraphs) == 1
    assert (paragraphs[0].number, paragraphs[0].label) == (None, None)
    assert [(i.label, i.number) for i in paragraphs[0].items] == [(f"（{n}）", n) for n in range(1, 7)]
    assert paragraphs[0].items[5].text == "その他、甲乙間で別途合意した運用支援"


def test_items_attach_to_their_numbered_paragraph():
    paragraphs = article(parse(seed_text("001")), 2).paragraphs
    assert [i.number for i in paragraphs[0].items] == list(range(1, 9))
    assert paragraphs[1].items == ()


def test_empty_numbered_lines_are_dropped():
    contract = parse(seed_text("001"))
    assert [p.number for p in article(contract, 2).paragraphs] == [1, 2]
    assert all(p.text for a in contract.articles for p in a.paragraphs)
    assert article(contract, 2).span.slice(contract.text).endswith("発注書に定める。")


def test_unnumbered_sentence_before_numbered_paragraphs_is_a_paragraph():
    paragraphs = article(parse(seed_text("000")), 9).paragraphs
    assert [p.number for p in paragraphs] == [None, 1, 2, 3]
    assert paragraphs[0].text.startswith("秘密情報の取扱いについては")


def test_numbered_lines_after_a_lead_sentence_are_paragraphs():
    paragraphs = article(parse(seed_text("000")), 8).paragraphs
    assert [p.number for p in paragraphs] == [None, 1, 2, 3, 4, 5]
    assert paragraphs[1].text == "接続仕様に反する方法によるアクセス"


def test_bullets_under_a_numbered_paragraph_are_items():
    paragraph = article(parse(seed_text("000")), 12).paragraphs[1]
    assert [(i.label, i.number, i.text) for i in paragraph.items] == [
        ("·", None, "破産、民事再生、会社更生などの申立て"), ("·", None, "資産の差押え"),
        ("·", None, "事業継続が困難と認められる事由")]


def test_top_level_bullets_are_paragraphs_and_nested_bullets_their_items():
    paragraphs = article(parse(seed_text("003")), 4).paragraphs
    assert [(p.number, p.label) for p in paragraphs] == [(None, "-")] * 4
    assert paragraphs[2].text.startswith("自動化")
    assert [i.text[:10] for i in paragraphs[2].items] == ["当サービスでは、各種", "各種クラウドサービス"]


def test_a_line_without_label_continues_the_item_before_it():
    items = article(parse(seed_text("003")), 17).paragraphs[0].items
    assert items[0].text == "当該申込に係わる利用契約上の義務を怠るおそれがあると\n当社が判断した場合"
    assert len(items) == 4


@pytest.mark.parametrize("labels, numbers", [
    (["（1）", "（2）", "（3）"], [1, 2, 3]),
    (["(1)", "(2)", "(3)"], [1, 2, 3]),
    (["（１）", "（２）", "（３）"], [1, 2, 3]),
    (["一\u3000", "二\u3000", "三、"], [1, 2, 3]),
    (["①", "②", "③"], [1, 2, 3]),
    (["ア\u3000", "イ\u3000", "ウ、"], [1, 2, 3]),
    (["・", "・", "・"], [None, None, None]),
    (["- ", "- ", "- "], [None, None, None]),
])
def test_item_label_styles_and_numbers(labels, numbers):
    lines = "\n".join(f"{label}事由{n}" for n, label in enumerate(labels, 1))
    contract = parse(f"第1条（解除）\n1. 次の事由があるときは解除できる。\n{lines}\n")
    paragraph = contract.articles[0].paragraphs[0]
    assert [i.number for i in paragraph.items] == numbers
    assert [i.text for i in paragraph.items] == ["事由1", "事由2", "事由3"]


# Title, preamble, appendix, signature, page headers


def test_title_and_preamble():
    contract = parse(seed_text("000"))
    assert contract.title == "特定契約・接続契約モデル契約書"
    assert contract.preamble is not None
    assert contract.preamble.slice(contract.text).startswith("本契約は、●●株式会社（以下「甲」という。）")
    assert contract.preamble.slice(contract.text).endswith("定めるものである。")


def test_header_block_before_the_title_is_noise():
    contract = parse(seed_text("003"))
    assert contract.title == "運用支援サービス契約約款"
    assert contract.noise[0].start == 0
    assert "機密分類：公開" in contract.noise[0].slice(contract.text)


def test_page_header_in_the_middle_of_an_article_is_noise():
    contract = parse(seed_text("003"))
    in_article_44 = [span for span in contract.noise
                     if article(contract, 44).span.start < span.start < article(contract, 44).span.end]
    assert len(in_article_44) == 1
    assert "文書番号：IS6-035-00-S" in in_article_44[0].slice(contract.text)


def test_page_header_is_left_out_of_the_paragraph_it_interrupts():
    paragraph = article(parse(seed_text("003")), 44).paragraphs[1]
    assert "文書番号" not in paragraph.text and "機密分類" not in paragraph.text
    assert paragraph.text.endswith("間合せした\n事項に当サービス利用上の問題となる点、"
                                   "不明な点があるときは速やかに当社に問い合わせてください。")


def test_repeated_signature_fields_are_not_page_headers():
    assert parse(seed_text("002")).noise == ()
    assert parse(seed_text("004")).noise == ()


def test_fusoku_is_the_appendix_after_the_last_article():
    contract = parse(seed_text("003"))
    assert contract.appendix is not None
    assert contract.appendix.label == "付則（2018年8月1日作定）"
    assert contract.appendix.span.slice(contract.text).endswith("即日実施します。")
    assert "付則" not in contract.articles[-1].span.slice(contract.text)


def test_signature_starts_at_the_closing_sentence():
    contract = parse(seed_text("000"))
    assert contract.signature is not None
    assert contract.signature.slice(contract.text).startswith("本契約締結の証として")
    assert "甲：" not in article(contract, 17).span.slice(contract.text)
    assert article(contract, 17).span.slice(contract.text).endswith("協議し解決を図るものとする。")


@pytest.mark.parametrize("seed, first_line", [
    ("001", "契約締結日"), ("002", "甲（事業者）"), ("004", "契約締結日："),
])
def test_signature_block_after_the_last_article(seed, first_line):
    contract = parse(seed_text(seed))
    assert contract.signature is not None
    assert contract.signature.slice(contract.text).startswith(first_line)
    assert contract.articles[-1].span.end < contract.signature.start


# Spans


def assert_spans_slice_back(contract: Contract) -> None:
    text = contract.text
    spans = [a.span for a in contract.articles] + [d.span for d in contract.divisions] + list(contract.noise)
    spans += [s for s in (contract.preamble, contract.signature) if s]
    spans += [contract.appendix.span] if contract.appendix else []
    assert all(0 <= s.start <= s.end <= len(text) for s in spans)
    for a in contract.articles:
        written = a.span.slice(text)
        assert written.startswith(a.label) or written.startswith(("（", "("))
        assert a.span.start <= a.body.start <= a.body.end == a.span.end
        for p in a.paragraphs:
            assert a.body.start <= p.span.start <= p.span.end <= a.body.end
            assert all(line in p.span.slice(text) for line in p.text.split("\n"))
            for i in p.items:
                assert p.span.start <= i.span.start <= i.span.end <= p.span.end
                assert i.span.slice(text).startswith(i.label or "")
                assert all(line in i.span.slice(text) for line in i.text.split("\n"))
    for d in contract.divisions:
        assert d.span.slice(text).startswith(d.label) and (d.title or "") in d.span.slice(text)
    if contract.appendix:
        assert contract.appendix.span.slice(text).startswith(contract.appendix.label)
    for span in [contract.preamble, contract.signature]:
        if span:
            assert span.slice(text) and span.slice(text) == span.slice(text).strip()
    for span in contract.noise:
        assert all("：" in line for line in span.slice(text).split("\n") if line.strip())


@pytest.mark.parametrize("name", SEEDS)
def test_seed_spans_slice_back_to_their_text(name):
    assert_spans_slice_back(parse(seed_text(name)))


@pytest.mark.parametrize("name", DEV)
def test_dev_spans_slice_back_to_their_text(name):
    assert_spans_slice_back(parse(dev_text(name)))


@pytest.mark.parametrize("name", SEEDS)
def test_parts_are_in_order_and_do_not_overlap(name):
    contract = parse(seed_text(name))
    parts = [contract.preamble] + [a.span for a in contract.articles]
    parts += [contract.appendix.span if contract.appendix else None, contract.signature]
    present = [span for span in parts if span]
    assert all(before.end <= after.start for before, after in zip(present, present[1:], strict=False))


# Robustness


def test_empty_text_has_no_parts():
    contract = timed_parse("")
    assert (contract.title, contract.preamble, contract.articles) == (None, None, ())
    assert (contract.divisions, contract.signature, contract.noise) == ((), None, ())


def test_whitespace_only_text_has_no_parts():
    contract = timed_parse(" \n\u3000\n\t\n\n")
    assert (contract.title, contract.preamble, contract.articles, contract.noise) == (None, None, (), ())


def test_text_without_any_numbering_reads_each_paragraph_as_an_article():
    text = "本書は、甲乙間の協議の経過を記録したものである。\nなお、契約条項は別途定める。"
    contract = timed_parse(text)
    assert [(a.id, a.label, a.number, a.span.slice(text)) for a in contract.articles] == [
        ("p1", "第1段落", None, "本書は、甲乙間の協議の経過を記録したものである。"),
        ("p2", "第2段落", None, "なお、契約条項は別途定める。")]
    assert contract.preamble is None


def test_megabyte_single_line_is_one_paragraph():
    text = "本契約は" * 250_000
    contract = timed_parse(text)
    assert len(contract.articles) == 1 and contract.articles[0].span == Span(0, len(text))


def test_ten_thousand_circled_items_under_one_article():
    contract = timed_parse("第1条（目的）\n次の事項を定める。\n" + "①事項\n" * 10_000)
    assert len(contract.articles[0].paragraphs[0].items) == 10_000


def test_five_thousand_numbered_lines_are_paragraphs():
    contract = timed_parse("第1条（目的）\n" + "1. 甲は乙に通知する。\n" * 5_000)
    assert len(contract.articles[0].paragraphs) == 5_000


def test_only_digits():
    contract = timed_parse("1234567890" * 100_000)
    assert [article.label for article in contract.articles] == ["第1段落"] and contract.preamble is None


def test_nul_and_direction_marks_around_a_label():
    contract = timed_parse("\x00\u200f第1条（目的）\u200e\n\x00本契約は\u202e取引に適用する。\u202c\n")
    assert [(a.number, a.heading) for a in contract.articles] == [(1, "目的")]
    assert contract.articles[0].paragraphs[0].text.startswith("本契約は")


def test_million_line_breaks():
    contract = timed_parse("\n" * 1_000_000 + "第1条（目的）\n本文。")
    assert [a.heading for a in contract.articles] == ["目的"]


@pytest.mark.parametrize("text, headings", [
    ("第１条【目的】\n本契約は…\n第２条【定義】\n用語は…", ["目的", "定義"]),
    ("第1条 (目的)\n本契約は…\n第2条 (定義)\n用語は…", ["目的", "定義"]),
    ("第1条(目的)本契約は、目的を定める。\n第2条(定義)用語は次のとおり。", ["目的", "定義"]),
    ("（目的）\n第一条　本契約は、目的を定める。\n（定義）\n第二条　この契約において用いる用語", ["目的", "定義"]),
])
def test_other_heading_styles_are_read(text, headings):
    assert [article.heading for article in parse(text).articles] == headings


def test_a_cited_article_at_the_start_of_a_line_is_not_an_article():
    text = "第1条（料金）\n料金は次のとおり。\n第29条（料金等）に定める費用を含む。"
    assert [article.number for article in parse(text).articles] == [1]


def test_memo_without_articles_is_read_by_its_numbered_sections():
    contract = parse(dev_text("memo_original"))
    assert [(a.label, a.number) for a in contract.articles] == [("1.", 1), ("2.", 2), ("3.", 3)]
    assert contract.title == "覚書" and contract.preamble is not None and contract.signature is not None


def test_memo_fee_change_is_reported(engine):
    from nlp.compare import compare

    result = compare(dev_text("memo_original"), dev_text("memo_revised"), engine=engine)
    fees = [(c.original.value, c.revised.value) for c in result.changes
            if c.category == "fee" and c.original and c.revised]
    assert fees == [(500000, 600000)]
    assert result.summary.inserted == 1


def test_numbered_lines_inside_articles_do_not_become_sections():
    text = "第1条（目的）\n1. 本契約は目的を定める。\n2. 甲は乙に委託する。\n"
    assert [a.label for a in parse(text).articles] == ["第1条"]


# e-Gov statutes: articles repealed together, and chapter titles that list topics.
STATUTE = """第一章　総則

第一条　この法律は、労働条件の基準を定める。

第二条から第四条まで　削除

第三章　労働時間、休憩、休日及び年次有給休暇

第五条　使用者は、労働者に、休憩時間を除き一週間について四十時間を超えて、労働させてはならない。

第六条及び第七条　削除

第八条　前条までに定めるもののほか、必要な事項は、政令で定める。
"""


def test_articles_repealed_together_are_one_article_whose_text_is_the_repeal():
    contract = timed_parse(STATUTE)
    assert [(a.id, a.label, a.number) for a in contract.articles] == [
        ("a1", "第一条", 1), ("a2", "第二条から第四条まで", 2), ("a5", "第五条", 5),
        ("a6", "第六条及び第七条", 6), ("a8", "第八条", 8)]
    repealed = contract.articles[1]
    assert [p.text for p in repealed.paragraphs] == ["削除"]
    assert repealed.span.slice(STATUTE) == "第二条から第四条まで　削除"


def test_a_citation_of_a_range_is_not_a_repeal():
    contract = timed_parse("第一条　目的を定める。\n第二条から第四条までの規定は、適用しない。\n")
    assert [a.label for a in contract.articles] == ["第一条"]


def test_a_chapter_title_that_lists_topics_with_commas_is_a_chapter():
    contract = timed_parse(STATUTE)
    assert [(d.label, d.title) for d in contract.divisions] == [
        ("第一章", "総則"), ("第三章", "労働時間、休憩、休日及び年次有給休暇")]
    assert contract.articles[2].chapter == "第三章"
    assert "労働時間" not in contract.articles[1].span.slice(STATUTE)

"""Hostile text: parsing and comparing never raise, never hang, and spans stay true."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import seed_text
from nlp.compare import compare
from nlp.structure import parse

# The label of a paragraph of a text without numbering: not written, made from its position.
PARAGRAPH_UNIT = re.compile(r"第[0-9]+段落")

# Contract-looking pieces mixed with anything Unicode has, lone surrogates and NUL included.
PIECES = st.sampled_from([
    "第1条（目的）\n", "第十二条（秘密保持）\n", "第３条の２\n", "1. ", "１　", "（1）", "①", "ア　", "・", "- ",
    "第1章 総則\n", "附則\n", "甲：", "代表者：", "●●年●●月●●日", "[bookmark: _x]", "ただし、", "5年間",
    "30日前までに", "金1,000万円", "東京地方裁判所", "日本法", "\n", "\n\n", "\u3000", "。",
])
HOSTILE_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=40).map("".join)


def assert_spans_true(text: str) -> None:
    contract = parse(text)
    for article in contract.articles:
        assert 0 <= article.span.start <= article.body.start <= article.body.end <= article.span.end <= len(text)
        written = text[article.span.start:article.span.end].find(article.label) >= 0
        assert written or not article.label or PARAGRAPH_UNIT.fullmatch(article.label)
        assert article.paragraphs or not PARAGRAPH_UNIT.fullmatch(article.label)
        for paragraph in article.paragraphs:
            assert article.span.start <= paragraph.span.start <= paragraph.span.end <= article.span.end
            for item in paragraph.items:
                assert paragraph.span.start <= item.span.start <= item.span.end <= paragraph.span.end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE_TEXT)
def test_parsing_any_text_keeps_every_span_inside_the_text(text):
    assert_spans_true(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE_TEXT, HOSTILE_TEXT)
def test_comparing_any_two_texts_answers(engine, original, revised):
    result = compare(original, revised, engine=engine)
    for clause in result.clauses:
        assert clause.original or clause.revised
        if clause.original:
            assert 0 <= clause.original.start <= clause.original.end <= len(original)
        if clause.revised:
            assert 0 <= clause.revised.start <= clause.revised.end <= len(revised)


HUGE = {
    "10,000 circled items": "第1条（定義）\n" + "\n".join("①項目" for _ in range(10_000)),
    "5,000 numbered paragraphs": "第1条（定義）\n" + "\n".join(f"{n}. 甲は乙に通知する。" for n in range(1, 5001)),
    "a 200,000-character line": "第1条（目的）\n" + "あ" * 200_000,
    # 1 MB in UTF-8, changed at both ends (甲 → 乙 first, 追記 last): no common prefix or suffix
    # to trim, which once made diff-match-patch quadratic (82 s). The service caps a text at
    # MAX_TEXT_CHARS; the library and the command line do not.
    "a 1 MB line changed at both ends": "第1条（目的）\n甲" + "あ" * 350_000,
    "only digits": "1234567890" * 20_000,
    "NUL, RTL marks, emoji, lone surrogates": "第1条（目的）\n\x00\u202e甲は\ud800乙に😀通知する。\n" * 200,
}


@pytest.mark.parametrize("name", HUGE)
def test_huge_inputs_compare_within_seconds(engine, name):
    text = HUGE[name]
    started = time.perf_counter()
    result = compare(text, text.replace("甲", "乙", 3) + "\n追記", engine=engine)
    assert time.perf_counter() - started < 20      # a guard against a hang, not a benchmark
    assert_spans_true(text)
    accounted = {clause.original.id for clause in result.clauses if clause.original}
    contract = parse(text)
    assert accounted == {unit.id for unit in (*contract.articles, *contract.parts)}


def test_a_seed_compared_with_its_own_reversal_answers(engine):
    text = seed_text("003")
    result = compare(text, text[::-1], engine=engine)
    assert result.summary.deleted == 47 + 2  # every article, the preamble and the 付則

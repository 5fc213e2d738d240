"""Normalisation: formatting disappears, offsets lead back to the raw text."""

import pytest

from conftest import dev_text
from nlp.text import normalize, normalize_key, parse_number, standard_punctuation


@pytest.mark.parametrize("written, value", [
    ("12", 12), ("１２", 12), ("十二", 12), ("三百五十", 350), ("二〇二四", 2024),
    ("1,000", 1000), ("1,000万", 10_000_000), ("一千万", 10_000_000), ("二億", 200_000_000),
    ("14.5", 14.5), ("1億5000万", 150_000_000), ("一億五千万", 150_000_000), ("3億", 300_000_000), ("１４．５", 14.5), ("千", 1000),
])
def test_japanese_numbers_are_read_in_every_spelling(written, value):
    assert parse_number(written) == value


@pytest.mark.parametrize("text", ["", "円", "abc", "一二十"])
def test_text_that_is_not_a_number_reads_as_none(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("left, right", [
    ("契約終了後も5年間", "契約終了後も五年間"),
    ("原則として30日前までに", "原則として３０日前までに"),
    ("期間満了の1か月前までに", "期間満了の1ヶ月前までに"),
    ("期間満了の1カ月前までに", "期間満了の一箇月前までに"),
    ("第12条（秘密保持）", "第十二条（秘密保持）"),
    ("1. 甲は乙に通知する。", "１　甲は乙に\n通知する。"),
    ("[bookmark: _y3hkvg25f60e]第1条（目的）", "第1条（目的）"),
    ("金1,000万円", "金1000万円"),
])
def test_formatting_variants_normalise_to_the_same_text(left, right):
    assert normalize(left).text == normalize(right).text


@pytest.mark.parametrize("left, right", [
    ("契約終了後も5年間", "契約終了後も3年間"),
    ("甲の本店所在地", "乙の本店所在地"),
    ("責任を負う。", "責任を負わない。"),
])
def test_real_edits_survive_normalisation(left, right):
    assert normalize(left).text != normalize(right).text


def test_words_made_of_numerals_are_not_rewritten():
    assert normalize("その他一切の非公開情報").text == "その他一切の非公開情報"


def test_the_formatting_only_copy_of_seed_000_normalises_to_the_original():
    assert normalize(dev_text("000_original")).text == normalize(dev_text("000_formatting")).text


def test_every_normalised_character_points_into_the_raw_text():
    raw = dev_text("000_formatting")
    normalized = normalize(raw)
    assert len(normalized.offsets) == len(normalized.text)
    assert list(normalized.offsets) == sorted(normalized.offsets)
    assert all(0 <= offset < len(raw) for offset in normalized.offsets)
    # An unchanged character maps to itself.
    for index in range(0, len(normalized.text), 97):
        char, raw_char = normalized.text[index], raw[normalized.offsets[index]]
        if char in "甲乙契約":
            assert raw_char == char


def test_dropped_spans_are_left_out():
    raw = "第44条（問合せ）\n文書番号：IS6-035-00-S\n事項に当サービス"
    start = raw.index("文書番号")
    end = raw.index("事項")
    assert normalize(raw, drop=[(start, end)]).text == normalize("第44条（問合せ）\n事項に当サービス").text


def test_official_punctuation_is_the_usual_one_once_normalised():
    assert normalize_key("甲は，乙に対し，金１，０００円を支払う．") == normalize_key("甲は、乙に対し、金1,000円を支払う。")


def test_official_punctuation_is_read_as_the_usual_one_same_length_numbers_and_labels_kept():
    text = "１．甲は，１，０００円及び年１４．６％を支払う．\n２．乙は，これを受領する．"
    read = standard_punctuation(text)
    assert read == "１．甲は、１，０００円及び年１４．６％を支払う。\n２．乙は、これを受領する。"
    assert len(read) == len(text)


def test_double_quotation_brackets_are_the_usual_ones_once_normalised():
    assert normalize_key("以下『本契約』という。") == normalize_key("以下「本契約」という。")


def test_a_label_in_parentheses_is_the_same_label_once_normalised():
    assert normalize_key("(1) 本契約に違反したとき") == normalize_key("1. 本契約に違反したとき") \
        == normalize_key("（１）本契約に違反したとき")

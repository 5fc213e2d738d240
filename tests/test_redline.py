"""Redlines: numbers replaced whole, formatting never an edit, raw text shown."""

from nlp.redline import redline
from nlp.result import Op, Segment


def ops(result):
    return [(segment.op, segment.text) for segment in result.segments]


def test_a_changed_number_reads_as_one_replacement():
    result = redline("原則として30日前までに書面により通知する。", "原則として90日前までに書面により通知する。")
    assert (Op.DELETE, "30") in ops(result)
    assert (Op.INSERT, "90") in ops(result)


def test_a_changed_decimal_rate_is_replaced_whole():
    result = redline("年率14.5%の遅延損害金", "年率14.6%の遅延損害金")
    assert ops(result) == [(Op.EQUAL, "年率"), (Op.DELETE, "14.5"), (Op.INSERT, "14.6"), (Op.EQUAL, "%の遅延損害金")]


def test_formatting_only_differences_are_not_edits():
    result = redline("1. 契約終了後も5年間、秘密保持義務は存続する。", "１　契約終了後も五年間、\n秘密保持義務は存続する。")
    assert result.same and result.formatting_only
    assert all(segment.op == Op.EQUAL for segment in result.segments)


def test_without_ignore_formatting_full_width_digits_are_edits():
    result = redline("契約終了後も5年間", "契約終了後も５年間", ignore_formatting=False)
    assert not result.same
    assert (Op.INSERT, "５") in ops(result)


def test_redline_shows_the_raw_text_of_each_side():
    original = "1. 甲または乙が接続仕様を変更する場合、原則として30日前までに書面により通知する。"
    revised = "１　甲または乙が接続仕様を変更する場合、変更の９０日前までに\n書面により通知する。"
    result = redline(original, revised)
    kept_and_inserted = "".join(s.text for s in result.segments if s.op != Op.DELETE)
    kept_and_deleted = "".join(s.text for s in result.segments if s.op != Op.INSERT)
    assert kept_and_inserted == revised
    assert (Op.DELETE, "原則として30") in ops(result)
    assert (Op.INSERT, "変更の９０") in ops(result)
    assert "甲または乙" in kept_and_deleted


def test_identical_texts_give_one_equal_segment():
    assert redline("同一の条文。", "同一の条文。").segments == (Segment(Op.EQUAL, "同一の条文。"),)


def test_a_replaced_word_does_not_keep_a_stray_first_character():
    result = redline("当事者間にて別途協議して負担を定める。", "当該対応に要する費用は、変更を行う当事者が負担する。")
    assert not any(segment.op == Op.EQUAL and segment.text == "当" for segment in result.segments)


def test_a_long_shared_word_stays_outside_the_edit():
    result = redline("秘密保持義務は存続する。", "秘密保持責任は存続する。")
    assert ops(result)[0] == (Op.EQUAL, "秘密保持")

"""Changes without numbers: negation, modality, party, proviso and stale cross-references."""

from __future__ import annotations

import pytest

from conftest import dev_text
from nlp.compare import compare
from nlp.qualitative import Modality, modality, qualitative_changes, sentences
from nlp.result import ChangeKind, Direction


def kinds(original: str, revised: str, engine) -> dict[ChangeKind, object]:
    changes = qualitative_changes(sentences(original), sentences(revised), engine=engine)
    return {change.kind: change for change in changes}


@pytest.mark.parametrize("sentence, expected", [
    ("乙は、再委託先に対し本契約と同等の義務を負わせるものとする。", Modality.OBLIGATION),
    ("甲は乙に対し報酬を支払わなければならない。", Modality.OBLIGATION),
    ("乙は、個人情報を本契約の目的以外に利用してはならない。", Modality.PROHIBITION),
    ("乙は、業務の全部又は一部を第三者へ再委託することができる。", Modality.PERMISSION),
    ("甲は運用・サポート業務の全部又は一部を第三者へ再委託できる。", Modality.PERMISSION),
    ("乙は、合理的なセキュリティ対策を講じるよう努める。", Modality.EFFORT),
    ("連携データの権利は、原則として当該データを生成した者に帰属する。", Modality.STATEMENT),
])
def test_modality_is_read_from_the_end_of_the_sentence(sentence, expected):
    assert modality(sentence) == expected


def test_a_duty_softened_to_an_effort_is_a_modality_change(engine):
    found = kinds("乙は、再委託先に対し本契約と同等の義務を負わせるものとする。",
                  "乙は、再委託先に対し本契約と同等の義務を負わせるよう努める。", engine)
    change = found[ChangeKind.MODALITY]
    assert (change.before, change.after) == ("obligation", "effort")
    assert change.original_excerpt.text.startswith("乙は") and change.revised_excerpt.text.endswith("努める。")


def test_a_permission_turned_into_a_prohibition_is_a_modality_change(engine):
    found = kinds("1．乙は、業務の全部又は一部を第三者へ再委託することができる。",
                  "1．乙は、業務の全部又は一部を第三者へ再委託してはならない。", engine)
    assert (found[ChangeKind.MODALITY].before, found[ChangeKind.MODALITY].after) == ("permission", "prohibition")


def test_denying_a_liability_that_was_accepted_is_a_negation_flip(engine):
    found = kinds("不可抗力による損害について、当事者は責任を負う。",
                  "不可抗力による損害について、当事者は責任を負わない。", engine)
    assert found[ChangeKind.NEGATION].after == "negated"
    assert ChangeKind.MODALITY not in found


def test_a_duty_moved_to_the_other_party_is_a_party_change(engine):
    found = kinds("乙は、一般的に求められる合理的なセキュリティ対策を講じる。",
                  "甲は、一般的に求められる合理的なセキュリティ対策を講じる。", engine)
    assert (found[ChangeKind.PARTY].before, found[ChangeKind.PARTY].after) == ("乙", "甲")


def test_a_proviso_added_by_the_counter_draft_is_reported(engine):
    found = kinds("2．甲はバックアップ未実施によるデータ消失について責任を負わない。",
                  "2．甲は乙のバックアップ未実施によるデータ消失について責任を負わない。"
                  "ただし、甲の故意又は過失によりデータが消失した場合は、この限りでない。", engine)
    assert found[ChangeKind.PROVISO].direction == Direction.ADDED
    assert ChangeKind.NEGATION not in found and ChangeKind.PARTY not in found


def test_wording_changes_without_a_shift_in_meaning_report_nothing(engine):
    assert kinds("乙は、障害の完全な防止を保証するものではない。",
                 "乙は、障害の完全な防止又は即時復旧を保証するものではない。", engine) == {}


def test_a_citation_updated_after_renumbering_is_not_stale(engine):
    result = compare(dev_text("000_original"), dev_text("000_counter_otsu"), engine=engine)
    assert not [c for c in result.changes if c.kind == ChangeKind.CROSS_REFERENCE]


def test_a_citation_left_with_the_old_number_is_stale(engine):
    revised = dev_text("000_counter_otsu").replace("第8条、第9条、第10条及び第13条は存続する", "第7条、第9条、第10条は存続する")
    result = compare(dev_text("000_original"), revised, engine=engine)
    stale = [c for c in result.changes if c.kind == ChangeKind.CROSS_REFERENCE]
    assert [(c.before, c.after, c.revised_clause) for c in stale] == [("第7条", "第8条", "第12条")]
    assert revised[stale[0].revised_excerpt.start:stale[0].revised_excerpt.end] == "第7条"

"""The Japanese names every reader-facing output uses: one for each code, and no code left over."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from conftest import dev_text
from nlp.compare import compare
from nlp.exports.labels import (
    CATEGORY_LABELS,
    DIRECTION_LABELS,
    KIND_LABELS,
    MODALITY_LABELS,
    NEGATION_LABELS,
    NONE,
    PART_LABELS,
    SIDE_LABELS,
    STATUS_LABELS,
    before_after,
    category_label,
    change_label,
    change_note,
    clause_label,
    favoured,
    vocabulary,
)
from nlp.meaning.modality import MODALITY_NAMES, Modality
from nlp.result import ChangeKind, Direction, Part, Status
from nlp.terms import Category

# Every code the answer carries, in any field a reader might otherwise see.
CODES = ({str(member) for vocabulary in (ChangeKind, Direction, Part, Status, Modality, Category)
          for member in vocabulary} | set(NEGATION_LABELS))


@pytest.fixture(scope="module")
def meaning_draft(engine):
    """Seed 001 against a counter-draft that changes duties, parties, consents, conditions and definitions."""
    return compare(dev_text("001_original"), dev_text("001_counter_meaning"), engine=engine)


def change_of(comparison, kind: ChangeKind, before: str | None = None):
    return next(c for c in comparison.changes if c.kind == kind and (before is None or c.before == before))


@pytest.mark.parametrize("table, vocabulary", [
    (KIND_LABELS, ChangeKind), (STATUS_LABELS, Status), (DIRECTION_LABELS, Direction),
    (PART_LABELS, Part), (MODALITY_LABELS, Modality), (CATEGORY_LABELS, Category),
])
def test_every_member_of_a_vocabulary_has_a_japanese_name(table, vocabulary):
    assert set(table) == set(vocabulary)
    assert all(name and not name.isascii() for name in table.values())


def test_the_parts_and_kinds_read_as_a_negotiator_names_them():
    assert [PART_LABELS[part] for part in Part] == ["表題", "前文", "条項", "別紙・別表", "附則", "署名欄"]
    assert [KIND_LABELS[kind] for kind in (ChangeKind.CONSENT, ChangeKind.CONDITION, ChangeKind.SCOPE,
                                           ChangeKind.DEFINITION)] == ["承諾・同意", "条件", "範囲", "定義"]


def test_the_force_names_are_those_the_summaries_use():
    assert MODALITY_LABELS == MODALITY_NAMES


def test_a_value_change_reads_as_written_in_the_contract(meaning_draft):
    cap = next(c for c in meaning_draft.changes if c.category == "liability_cap")
    assert change_label(cap) == "責任上限"
    assert before_after(cap) == ("過去6か月間", "過去12か月間")


def test_a_change_of_force_reads_in_words_not_codes(meaning_draft):
    change = change_of(meaning_draft, ChangeKind.MODALITY)
    assert (change.before, change.after) == ("statement", "obligation")
    assert before_after(change) == ("確認的規定", "義務")
    assert change_label(change) == "義務の強さ"


def test_a_negation_reads_as_affirmed_or_negated(meaning_draft):
    assert before_after(change_of(meaning_draft, ChangeKind.NEGATION)) == ("否定", "肯定")


def test_parties_and_phrases_stay_as_the_contract_writes_them(meaning_draft):
    assert before_after(change_of(meaning_draft, ChangeKind.PARTY, "甲及び乙")) == ("甲及び乙", "乙")
    assert before_after(change_of(meaning_draft, ChangeKind.CONSENT)) == (NONE, "甲の事前の書面による承諾を得")
    assert before_after(change_of(meaning_draft, ChangeKind.PROVISO)) == ("—", "ただし書")


def test_the_favoured_party_is_named_as_the_contract_names_it(meaning_draft):
    consent = change_of(meaning_draft, ChangeKind.CONSENT)
    renewal = next(c for c in meaning_draft.changes if c.category == "renewal_notice")
    assert (favoured(consent), favoured(renewal)) == ("甲", "—")
    assert change_note(consent) == "承諾・同意が必要になった: 甲の事前の書面による承諾を得（追加・甲に有利）"
    assert change_note(renewal) == "更新拒絶の通知期限: 30日前まで → 60日前まで（増加）"


def test_no_code_reaches_a_reader_of_a_real_comparison(meaning_draft):
    read = [text for change in meaning_draft.changes
            for text in (change_label(change), *before_after(change), favoured(change), change_note(change))]
    assert {text for text in read if text in CODES} == set()


def test_a_renumbered_article_is_named_by_both_labels(meaning_draft):
    clause = meaning_draft.clauses[0]
    renumbered = replace(clause, revised=replace(clause.revised, label="第2条"))
    assert clause_label(renumbered) == f"{clause.original.label}→第2条"


def test_a_part_without_a_label_is_named_by_its_part(meaning_draft):
    clause = meaning_draft.clauses[0]
    signature = replace(clause, original=None, revised=replace(clause.revised, label="", part=Part.SIGNATURE))
    assert clause_label(signature) == "署名欄"


def test_a_category_this_version_does_not_know_is_shown_as_it_is():
    assert category_label("late_interest") == "遅延損害金の利率"
    assert category_label("escrow_period") == "escrow_period"


def test_the_page_vocabulary_is_keyed_by_the_codes_of_the_json_answer():
    labels = json.loads(json.dumps(vocabulary(), ensure_ascii=False))
    assert set(labels["kind"]) == {str(kind) for kind in ChangeKind}
    assert set(labels["part"]) == {str(part) for part in Part}
    assert labels["sides"] == {kind: dict(names) for kind, names in SIDE_LABELS.items()}
    assert labels["sides"]["modality"]["effort"] == "努力義務"
    assert labels["none"] == "—"

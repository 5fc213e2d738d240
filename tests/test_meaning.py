"""Changes of meaning without a number, and the party each favours, on contract sentences.

Each sentence stands in a small contract whose preamble names the parties, so the parties are
read as the service reads them; the sentences are those of real contracts (the seeds and the
model contracts they follow), edited the way a counter-draft edits them.
"""

from __future__ import annotations

import pytest

from conftest import dev_text
from nlp.compare import compare
from nlp.meaning import read_parties
from nlp.meaning.modality import Force, Modality, read_force, same_force
from nlp.result import ChangeKind, Direction

KO_OTSU = "株式会社Ａ（以下「甲」という。）と株式会社Ｂ（以下「乙」という。）は、次のとおり契約を締結する。"
TOS = "この約款は、株式会社Ｃ（以下「当社」といいます。）が提供するサービスの利用者（以下「契約者」といいます。）に適用されます。"
OUTSOURCING = "委託者（以下「委託者」という。）と受託者（以下「受託者」という。）は、次のとおり業務委託契約を締結する。"


def contract(sentence: str, preamble: str) -> str:
    return (f"業務委託契約書\n\n{preamble}\n\n第1条（目的）\n本契約は、業務の委託について定める。\n\n"
            f"第2条（本則）\n{sentence}\n\n第3条（協議）\n本契約に定めのない事項は、誠実に協議する。\n")


def meaning(original: str, revised: str, engine, preamble: str = KO_OTSU) -> list:
    result = compare(contract(original, preamble), contract(revised, preamble), engine=engine)
    return [c for c in result.changes if c.kind != ChangeKind.VALUE]


def one(original: str, revised: str, engine, kind: ChangeKind, preamble: str = KO_OTSU):
    found = meaning(original, revised, engine, preamble)
    assert [c.kind for c in found] == [kind], [c.summary for c in found]
    return found[0]


# The force of a sentence.

@pytest.mark.parametrize("sentence, expected", [
    ("乙は、再委託先に対し本契約と同等の義務を負わせるものとする。", Modality.OBLIGATION),
    ("甲は乙に対し報酬を支払わなければならない。", Modality.OBLIGATION),
    ("乙は、個人情報を本契約の目的以外に利用してはならない。", Modality.PROHIBITION),
    ("乙は、業務の全部又は一部を第三者へ再委託することができる。", Modality.PERMISSION),
    ("甲は運用・サポート業務の全部又は一部を第三者へ再委託できる。", Modality.PERMISSION),
    ("乙は、合理的なセキュリティ対策を講じるよう努める。", Modality.EFFORT),
    ("連携データの権利は、原則として当該データを生成した者に帰属する。", Modality.STATEMENT),
    ("契約者は、当社の承諾なく本サービスを再販してはなりません。", Modality.PROHIBITION),
    ("当社は、本サービスの内容を変更することができます。", Modality.PERMISSION),
])
def test_the_force_is_read_from_the_end_of_the_sentence(sentence, expected):
    assert read_force(sentence).modality == expected


def test_shall_written_as_monotosuru_binds_as_a_statement_or_a_duty_does():
    soft = read_force("甲乙誠意をもって協議し解決するものとする。")
    assert soft == Force(Modality.OBLIGATION, soft=True)
    assert same_force(soft, read_force("甲乙誠意をもって協議し解決する。"))
    assert same_force(soft, read_force("乙は、これを解決しなければならない。"))
    assert not same_force(soft, read_force("甲乙誠意をもって協議し解決するよう努める。"))


def test_a_duty_softened_to_an_effort_favours_the_party_it_bound(engine):
    change = one("乙は、納期を遵守しなければならない。", "乙は、納期を遵守するよう努めるものとする。",
                 engine, ChangeKind.MODALITY)
    assert (change.before, change.after, change.favours) == ("obligation", "effort", "乙")
    assert change.original_excerpt.text == "乙は、納期を遵守しなければならない。"


def test_a_prohibition_turned_into_a_permission_favours_the_party_now_free(engine):
    change = one("乙は、秘密情報を第三者に開示してはならない。", "乙は、秘密情報を第三者に開示することができる。",
                 engine, ChangeKind.MODALITY)
    assert (change.before, change.after, change.favours) == ("prohibition", "permission", "乙")


def test_a_plain_statement_made_a_duty_favours_the_other_party(engine):
    change = one("1. 乙は、障害を認識した場合、復旧対応を行う。", "1. 乙は、障害を認識した場合、復旧対応を行わなければならない。",
                 engine, ChangeKind.MODALITY)
    assert (change.before, change.after, change.favours) == ("statement", "obligation", "甲")


def test_monotosuru_added_or_dropped_is_style_not_a_change(engine):
    assert meaning("紛争は、甲乙誠意をもって協議し解決する。", "紛争は、甲乙誠意をもって協議し解決するものとする。", engine) == []
    assert meaning("乙は、業務の完了後、報告書を提出するものとする。", "乙は、業務の完了後、報告書を提出しなければならない。",
                   engine) == []


def test_a_verb_replaced_by_its_synonym_is_not_a_change(engine):
    assert meaning("乙は、月次の点検を行う。", "乙は、月次の点検を実施する。", engine) == []


def test_the_same_consent_rule_written_the_other_way_round_is_not_a_change(engine):
    assert meaning("乙は、甲の事前の書面による承諾なく、本業務を第三者に再委託してはならない。",
                   "乙は、甲の事前の書面による承諾を得て、本業務を第三者に再委託することができる。", engine) == []


# Negation.

def test_a_warranty_denied_then_given_favours_the_party_it_protects(engine):
    change = one("1. 乙は、対象システムの完全性、正確性又は継続的稼働を保証しない。",
                 "1. 乙は、対象システムの完全性、正確性又は継続的稼働を保証する。", engine, ChangeKind.NEGATION)
    assert (change.before, change.after, change.favours) == ("negated", "affirmed", "甲")


def test_a_liability_denied_under_monotosuru_is_a_negation(engine):
    change = one("当社は、契約者に生じた損害について責任を負うものとします。",
                 "当社は、契約者に生じた損害について責任を負わないものとします。", engine, ChangeKind.NEGATION, TOS)
    assert (change.after, change.favours) == ("negated", "当社")


# Parties.

def test_a_cost_moved_to_the_other_party_favours_the_party_relieved(engine):
    change = one("本業務に要する費用は、甲が負担する。", "本業務に要する費用は、乙が負担する。", engine, ChangeKind.PARTY)
    assert (change.before, change.after, change.favours) == ("甲", "乙", "甲")


def test_a_bearer_named_inside_a_noun_phrase_is_found_by_the_parse(engine):
    change = one("3. 振込手数料は乙の負担とする。", "3. 振込手数料は甲の負担とする。", engine, ChangeKind.PARTY)
    assert (change.before, change.after, change.favours) == ("乙", "甲", "乙")


def test_a_right_given_to_the_other_party_favours_its_new_holder(engine):
    change = one("成果物の著作権は、乙に帰属する。", "成果物の著作権は、甲に帰属する。", engine, ChangeKind.PARTY)
    assert (change.before, change.after, change.favours) == ("乙", "甲", "甲")


def test_a_mutual_duty_made_one_sided_favours_the_party_released(engine):
    change = one("甲及び乙は、相手方の秘密情報を第三者へ開示してはならない。",
                 "乙は、甲の秘密情報を第三者へ開示してはならない。", engine, ChangeKind.PARTY)
    assert (change.before, change.after, change.favours) == ("甲及び乙", "乙", "甲")


def test_a_right_to_terminate_taken_from_one_party_favours_the_other(engine):
    change = one("受託者又は委託者は、相手方が本契約に違反した場合、本契約を解除することができる。",
                 "委託者は、受託者が本契約に違反した場合、本契約を解除することができる。",
                 engine, ChangeKind.PARTY, OUTSOURCING)
    assert (change.before, change.after, change.favours) == ("受託者又は委託者", "委託者", "委託者")


def test_parties_are_read_from_the_preamble_as_the_contract_names_them():
    assert read_parties(TOS).names == ("当社", "契約者")
    assert read_parties(OUTSOURCING).names == ("委託者", "受託者")
    assert read_parties(KO_OTSU).names == ("甲", "乙")
    assert read_parties("株式会社甲野商事（以下「甲」という。）").groups("株式会社甲野商事") == []


# Consent, conditions, scope, provisos.

def test_a_consent_required_before_subcontracting_favours_the_party_giving_it(engine):
    change = one("乙は、本業務を第三者に再委託することができる。",
                 "乙は、甲の事前の書面による承諾を得て、本業務を第三者に再委託することができる。",
                 engine, ChangeKind.CONSENT)
    assert (change.direction, change.favours) == (Direction.ADDED, "甲")
    assert "承諾" in change.after


def test_a_consent_no_longer_needed_favours_the_party_that_needed_it(engine):
    change = one("契約者は、当社の承諾を得て、本サービスを第三者に利用させることができます。",
                 "契約者は、本サービスを第三者に利用させることができます。", engine, ChangeKind.CONSENT, TOS)
    assert (change.direction, change.favours) == (Direction.REMOVED, "契約者")


def test_a_liability_limited_to_gross_fault_favours_the_liable_party(engine):
    change = one("乙は、甲に生じた損害を賠償する。", "乙は、故意又は重大な過失がある場合に限り、甲に生じた損害を賠償する。",
                 engine, ChangeKind.CONDITION)
    assert (change.direction, change.favours) == (Direction.ADDED, "乙")


def test_an_exception_cut_out_of_an_exemption_favours_the_other_party(engine):
    change = one("3. 逸失利益、間接損害、特別損害については責任を負わない。",
                 "3. 逸失利益、間接損害、特別損害については、乙に故意又は重大な過失がある場合を除き、責任を負わない。",
                 engine, ChangeKind.CONDITION)
    assert (change.direction, change.favours) == (Direction.ADDED, "甲")


def test_a_condition_reworded_only_in_its_numbers_or_parties_is_not_a_condition_change(engine):
    assert [c.kind for c in meaning("期間満了日の30日前までに甲乙いずれからも異議がない場合、本契約は更新される。",
                                    "期間満了日の60日前までに甲乙いずれからも異議がない場合、本契約は更新される。",
                                    engine)] == []


def test_damages_narrowed_to_direct_and_ordinary_loss_favour_the_liable_party(engine):
    change = one("乙は、甲に生じた損害を賠償する。", "乙は、甲に直接かつ現実に生じた通常の損害に限り賠償する。",
                 engine, ChangeKind.SCOPE)
    assert change.favours == "乙"
    assert "通常の" in change.after


def test_instructions_limited_to_reasonable_ones_favour_the_party_that_follows_them(engine):
    change = one("乙は、甲の指示に従う。", "乙は、甲の合理的な指示に従う。", engine, ChangeKind.SCOPE)
    assert (change.after, change.favours) == ("合理的な", "乙")


def test_a_proviso_taking_from_an_exemption_favours_the_other_party(engine):
    change = one("2. 甲の情報提供の遅れにより業務が遅延した場合、乙はその責任を負わない。",
                 "2. 甲の情報提供の遅れにより業務が遅延した場合、乙はその責任を負わない。"
                 "ただし、乙が遅延のおそれを知りながら甲に通知しなかった場合は、この限りでない。",
                 engine, ChangeKind.PROVISO)
    assert (change.direction, change.favours) == (Direction.ADDED, "甲")


def test_the_form_of_a_consent_written_in_another_order_is_not_a_change(engine):
    assert meaning("乙は、甲の事前の書面による承諾を得て、本業務を第三者に再委託することができる。",
                   "乙は、甲の書面による事前の承諾を得て、本業務を第三者に再委託することができる。", engine) == []


def test_a_consent_made_written_is_a_stricter_consent(engine):
    change = one("乙は、甲の承諾を得て、本業務を第三者に再委託することができる。",
                 "乙は、甲の書面による承諾を得て、本業務を第三者に再委託することができる。", engine, ChangeKind.CONSENT)
    assert (change.direction, change.favours) == (Direction.CHANGED, "甲")


def test_a_clause_reordered_inside_its_sentence_is_not_a_change(engine):
    assert meaning("乙は、甲の事前の承諾を得て、本業務の一部を第三者に再委託することができる。",
                   "乙は、本業務の一部を、甲の事前の承諾を得て第三者に再委託することができる。", engine) == []


def test_notice_before_a_change_required_where_it_was_waived_favours_the_customer(engine):
    change = one("当社は、契約者に事前に通知することなく、本サービスの内容を変更することができます。",
                 "当社は、契約者に事前に通知した上で、本サービスの内容を変更することができます。",
                 engine, ChangeKind.CONSENT, TOS)
    assert (change.direction, change.favours) == (Direction.ADDED, "契約者")


def test_a_consent_written_as_without_consent_in_a_prohibition_is_required(engine):
    change = one("受託者は、本業務を第三者に再委託してはならない。",
                 "受託者は、委託者の書面による承諾なく、本業務を第三者に再委託してはならない。",
                 engine, ChangeKind.CONSENT, OUTSOURCING)
    # A ban softened into a consent requirement: the subcontractor may now ask.
    assert change.direction == Direction.ADDED


def test_an_exemption_no_longer_covering_gross_fault_favours_the_customer(engine):
    found = meaning("当社は、本サービスの提供に関して一切の責任を負わないものとします。",
                    "当社は、本サービスの提供に関して当社の故意又は重大な過失による場合を除き、責任を負わないものとします。",
                    engine, TOS)
    assert {(c.kind, c.favours) for c in found} == {(ChangeKind.CONDITION, "契約者"), (ChangeKind.SCOPE, "契約者")}


def test_a_trigger_raised_from_fault_to_gross_fault_favours_the_party_at_fault(engine):
    change = one("甲は、乙の責めに帰すべき事由により損害を被った場合、乙に対し損害賠償を請求できる。",
                 "甲は、乙の故意又は重大な過失により損害を被った場合に限り、乙に対し損害賠償を請求できる。",
                 engine, ChangeKind.CONDITION)
    assert (change.direction, change.favours) == (Direction.CHANGED, "乙")


def test_a_trigger_qualified_as_material_narrows_the_right_it_sets_off(engine):
    change = one("甲は、乙の報告に不備がある場合には、乙に修正を求めることができる。",
                 "甲は、乙の報告に重大な不備がある場合には、乙に修正を求めることができる。", engine, ChangeKind.CONDITION)
    assert change.favours == "乙"


def test_an_exception_in_brackets_is_read_as_a_condition_of_its_own(engine):
    change = one("次の場合、甲は無償サポートの対象外とすることができる。",
                 "次の場合（甲の責めに帰すべき事由による場合を除く。）、甲は無償サポートの対象外とすることができる。",
                 engine, ChangeKind.CONDITION)
    assert (change.after, change.favours) == ("甲の責めに帰すべき事由による場合を除く", "乙")


def test_a_proviso_that_only_relaxes_a_duty_favours_the_party_it_binds(engine):
    change = one("甲は次の場合、事前に乙へ通知の上、サービスを停止できる。",
                 "甲は次の場合、事前に乙へ通知の上、サービスを停止できる。"
                 "ただし、緊急やむを得ないときは、事後速やかに通知すれば足りる。", engine, ChangeKind.PROVISO)
    assert change.favours == "甲"


def test_a_ban_lifted_together_with_its_consent_is_read_as_both(engine):
    found = meaning("乙は、甲の承諾を得なければ、本業務を再委託できない。", "乙は、本業務を再委託できる。", engine)
    assert {(c.kind, c.before, c.after, c.favours) for c in found} == {
        (ChangeKind.MODALITY, "prohibition", "permission", "乙"), (ChangeKind.CONSENT, "甲の承諾を得", None, "乙")}


def test_a_cost_reimbursed_only_within_reason_favours_the_party_paying_it(engine):
    change = one("甲は、乙に対し、乙が負担した費用を償還する。",
                 "甲は、乙に対し、乙が負担した費用のうち合理的な範囲のものに限り償還する。", engine, ChangeKind.SCOPE)
    assert change.favours == "甲"


def test_the_court_moved_to_a_partys_seat_favours_that_party(engine):
    original = contract("本契約に関する紛争は、甲の本店所在地を管轄する地方裁判所を第一審の専属的合意管轄裁判所とする。", KO_OTSU)
    revised = original.replace("甲の本店所在地", "乙の本店所在地")
    court = next(c for c in compare(original, revised, engine=engine).changes if c.category == "jurisdiction")
    assert court.favours == "乙"


def test_a_longer_confidentiality_period_favours_the_discloser_named_in_the_article(engine):
    article = ("乙は、甲の秘密情報を第三者に開示してはならない。\n"
               "2. 前項の秘密保持義務は、本契約終了後も3年間存続する。")
    original = contract(article, KO_OTSU)
    revised = original.replace("3年間", "5年間")
    period = next(c for c in compare(original, revised, engine=engine).changes
                  if c.category == "confidentiality_period")
    assert period.favours == "甲"


def test_terms_of_service_changed_without_consent_now_need_it(engine):
    # Seed 003, 第2条: 了承を得ることなく waives the consent; 了承を得て requires it.
    change = one("当社は、契約者の了承を得ることなく本約款を変更することがあります。",
                 "当社は、契約者の事前の了承を得て本約款を変更することがあります。", engine, ChangeKind.CONSENT, TOS)
    assert (change.direction, change.favours) == (Direction.ADDED, "契約者")


def test_a_duty_replacing_a_right_of_the_topic_party_favours_the_other(engine):
    # Seed 003, 第27条: the parse hangs 当社は on the first clause; the topic still speaks for the sentence.
    found = meaning("利用契約が終了した場合、当社は契約者に対して、サーバ内データの返還義務及び保管義務を負わず、"
                    "これを任意に削除できるものとします。",
                    "利用契約が終了した場合、当社は契約者に対して、サーバ内データの返還義務及び保管義務を負い、"
                    "契約者の指示に従いこれを削除するものとします。", engine, TOS)
    assert {(c.kind, c.favours) for c in found} >= {(ChangeKind.MODALITY, "契約者"), (ChangeKind.CONSENT, "契約者")}


def test_a_fault_standard_lowered_from_gross_to_any_fault_widens_the_duty(engine):
    change = one("当社は、当社の故意または重大な過失により契約者に損害を与えた場合に限り、その損害を賠償する。",
                 "当社は、当社の故意または過失により契約者に損害を与えた場合に限り、その損害を賠償する。",
                 engine, ChangeKind.CONDITION, TOS)
    assert (change.direction, change.favours) == (Direction.CHANGED, "契約者")


def test_a_cap_raised_on_the_liability_a_subordinate_clause_names_favours_the_other_party(engine):
    # The model AI service contract's wording: the liable party stands in the 場合 clause.
    article = ("当社は、契約者に生じた損害を賠償する。\n"
               "2　前項に基づき当社が契約者に対して損害賠償責任を負う場合であっても、さかのぼって12か月間に"
               "契約者が当社に対して現実に支払った金額の累計を上限とする。")
    original = contract(article, TOS)
    cap = next(c for c in compare(original, original.replace("12か月間", "24か月間"), engine=engine).changes
               if c.category == "liability_cap")
    assert cap.favours == "契約者"


def value_favours(article: str, before: str, after: str, engine, preamble: str = KO_OTSU) -> list:
    original = contract(article, preamble)
    result = compare(original, original.replace(before, after), engine=engine)
    return [(c.category, c.direction, c.favours) for c in result.changes if c.kind == ChangeKind.VALUE]


@pytest.mark.parametrize("article, before, after, favours", [
    # A deadline by which a party must act: more time favours it.
    ("甲は、本契約締結後3週間以内に、乙に本報告書を提供する。", "3週間", "2週間", "乙"),
    ("乙は、報告書の確認が完了した日から2ヶ月以内に、甲に対して契約を締結するか否かを通知するものとする。",
     "2ヶ月", "3ヶ月", "乙"),
    # The time a party has before its duty begins is a deadline too.
    ("乙は、本契約が終了した場合は、その終了後3か月以降、本サービスの利用を停止しなければならない。",
     "3か月", "6か月", "乙"),
    # A span of a duty weighs on the party bound; of a right, it serves the holder.
    ("乙は、本業務に関する記録を本契約終了後3年間保存しなければならない。", "3年間", "5年間", "甲"),
    ("甲は、本契約終了後も2年間、成果物を無償で使用することができる。", "2年間", "3年間", "甲"),
])
def test_a_period_favours_by_what_it_is_to_the_party_it_concerns(article, before, after, favours, engine):
    [(_, _, found)] = value_favours(article, before, after, engine)
    assert found == favours


def test_an_advance_notice_asked_where_there_was_none_favours_the_other_party(engine):
    original = contract("契約者は、当社所定の方法により申し出ることによって利用契約を解除できるものとします。", TOS)
    revised = original.replace("方法により申し出る", "方法により、解除を希望する日の30日前までに申し出る")
    [change] = [c for c in compare(original, revised, engine=engine).changes if c.kind == ChangeKind.VALUE]
    assert (change.category, change.direction, change.favours) == ("termination_notice", Direction.ADDED, "当社")


def test_a_longer_time_to_pay_favours_the_payer_across_business_and_calendar_days(engine):
    article = ("本検証の委託料は金300万円（税別）とし、乙は、本契約締結時から10営業日以内に全額を、"
               "甲が指定する金融機関の口座に振込送金する方法により支払うものとする。")
    assert value_favours(article, "10営業日以内", "30日以内", engine) == [
        ("payment_due", Direction.INCREASE, "乙")]


def test_a_month_end_put_off_favours_the_party_whose_clause_pays(engine):
    # The sentence opens with the party that bills; the deadline's clause is the payer's.
    article = ("受託者は、毎月末日に当月分の委託料を請求し、委託者は、請求書受領月の翌月末日までに"
               "受託者の指定する銀行口座に振り込む方法により支払う。")
    assert value_favours(article, "翌月末日", "翌々月末日", engine, OUTSOURCING) == [
        ("payment_due", Direction.INCREASE, "委託者")]


def test_a_proviso_rewritten_is_one_proviso_whose_new_exception_is_reported(engine):
    main = "委託者又は受託者は、本契約に違反して相手方に損害を与えたときは、その損害を賠償する。"
    found = meaning(main + "ただし、受託者の賠償額は、本契約に基づき受領した委託料の総額を上限とする。",
                    main + "ただし、受託者の賠償額は、損害発生前6か月間に受領した委託料の額を上限とし、"
                    "受託者に故意又は重大な過失がある場合はこの限りでない。", engine, OUTSOURCING)
    assert [c.kind for c in found] == [ChangeKind.CONDITION], [c.summary for c in found]
    assert found[0].favours == "委託者"


SALE = "株式会社Ｄ（以下「売主」という。）と株式会社Ｅ（以下「買主」という。）は、次のとおり売買契約を締結する。"


def test_a_remedy_taken_from_a_list_narrows_the_right_and_favours_the_other_party(engine):
    change = one("本製品に不適合があったときは、買主は、売主に対し、代替品の納入又は代金の減額を請求することができる。",
                 "本製品に不適合があったときは、買主は、売主に対し、代替品の納入を請求することができる。",
                 engine, ChangeKind.SCOPE, SALE)
    assert (change.before, change.after, change.favours) == ("代金の減額", None, "売主")


@pytest.mark.parametrize("before, after, favours", [
    ("改変、複製又は再販売", "改変又は再販売", "乙"),     # fewer acts forbidden: the bound party gains
    ("改変又は再販売", "改変、複製又は再販売", "甲"),
])
def test_an_act_taken_from_or_added_to_a_prohibition_favours_by_the_duty(before, after, favours, engine):
    change = one(f"乙は、本製品を{before}してはならない。", f"乙は、本製品を{after}してはならない。",
                 engine, ChangeKind.SCOPE)
    assert change.favours == favours


GROUNDS = ("甲は、乙が次の各号のいずれかに該当するときは、直ちに本契約を解除することができる。\n"
           "(1)　本契約に違反したとき\n(2)　支払停止の状態に陥ったとき\n(3)　破産手続開始の申立てを受けたとき")


def test_a_ground_taken_from_a_right_to_terminate_favours_the_party_it_could_be_used_against(engine):
    revised = GROUNDS.replace("(1)　本契約に違反したとき\n(2)", "(1)").replace("(3)", "(2)")
    change = one(GROUNDS, revised, engine, ChangeKind.SCOPE)
    assert (change.before, change.after, change.favours) == ("本契約に違反したとき", None, "乙")


def test_an_act_added_to_a_list_of_prohibited_acts_favours_the_other_party(engine):
    lead = "乙は、次に掲げる行為をしてはならない。\n一　本製品を改変すること\n二　本製品を第三者に貸与すること"
    change = one(lead, lead + "\n三　本製品を分解すること", engine, ChangeKind.SCOPE)
    assert (change.after, change.favours) == ("本製品を分解すること", "甲")


LEASE = "山田太郎（以下「貸主」という。）と株式会社みどり（以下「借主」という。）は、次のとおり賃貸借契約を締結する。"


@pytest.mark.parametrize("original, revised, kind, preamble, favours", [
    # 返金しません frees 当社 of a payment: an exception to it takes from 当社.
    ("当社は、契約者が支払った料金を返金しません。",
     "当社は、契約者が支払った料金を、当社の責めに帰すべき事由による場合を除き、返金しません。",
     ChangeKind.CONDITION, TOS, "契約者"),
    # A limit taken from a party's own use of something favours that party.
    ("当社は、契約者のデータを本サービスの提供の目的に限り利用するものとします。",
     "当社は、契約者のデータを本サービスの提供の目的に利用するものとします。", ChangeKind.SCOPE, TOS, "当社"),
    # A right usable at any time no longer so favours the other party.
    ("契約者は、当社所定の方法により、いつでも退会することができます。",
     "契約者は、当社所定の方法により退会することができます。", ChangeKind.SCOPE, TOS, "当社"),
    # An item added to an exception narrows the duty: the party bound gains.
    ("借主は、通常の使用に伴い生じた損耗を除き、本物件を原状に回復しなければならない。",
     "借主は、通常の使用に伴い生じた損耗及び経年変化を除き、本物件を原状に回復しなければならない。",
     ChangeKind.CONDITION, LEASE, "借主"),
])
def test_an_exemption_a_right_or_an_exception_changed_favours_by_what_it_gives(
        original, revised, kind, preamble, favours, engine):
    assert one(original, revised, engine, kind, preamble).favours == favours


@pytest.mark.parametrize("original, revised", [
    # The ない of しなければならない is the obligation's, not a denial.
    ("乙は、本業務を誠実に遂行しなければならない。", "乙は、本業務を誠実に遂行するものとする。"),
    # One widening word for another.
    ("甲は、乙に生じた損害について一切の責任を負わない。", "甲は、乙に生じた損害についていかなる責任も負わない。"),
    ("乙が本契約に違反した場合、甲は本契約を解除することができる。",
     "乙が本契約に違反したときは、甲は本契約を解除することができる。"),
    ("乙は、甲の事前の書面による承諾を得た場合に限り、再委託することができる。",
     "乙は、甲の書面による事前の承諾を得た場合に限り、再委託することができる。"),
    ("乙は、秘密情報を、第三者に開示し、又は漏洩してはならない。", "乙は、秘密情報を第三者に開示し又は漏えいしてはならない。"),
])
def test_the_same_rule_in_other_words_is_not_a_change(original, revised, engine):
    assert meaning(original, revised, engine) == []


def test_the_moment_a_right_passes_is_a_condition(engine):
    change = one("成果物の所有権は、検収時に乙から甲に移転する。", "成果物の所有権は、委託料の支払完了時に乙から甲に移転する。",
                 engine, ChangeKind.CONDITION)
    assert (change.before, change.after) == ("検収時に", "委託料の支払完了時に")


def test_at_the_same_time_is_not_a_condition(engine):
    assert meaning("甲は、解除の通知を行う。", "甲は、解除と同時に通知を行う。", engine) == []


def test_a_licence_names_its_parties_without_defining_them(engine):
    # No 以下「…」という: the usual names of a licence stand for the parties.
    lead = "利用者は、次の行為をしてはならない。\n① 本ソフトウェアの複製\n② 本ソフトウェアの改変"
    change = one(lead + "\n③ 本ソフトウェアの貸与", lead, engine, ChangeKind.SCOPE, "許諾者と利用者は、次のとおり契約する。")
    assert (change.before, change.favours) == ("本ソフトウェアの貸与", "利用者")


def test_a_word_added_without_a_list_is_not_an_item(engine):
    assert meaning("乙は、障害の発生を甲に通知する。", "乙は、障害の発生を甲に直ちに通知する。", engine) == []


def test_a_right_kept_by_a_party_is_read_through_a_parenthetical(engine):
    # The parenthetical's own 。 misleads the parse of the sentence around it.
    change = one("成果物に関する著作権（著作権法第27条及び第28条に定める権利を含む。）は、受託者から委託者に移転する。",
                 "成果物に関する著作権（著作権法第27条及び第28条に定める権利を含む。）は、受託者に留保される。",
                 engine, ChangeKind.PARTY, OUTSOURCING)
    assert (change.before, change.after, change.favours) == ("委託者", "受託者", "受託者")


FEE = "契約者は、当社に対し、月額金10万円の利用料を支払う。"


def test_a_discount_period_made_longer_favours_the_payer_though_it_names_no_party(engine):
    article = FEE + "\n2　前項にかかわらず、本契約締結日より1年間は、前項の利用料を半額に減額する。"
    assert value_favours(article, "1年間", "2年間", engine, TOS) == [("other", Direction.INCREASE, "契約者")]


def test_more_time_to_claim_back_an_overpayment_favours_the_party_that_pays(engine):
    # The refund's article binds both parties; the contract's fee article says who pays.
    original = contract(FEE, TOS) + ("\n第4条（過払い）\n当社及び契約者は、過払いを理由とする返還の請求を、"
                                     "支払後30日以内に書面により行う。\n")
    revised = original.replace("支払後30日以内", "支払後90日以内")
    [change] = [c for c in compare(original, revised, engine=engine).changes if c.kind == ChangeKind.VALUE]
    assert (change.direction, change.favours) == (Direction.INCREASE, "契約者")


def test_a_fee_measured_on_the_other_partys_price_favours_the_payer_when_cut(engine):
    article = ("契約者は、当社に対し、下記計算式により計算した対価を支払う。\n"
               "2　前項の単価は、当社が対象事業者に対してサービスを提供する際の単価のうち最も安い単価×90%とする。")
    assert value_favours(article, "×90%", "×85%", engine, TOS) == [("fee", Direction.DECREASE, "契約者")]


# Definitions.
# Definitions.

def test_a_changed_definition_names_the_term_and_every_article_using_it(engine):
    original = ("秘密保持契約書\n\n" + KO_OTSU + "\n\n第1条（定義）\n本契約において「秘密情報」とは、"
                "開示者が秘密である旨を明示して開示した技術上の情報をいう。\n\n第2条（秘密保持）\n"
                "乙は、秘密情報を第三者に開示してはならない。\n\n第3条（返還）\n乙は、秘密情報を返還する。\n")
    revised = original.replace("秘密である旨を明示して開示した技術上の情報", "開示した技術上又は営業上の一切の情報")
    change = next(c for c in compare(original, revised, engine=engine).changes if c.kind == ChangeKind.DEFINITION)
    assert (change.term, change.used_in, change.direction) == ("秘密情報", ("第2条", "第3条"), Direction.CHANGED)
    assert change.after == "開示者が開示した技術上又は営業上の一切の情報"


def definition_changes_of(original: str, revised: str, engine) -> list:
    return [c for c in compare(original, revised, engine=engine).changes if c.kind == ChangeKind.DEFINITION]


def test_an_edit_before_a_term_defined_by_first_use_leaves_its_definition_alone(engine):
    article = "乙は、本契約締結後30日以内に、本検証に関する報告書（以下「本報告書」という。）を甲に提出する。"
    original = contract(article, KO_OTSU)
    assert definition_changes_of(original, original.replace("30日以内", "20日以内"), engine) == []
    [change] = definition_changes_of(original, original.replace("本検証に関する報告書", "本検証の結果報告書"), engine)
    assert (change.term, change.before, change.after) == ("本報告書", "本検証に関する報告書", "本検証の結果報告書")


def test_a_term_defined_in_a_numbered_paragraph_is_defined_without_the_number(engine):
    article = ("甲は、本契約の目的のため乙に情報を開示する。\n"
               "2　甲が開示する技術情報（以下「秘密情報」という。）は、乙が管理する。")
    original = contract(article, KO_OTSU)
    revised = original.replace("2　甲が開示する", "３　甲が開示する").replace(
        "開示する。\n", "開示する。\n2　乙は、開示された情報を目的外に使用しない。\n")
    assert definition_changes_of(original, revised, engine) == []


def test_a_term_defined_after_a_list_of_nouns_keeps_the_whole_list(engine):
    article = "乙は、甲が運営するWebサイト、システム、アプリケーション（以下「対象システム」という。）を保守する。"
    original = contract(article, KO_OTSU)
    [change] = definition_changes_of(original, original.replace("システム、アプリ", "システム、サーバ、アプリ"), engine)
    assert change.after == "甲が運営するWebサイト、システム、サーバ、アプリケーション"


# A whole counter-draft.
# A whole counter-draft.

def test_the_counter_draft_of_seed_001_reads_as_a_lawyer_would(engine):
    result = compare(dev_text("001_original"), dev_text("001_counter_meaning"), engine=engine)
    found = {(c.original_clause, c.kind.value, c.before, c.after, c.favours) for c in result.changes
             if c.kind not in (ChangeKind.VALUE, ChangeKind.DEFINITION)}
    assert ("第6条", "party", "甲", "乙", "甲") in found
    assert ("第12条", "party", "甲及び乙", "乙", "甲") in found
    assert ("第19条", "modality", "statement", "effort", None) in found
    cap = next(c for c in result.changes if c.category == "liability_cap")
    assert cap.favours == "甲"     # 乙's cap raised from 6 to 12 months of fees
    assert len(found) == 12


# Citations.

def test_a_citation_updated_after_renumbering_is_not_stale(engine):
    result = compare(dev_text("000_original"), dev_text("000_counter_otsu"), engine=engine)
    assert not [c for c in result.changes if c.kind == ChangeKind.CROSS_REFERENCE]


def test_a_citation_left_with_the_old_number_is_stale(engine):
    revised = dev_text("000_counter_otsu").replace("第8条、第9条、第10条及び第13条は存続する", "第7条、第9条、第10条は存続する")
    result = compare(dev_text("000_original"), revised, engine=engine)
    stale = [c for c in result.changes if c.kind == ChangeKind.CROSS_REFERENCE]
    assert [(c.before, c.after, c.revised_clause) for c in stale] == [("第7条", "第8条", "第12条")]
    assert revised[stale[0].revised_excerpt.start:stale[0].revised_excerpt.end] == "第7条"


def test_an_item_added_to_what_a_party_does_not_warrant_favours_that_party(engine):
    change = one("乙は、障害の完全な防止を保証するものではない。",
                 "乙は、障害の完全な防止又は即時復旧を保証するものではない。", engine, ChangeKind.SCOPE)
    assert (change.before, change.after, change.favours) == (None, "即時復旧", "乙")


# The parse budget.

def test_past_the_parse_budget_the_force_is_still_read_and_meta_says_degraded(engine):
    from nlp.budget import Budget
    from nlp.meaning import roles

    roles.clear_cache()
    original = contract("本業務に要する費用は、甲が負担し、乙は報告書を提出しなければならない。", KO_OTSU)
    revised = contract("本業務に要する費用は、乙が負担し、乙は報告書を提出するよう努める。", KO_OTSU)
    budget = Budget(max_sentences=0)
    result = compare(original, revised, engine=engine, budget=budget)
    kinds = {c.kind for c in result.changes}
    assert ChangeKind.MODALITY in kinds and ChangeKind.PARTY not in kinds
    assert result.meta["budget"] == {"sentences_parsed": 0, "largest_assignment": 3 * 3, "degraded": ["sentences"]}
    unlimited = compare(original, revised, engine=engine)
    assert ChangeKind.PARTY in {c.kind for c in unlimited.changes}
    assert unlimited.meta["budget"]["degraded"] == []


def test_sentences_opening_with_their_party_are_read_for_favours_without_a_parse(engine):
    def contract_of(sentence: str) -> str:
        return KO_OTSU + "\n\n" + "\n\n".join(f"第{i}条（業務{i}）\n" + sentence.format(i=i) for i in range(1, 31))

    original = contract_of("乙は、業務{i}を第三者に再委託することができる。")
    revised = contract_of("乙は、業務{i}を第三者に再委託してはならない。")
    result = compare(original, revised, engine=engine)
    flips = [c for c in result.changes if c.kind == ChangeKind.MODALITY]
    assert len(flips) == 30 and {c.favours for c in flips} == {"甲"}
    assert result.meta["budget"]["sentences_parsed"] == 0


def test_citations_all_updated_after_a_shift_are_not_stale(engine):
    original = (KO_OTSU + "\n\n第1条（目的）\n本契約は、業務の委託について定める。\n\n第2条（業務）\n乙は、業務を行う。\n\n"
                "第3条（報告）\n乙は、報告する。\n\n第4条（存続）\n第2条及び第3条は、本契約終了後も存続する。\n")
    revised = original.replace("第4条（存続）\n第2条及び第3条", "第5条（存続）\n第3条及び第4条").replace(
        "第3条（報告）", "第4条（報告）").replace("第2条（業務）", "第2条（定義）\n本契約の用語は、別紙に定める。\n\n第3条（業務）")
    found = [c for c in compare(original, revised, engine=engine).changes if c.kind == ChangeKind.CROSS_REFERENCE]
    assert found == []


def test_a_change_needing_only_its_subject_parses_the_revised_sentence_alone(engine):
    from nlp.meaning import roles

    roles.clear_cache()
    original = contract("本業務の再委託は、事前の書面による承諾を得て行うことができる。", KO_OTSU)
    revised = contract("本業務の再委託は、承諾を得て行うことができる。", KO_OTSU)
    result = compare(original, revised, engine=engine)
    assert [c.kind for c in result.changes] == [ChangeKind.CONSENT]
    assert result.meta["budget"]["sentences_parsed"] == 1


def test_a_sentence_differing_only_in_its_figures_is_read_from_the_one_parsed_before(engine):
    from nlp.meaning import roles

    roles.clear_cache()
    notice = "乙の責めに帰すべき事由により甲に損害が生じたときの賠償額は、委託料の{}か月分を上限とする。"
    original = contract(notice.format(1), KO_OTSU)
    first = compare(original, contract(notice.format(3), KO_OTSU), engine=engine)
    assert first.meta["budget"]["sentences_parsed"] >= 1
    [cap] = [c for c in first.changes if c.kind == ChangeKind.VALUE]
    # The next round renegotiates the figure only: its favours are read without a new parse.
    again = compare(original, contract(notice.format(12), KO_OTSU), engine=engine)
    [later] = [c for c in again.changes if c.kind == ChangeKind.VALUE]
    assert again.meta["budget"]["sentences_parsed"] == 0
    assert (cap.favours, later.favours) == ("甲", "甲")


def test_figures_in_the_parties_names_keep_sentences_apart():
    from nlp.meaning import roles
    from nlp.meaning.parties import Parties

    numbered = Parties(("保証人1", "保証人2"))
    plain = read_parties(KO_OTSU, KO_OTSU)
    assert roles._key("保証人1は、債務を保証する。", numbered) != roles._key("保証人2は、債務を保証する。", numbered)
    assert roles._key("乙は、30日前までに通知する。", plain) == roles._key("乙は、90日前までに通知する。", plain)


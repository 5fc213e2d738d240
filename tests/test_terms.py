"""Terms: typed values of a clause, their categories, and the changes between two clauses."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from conftest import DATA, dev_text, seed_text
from nlp.model import Article, Contract, Span
from nlp.result import ChangeKind, Direction
from nlp.terms import Category, Kind, Unit, clause_changes, diff_terms, extract_terms
from nlp.text import parse_number

CASES = DATA.parent.parent.parent / "shared" / "eval" / "dev"
if not CASES.is_dir():
    CASES = Path("/work/shared/eval/dev")

# A local article splitter, so these tests do not depend on the parser.
ARTICLE = re.compile(
    r"^(?:\[bookmark:[^\]\n]{0,200}\])?[ \t\u3000]*第(?P<number>[0-9０-９一二三四五六七八九十]{1,4})条"
    r"[ \t\u3000]*(?:[（(](?P<heading>[^）)\n]{1,40})[）)])?[^\n]*\n?",
    re.MULTILINE)


def articles(text: str) -> dict[int, tuple[str | None, str, int]]:
    """Article number → (heading, body, offset of the body)."""
    matches = list(ARTICLE.finditer(text))
    found = {}
    for match, after in zip(matches, [*matches[1:], None], strict=True):
        body = text[match.end():after.start() if after else len(text)]
        found[parse_number(match.group("number"))] = (match.group("heading"), body, match.end())
    return found


def terms_of(text: str, number: int):
    heading, body, offset = articles(text)[number]
    return extract_terms(body, heading=heading, offset=offset)


def one(text: str, heading: str | None = None):
    """The only term of a sentence, as (category, value, unit)."""
    found = extract_terms(text, heading=heading)
    assert len(found) == 1, found
    return found[0].category, found[0].value, found[0].unit


def months_or_days(value, unit):
    """The scorer's scale: years and months as months, weeks as days."""
    factor = {"year": 12, "week": 7}.get(unit, 1)
    unit = {"year": "month", "week": "day"}.get(unit, unit)
    return (value * factor if isinstance(value, int | float) else value, unit)


def scored(side):
    return None if side is None else months_or_days(side["value"], side["unit"])


def change_key(change):
    side = lambda v: None if v is None else months_or_days(v.value, v.unit)  # noqa: E731
    return (change.category, side(change.original), side(change.revised))


def case(name: str):
    data = json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))
    original = (CASES / data["original"]).read_text(encoding="utf-8")
    revised = (CASES / data["revised"]).read_text(encoding="utf-8")
    return data, original, revised


def found_changes(original: str, revised: str, pairs) -> set[tuple]:
    found = set()
    for left, right in pairs:
        changes = diff_terms(terms_of(original, left), terms_of(revised, right))
        found |= {(left, right, *change_key(c)) for c in changes}
    return found


def keyed_changes(data) -> set[tuple]:
    return {(c["original_article"], c["revised_article"], c["category"],
             scored(c["original"]), scored(c["revised"])) for c in data["changes"]}


# --- the answer keys -------------------------------------------------------

COMPLETE_CASES = ["dev-000-counter", "dev-000-formatting", "dev-002-counter", "dev-004-counter"]


@pytest.mark.parametrize("name", COMPLETE_CASES)
def test_complete_keys_are_found_exactly(name):
    data, original, revised = case(name)
    assert data["changes_complete"]
    assert found_changes(original, revised, data["pairs"]) == keyed_changes(data)


def test_keyed_changes_of_two_templates_are_found():
    data, original, revised = case("dev-001-vs-004")
    assert keyed_changes(data) <= found_changes(original, revised, data["pairs"])


def test_reformatted_contract_has_no_change_in_any_article():
    original, formatted = dev_text("000_original"), dev_text("000_formatting")
    for number in articles(original):
        assert diff_terms(terms_of(original, number), terms_of(formatted, number)) == ()


def test_reformatted_contract_has_the_same_terms():
    original, formatted = dev_text("000_original"), dev_text("000_formatting")
    for number in articles(original):
        left = [(t.category, t.value, t.unit) for t in terms_of(original, number)]
        right = [(t.category, t.value, t.unit) for t in terms_of(formatted, number)]
        assert left == right, number


# --- durations and deadlines, with their categories -------------------------

CONFIDENTIALITY = Category.CONFIDENTIALITY_PERIOD


@pytest.mark.parametrize("sentence, heading, expected", [
    ("3. 契約終了後も5年間、秘密保持義務は存続する。", "秘密保持", (CONFIDENTIALITY, 5, Unit.YEAR)),
    ("３　契約終了後も五年間、秘密保持義務は存続する。", "秘密保持", (CONFIDENTIALITY, 5, Unit.YEAR)),
    ("3. 本条の義務は契約終了後も3年間存続する。", "秘密保持", (CONFIDENTIALITY, 3, Unit.YEAR)),
    ("1. 本契約の有効期間は、締結日から1年間とする。", "契約期間", (Category.CONTRACT_TERM, 1, Unit.YEAR)),
    ("１　本契約の有効期間は、締結日から一年間とする。", "契約期間", (Category.CONTRACT_TERM, 1, Unit.YEAR)),
    ("2. 期間満了の1か月前までに当事者から書面による意思表示がない場合、"
     "同一条件で自動更新される。", "契約期間", (Category.RENEWAL_NOTICE, 1, Unit.MONTH)),
    ("２　期間満了の１ヶ月前までに当事者から書面による意思表示がない場合、"
     "同一条件で自動更新される。", "契約期間", (Category.RENEWAL_NOTICE, 1, Unit.MONTH)),
    ("1. 当事者は、相手方が重大な違反を行った場合、30日間の是正期間を設けたうえで解除できる。",
     "契約の終了・解除", (Category.CURE_PERIOD, 30, Unit.DAY)),
    ("1. 甲または乙が接続仕様を変更する場合、相手方に対し、原則として30日前までに書面により通知する。",
     "接続仕様の変更", (Category.SPEC_CHANGE_NOTICE, 30, Unit.DAY)),
    ("１　甲または乙が接続仕様を変更する場合、相手方に対し、原則として３０日前までに\n"
     "書面により通知する。", "接続仕様の変更", (Category.SPEC_CHANGE_NOTICE, 30, Unit.DAY)),
    ("2．乙は、前項の規定にかかわらず、30日前までに甲に書面で通知することにより、"
     "いつでも本同意書を解約することができる。", "解除", (Category.TERMINATION_NOTICE, 30, Unit.DAY)),
    ("本契約の期間満了前であっても、3か月前までに通知することにより本契約を解約できる。",
     "契約期間", (Category.TERMINATION_NOTICE, 3, Unit.MONTH)),
    ("1．乙は、管理対象SSL証明書の有効期限を管理し、有効期限の90日前までに"
     "甲へ書面又は電子メールにより通知する。", "SSL証明書の更新管理", (Category.NOTICE_PERIOD, 90, Unit.DAY)),
    ("この変更は14日前までにその旨を契約者に当社の提供する手段により通知又は発表するものとします。",
     "約款の変更", (Category.NOTICE_PERIOD, 14, Unit.DAY)),
    ("お申込み日を含めて8日間は当該利用契約の申込みの撤回又は当該利用契約の解除を"
     "当社所定の方法により行うことができるものとします。", "クーリングオフ",
     (Category.COOLING_OFF, 8, Unit.DAY)),
    ("2．甲は、前項の通知を受けた場合、受付時間内であれば通知の受領から4時間以内に"
     "障害内容の確認に着手し、速やかに復旧作業を行う。", "障害対応", (Category.OTHER, 4, Unit.HOUR)),
    ("甲は、請求書受領後30日以内に支払うものとする。", "支払条件", (Category.PAYMENT_DUE, 30, Unit.DAY)),
    ("支払期限は、請求書発行日から30日とする。", "支払条件", (Category.PAYMENT_DUE, 30, Unit.DAY)),
    ("甲は、検収完了後10営業日以内に検収結果を通知する。", "検収", (Category.NOTICE_PERIOD, 10, Unit.BUSINESS_DAY)),
    ("乙は、2週間以内に報告する。", None, (Category.OTHER, 2, Unit.WEEK)),
])
def test_periods_get_a_value_unit_and_category(sentence, heading, expected):
    assert one(sentence, heading) == expected


@pytest.mark.parametrize("written", ["1か月", "1ヶ月", "1ケ月", "1カ月", "1ヵ月", "1箇月", "一箇月",
                                     "１ヶ月"])
def test_every_spelling_of_a_month_is_one_month(written):
    assert one(f"期間満了の{written}前までに通知する。")[1:] == (1, Unit.MONTH)


def test_renewal_length_is_its_own_term_and_its_notice_a_renewal_notice():
    text = ("2. 期間満了日の30日前までに甲乙いずれからも書面による異議がない場合、"
            "本契約は同一条件でさらに1年間更新されるものとする。")
    assert [(t.category, t.value, t.unit) for t in extract_terms(text, heading="契約期間")] == [
        (Category.RENEWAL_NOTICE, 30, Unit.DAY), (Category.RENEWAL_TERM, 1, Unit.YEAR)]


def test_a_renewal_clause_added_to_a_contract_adds_no_contract_term():
    term = "本契約の有効期間は、締結日から1年間とする。"
    renewal = ("期間満了日の1か月前までに書面による異議がない場合、本契約は同一条件でさらに1年間更新されるものとし、"
               "以後も同様とする。")
    found = [(t.category, t.value) for t in extract_terms(term + renewal, heading="契約期間")]
    assert found == [(Category.CONTRACT_TERM, 1), (Category.RENEWAL_NOTICE, 1), (Category.RENEWAL_TERM, 1)]


def test_advance_and_deadline_kinds_are_told_apart():
    advance, within = extract_terms("30日前までに通知し、受領から14日以内に回答する。")
    assert (advance.kind, within.kind) == (Kind.ADVANCE, Kind.DEADLINE)


def test_a_year_counted_with_ka_is_a_year():
    assert one("本契約の有効期間は、3ヶ年とする。") == (Category.CONTRACT_TERM, 3, Unit.YEAR)


def test_years_and_months_written_together_are_months():
    assert one("本契約の有効期間は、２年６か月間とする。") == (Category.CONTRACT_TERM, 30, Unit.MONTH)


# --- what is not a term -----------------------------------------------------

@pytest.mark.parametrize("text", [
    "本約款は、2018年8月1日に作定し、即日実施します。",
    "●●年●●月●●日",
    "令和○年○月○日",
    "日付：_______年____月____日",
    "契約期間は、毎月1日から月末までのヶ月毎として取扱います。",
    "3. 契約終了後も、第7条、第9条、第10条は存続する。",
    "当社は、第3条5項記載の各種クラウドサービス上で構築されたサーバを管理する。",
    "ただし、第3号から第5号までに該当し、緊急やむを得ないときは、事後速やかに通知すれば足りる。",
    "本契約締結の証として、本書を2通作成し、各当事者が1通ずつ保管する。",
    "当社及び契約者は、機密資料を取扱う役員及び従業員に、本約款の内容について十二分に理解させるものとします。",
    "法令に基づき官公庁又は裁判所から開示を義務付けられた情報",
    "他の裁判所について生じる法定管轄は、本条における合意をもってこれを排除します。",
    "甲は、日本の法令を遵守する。",
    "運用管理等を円滑に実施する。",
    "乙は、毎月末日に当月分の委託料を請求する。",
    "2024年度の計画",
    "数十日を要する。",
])
def test_dates_references_copies_and_words_are_not_terms(text):
    assert extract_terms(text) == ()


@pytest.mark.parametrize("sentence, months", [
    ("支払期限は請求書発行日の翌月末日とする。", 1),
    ("甲は、請求書受領月の翌々月末日までに乙の指定する口座に振り込む。", 2),
    ("月末締め翌月末払いとする。", 1),
    ("甲は、検収月の３か月後の月末までに支払う。", 3),
    ("甲は、当月分の料金を当月末日までに支払う。", 0),
])
def test_a_month_end_counted_from_another_month_is_a_payment_due_in_months(sentence, months):
    assert one(sentence) == (Category.PAYMENT_DUE, months, Unit.MONTH)


def test_a_month_end_written_with_or_without_its_day_is_the_same_deadline():
    [first], [second] = extract_terms("甲は翌月末日までに支払う。"), extract_terms("甲は翌月末までに支払う。")
    assert (first.value, first.unit) == (second.value, second.unit)


def test_a_paragraph_label_is_not_read_as_a_number():
    assert extract_terms("１　日本国内において利用する。") == ()


# --- money, rates, multiples, counts, windows ---------------------------------

@pytest.mark.parametrize("amount", ["金1,000万円", "金１，０００万円", "金一千万円", "10,000,000円"])
def test_a_cap_in_money_is_a_liability_cap_in_yen(amount):
    sentence = f"2. 前項に基づき乙が甲に対して負う損害賠償の累計総額は、{amount}を上限とする。"
    assert one(sentence, "損害賠償") == (Category.LIABILITY_CAP, 10_000_000, Unit.YEN)


@pytest.mark.parametrize("sentence, heading, expected", [
    ("2. 乙の損害賠償額は、当該損害発生月を含む過去6か月間に甲が乙へ支払った保守料金総額を上限とする。",
     "損害賠償", (6, Unit.MONTH)),
    ("3．乙が負う損害賠償責任の総額は、直近1年間に甲が乙へ支払った管理報酬総額を上限とする。",
     "責任の制限", (1, Unit.YEAR)),
    ("当社は契約者に現実生じた通常の直接損害に対して、通常のサービスを利用した場合に要する"
     "月間費用の1ヶ月分を限度額として賠償責任を負うものとします。", "損害賠償", (1, Unit.MONTH)),
])
def test_a_cap_measured_in_fees_is_one_liability_cap_term(sentence, heading, expected):
    assert one(sentence, heading) == (Category.LIABILITY_CAP, *expected)


@pytest.mark.parametrize("written, value", [
    ("月額金100,000円", 100_000), ("5千円", 5_000), ("1億5000万円", 150_000_000), ("三百万円", 3_000_000),
])
def test_fees_are_read_in_yen(written, value):
    assert one(f"甲は乙に対し、対価として{written}を支払う。", "報酬") == (Category.FEE, value, Unit.YEN)


def test_a_placeholder_amount_is_kept_as_unknown():
    (term,) = extract_terms("1. 甲は乙に対し、対価として月額金●●円（消費税別）を支払う。", heading="報酬")
    assert (term.category, term.unit, term.unknown) == (Category.FEE, Unit.YEN, True)


@pytest.mark.parametrize("sentence", [
    "契約者は、料金等の支払いを遅延した場合は、遅延期間につき年率14.5%の遅延損害金を支払うものとします。",
    "支払を遅滞したときは、年14.5％の割合による遅延損害金を支払う。",
    "支払を遅滞したときは、年率１４．５％の遅延損害金を支払う。",
    "支払を遅延したときは、支払期日の翌日から年十四・五パーセントの割合による遅延損害金を支払う。",
])
def test_interest_rates_are_late_interest_in_percent(sentence):
    assert one(sentence) == (Category.LATE_INTEREST, 14.5, Unit.PERCENT)


def test_months_written_without_their_counter_before_a_notice_are_months():
    # Statutes and older contracts write 三月 for three months: 期間満了の三月前までに.
    sentence = "期間満了の三月前までにいずれからも別段の意思表示がないときは、同一条件で更新する。"
    assert one(sentence) == (Category.RENEWAL_NOTICE, 3, Unit.MONTH)


def test_a_multiple_of_fees_avoided_is_a_penalty():
    sentence = ("契約者は、料金等を不正に免れた場合は、その免れた料金の2倍に相当する額を"
                "特別利用料金として別途、支払うものとします。")
    assert one(sentence, "特別利用料金") == (Category.PENALTY, 2, Unit.TIMES)


def test_a_count_of_people_is_a_person_count():
    assert one("5. 前項の情報取扱責任者は2名とします。", "機密保持") == (Category.OTHER, 2, Unit.PERSON)


@pytest.mark.parametrize("window, hours", [
    ("午前9時から午後6時まで", 9), ("9:00〜18:00", 9), ("9時から18時まで", 9),
    ("午前九時から午後六時まで", 9), ("９：００～１７：３０", 8.5), ("22時から翌6時", 8),
])
def test_a_time_window_is_its_length_in_hours(window, hours):
    sentence = f"1. 乙の対応時間は、平日{window}とする。"
    assert one(sentence, "業務時間") == (Category.SERVICE_HOURS, hours, Unit.HOUR)


def test_a_window_keeps_both_ends_in_its_span():
    text = "1．サポート受付時間は、平日（土曜日、日曜日及び祝日を除く。）の午前9時から午後6時までとする。"
    (term,) = extract_terms(text, offset=100)
    assert text[term.start - 100:term.end - 100] == term.text == "午前9時から午後6時まで"


# --- courts and governing law -------------------------------------------------

HEAD_OFFICE_COURT = "甲の本店所在地を管轄する地方裁判所"


@pytest.mark.parametrize("sentence, court", [
    (f"2. 本契約に関する紛争は、{HEAD_OFFICE_COURT}を専属的合意管轄裁判所とする。", HEAD_OFFICE_COURT),
    ("2. 本契約に関する紛争は、東京地方裁判所を第一審の専属的合意管轄裁判所とする。", "東京地方裁判所"),
    ("当利用契約に関する訴えについては、大阪地方裁判所を第一審の専属的合意管轄裁判所とします。",
     "大阪地方裁判所"),
    (f"紛争については、{HEAD_OFFICE_COURT}又は簡易裁判所を第一審の専属的合意管轄裁判所とする。",
     f"{HEAD_OFFICE_COURT}又は簡易裁判所"),
    ("紛争については、乙の住所地を管轄する地方裁判所を第一審の専属的合意管轄裁判所とする。",
     "乙の住所地を管轄する地方裁判所"),
])
def test_courts_are_named_without_their_qualifiers(sentence, court):
    assert one(sentence) == (Category.JURISDICTION, court, Unit.COURT)


@pytest.mark.parametrize("sentence", [
    "本契約は日本法を準拠法とする。", "本契約は日本法に準拠する。",
    "当利用契約の準拠法は、日本国の法令とします。", "本契約は日本国法に準拠する。",
])
def test_every_name_of_japanese_law_is_japanese_law(sentence):
    assert one(sentence) == (Category.GOVERNING_LAW, "日本法", Unit.LAW)


# --- spans ------------------------------------------------------------------------

def test_spans_point_into_the_raw_text_with_the_offset():
    text = seed_text("000")
    for number in articles(text):
        for term in terms_of(text, number):
            assert text[term.start:term.end] == term.text


def test_seed_003_terms_are_found_in_their_clauses():
    text = seed_text("003")
    found = {(n, t.category, t.value, t.unit) for n in articles(text) for t in terms_of(text, n)}
    assert {
        (2, Category.NOTICE_PERIOD, 14, Unit.DAY),
        (12, Category.RENEWAL_TERM, 1, Unit.MONTH),     # 自動的に1ヶ月間更新される
        (24, Category.NOTICE_PERIOD, 2, Unit.MONTH),
        (32, Category.PENALTY, 2, Unit.TIMES),
        (33, Category.LATE_INTEREST, 14.5, Unit.PERCENT),
        (39, Category.LIABILITY_CAP, 1, Unit.MONTH),
        (42, Category.COOLING_OFF, 8, Unit.DAY),
        (45, Category.GOVERNING_LAW, "日本法", Unit.LAW),
        (46, Category.JURISDICTION, "大阪地方裁判所", Unit.COURT),
    } <= found


# --- differences --------------------------------------------------------------------

def diff(left: str, right: str, heading: str | None = None):
    return diff_terms(extract_terms(left, heading=heading), extract_terms(right, heading=heading),
                      original_label="第9条", revised_label="第10条")


def test_a_shorter_confidentiality_period_is_a_decrease_with_a_summary():
    (change,) = diff("契約終了後も5年間、秘密保持義務は存続する。",
                     "契約終了後も3年間、秘密保持義務は存続する。", "秘密保持")
    assert (change.kind, change.category) == (ChangeKind.VALUE, "confidentiality_period")
    assert change.direction == Direction.DECREASE
    assert (change.original.value, change.original.unit, change.revised.value) == (5, "year", 3)
    assert change.summary == "秘密保持義務の存続期間: 5年間 → 3年間"
    assert (change.original_clause, change.revised_clause) == ("第9条", "第10条")


@pytest.mark.parametrize("left, right", [
    ("契約終了後も３年間存続する。", "契約終了後も三年間存続する。"),
    ("期間満了の1ヶ月前までに", "期間満了の1か月前までに"),
    ("締結日から1年間とする。", "締結日から12か月間とする。"),
    ("14日前までに通知する。", "14日前までに通知する。"),
    ("金1,000万円を上限", "金1000万円を上限"),
])
def test_formatting_is_never_a_change(left, right):
    assert diff(left, right) == ()


def test_years_and_months_are_compared_on_one_scale():
    (change,) = diff("有効期間は1年間とする。", "有効期間は18か月間とする。", "契約期間")
    assert change.direction == Direction.INCREASE


def test_a_new_term_is_added_and_a_dropped_one_removed():
    (added,) = diff("本契約に関する紛争は協議により解決する。", "本契約は日本法に準拠する。", "準拠法")
    (removed,) = diff("本契約は日本法に準拠する。", "本契約に関する紛争は協議により解決する。", "準拠法")
    assert (added.direction, added.original, added.revised.value) == (Direction.ADDED, None, "日本法")
    assert (removed.direction, removed.revised, removed.original.value) == (Direction.REMOVED, None, "日本法")
    assert added.summary == "準拠法: 日本法（新設）" and removed.summary == "準拠法: 日本法（削除）"


def test_a_different_court_is_changed():
    (change,) = diff(f"{HEAD_OFFICE_COURT}を専属的合意管轄裁判所とする。",
                     "東京地方裁判所を第一審の専属的合意管轄裁判所とする。")
    assert change.direction == Direction.CHANGED
    assert change.summary == f"管轄裁判所: {HEAD_OFFICE_COURT} → 東京地方裁判所"


def test_a_cap_that_changes_its_measure_is_one_change():
    (change,) = diff("損害賠償額は、過去6か月間に支払った委託料総額を上限とする。",
                     "損害賠償額は、金500万円を上限とする。")
    assert (change.category, change.direction) == ("liability_cap", Direction.CHANGED)


def test_a_placeholder_never_makes_a_change():
    assert diff("月額金●●円を支払う。", "月額金50万円を支払う。", "報酬") == ()
    assert diff("月額金●●円を支払う。", "報酬は別途定める。", "報酬") == ()


def test_the_same_change_twice_in_a_clause_is_two_changes_at_their_places():
    left = ("当契約は自動的に1ヶ月間更新されるものとし、以後、毎月同様に"
            "当契約は自動的に1ヶ月間更新をした物として取扱います。")
    changes = diff(left, left.replace("1ヶ月間", "3ヶ月間"), "契約期間")
    assert [(c.original.value, c.revised.value) for c in changes] == [(1, 3), (1, 3)]
    assert [c.original.start for c in changes] == [left.index("1ヶ月間"), left.rindex("1ヶ月間")]


def test_a_term_whose_sentence_was_rewritten_is_not_a_change():
    left = "期間満了の30日前までに書面で通知する。"
    right = "本契約を解約する場合は、30日前までに書面で通知する。"
    assert [t.category for t in extract_terms(left)] != [t.category for t in extract_terms(right)]
    assert diff(left, right) == ()


def test_an_inserted_term_does_not_shift_the_pairing():
    changes = diff("受領から14日以内に回答する。", "受領から7日以内に着手し、14日以内に回答する。")
    assert [(c.direction, c.revised.value) for c in changes] == [(Direction.ADDED, 7)]


# --- articles of a parsed contract ----------------------------------------------------

def contract(text: str) -> Contract:
    """A Contract built by the local splitter, so this does not depend on the parser."""
    built = []
    for number, (heading, body, offset) in articles(text).items():
        label_start = text.rfind("\n", 0, offset - 1) + 1
        built.append(Article(id=f"a{number}", number=number, branch=None, label=f"第{number}条",
                             heading=heading, span=Span(label_start, offset + len(body)),
                             body=Span(offset, offset + len(body)), paragraphs=()))
    return Contract(text=text, title=None, preamble=None, divisions=(), articles=tuple(built),
                    appendix=None, signature=None)


def test_clause_changes_point_into_the_whole_documents():
    original, revised = contract(dev_text("000_original")), contract(dev_text("000_counter_otsu"))
    (change,) = clause_changes(original, original.articles[8], revised, revised.articles[8])
    assert (change.original_clause, change.revised_clause) == ("第9条", "第9条")
    assert original.text[change.original.start:change.original.end] == "5年間"
    assert revised.text[change.revised.start:change.revised.end] == "3年間"


# --- hostile input ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "1" * 1_000_000, "１日" * 200_000, "●" * 1_000_000, "第" + "9" * 500_000 + "条",
    "午前9時" * 100_000, "甲の" * 200_000 + "地方裁判所", "1," * 500_000,
])
def test_hostile_input_is_read_quickly(text):
    started = time.perf_counter()
    extract_terms(text)
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("sentence, expected", [
    ("前項の届出は、六月以内にしなければならない。", [(Category.OTHER, 6, Unit.MONTH)]),   # statutes' six months
    ("明治四十年法律第四十五号の規定を準用する。", []),                                  # a law's number
    ("6月30日までに支払う。", None),                                                     # a date, no months
])
def test_statute_forms_of_periods_and_citations(sentence, expected):
    found = [(t.category, t.value, t.unit) for t in extract_terms(sentence)]
    if expected is not None:
        assert found == expected
    else:
        assert all(t[2] != Unit.MONTH for t in found)


def test_a_fine_is_a_penalty():
    assert [(t.category, t.value) for t in extract_terms("五十万円以下の罰金に処する。")] == [(Category.PENALTY, 500_000)]


def test_a_count_of_members_is_a_count_of_people():
    assert [(t.value, t.unit) for t in extract_terms("委員会は、委員八人以内で組織する。")] == [(8, Unit.PERSON)]
    assert [(t.value, t.unit) for t in extract_terms("理事四人以内を置く。")] == [(4, Unit.PERSON)]
    assert extract_terms("個人情報及び法人の名称") == ()


def test_an_item_label_glued_to_a_period_is_not_a_decimal():
    listed = "3. 乙は、研修を受ける。\n4.1年間以上継続して勤務した者は、資格を得る。"
    assert [(t.value, t.unit) for t in extract_terms(listed)] == [(1, Unit.YEAR)]
    assert [(t.value, t.unit) for t in extract_terms("保証期間は2.5年間とする。")] == [(2.5, Unit.YEAR)]


@pytest.mark.parametrize("sentence, expected", [
    ("原契約第7条に定める通知期限を、原契約の締結日から6か月に延長する。", (Category.NOTICE_PERIOD, 6)),
    ("原契約第10条に定める有効期限を、原契約の締結日から3年間に変更する。", (Category.CONTRACT_TERM, 3)),
])
def test_a_memo_amending_a_named_period_keeps_its_category(sentence, expected):
    assert [(t.category, t.value) for t in extract_terms(sentence)] == [expected]


# --- categories read on the clause of the sentence a term stands in ----------------------


def categories(text: str, heading: str | None = None) -> list[tuple[str, str]]:
    return [(term.text, term.category.value) for term in extract_terms(text, heading=heading)]


def test_two_periods_of_one_sentence_take_the_category_of_their_own_clause():
    text = "本契約の有効期間は、締結日から1年間とし、期間満了の3か月前までに申出がないときは、同一条件で更に1年間更新する。"
    assert categories(text) == [("1年間", "contract_term"), ("3か月前まで", "renewal_notice"),
                                ("1年間", "renewal_term")]


def test_a_new_term_of_the_contract_in_a_confidentiality_memo_is_a_contract_term():
    assert categories("原契約第10条に定める有効期限を、原契約の締結日から2年間に変更する。",
                      "秘密情報の取扱いに関する覚書") == [("2年間", "contract_term")]
    assert categories("秘密保持義務の有効期間は、本契約終了後3年間とする。") == [("3年間", "confidentiality_period")]


def test_a_period_counted_from_a_payment_is_not_a_payment_deadline():
    assert categories("過払いを理由とする返還の請求は、支払後30日以内に書面により行う。") == [("30日以内", "other")]
    assert categories("乙は、請求書の受領後30日以内に支払う。") == [("30日以内", "payment_due")]


def test_a_share_of_a_price_is_a_fee_and_a_threshold_is_not():
    assert categories("API単価のうち最も安い単価（外税）×90%とする。") == [("90%", "fee")]
    assert categories("乙は甲に対し、売上高の5%をロイヤルティとして支払う。") == [("5%", "fee")]
    assert categories("報告した対価が支払うべき対価よりも10%以上少なかった場合、費用を負担する。") == [("10%", "other")]


def test_a_term_of_effect_is_a_contract_term():
    assert categories("本契約は、本契約の締結日から6ヶ月、または確認が完了する日のいずれか早い日まで効力を有するものとする。") == [
        ("6ヶ月", "contract_term")]


def test_a_deadline_to_notify_is_a_notice_period_but_a_notice_that_starts_a_deadline_is_not():
    assert categories("乙は、確認が完了した日から2ヶ月以内に、甲に対して契約を締結するか否かを通知する。") == [
        ("2ヶ月以内", "notice_period")]
    assert categories("甲は、通知の受領から4時間以内に障害内容の確認に着手する。") == [("4時間以内", "other")]
    assert categories("乙は、事故を知った日から7日以内に、書面で甲に報告する。") == [("7日以内", "other")]


SURVIVAL = ("秘密保持契約書\n\n第1条（秘密保持義務）\n乙は、甲の秘密情報を第三者に開示してはならない。\n\n"
            "第2条（有効期間）\n本契約の有効期間は、締結日から2年間とする。ただし、第1条の規定は、"
            "本契約終了後も3年間効力を有する。\n")


def test_a_survival_period_of_a_cited_confidentiality_article_is_a_confidentiality_period():
    # The sentence names only 第1条; its heading says what survives.
    original, revised = contract(SURVIVAL), contract(SURVIVAL.replace("3年間効力", "1年間効力"))
    (change,) = clause_changes(original, original.articles[1], revised, revised.articles[1])
    assert (change.category, change.original.value, change.revised.value) == ("confidentiality_period", 3, 1)


def test_the_contract_term_beside_a_cited_confidentiality_article_stays_the_contract_term():
    original, revised = contract(SURVIVAL), contract(SURVIVAL.replace("締結日から2年間", "締結日から1年間"))
    (change,) = clause_changes(original, original.articles[1], revised, revised.articles[1])
    assert change.category == "contract_term"


@pytest.mark.parametrize("before, after, direction", [
    ("1か月以内", "2週間以内", Direction.DECREASE),
    ("14日以内", "1か月以内", Direction.INCREASE),
    ("10営業日以内", "1か月以内", Direction.INCREASE),
    ("1か月以内", "30日以内", Direction.CHANGED),     # too close to say which is longer
])
def test_periods_in_months_weeks_and_days_are_compared_on_the_calendar(before, after, direction):
    sentence = "貸主は、明渡しを受けた日から{}に、敷金の残額を借主に返還する。"
    (change,) = diff(sentence.format(before), sentence.format(after))
    assert change.direction == direction

"""Legal topics read from an article's body, and pairing across two templates that rests on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.align import out_of_order
from nlp.compare import compare
from nlp.text import normalize
from nlp.topics import article_topics, heading_agrees, topic_matrix, topic_names

QUALITY = Path(__file__).resolve().parent.parent / "bench" / "quality"


def topics(text: str) -> tuple[str, ...]:
    return topic_names(article_topics(normalize(text).text))


@pytest.mark.parametrize("body, topic", [
    ("乙は、本契約に違反して甲に損害を与えたときは、その損害を賠償する。ただし、直接かつ通常の損害に限る。", "liability"),
    ("受領者が本契約に関して負う責任は、受領した対価の額を上限とする。", "liability"),
    ("本契約は日本法に従って解釈されるものとする。", "governing_law"),
    ("本契約に関する一切の訴訟は、東京地方裁判所を第一審の専属的合意管轄裁判所とする。", "jurisdiction"),
    ("甲及び乙は、自己が暴力団、暴力団員その他これらに準ずる者に該当しないことを表明する。", "antisocial"),
    ("甲は、乙の書面による承諾なく、本契約上の地位を第三者に譲り渡してはならない。", "assignment"),
    ("受託者は、委託者の承諾を得て本業務の一部を再委託することができる。", "subcontracting"),
    ("受領当事者は、機密情報を本件検討以外のいかなる用途にも使用してはならない。", "use_restriction"),
    ("受領者は、本目的以外のために秘密情報を使用してはならない。", "use_restriction"),
    ("本契約の有効期間は、締結日から２年間とする。", "term"),
    ("甲は、乙が次の各号のいずれかに該当したときは、催告なく本契約を解除することができる。", "termination"),
    ("天災地変その他の不可抗力により履行が遅れたときは、責任を負わない。", "force_majeure"),
    ("乙は、業務委託料を翌月末日までに甲の指定する口座に振り込んで支払う。", "payment"),
    ("本契約に定めのない事項は、甲乙誠実に協議して解決する。", "consultation"),
    ("本業務により生じた著作権は、受託者に帰属する。", "intellectual_property"),
])
def test_the_body_names_its_topic_in_any_wording(body, topic):
    assert topic in topics(body)


def test_an_assignment_ban_under_the_heading_notice_is_not_a_notice_clause():
    body = normalize("甲及び乙は、相手方の承諾を得ないで、本契約上の地位を第三者に譲渡してはならない。").text
    assert not heading_agrees("通知", body)
    assert not heading_agrees("契約期間", body)
    assert heading_agrees("権利義務の譲渡禁止", body)
    notice = normalize("本契約に基づく通知は、書面を相手方に交付し、又は郵便で送付して行う。").text
    assert heading_agrees("通知", notice)


def test_a_heading_counts_when_the_body_says_too_little_to_read():
    assert heading_agrees("準拠法", normalize("日本国の法令とする。").text)


def test_articles_on_the_same_rare_topic_are_closer_than_those_sharing_a_common_one():
    copying = [article_topics(normalize(t).text) for t in (
        "受領者が秘密情報を複製する場合、複製物も秘密情報とする。",
        "受領当事者は、機密情報を必要な範囲を超えて複写してはならない。")]
    returning = article_topics(normalize("受領者は、秘密情報を速やかに返還し、又は破棄する。").text)
    similarity, present = topic_matrix([copying[0]], [copying[1], returning])
    assert present.all()
    assert similarity[0, 0] > similarity[0, 1]


def key(name: str) -> dict:
    return json.loads((QUALITY / f"{name}.json").read_text(encoding="utf-8"))


def keyed_answer(name: str, engine):
    case = key(name)
    result = compare((QUALITY / case["original"]).read_text(encoding="utf-8"),
                     (QUALITY / case["revised"]).read_text(encoding="utf-8"), engine=engine)
    return case, result


def found_links(case: dict, result) -> set[tuple[int | None, int | None]]:
    known_o = {o for o, _ in case["pairs"]} | set(case["unmatched_original"])
    known_r = {r for _, r in case["pairs"]} | set(case["unmatched_revised"])
    found = set()
    for clause in result.clauses:
        o = clause.original.number if clause.original and clause.original.part == "article" else None
        r = clause.revised.number if clause.revised and clause.revised.part == "article" else None
        if (o is not None and o in known_o) or (r is not None and r in known_r):
            found.add((o, r))
    return found


@pytest.mark.parametrize("name", ["xt-nda-meti-vs-own", "xt-poc-meti-vs-own", "xt-jrd-meti-material-vs-ai"])
def test_two_templates_pair_by_what_their_articles_say(engine, name):
    case, result = keyed_answer(name, engine)
    expected = ({tuple(p) for p in case["pairs"]} | {(o, None) for o in case["unmatched_original"]}
                | {(None, r) for r in case["unmatched_revised"]})
    assert found_links(case, result) == expected
    moved = {(c.original.number, c.revised.number) for c in result.clauses if c.moved} & expected
    assert moved == {tuple(p) for p in case["moved"]} == out_of_order([tuple(p) for p in case["pairs"]])


def test_liability_pairs_with_limitation_of_liability_and_law_with_dispute_resolution(engine):
    _, result = keyed_answer("xt-nda-meti-vs-own", engine)
    pairs = {(c.original.heading, c.revised.heading): c for c in result.clauses if c.original and c.revised}
    for headings in [("損害賠償", "責任の制限"), ("準拠法および裁判管轄", "紛争解決")]:
        clause = pairs[headings]
        assert "topic" in clause.matched_by
        assert clause.scores.topic > 0.6


def test_a_heading_that_says_something_else_does_not_pull_its_article(engine):
    _, result = keyed_answer("xt-poc-meti-vs-own", engine)
    by_revised = {c.revised.number: c for c in result.clauses if c.revised and c.revised.part == "article"}
    termination = by_revised[14]          # 「契約期間」 over the termination clause
    assert termination.original.heading == "解除"
    assert termination.scores.heading_trusted is False
    assert "heading_similar" not in termination.matched_by
    assert by_revised[15].original.heading == "期間"


def test_each_pair_explains_itself_and_each_article_alone_names_its_best_candidate(engine):
    _, result = keyed_answer("xt-nda-meti-vs-own", engine)
    for clause in result.clauses:
        if clause.original is None or clause.revised is None:
            if (clause.original or clause.revised).part != "article":
                continue
            assert clause.scores is None
            assert clause.best_candidate is not None
            assert clause.confidence == pytest.approx(1 - clause.best_candidate.confidence, abs=0.001)
        elif clause.original.part == "article":
            assert clause.best_candidate is None
            assert 0 <= clause.scores.content <= 1 and 0 <= clause.scores.meaning <= 1
            assert clause.matched_by
    alone = next(c for c in result.clauses if c.revised is not None and c.revised.heading == "反社会的勢力の排除")
    assert alone.best_candidate.confidence < 0.5 < alone.confidence

"""Article pairing on real contracts and on edits made from them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import DATA, dev_text, seed_text
from nlp.align import out_of_order
from nlp.compare import compare
from nlp.structure import parse

CASES = Path(__file__).parent / "data" / "cases"


def rebuild(text: str, order: list[int | str]) -> str:
    """The contract with its articles in ``order`` (numbers, or new article texts), renumbered 1..N."""
    contract = parse(text)
    by_number = {article.number: article for article in contract.articles}
    parts = []
    for number, item in enumerate(order, 1):
        body = item if isinstance(item, str) else by_number[item].span.slice(text)
        parts.append(re.sub(r"第[0-9０-９一二三四五六七八九十]+条", f"第{number}条", body, count=1))
    head = text[: contract.articles[0].span.start]
    tail = text[contract.articles[-1].span.end:]
    return head + "\n\n".join(parts) + tail


def links(comparison) -> set[tuple[int | None, int | None]]:
    return {(c.original.number if c.original else None, c.revised.number if c.revised else None)
            for c in comparison.clauses}


def moved(comparison) -> set[tuple[int | None, int | None]]:
    return {(c.original.number, c.revised.number) for c in comparison.clauses if c.moved}


def case(name: str) -> dict:
    return json.loads((DATA / "cases" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["dev-000-counter", "dev-000-formatting", "dev-001-vs-004",
                                  "dev-002-counter", "dev-004-counter"])
def test_keyed_cases_pair_every_article_as_the_key_says(engine, name):
    key = case(name)
    result = compare(dev_text(Path(key["original"]).stem), dev_text(Path(key["revised"]).stem), engine=engine)
    found = links(result)
    known_o = {o for o, _ in key["pairs"]} | set(key["unmatched_original"])
    known_r = {r for _, r in key["pairs"]} | set(key["unmatched_revised"])
    scored = {(o, r) for o, r in found if o in known_o or r in known_r}
    expected = ({tuple(p) for p in key["pairs"]} | {(o, None) for o in key["unmatched_original"]}
                | {(None, r) for r in key["unmatched_revised"]})
    assert scored == expected
    assert moved(result) == {tuple(p) for p in key["moved"]}


def test_an_inserted_article_shifts_the_numbers_of_the_rest(engine):
    result = compare(dev_text("000_original"), dev_text("000_counter_otsu"), engine=engine)
    renumbered = {(c.original.number, c.revised.number) for c in result.clauses if c.renumbered}
    assert {(6, 7), (7, 8)} <= renumbered
    assert (None, 6) in links(result)
    assert result.summary.inserted == 1 and result.summary.deleted == 1


def test_an_article_moved_down_is_the_only_one_flagged_moved(engine):
    original = seed_text("004")
    order: list[int | str] = list(range(1, 18))
    order.remove(12)
    order.insert(14, 12)
    result = compare(original, rebuild(original, order), engine=engine)
    assert moved(result) == {(12, 15)}
    assert {(13, 12), (14, 13), (15, 14), (16, 16)} <= links(result)


def test_a_deleted_and_an_inserted_article_are_not_paired_with_each_other(engine):
    original = seed_text("001")
    new_article = "第0条（監査）\n甲は、乙の業務の実施状況について、事前に通知のうえ監査を行うことができる。"
    order: list[int | str] = [n for n in range(1, 21) if n != 9]
    order.insert(4, new_article)
    result = compare(original, rebuild(original, order), engine=engine)
    assert (9, None) in links(result)
    assert (None, 5) in links(result)
    assert not moved(result)


def test_an_article_split_in_two_is_paired_with_both_parts(engine):
    original = seed_text("000")
    article = next(a for a in parse(original).articles if a.number == 9).span.slice(original)
    first, last = article.rsplit("\n3.", 1)
    order: list[int | str] = list(range(1, 18))
    at = order.index(9)
    order[at:at + 1] = [first, "第0条（秘密保持期間）\n1." + last]
    revised = rebuild(original, order)
    split = compare(original, revised, engine=engine)
    assert {(9, 9), (9, 10), (10, 11)} <= links(split)
    merged = compare(revised, original, engine=engine)
    assert {(9, 9), (10, 9), (11, 10)} <= links(merged)


def test_two_templates_pair_only_what_governs_the_same_subject(engine):
    result = compare(seed_text("000"), seed_text("001"), engine=engine)
    found = links(result)
    assert {(9, 12), (11, 16), (13, 15), (16, 20)} <= found
    assert (8, None) in found          # 禁止事項 has no counterpart in a maintenance contract


def test_a_kanji_numbered_copy_pairs_one_to_one_with_nothing_changed(engine):
    original = seed_text("000")
    kanji = "〇一二三四五六七八九"

    def to_kanji(match: re.Match[str]) -> str:
        number = int(match.group(1))
        tens, ones = divmod(number, 10)
        word = ("" if tens < 2 else kanji[tens]) + ("十" if tens else "") + (kanji[ones] if ones else "")
        return f"第{word}条"

    result = compare(original, re.sub(r"第(\d+)条", to_kanji, original), engine=engine)
    assert all(c.original and c.revised and c.original.number == c.revised.number for c in result.clauses)
    assert result.summary.equal == 17 + 3 and result.summary.modified == 0  # title, preamble, signature


@pytest.mark.parametrize("pairs, expected", [
    ([(0, 0), (1, 1), (2, 2)], set()),
    ([(0, 0), (1, 4), (2, 1), (3, 2), (4, 3)], {(1, 4)}),
    ([(0, 1), (1, 0)], set()),                       # a swap: either could be the moved one
    ([(0, 0), (0, 1), (1, 2)], set()),               # a split keeps the order
])
def test_moved_pairs_are_the_ones_out_of_order_in_every_smallest_reordering(pairs, expected):
    assert out_of_order(pairs) == expected


def test_governing_law_and_court_merged_into_one_article_pair_with_both(engine):
    result = compare(seed_text("003"), seed_text("001"), engine=engine)
    assert {(45, 20), (46, 20)} <= links(result)
    assert (47, 20) not in links(result)   # 紛争の解決のための努力 is a duty to negotiate, not a forum


def test_an_article_repealed_is_no_part_of_its_repealed_neighbour(engine):
    # 水資源開発促進法: 第七条…第十条　削除 became one line, 第七条から第十条まで　削除; 第十一条　削除 stayed.
    quality = Path(__file__).resolve().parent.parent / "bench" / "quality" / "texts"
    comparison = compare((quality / "water_resources_before.txt").read_text(encoding="utf-8"),
                         (quality / "water_resources_after.txt").read_text(encoding="utf-8"), engine=engine)
    found = links(comparison)
    assert (11, 11) in found
    assert (10, 11) not in found and (10, None) in found

"""The aligner's budget: past the assignment size, pairing within windows, said in meta.

A comparison may solve an assignment problem of at most ``Budget.max_assignment_cells``
exactly (MAX_ASSIGNMENT_CELLS, a million cells, by default); past it the articles pair with
their copies, then by number and heading, and the rest within windows, and
``meta.budget.degraded`` says ``assignment``. These tests shrink the limit instead of
building documents of a thousand articles.
"""

from __future__ import annotations

import re

import pytest
from test_align import links, moved, rebuild

from conftest import seed_text
from nlp import align
from nlp.align import article_views, pair_articles, pair_texts
from nlp.budget import Budget
from nlp.compare import compare
from nlp.structure import parse


def pairs_of(comparison) -> set[tuple[int, int]]:
    return {pair for pair in links(comparison) if None not in pair}


def test_past_the_assignment_size_meta_says_degraded_and_the_pairs_hold(engine):
    original = seed_text("003")
    revised = rebuild(original, [*range(1, 10), 20, *range(10, 20), "第0条（監査）\n甲は、監査を行うことができる。",
                                 *range(21, 48)])
    exact = compare(original, revised, engine=engine)
    budget = Budget(max_assignment_cells=100)
    cheap = compare(original, revised, engine=engine, budget=budget)
    assert exact.meta["budget"]["degraded"] == []
    assert cheap.meta["budget"]["degraded"] == ["assignment"]
    assert cheap.meta["budget"]["largest_assignment"] == 47 * 48
    # Article 20 moved up unchanged pairs with its copy; the inserted article stands alone.
    assert pairs_of(cheap) == pairs_of(exact)
    assert moved(cheap) == moved(exact) == {(20, 10)}
    assert (None, 21) in links(cheap)


def test_within_windows_edited_articles_pair_in_place(engine, monkeypatch):
    text = seed_text("003")
    edited = re.sub(r"ものとします。", "ものとする。", text)          # every article reworded
    edited = edited.replace("14日前", "30日前").replace("14.5%", "6%")
    monkeypatch.setattr(align, "WINDOW", 8)                           # many windows, small ones
    cheap = compare(text, edited, engine=engine, budget=Budget(max_assignment_cells=1))
    exact = compare(text, edited, engine=engine)
    assert cheap.meta["budget"]["degraded"] == ["assignment"]
    assert pairs_of(cheap) == pairs_of(exact)
    assert cheap.summary == exact.summary


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_windowed_pairing_agrees_with_the_exact_one_on_counter_drafts(engine, seed):
    from bench.cases import counter_draft

    text = seed_text(seed)
    revised = counter_draft(text, 3)
    left, right = article_views(parse(text), engine), article_views(parse(revised), engine)
    exact = {(link.original, link.revised) for link in pair_articles(left, right)}
    cheap = {(link.original, link.revised) for link in pair_articles(left, right, Budget(max_assignment_cells=0))}
    assert exact == cheap


def test_an_identical_document_pairs_every_article_with_itself_past_the_budget(engine):
    text = seed_text("003")
    result = compare(text, text, engine=engine, budget=Budget(max_assignment_cells=0))
    assert result.summary.equal == len(result.clauses)
    assert all(clause.confidence > 0.9 for clause in result.clauses if clause.original and clause.revised)


def test_paragraphs_past_the_budget_pair_in_linear_time_and_say_so():
    budget = Budget(max_assignment_cells=10)
    found = pair_texts([f"{n}. 甲は乙に通知する。" for n in range(1, 6)],
                       [f"{n}. 甲は乙に通知する。" for n in range(1, 7)], budget)
    assert budget.degraded == {"assignment"}
    assert {(link.original, link.revised) for link in found} == {(n, n) for n in range(5)} | {(None, 5)}


def test_the_assignment_size_is_the_article_pairing_and_every_paragraph_pairing(engine):
    original = "第1条（目的）\n1. 甲は乙に通知する。\n2. 乙は甲に報告する。\n3. 甲は乙に支払う。"
    revised = "第1条（目的）\n1. 甲は乙に通知する。\n2. 乙は甲に報告しない。\n3. 甲は乙に支払う。\n4. 乙は甲に協力する。"
    budget = Budget()
    compare(original, revised, engine=engine, budget=budget)
    assert budget.largest_assignment == 3 * 4 and budget.degraded == set()


def test_two_documents_weighted_apart_get_the_vocabulary_and_rows_of_both_weighted_together(engine):
    import numpy as np

    left = article_views(parse(seed_text("003")), engine)
    right = article_views(parse(seed_text("001")), engine)
    texts = [align._text(view) for view in (*left, *right)]
    for attribute in ("word", "char"):
        keys = [getattr(text, f"{attribute}_keys") for text in texts]
        logtf = [getattr(text, f"{attribute}_logtf") for text in texts]
        together = align._weighted(keys, logtf)
        for _ in range(2):  # sorted, then from the kept sides
            apart = align._weighted(keys, logtf, split=len(left))
            for field in ("data", "columns", "offsets", "vocabulary", "idf"):
                assert np.array_equal(getattr(together, field), getattr(apart, field)), field

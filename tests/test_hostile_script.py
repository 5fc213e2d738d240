"""The inputs of `make hostile` (scripts/hostile.py) are what its README section says they are.

The timings themselves are the script's (about 2 minutes); here only the inputs: the articles
counted, the sizes within MAX_TEXT_CHARS, every article edited, no sentence shared between cases.
"""

from __future__ import annotations

import pytest

from nlp.structure import parse
from scripts.hostile import CASES, SEEDS, Answer, pair, passes
from service.config import Defaults


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_case_has_its_articles_all_edited_within_the_size_limit(case):
    original, revised = pair(case, SEEDS)
    assert len(parse(original).articles) == len(parse(revised).articles) == case.articles
    assert max(len(original), len(revised)) <= Defaults.MAX_TEXT_CHARS
    assert original.count("することができる") == revised.count("してはならない") == case.articles
    if case.edit == "flipped":
        assert revised.count("承諾を得ずに") == case.articles and len(revised) == len(original)
    else:
        assert "承諾" not in revised.split("第1条", 1)[1]


def test_the_189_article_cases_are_about_10000_characters_and_the_3600_near_the_limit():
    sizes = {case.articles: len(pair(case, SEEDS)[0]) for case in CASES}
    assert 9_000 <= sizes[189] <= 11_000 and sizes[3600] >= 0.9 * Defaults.MAX_TEXT_CHARS


def test_no_sentence_is_shared_between_two_cases():
    seen: set[str] = set()
    for case in CASES:
        sentences = set(pair(case, SEEDS)[0].split("\n"))
        ours = {line for line in sentences if line.startswith("乙は、")}
        assert len(ours) == case.articles and not ours & seen
        seen |= ours


def test_a_case_passes_only_within_its_bound_and_with_an_accepted_answer():
    small, large = CASES[0], CASES[2]
    assert passes(small, Answer(200, 1.9)) and not passes(small, Answer(200, 2.1))
    assert not passes(small, Answer(503, 1.0, problem="deadline-exceeded"))
    assert passes(large, Answer(503, 20.1, problem="deadline-exceeded"))
    assert not passes(large, Answer(0, 20.0, problem="no answer")) and not passes(large, Answer(200, 30.5))

"""Benchmark inputs made from the seed contracts: counter-drafts and a long contract."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nlp.structure import parse

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seeds"
ARTICLE_LABEL = re.compile(r"第[0-9０-９一二三四五六七八九十百]+条")
# Numbers a counterparty would negotiate: periods, deadlines, rates.
NEGOTIATED = re.compile(r"(?P<number>[0-9]{1,3})(?P<unit>日|年|か月|ヶ月|%|営業日)")
NEW_ARTICLE = ("第0条（監査）\n"
               "1. 甲は、乙の業務の実施状況について、事前に書面で通知のうえ監査を行うことができる。\n"
               "2. 乙は、前項の監査に合理的な範囲で協力する。")


def seed(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def articles(text: str) -> list[str]:
    return [article.span.slice(text) for article in parse(text).articles]


def renumbered(parts: list[str]) -> str:
    """Articles joined and numbered 1..N, as a contract would be after editing."""
    return "\n\n".join(ARTICLE_LABEL.sub(f"第{number}条", part, count=1)
                       for number, part in enumerate(parts, 1))


def counter_draft(text: str, seed_value: int = 1) -> str:
    """What a counterparty sends back: values changed in one article in seven (by 1 to 30), one
    article deleted, one inserted, one moved, one duty softened, everything renumbered."""
    rnd = random.Random(seed_value)
    parts = articles(text)
    for index in range(0, len(parts), 7):
        def bump(match: re.Match[str]) -> str:
            return f"{int(match.group('number')) + rnd.randint(1, 30)}{match.group('unit')}"

        parts[index] = NEGOTIATED.sub(bump, parts[index], count=1)
    for index, part in enumerate(parts):
        if "ものとします" in part and index % 5 == 2:
            parts[index] = part.replace("ものとします", "よう努めます", 1)
            break
    del parts[len(parts) // 3]
    parts.insert(len(parts) // 2, NEW_ARTICLE)
    moved = parts.pop(len(parts) - 4)
    parts.insert(len(parts) // 4, moved)
    return renumbered(parts)


#: Seeds in a row that gave no new counter-draft, after which a series has them all: 003 holds a
#: value in one of the articles counter_draft changes, so its 30 bumps make 30 drafts.
MAX_REPEATS = 300


def distinct_drafts(text: str, first_seed: int = 100) -> Callable[[int], str]:
    """The ``i``-th of a series of counter-drafts of ``text`` no two of which are the same (seeds
    from ``first_seed`` on, a draft equal to an earlier one skipped): every request of a case is
    then a draft never seen. Past the drafts the seeds can make (MAX_REPEATS seeds in a row
    without a new one), the series sends them again, each with a line of its own appended
    (（第N版）, as the soak does): a text never seen as a whole, its articles seen before."""
    found: list[str] = []
    seen: set[str] = set()
    seeds = itertools.count(first_seed)
    made: list[int] = []    # how many drafts the seeds made, once they made no more

    def draft(index: int) -> str:
        repeats = 0
        while len(found) <= index:
            if made:
                found.append(f"{found[len(found) % made[0]]}\n（第{len(found) + 1}版）")
                continue
            candidate = counter_draft(text, next(seeds))
            if candidate not in seen:
                seen.add(candidate)
                found.append(candidate)
                repeats = 0
            elif (repeats := repeats + 1) >= MAX_REPEATS:
                made.append(len(found))
        return found[index]

    return draft


def long_contract(factor: int = 4) -> str:
    """A contract ``factor`` times as long as seed 003, made of the seeds' articles in turn."""
    target = factor * len(seed("003"))
    pool = [part for name in ("003", "000", "001", "002", "004") for part in articles(seed(name))]
    parts: list[str] = []
    while sum(len(part) + 2 for part in parts) < target:
        parts.append(pool[len(parts) % len(pool)])
    return renumbered(parts)


#: A counter-draft of seed 003 written by hand, as a person would (consents, exemptions, duties and
#: values reworded, an article inserted, one moved, the 節 headings dropped).
PERSON = Path(__file__).resolve().parent / "data" / "003_counter_person.txt"
# The values the person chose, which a next round renegotiates (person_draft).
PERSON_VALUES = (("この変更は30日前まで", "この変更は{notice}日前まで"),
                 ("解除を希望する日の30日前まで", "解除を希望する日の{cancel}日前まで"),
                 ("年率6%", "年率{rate}%"))


def person_draft(round_number: int | None = None) -> str:
    """The person's counter-draft of 003; with ``round_number``, a later round of it in which the
    three values the person wrote (two notice periods and the late interest) are renegotiated,
    different in every round, the wording edits kept."""
    text = PERSON.read_text(encoding="utf-8")
    if round_number is None:
        return text
    values = {"notice": 20 + round_number, "cancel": 31 + 2 * round_number, "rate": 3 + round_number % 7}
    for before, after in PERSON_VALUES:
        assert before in text, before
        text = text.replace(before, after.format(**values))
    return text


def other_template_draft(round_number: int | None = None) -> str:
    """Seed 001, a maintenance contract of another template than 003's terms of service; with
    ``round_number``, a later round of it in which each value a counterparty would negotiate (its
    periods: 3年, 6か月, 1年, 30日, 1年) is renegotiated, different in every round, the wording kept."""
    text = seed("001")
    if round_number is None:
        return text

    def renegotiated(match: re.Match[str]) -> str:
        return f"{int(match.group('number')) + 1 + round_number}{match.group('unit')}"

    return NEGOTIATED.sub(renegotiated, text)


@dataclass(frozen=True, slots=True)
class Case:
    """A benchmark pair: the original, the revised text the baseline reads, and the revised text of
    each request (``None``: the same every time)."""

    original: str
    revised: str
    draft: Callable[[int], str] | None = None
    baseline: bool = True


def cases() -> dict[str, Case]:
    """The benchmark pairs by name: small, the 003 pairs (generated, written by a person, the
    text with itself, a contract of another template), and the four-times pair."""
    long = long_contract(4)
    original = seed("003")
    return {
        "small: 001 vs 004": Case(seed("001"), seed("004")),
        "003 vs counter-draft": Case(original, counter_draft(original), distinct_drafts(original)),
        "003 vs a person's counter-draft": Case(original, person_draft(), person_draft),
        "the same draft again (seen before)": Case(original, person_draft(), baseline=False),
        "003 vs itself": Case(original, original, baseline=False),
        "cross-template: 003 vs 001": Case(original, other_template_draft(), other_template_draft,
                                           baseline=False),
        "4x 003 vs counter-draft": Case(long, counter_draft(long), distinct_drafts(long), baseline=False),
    }

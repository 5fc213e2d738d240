"""Benchmark inputs made from the seed contracts: counter-drafts and a long contract."""

from __future__ import annotations

import random
import re
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
    """What a counterparty sends back: values changed in one article in seven, one article
    deleted, one inserted, one moved, one duty softened, everything renumbered."""
    rnd = random.Random(seed_value)
    parts = articles(text)
    for index in range(0, len(parts), 7):
        def bump(match: re.Match[str]) -> str:
            return f"{int(match.group('number')) + rnd.choice((1, 2, 3, 5))}{match.group('unit')}"

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


def long_contract(factor: int = 4) -> str:
    """A contract ``factor`` times as long as seed 003, made of the seeds' articles in turn."""
    target = factor * len(seed("003"))
    pool = [part for name in ("003", "000", "001", "002", "004") for part in articles(seed(name))]
    parts: list[str] = []
    while sum(len(part) + 2 for part in parts) < target:
        parts.append(pool[len(parts) % len(pool)])
    return renumbered(parts)


def cases() -> dict[str, tuple[str, str]]:
    """The benchmark pairs by name: small, the 003 pair, and the four-times pair."""
    long = long_contract(4)
    return {
        "small: 001 vs 004": (seed("001"), seed("004")),
        "003 vs counter-draft": (seed("003"), counter_draft(seed("003"))),
        "4x 003 vs counter-draft": (long, counter_draft(long)),
    }

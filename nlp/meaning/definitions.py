"""Defined terms whose definition changed, and how far the change reaches.

A contract defines a term two ways: 「秘密情報」とは、…をいう。 in a definitions article, or
…（以下「対象システム」という。） where the term first appears. When what a term means
changes, every article that uses it changes with it: the change names the term and lists the
revised articles that use it (``used_in``). A party's name filled in (株式会社●● → 株式会社甲野
商事) is reported too, without the list: every article names the parties.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Article, Contract
from ..result import Change, ChangeKind, Direction, Excerpt
from ..text import normalize
from .parties import Parties

__all__ = ["Definition", "definition_changes", "definitions"]

EXPLICIT = re.compile(r"""
    [「『](?P<term>[^」』\n]{1,30})[」』]\s*とは[、,]?\s*
    (?P<body>[^。\n]{1,400}?)
    (?:をいう|をいいます|を意味する|を意味します|を指す|を指します)
""", re.VERBOSE)
BY_FIRST_USE = re.compile(r"""
    [（(]\s*以下[、,]?\s*(?:単に)?\s*[「『](?P<term>[^」』\n]{1,30})[」』]\s*
    (?:という|といい|とします|とする|と称する|と総称する|と略す)[^）)\n]{0,6}[）)]
""", re.VERBOSE)
WHAT = {Direction.CHANGED: "定義の変更", Direction.ADDED: "定義の追加", Direction.REMOVED: "定義の削除"}
# What opens the phrase a term defined by first use stands for, and is not part of it: a
# particle, or the label of a 項 or 号 when the phrase opens its line.
LEAD = re.compile(r"""[\s、,。]*(?:と|は、|は|、)?[\s、,]*
    (?:(?:[0-9０-９]{1,3}[.．、]?|[（(][0-9０-９一二三四五六七八九十]{1,3}[)）]|[\u2460-\u2473])[\s\u3000]+)?""",
                  re.VERBOSE)
# A comma after a particle or a verb's ending closes a clause of the sentence (…30日以内に、本検
#証に関する報告書（以下「本報告書」という。）); after a noun it lists (Webサイト、システム、…).
CLAUSE_COMMA = re.compile(r"[ぁ-ゖ][、,]")


@dataclass(frozen=True, slots=True)
class Definition:
    term: str
    body: str                  # what the term stands for, as written
    start: int                 # raw offsets of the body in the document
    end: int

    @property
    def key(self) -> str:
        return normalize(self.body).text


def definitions(text: str, offset: int = 0) -> list[Definition]:
    """The terms ``text`` defines, in order; offsets shifted by ``offset``."""
    found = [Definition(m.group("term"), m.group("body"), offset + m.start("body"), offset + m.end("body"))
             for m in EXPLICIT.finditer(text)]
    boundary = 0
    for match in BY_FIRST_USE.finditer(text):
        start = max(boundary, text.rfind("。", 0, match.start()) + 1, text.rfind("\n", 0, match.start()) + 1)
        clauses = [found.end() for found in CLAUSE_COMMA.finditer(text, start, match.start())]
        start = clauses[-1] if clauses else start
        lead = LEAD.match(text, start)
        body_start = lead.end() if lead else start
        body = text[body_start:match.start()]
        if body.strip():
            found.append(Definition(match.group("term"), body, offset + body_start, offset + match.start()))
        boundary = match.end()
    return found


def definition_changes(left: Article, right: Article, original: Contract, revised: Contract,
                       parties: Parties) -> list[Change]:
    """Terms defined in both clauses whose definitions differ, or defined on one side only."""
    before = _by_term(definitions(original.blanked(left.body), left.body.start))
    after = _by_term(definitions(revised.blanked(right.body), right.body.start))
    changes = []
    for term in dict.fromkeys([*before, *after]):
        old, new = before.get(term), after.get(term)
        if old is not None and new is not None and old.key == new.key:
            continue
        used_in = () if term in parties.names else _used_in(term, revised, exclude=right)
        direction = Direction.CHANGED if old and new else Direction.ADDED if new else Direction.REMOVED
        what = WHAT[direction]
        reach = f"（使用箇所: {'、'.join(used_in)}）" if used_in else ""
        changes.append(Change(
            kind=ChangeKind.DEFINITION, category="other", original=None, revised=None, direction=direction,
            summary=f"{what}: 「{term}」{reach}",
            before=old.body if old else None, after=new.body if new else None,
            original_excerpt=Excerpt(old.body, old.start, old.end) if old else None,
            revised_excerpt=Excerpt(new.body, new.start, new.end) if new else None,
            original_clause=left.label, revised_clause=right.label, term=term, used_in=used_in))
    return changes


def _by_term(found: Iterable[Definition]) -> dict[str, Definition]:
    by_term: dict[str, Definition] = {}
    for definition in found:
        by_term.setdefault(definition.term, definition)
    return by_term


def _used_in(term: str, contract: Contract, *, exclude: Article) -> tuple[str, ...]:
    """Labels of the articles that use ``term``, the defining one left out."""
    articles: Sequence[Article] = contract.articles
    return tuple(article.label for article in articles
                 if article.id != exclude.id and term in article.span.slice(contract.text))

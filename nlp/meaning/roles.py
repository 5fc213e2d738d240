"""Who does what in a sentence, from GiNZA's dependency parse.

Word order alone misleads in Japanese (振込手数料は甲の負担とする: the topic is the fee, the
party bearing it sits inside a noun phrase), so the parse decides:

- ``actor``: the party the main predicate is about, its subject (乙は…再委託することができる);
- ``bearer``: the party bearing a cost or a risk (甲の負担とする, 乙が負担する);
- ``holder``: the party a right or a result belongs to (著作権は甲に帰属する, 乙が取得する);

and whether the main predicate is negated (保証しない). The main predicate is the root of the
parse, or, under するものとする / …とする, the verb or noun that ものとする wraps.

A parse costs tens of milliseconds a sentence, so readings are kept per process, keyed by the
sentence and the parties, and the sentences of a request are parsed in one batch. The key reads
every figure as one digit: two sentences that differ only in their numbers (30日前 / 90日前, a
cap of 1か月分 / 6か月分) have the same roles, so the second is not parsed, which spares the parse
for each round of a negotiation over values.
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .parties import Group, Parties

__all__ = ["Roles", "clear_cache", "opening_topic", "read_roles", "unread"]

NEGATION_LEMMAS = frozenset({"ない", "ぬ", "ず", "ん"})
# Predicates whose subject bears a cost, and nouns whose の-modifier does: 甲の負担, 甲の費用で.
BEAR = frozenset({"負担"})
BEAR_NOUNS = frozenset({"負担", "費用", "責任と費用"})
# Predicates a right or a result belongs to: に帰属する, に移転する, が取得する.
HOLD_TO = frozenset({"帰属", "属する", "移転", "留保"})
HOLD_BY = frozenset({"取得", "保有", "所有", "留保", "享有"})
SUBJECT_CASES = frozenset({"は", "が", "も"})
SUBJECT_DEPS = frozenset({"nsubj", "dislocated", "csubj"})
# The verb ものとする wraps: 負わないものとする → 負わ, 乙の負担とする → 負担.
WRAPPERS = frozenset({"もの", "こと"})
#: Readings kept per process. One holds a few short strings.
CACHE_SIZE = 4096
# What may stand before the topic a sentence opens with, when the parse finds no subject: 乙は、…
TOPIC = re.compile(r"^[^、。]{0,12}?$")


@dataclass(frozen=True, slots=True)
class Roles:
    actor: Group | None
    bearer: Group | None
    holder: Group | None
    negated: bool
    predicate: str             # lemma of the main predicate: 負う, 再委託, 負担
    # A party inside the topic the sentence is about: 乙 of 乙の損害賠償額は…上限とする.
    owner: Group | None = None


Key = tuple[str, tuple[str, ...]]  # a sentence as _key reads it, and the parties' names
_CACHE: OrderedDict[Key, Roles] = OrderedDict()
# A run of digits, with the separators inside a number (1,000 / 1.5 / １，０００).
FIGURES = re.compile(r"[0-9０-９]+(?:[,.，．][0-9０-９]+)*")


# A parenthetical with no parenthesis inside: （著作権法第27条…を含む。）, (1). Removed innermost first.
PARENTHETICAL = re.compile(r"[（(][^（）()]*[）)]")
# Nesting deeper than this is left as it is.
MAX_NESTING = 4


def plain(text: str) -> str:
    """The sentence as it is parsed: without its parentheticals.

    A parenthetical (a definition, an inclusion, an exception: （以下「本業務」という。）,
    （…を含む。）) says nothing of who acts, bears or holds in the sentence around it, and its
    own 。 and clauses mislead the parse of the rest: in 著作権（…を含む。）は、乙に留保される the
    に of 乙 is read as an auxiliary, not the case that names the holder. The conditions and
    consents a parenthetical states are read from the whole sentence elsewhere.
    """
    stripped = text
    for _ in range(MAX_NESTING):
        shorter = PARENTHETICAL.sub("", stripped)
        if shorter == stripped:
            break
        stripped = shorter
    return stripped if stripped.strip(" 　、。") else text


def _key(text: str, parties: Parties) -> Key:
    """The cache key of a sentence: its text with every figure read as 0, and the parties.

    Where a party's name holds a figure (連帯保証人1, 連帯保証人2), figures may name who acts, and
    the text is the key as it is.
    """
    if _figures_name_parties(parties.names):
        return text, parties.names
    return FIGURES.sub("0", text), parties.names


@functools.lru_cache(maxsize=64)
def _figures_name_parties(names: tuple[str, ...]) -> bool:
    return any(FIGURES.search(name) for name in names)


def _missing(texts: Sequence[str], keys: Sequence[Key]) -> dict[Key, str]:
    """The keys not read before, each with the first of ``texts`` that has it."""
    wanted: dict[Key, str] = {}
    for text, key in zip(texts, keys, strict=True):
        if key not in _CACHE:
            wanted.setdefault(key, text)
    return wanted


def read_roles(texts: Sequence[str], parties: Parties, engine: Any) -> list[Roles]:
    """The roles of each sentence, read from its :func:`plain` text; the ones not read before
    are parsed together."""
    texts = [plain(text) for text in texts]
    keys = [_key(text, parties) for text in texts]
    missing = _missing(texts, keys)
    if missing:
        docs = _parse(list(missing.values()), engine)
        for (key, text), doc in zip(missing.items(), docs, strict=True):
            _remember(key, _roles(doc, text, parties))
    found = []
    for key in keys:
        _CACHE.move_to_end(key)
        found.append(_CACHE[key])
    return found


def clear_cache() -> None:
    """Forget every reading (for measuring a parse as a new draft costs it)."""
    _CACHE.clear()


def unread(texts: Sequence[str], parties: Parties) -> list[str]:
    """The texts not read before: the ones a call to :func:`read_roles` would parse."""
    texts = [plain(text) for text in texts]
    return list(_missing(texts, [_key(text, parties) for text in texts]).values())


def _parse(texts: list[str], engine: Any) -> list[Any]:
    many = getattr(engine, "parse_many", None)
    return many(texts) if many is not None else [engine.parse(text) for text in texts]


def _remember(key: Key, roles: Roles) -> None:
    _CACHE[key] = roles
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)


def _roles(doc: Any, text: str, parties: Parties) -> Roles:
    tokens = list(doc)
    if not tokens:
        return Roles(None, None, None, False, "")
    root = _root(tokens)
    main = _main_predicate(root)
    actor = bearer = holder = owner = None
    for group in parties.groups(text):
        token = _token_at(tokens, group.end - 1)
        if token is None:
            continue
        case = {child.text for child in token.children if child.dep_ in ("case", "fixed")}
        dep = token.dep_.split("_")[0]
        head = token.head
        if holder is None and (("に" in case and head.lemma_ in HOLD_TO)
                               or (case & SUBJECT_CASES and head.lemma_ in HOLD_BY)):
            holder = group
        elif bearer is None and (("の" in case and head.lemma_ in BEAR_NOUNS)
                                 or (case & SUBJECT_CASES and head.lemma_ in BEAR)):
            bearer = group
        if actor is None and dep in SUBJECT_DEPS and case & SUBJECT_CASES and head in (root, main):
            actor = group
        if owner is None and _in_topic(token, (root, main)):
            owner = group
    if actor is None:
        actor = opening_topic(text, parties) or _sentence_topic(tokens, parties.groups(text), (root, main))
    return Roles(actor, bearer, holder, _negated(main), main.lemma_, owner)


def _in_topic(token: Any, predicates: tuple[Any, ...]) -> bool:
    """The token stands inside the subject or topic phrase of the main predicate.

    乙 of 乙の損害賠償額は…上限とする, or of 乙が負う損害賠償責任の総額は…上限とする.
    """
    for ancestor in token.ancestors:
        if ancestor in predicates:
            return False
        marked = any(child.dep_ == "case" and child.text in SUBJECT_CASES for child in ancestor.children)
        if marked and ancestor.head in predicates and ancestor.dep_.split("_")[0] in SUBJECT_DEPS:
            return True
    return False


def _root(tokens: list[Any]) -> Any:
    roots = [token for token in tokens if token.dep_ == "ROOT"]
    return roots[-1] if roots else tokens[-1]


def _main_predicate(root: Any) -> Any:
    """The root, or what a closing する wraps: the noun of 負担とする, the verb before ものとする."""
    if root.lemma_ not in ("する", "なる"):
        return root
    for child in root.children:
        if child.dep_.startswith("obl") and any(c.dep_ == "case" and c.text == "と" for c in child.children):
            if child.lemma_ in WRAPPERS:
                verbs = [c for c in child.children if c.dep_.startswith("acl")]
                return verbs[-1] if verbs else root
            return child
    return root


def _negated(predicate: Any) -> bool:
    return any(child.dep_ == "aux" and child.lemma_ in NEGATION_LEMMAS for child in predicate.children)


def _token_at(tokens: list[Any], offset: int) -> Any:
    for token in tokens:
        if token.idx <= offset < token.idx + len(token.text):
            return token
    return None


def _sentence_topic(tokens: list[Any], groups: list[Group], predicates: tuple[Any, ...]) -> Group | None:
    """A party marked with は that the whole sentence is about, though the parse hangs it on an
    earlier clause (当社は…義務を負わず、…削除できるものとします): not inside a relative clause."""
    for group in groups:
        token = _token_at(tokens, group.end - 1)
        if token is None or not any(c.dep_ == "case" and c.text == "は" for c in token.children):
            continue
        path = []
        for ancestor in token.ancestors:
            if ancestor in predicates:
                break
            path.append(ancestor)
        if not any(node.dep_.startswith("acl") for node in [token, *path]):
            return group
    return None


def opening_topic(text: str, parties: Parties) -> Group | None:
    """The party a sentence opens with (乙は、…), when the parse found no subject."""
    for group in parties.groups(text):
        if TOPIC.match(text[:group.start]) and text[group.end:group.end + 1] == "は":
            return group
        break
    return None

"""The parties of a contract, as it names them, and where a sentence mentions them.

A contract names its parties once, in the preamble or a definitions article:
``株式会社●●（以下「甲」という。）``, ``委託者（以下「甲」という。）``,
``株式会社ディーネット（以下『当社』とします）``. Those names are what every change reports
and what ``favours`` says, so they are read from the text, not assumed to be 甲 and 乙.

A mention may join several parties (甲及び乙, 甲又は乙, 甲乙): it is read as one
:class:`Group` whose ``members`` are compared as a set, so 甲及び乙 and 甲乙 are the same.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Group", "Parties", "read_parties"]

# A defined term: （以下「甲」という。）, （以下『当社』とします）, （以下、「乙」と称する）.
DEFINED_TERM = re.compile(r"""
    [（(]\s*以下[、,]?\s*(?:単に)?\s*[「『](?P<term>[^」』\n]{1,20})[」』]\s*
    (?:という|といい|とします|とする|と称する|と総称する|と略す)
""", re.VERBOSE)
# What comes before （以下 when the term names a party: a company, a person, a role.
ENTITY_BEFORE = re.compile(r"""(?:
    (?:株式会社|有限会社|合同会社|合名会社|合資会社|一般社団法人|一般財団法人|学校法人)[^（(、。\n]{0,30}
  | [^（(、。\n]{0,30}(?:株式会社|有限会社|合同会社|法人|組合|団体|者|社|[●○◯＿_])
)$""", re.VERBOSE)
# Terms that name a party by their form: 甲, 乙, 丙; a role ending in 者 or 社; 貸主, 買主.
PARTY_TERM = re.compile(r"^(?:[甲乙丙丁戊]|.{0,8}(?:者|社|主|人|方|会員|様)|お客様)$")
# Terms that are plainly not parties even when they end like one: 本サービス, 当サービス.
NOT_A_PARTY = re.compile(r"^(?:本|当(?!社))")
# Used when a text defines no party: the usual names, in the order a contract lists them.
USUAL_PARTIES = ("甲", "乙", "丙", "丁", "当社", "弊社", "委託者", "受託者", "契約者", "利用者", "会員",
                 "お客様", "開示者", "受領者", "売主", "買主", "貸主", "借主", "発注者", "受注者",
                 "許諾者", "被許諾者", "ライセンサー", "ライセンシー", "賃貸人", "賃借人", "注文者", "請負人",
                 "譲渡人", "譲受人")
# Words that stand for every party at once.
ALL_PARTIES = ("両当事者", "各当事者", "当事者双方", "甲乙双方", "双方", "当事者")
# Between two parties of one group: 甲及び乙, 甲又は乙, 甲並びに乙, 甲・乙, 甲と乙, 甲乙.
JOINER = r"(?:及び|および|又は|または|並びに|ならびに|若しくは|もしくは|と|・|、)?"
# A one-character name (甲) inside a word (株式会社甲野商事) is not a mention: another
# ideograph stands before it. (After it, one may well follow: 甲所定の方法.)
IDEOGRAPH = re.compile(r"[\u4e00-\u9fff々]")


@dataclass(frozen=True, slots=True)
class Group:
    """One mention of one or more parties in a sentence: 甲, 甲及び乙, 当事者."""

    text: str                  # as written: "甲及び乙"
    members: frozenset[str]    # {"甲", "乙"}
    start: int                 # offsets in the sentence
    end: int

    @property
    def single(self) -> str | None:
        """The one party this group names, or None when it names several."""
        return next(iter(self.members)) if len(self.members) == 1 else None


@dataclass(frozen=True, slots=True)
class Parties:
    """The parties a contract names, in the order it defines them."""

    names: tuple[str, ...]

    def other(self, name: str | None) -> str | None:
        """The counterparty of ``name``, one of the first two parties defined; None with three or more."""
        principal = self.names[:2]
        if len(principal) < 2 or "丙" in self.names or name not in principal:
            return None
        return principal[1 - principal.index(name)]

    def groups(self, sentence: str) -> list[Group]:
        """Every mention of parties in ``sentence``, joined mentions as one group."""
        if not self.names:
            return []
        found = []
        for match in self._pattern().finditer(sentence):
            start, end = match.span()
            if start > 0 and IDEOGRAPH.match(sentence[start - 1]) and sentence[start - 1] not in self.names:
                continue
            text = match.group(0).rstrip("、・と")
            members = self._members(text)
            if members:
                found.append(Group(text, members, start, start + len(text)))
        return found

    def _members(self, text: str) -> frozenset[str]:
        members = set()
        rest = text
        for word in ALL_PARTIES:
            if word in rest:
                members.update(self.names[:2] if len(self.names) >= 2 else self.names)
                rest = rest.replace(word, "")
        for name in sorted(self.names, key=len, reverse=True):
            if name in rest:
                members.add(name)
                rest = rest.replace(name, "")
        return frozenset(members)

    def _pattern(self) -> re.Pattern[str]:
        return _compile(self.names)


# Bounded: the names come from the documents, so a process sees new ones with every request.
@functools.lru_cache(maxsize=256)
def _compile(names: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted(set(names) | set(ALL_PARTIES), key=len, reverse=True)
    one = "(?:" + "|".join(re.escape(word) for word in words) + ")"
    return re.compile(f"{one}(?:{JOINER}{one}){{0,4}}")


def read_parties(*texts: str) -> Parties:
    """The parties the texts define (以下「甲」という), else the usual names the texts use."""
    names: list[str] = []
    for text in texts:
        for match in DEFINED_TERM.finditer(text):
            term = unicodedata.normalize("NFKC", match.group("term")).strip()
            before = text[max(0, match.start() - 40):match.start()].rstrip()
            if term not in names and _names_a_party(term, before):
                names.append(term)
    if not names:
        joined = "\n".join(texts)
        names = [name for name in USUAL_PARTIES if _used(name, joined)]
    return Parties(tuple(names))


def _names_a_party(term: str, before: str) -> bool:
    if NOT_A_PARTY.match(term) or term in ALL_PARTIES:
        return False
    return bool(PARTY_TERM.match(term)) or bool(ENTITY_BEFORE.search(before))


def _used(name: str, text: str) -> bool:
    """``name`` appears as a word of ``text`` at least twice (once could be a coincidence)."""
    if len(name) > 1:
        return text.count(name) >= 2
    hits = 0
    for match in re.finditer(re.escape(name), text):
        at = match.start()
        before = text[at - 1] if at else ""
        after = text[at + 1] if at + 1 < len(text) else ""
        if not IDEOGRAPH.match(before or " ") and (not IDEOGRAPH.match(after or " ") or after in "乙丙丁"):
            hits += 1
    return hits >= 2

"""Phrases that qualify what a sentence requires: consent, conditions and scope.

Each is found by a vocabulary of markers, compared between the two versions of a sentence
as sets, so a clause moved inside the sentence changes nothing and one added or removed is
reported once:

- consent: another party's 承諾/同意/承認/許可 to obtain, its 指示 to follow, or a notice to give
  first (事前に通知), with its form (事前, 書面);
- condition: a clause ending in 場合/とき (…場合に限り, …場合を除き, …ない限り) or a fault
  standard (故意又は重大な過失, 責めに帰すべき事由);
- scope: words that narrow (直接かつ通常の損害に限り, 合理的な, 重要な) or widen (一切の,
  いかなる) what an obligation or a liability covers. Those inside a condition belong to it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .parties import Parties

__all__ = ["FAULT", "Consent", "Phrase", "conditions", "consents", "phrase_key", "reworded", "scopes",
           "unmatched"]

CONSENT = re.compile(r"""
    (?P<before>事前の|事前に|予めの|あらかじめの?|予め)?
    (?:書面(?:又は電磁的方法)?(?:による|での|により|で|をもって)|書面上の)?
    (?:事前の?)?
    (?P<what>承諾|同意|承認|許可|許諾|了承|了解|指示|指図)
    (?P<how>を得|を受け|が必要|を要|なく|なしに|なしで|無く|無しに|を得ず|に従|に基づ|により|を求め)
""", re.VERBOSE)
PRIOR_NOTICE = re.compile(r"""
    (?:事前に|予め|あらかじめ)(?:書面(?:で|により|をもって))?[^、。]{0,12}?(?P<what>通知|届出|届け出|報告|連絡)
  | (?P<after>通知|届出|届け出|報告)(?:した上で|したうえで|の上)
""", re.VERBOSE)
PRIOR = re.compile(r"事前|予め|あらかじめ")
# Characters before a consent searched for its form (事前, 書面).
FORM_WINDOW = 16
WAIVING = frozenset({"なく", "なしに", "なしで", "無く", "無しに", "を得ず"})
WITHOUT = re.compile(r"(?:する)?(?:ことなく|ことなしに|せずに|せず|しないで|なく|なしに)")
CONSENT_WORDS = {"承諾": "consent", "同意": "consent", "承認": "consent", "許可": "consent",
                 "許諾": "consent", "了承": "consent", "了解": "consent",
                 "指示": "instruction", "指図": "instruction"}
# A condition: a clause up to 場合/とき and what follows it, or up to a limiting marker.
CONDITION = re.compile(r"""
    (?P<text>[^、。]{1,80}?
      (?:(?:場合|とき|時)\u3000*(?:に限り|に限って|を除き|を除いて|を除く|において|には|は|でも|であっても|、)
        |ない限り|を除き|を除いて|を除く(?!。)|求めに応じて?|必要に応じて?
        # the moment a rule takes effect: 検収時に, 代金の完済時に (not 同時に, 随時, 即時)
        |(?<![同随常即適臨当])時(?:点)?(?:に|で)(?![はも])))
""", re.VERBOSE)
FAULT = re.compile(r"故意(?:又は|若しくは|もしくは|または|・)?(?:重大な過失|重過失)"
                   r"|故意(?:又は|または|若しくは|・)過失|重大な過失|重過失|責めに帰すべき事由|責に帰すべき事由|帰責事由")
LIMITING = re.compile(r"に限り|に限って|ない限り|を除き|を除いて|を除く")
# Markers of scope, wider ones first so 直接又は間接 is not read as 直接.
WIDE = re.compile(r"直接(?:又は|または|若しくは|・)間接|直接間接|一切(?:の)?|全て|すべて|いかなる|如何なる"
                  r"|何ら(?:の)?|あらゆる|を問わず|その他一切|いつでも|随時")
NARROW = re.compile(r"直接(?:かつ現実に|的(?:な|に)|の)?|現実に|通常(?:の|かつ)|合理的(?:な|に)?|相当な範囲"
                    r"|必要(?:な|最小限の?)範囲|範囲(?:内)?(?:で|において)|重要な|重大な(?!過失)|主要な|著しく"
                    r"|著しい|軽微な|のみ|(?<!場合)(?<!とき)に限り|を限度")
BRACKETED = re.compile(r"[（(][^（()）]{1,200}[）)]")
BLANK = "\u3000"
NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十百千万億.．,，]+")
# Conditions that differ this little are one condition reworded.
SAME_CONDITION = 0.8


@dataclass(frozen=True, slots=True)
class Consent:
    """A requirement to obtain consent, follow an instruction or notify first."""

    kind: str                  # consent, instruction, notice
    text: str                  # as written: 甲の事前の書面による承諾を得
    prior: bool                # 事前の
    written: bool              # 書面による
    giver: str | None          # whose consent: 甲

    @property
    def key(self) -> tuple[str, bool, bool]:
        return (self.kind, self.prior, self.written)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A condition or a scope marker: its text, a key to compare it by, and its sense."""

    text: str
    key: str
    sense: str                 # condition: limit, except, fault, when; scope: narrow, wide
    start: int
    end: int


def consents(sentence: str, parties: Parties, *, prohibits: bool = False) -> list[Consent]:
    """The consents, instructions and prior notices the sentence requires.

    承諾なく / 通知することなく require the consent or the notice only in a prohibition
    (承諾なく…してはならない); elsewhere they waive it (通知することなく…変更できる).
    """
    found = []
    for match in CONSENT.finditer(sentence):
        what, how = match.group("what"), match.group("how")
        if what in ("指示", "指図") and how in ("を得", "なく", "なしに"):
            continue
        waived = how in WAIVING or (how == "を得" and WITHOUT.match(sentence, match.end() + 1)) \
            or sentence.startswith(("ることなく", "ずに", "ないで"), match.end())
        if waived and not prohibits:
            continue
        start = match.start()
        giver = _giver(sentence, start, parties)
        text = sentence[giver[1] if giver[0] else start:match.end()]
        # 事前の書面による承諾 and 書面による事前の承諾 say the same: the form is read from
        # the words before the consent, up to the clause's start.
        lead = sentence[max(0, match.start("what") - FORM_WINDOW):match.start("what")].rsplit("、", 1)[-1]
        found.append(Consent(CONSENT_WORDS[what], text, bool(PRIOR.search(lead)), "書面" in lead, giver[0]))
    for match in PRIOR_NOTICE.finditer(sentence):
        if WITHOUT.match(sentence, match.end()) and not prohibits:
            continue
        found.append(Consent("notice", match.group(0), True, "書面" in match.group(0), None))
    return found


def _giver(sentence: str, start: int, parties: Parties) -> tuple[str | None, int]:
    """The party whose consent it is: 甲 of 甲の事前の書面による承諾."""
    for group in parties.groups(sentence[max(0, start - 12):start]):
        tail = sentence[max(0, start - 12) + group.end:start]
        if tail in ("の", "から", "より", "からの", "による"):
            return group.single, max(0, start - 12) + group.start
    return None, start


def conditions(sentence: str, parties: Parties) -> list[Phrase]:
    """The conditions and exceptions of a sentence, each with its sense."""
    found = []
    for match in CONDITION.finditer(_bracketed_out(sentence)):
        text = match.group("text").replace(BLANK, "").strip("、 ")
        sense = "except" if re.search("除", text[-6:]) else "limit" if LIMITING.search(text[-6:]) else \
            "fault" if FAULT.search(text) else "when"
        found.append(Phrase(text, phrase_key(text, parties), sense, match.start(), match.end()))
    for match in BRACKETED.finditer(sentence):
        inner = match.group(0)[1:-1]
        for phrase in conditions(inner, parties) if CONDITION.search(inner) else ():
            found.append(Phrase(phrase.text, phrase.key, phrase.sense, match.start() + 1 + phrase.start,
                                match.start() + 1 + phrase.end))
    # A condition that is a consent (甲の承諾を得た場合に限り) is the consent's to report.
    found = [phrase for phrase in found if not CONSENT.search(phrase.text)]
    covered = [(p.start, p.end) for p in found]
    for match in FAULT.finditer(sentence):
        if not any(s <= match.start() < e for s, e in covered):
            found.append(Phrase(match.group(0), phrase_key(match.group(0), parties), "fault",
                                match.start(), match.end()))
    return found


def _bracketed_out(sentence: str) -> str:
    """The sentence with its bracketed asides blanked, same length: （…を除く。） is a phrase of its own."""
    return BRACKETED.sub(lambda m: BLANK * len(m.group(0)), sentence)


def scopes(sentence: str, conditions_found: Sequence[Phrase]) -> list[Phrase]:
    """Scope markers outside the sentence's conditions."""
    inside = [(p.start, p.end) for p in conditions_found]
    found: list[Phrase] = []
    taken: list[tuple[int, int]] = []
    for sense, pattern in (("wide", WIDE), ("narrow", NARROW)):
        for match in pattern.finditer(sentence):
            span = match.span()
            if any(s <= span[0] < e for s, e in inside + taken):
                continue
            taken.append(span)
            key = re.sub("[なにの]$", "", unicodedata.normalize("NFKC", match.group(0)))
            found.append(Phrase(match.group(0), key, sense, *span))
    return sorted(found, key=lambda p: p.start)


def phrase_key(text: str, parties: Parties) -> str:
    """A phrase as compared: width, numbers, party names and particles of style set aside.

    Numbers are the value changes' business; which party a condition names is read by roles.
    """
    key = unicodedata.normalize("NFKC", text)
    for group in reversed(parties.groups(key)):
        key = key[:group.start] + "P" + key[group.end:]
    key = key.replace("相手方", "P").replace("とき", "場合").replace("時", "場合")
    key = NUMBER.sub("#", key)
    return re.sub(r"[\s、,]|には$|は$", "", key)


def unmatched(left: Iterable[Phrase], right: Iterable[Phrase]) -> tuple[list[Phrase], list[Phrase]]:
    """The phrases of each side with no counterpart on the other (near-equal keys match)."""
    alone_left, alone_right, _ = _match(left, right)
    return alone_left, alone_right


def reworded(left: Iterable[Phrase], right: Iterable[Phrase]) -> list[tuple[Phrase, Phrase]]:
    """Phrases near-equal but not equal on the two sides: 不備がある場合 / 重大な不備がある場合."""
    return [(one, two) for one, two in _match(left, right)[2] if one.key != two.key]


def _match(left: Iterable[Phrase], right: Iterable[Phrase]
           ) -> tuple[list[Phrase], list[Phrase], list[tuple[Phrase, Phrase]]]:
    """Each phrase of ``left`` paired with the first near-equal one of ``right`` left over."""
    rest = list(right)
    alone, pairs = [], []
    for phrase in left:
        match = next((other for other in rest if _similar(phrase.key, other.key)), None)
        if match is None:
            alone.append(phrase)
        else:
            rest.remove(match)
            pairs.append((phrase, match))
    return alone, rest, pairs


def _similar(a: str, b: str) -> bool:
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SAME_CONDITION

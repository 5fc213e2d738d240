"""Changes in meaning without a number: negation, modality, party, proviso, cross-reference.

Only sentences that changed are looked at, and only those go through the full GiNZA
parse (the one place where its cost is worth paying): the root predicate tells
whether a sentence is negated, and its subject who bears the duty or holds the right.
The modality of a sentence is read from its closing words, where Japanese puts it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .align import pair_texts
from .engine import Engine
from .result import Change, ChangeKind, Direction, Excerpt
from .text import normalize, parse_number

__all__ = ["Modality", "Sentence", "qualitative_changes", "sentences", "stale_references", "modality"]

# A sentence ends at 。 or at a line break (list items have no 。).
SENTENCE = re.compile(r"[^。\n]+(?:。|$)", re.MULTILINE)
PROVISO = re.compile(r"^\s*(?:ただし|但し)")
# Parties a duty or a right can belong to, longest first so 甲及び乙 wins over 甲.
PARTIES = ("甲及び乙", "甲又は乙", "甲乙", "当事者", "委託者", "受託者", "契約者", "利用者", "当社",
           "甲", "乙", "丙")
PARTY_TOPIC = re.compile(r"^[^、。]{0,12}?(?P<party>" + "|".join(PARTIES) + r")(?:は|が)")
NEGATION_LEMMAS = frozenset({"ない", "ぬ", "ず", "ん"})
# Written forms of the negative auxiliary, to decide cheaply whether a parse is needed.
NEGATIVE = re.compile(r"な(?:い|く|かっ|けれ)|ず|ぬ|ません")
PARTY_WORD = re.compile("|".join(PARTIES))
ARTICLE_REFERENCE = re.compile(
    r"第(?P<number>[0-9０-９一二三四五六七八九十百]{1,6})条(?!の[0-9０-９一二三四五六七八九十])")


class Modality(StrEnum):
    OBLIGATION = "obligation"      # しなければならない, するものとする, 義務を負う
    PROHIBITION = "prohibition"    # してはならない, することができない
    EFFORT = "effort"              # 努める, 努めるものとする
    PERMISSION = "permission"      # することができる
    STATEMENT = "statement"        # a plain statement: 行う, 帰属する


# Checked in order on the end of the sentence: the first that matches decides.
MODALITY_PATTERNS: tuple[tuple[Modality, re.Pattern[str]], ...] = (
    (Modality.EFFORT, re.compile(r"努め|努力する")),
    (Modality.PROHIBITION, re.compile(r"て?は(?:なら|いけ)(?:ない|ず|ません)|ことはでき(?:ない|ず|ません)"
                                      r"|することができ(?:ない|ず|ません)|禁止する|禁じる")),
    (Modality.OBLIGATION, re.compile(r"なければならない|なければならず|ものとする|ものとします|義務を負う"
                                     r"|必要がある|しなければなりません")),
    (Modality.PERMISSION, re.compile(r"ことができる|ことができます|できるものとする"
                                     r"|できる。?$|できます。?$")),
)
MODALITY_NAMES = {Modality.OBLIGATION: "義務", Modality.PROHIBITION: "禁止", Modality.EFFORT: "努力義務",
                  Modality.PERMISSION: "権利・任意", Modality.STATEMENT: "確認的規定"}
#: Two sentences are the same sentence, edited, when at least this similar.
MIN_SENTENCE_SCORE = 0.45


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int                 # raw offsets into the document
    end: int
    key: str                   # normalised, for pairing and sameness

    def excerpt(self) -> Excerpt:
        return Excerpt(self.text, self.start, self.end)


def sentences(text: str, offset: int = 0, drop: Sequence[tuple[int, int]] = ()) -> list[Sentence]:
    """The sentences of ``text`` (offsets shifted by ``offset``), skipping dropped spans."""
    found = []
    for match in SENTENCE.finditer(text):
        start, end = match.span()
        if any(s <= start + offset < e for s, e in drop):
            continue
        body = match.group(0).strip()
        key = normalize(body).text
        if len(key) >= 2:
            lead = len(match.group(0)) - len(match.group(0).lstrip())
            found.append(Sentence(body, offset + start + lead, offset + start + lead + len(body), key))
    return found


def modality(sentence: str) -> Modality:
    """The modality of a sentence, read from its last clause."""
    tail = re.split(r"[、,]", sentence.rstrip("。"))[-1] if sentence else ""
    for kind, pattern in MODALITY_PATTERNS:
        if pattern.search(tail):
            return kind
    return Modality.STATEMENT


def _negated(doc) -> bool:
    """The root predicate carries ない/ぬ/ず (idioms of obligation and prohibition excluded by the caller)."""
    roots = [token for token in doc if token.dep_ == "ROOT"]
    return any(child.lemma_ in NEGATION_LEMMAS and child.dep_ == "aux"
               for root in roots[-1:] for child in root.children)


def _subject_party(doc, text: str) -> str | None:
    """Who the sentence is about: the party among the root's subjects, else its topic."""
    for token in doc:
        if token.dep_ == "nsubj" and token.head.dep_ == "ROOT":
            words = "".join(t.text for t in token.subtree)
            for party in PARTIES:
                if party in words:
                    return party
    match = PARTY_TOPIC.search(text)
    return match.group("party") if match else None


def qualitative_changes(original: Sequence[Sentence], revised: Sequence[Sentence], *, engine: Engine,
                        original_label: str | None = None, revised_label: str | None = None) -> list[Change]:
    """Negation flips, modality shifts, swapped parties and provisos between two clauses."""
    changes: list[Change] = []
    labels = {"original_clause": original_label, "revised_clause": revised_label}
    # A sentence found word for word in the other draft changed nothing.
    kept = Counter(s.key for s in original) & Counter(s.key for s in revised)
    original, revised = _changed(original, kept), _changed(revised, kept)
    for link in pair_texts([s.key for s in original], [s.key for s in revised]):
        left = original[link.original] if link.original is not None else None
        right = revised[link.revised] if link.revised is not None else None
        if left is not None and right is not None and link.confidence < MIN_SENTENCE_SCORE:
            changes += _proviso(left, None, labels) + _proviso(None, right, labels)
            continue
        if left is None or right is None:
            changes += _proviso(left, right, labels)
            continue
        if left.key == right.key:
            continue
        changes += _sentence_changes(left, right, engine, labels)
    return changes


def _changed(found: Sequence[Sentence], kept: Counter[str]) -> list[Sentence]:
    budget = Counter(kept)
    changed = []
    for sentence in found:
        if budget[sentence.key] > 0:
            budget[sentence.key] -= 1
        else:
            changed.append(sentence)
    return changed


def _proviso(left: Sentence | None, right: Sentence | None, labels: Mapping[str, str | None]) -> list[Change]:
    sentence = left or right
    if sentence is None or not PROVISO.match(sentence.text):
        return []
    added = right is not None
    return [Change(
        kind=ChangeKind.PROVISO, category="other", original=None, revised=None,
        direction=Direction.ADDED if added else Direction.REMOVED,
        summary=f"ただし書の{'追加' if added else '削除'}: {_short(sentence.text)}",
        before=None if added else "ただし書", after="ただし書" if added else None,
        original_excerpt=left.excerpt() if left else None,
        revised_excerpt=right.excerpt() if right else None, **labels)]


def _sentence_changes(left: Sentence, right: Sentence, engine: Engine,
                      labels: Mapping[str, str | None]) -> list[Change]:
    changes = []
    excerpts = {"original_excerpt": left.excerpt(), "revised_excerpt": right.excerpt()}
    mode_left, mode_right = modality(left.text), modality(right.text)
    if mode_left != mode_right:
        changes.append(Change(
            kind=ChangeKind.MODALITY, category="other", original=None, revised=None,
            direction=Direction.CHANGED,
            summary=f"規範の強さ: {MODALITY_NAMES[mode_left]} → {MODALITY_NAMES[mode_right]}",
            before=mode_left.value, after=mode_right.value, **excerpts, **labels))
    if not _worth_parsing(left.text, right.text):
        return changes
    doc_left, doc_right = engine.parse(left.text), engine.parse(right.text)
    idioms = {Modality.OBLIGATION, Modality.PROHIBITION}
    if mode_left == mode_right and mode_left not in idioms and _negated(doc_left) != _negated(doc_right):
        negated = _negated(doc_right)
        changes.append(Change(
            kind=ChangeKind.NEGATION, category="other", original=None, revised=None,
            direction=Direction.CHANGED,
            summary=f"否定の反転: {'肯定 → 否定' if negated else '否定 → 肯定'}: {_short(right.text)}",
            before="negated" if not negated else "affirmed", after="negated" if negated else "affirmed",
            **excerpts, **labels))
    party_left, party_right = _subject_party(doc_left, left.text), _subject_party(doc_right, right.text)
    if party_left and party_right and party_left != party_right:
        changes.append(Change(
            kind=ChangeKind.PARTY, category="other", original=None, revised=None,
            direction=Direction.CHANGED,
            summary=f"主体の変更: {party_left} → {party_right}: {_short(right.text)}",
            before=party_left, after=party_right, **excerpts, **labels))
    return changes


def _worth_parsing(left: str, right: str) -> bool:
    """Whether a parse could find a flipped negation or a swapped party.

    The parse costs tens of milliseconds a sentence; it can only find something when the
    negative auxiliaries differ in number, or the parties appear in another order.
    """
    if len(NEGATIVE.findall(left)) != len(NEGATIVE.findall(right)):
        return True
    return _party_sequence(left) != _party_sequence(right)


def _party_sequence(text: str) -> list[str]:
    return PARTY_WORD.findall(text)


def _references(text: str) -> Iterator[tuple[int, int, int]]:
    for match in ARTICLE_REFERENCE.finditer(text):
        number = parse_number(match.group("number"))
        if isinstance(number, int):
            yield number, match.start(), match.end()


def stale_references(original: str, revised: str, *, revised_offset: int, renumbered: Mapping[int, int],
                     original_label: str | None = None, revised_label: str | None = None) -> list[Change]:
    """References that still cite an article by its old number.

    ``renumbered`` maps original article numbers to the revised numbers of their
    counterparts. A citation of 第N条 kept as it was, where article N is now 第M条,
    points at the wrong article.
    """
    cited_before = {number for number, _, _ in _references(original)}
    changes = []
    seen = set()
    for number, start, end in _references(revised):
        now = renumbered.get(number)
        if number not in cited_before or now is None or now == number or number in seen:
            continue
        seen.add(number)
        changes.append(Change(
            kind=ChangeKind.CROSS_REFERENCE, category="other", original=None, revised=None,
            direction=Direction.CHANGED,
            summary=f"条番号の参照: 第{number}条 を引用しているが、その条は改訂版では第{now}条",
            before=f"第{number}条", after=f"第{now}条",
            revised_excerpt=Excerpt(revised[start:end], revised_offset + start, revised_offset + end),
            original_clause=original_label, revised_clause=revised_label))
    return changes


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

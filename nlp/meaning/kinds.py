"""The kinds of meaning change, one function each, over two readings of one sentence.

Each function looks at one thing (the force, the negation, the parties, the consent, the
conditions, the scope) and returns the changes it finds with the party each favours. They
run in :data:`DETECTORS` order; a sentence rewritten from 承諾なく…してはならない to
承諾を得て…することができる says the same thing and none of them reports it.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from ..result import Change, ChangeKind, Direction
from ..structure import ITEM_LABEL
from ..text import normalize_key
from . import favours as rules
from .markers import FAULT, Consent, Phrase, reworded, scopes, unmatched
from .modality import MODALITY_NAMES, Modality, burden, same_force
from .parties import Group, Parties
from .reading import RIGHT_PREDICATES, Reading
from .sentences import PROVISO

__all__ = ["DETECTORS", "PROVISO", "added_or_removed", "sentence_changes"]

# How a proviso ends tells what it does to the sentence before it.
EXCEPTIONS = ("この限りでない", "この限りではない", "この限りではありません", "適用しない", "適用されない")
RELAXATIONS = ("足りる", "足ります", "差し支えない", "差し支えありません", "妨げない")
# Predicates of a right: denied, they take from the party (請求しない, 解除できない).
FLIPS = {True: "肯定 → 否定", False: "否定 → 肯定"}
GROSS_FAULT = re.compile(r"重大な過失|重過失")
CONSENT_NAMES = {"consent": "承諾・同意", "instruction": "指示", "notice": "事前の通知"}
_Keyed = TypeVar("_Keyed", Consent, Phrase)
Detector = Callable[[Reading, Reading, Parties], list[Change]]


def sentence_changes(left: Reading, right: Reading, parties: Parties) -> list[Change]:
    """Every change of meaning between two versions of one sentence."""
    changes: list[Change] = []
    for detect in DETECTORS:
        changes += detect(left, right, parties)
    if not changes:
        changes = enumeration(left, right, parties)
    return [_located(change, left, right) for change in changes]


def modality(left: Reading, right: Reading, parties: Parties) -> list[Change]:
    if same_force(left.force, right.force) or _same_consent_rule(left, right):
        return []
    before, after = left.force.modality, right.force.modality
    heavier = None if {before, after} == {Modality.OBLIGATION, Modality.PROHIBITION} else \
        burden(right.force) > burden(left.force)
    return [_change(ChangeKind.MODALITY, Direction.CHANGED,
                    f"規範の強さ: {MODALITY_NAMES[before]} → {MODALITY_NAMES[after]}",
                    before.value, after.value,
                    rules.for_burden(parties, _subject(left, right), heavier))]


def negation(left: Reading, right: Reading, parties: Parties) -> list[Change]:
    if left.roles is None or right.roles is None or not same_force(left.force, right.force):
        return []
    hard = {Modality.OBLIGATION, Modality.PROHIBITION}
    # The ない of しなければならない / してはならない is the force's, not a denial: on either side.
    if any(side.force.modality in hard and not side.force.soft for side in (left, right)) \
            or left.negated == right.negated:
        return []
    negated = right.negated
    # Denying a duty or a warranty lightens it; denying a right takes it away.
    takes_right = right.roles.predicate in RIGHT_PREDICATES
    heavier = (not negated) if not takes_right else negated
    return [_change(ChangeKind.NEGATION, Direction.CHANGED,
                    f"否定の反転: {FLIPS[negated]}: {_short(right.sentence.text)}",
                    "affirmed" if negated else "negated", "negated" if negated else "affirmed",
                    rules.for_burden(parties, _subject(left, right), heavier))]


def party(left: Reading, right: Reading, parties: Parties) -> list[Change]:
    """Who bears the cost, who holds the result, or who acts, changed."""
    if left.roles is None or right.roles is None:
        return []
    one, two = left.roles, right.roles
    for role, name, moved in (("holder", "権利の帰属先", rules.right_moved),
                              ("bearer", "負担者", rules.duty_moved)):
        before, after = getattr(one, role), getattr(two, role)
        if (before or after) and _members(before) != _members(after):
            return [_party_change(name, before, after, moved(parties, before, after))]
    before, after = one.actor, two.actor
    if before and after and before.members != after.members:
        moved = rules.right_moved if right.stance == rules.Stance.RIGHT else rules.duty_moved
        return [_party_change("主体", before, after, moved(parties, before, after))]
    return []


def consent(left: Reading, right: Reading, parties: Parties) -> list[Change]:
    added, removed = _added_removed(left.consents, right.consents)
    if not added and not removed:
        return []
    subject = _subject(left, right)
    if added and removed and {c.kind for c in added} == {c.kind for c in removed}:
        stricter = sum(c.prior + c.written for c in added) > sum(c.prior + c.written for c in removed)
        favoured = _consent_favours(parties, subject, added if stricter else removed, stricter)
        return [_change(ChangeKind.CONSENT, Direction.CHANGED,
                        f"{CONSENT_NAMES[added[0].kind]}の要件の変更: {removed[0].text} → {added[0].text}",
                        removed[0].text, added[0].text, favoured)]
    changes = []
    for found, direction in ((added, Direction.ADDED), (removed, Direction.REMOVED)):
        if found:
            required = direction == Direction.ADDED
            favoured = _consent_favours(parties, subject, found, required)
            changes.append(_consent_change(found, direction, favoured))
    return changes


def condition(left: Reading, right: Reading, parties: Parties) -> list[Change]:
    removed, added = unmatched(left.conditions, right.conditions)
    subject = _subject(left, right)
    if not removed and not added:
        return _condition_reworded(left, right, parties)
    if added and removed:
        old, new = _texts(removed), _texts(added)
        # An exception or a limit that appears narrows; one that goes widens.
        narrowed = _restricting(added) - _restricting(removed)
        return [_change(ChangeKind.CONDITION, Direction.CHANGED, f"条件の変更: {old} → {new}", old, new,
                        rules.for_restriction(parties, subject, right.stance, _sign(narrowed)))]
    found = added or removed
    # A limit (場合に限り), an exception (を除き) or a fault standard narrows where the
    # sentence applies; a plain 場合 clause may as well widen it, so it says nothing.
    narrowed = bool(added) if _restricting(found) else None
    return [_change(ChangeKind.CONDITION, Direction.ADDED if added else Direction.REMOVED,
                    f"条件の{'追加' if added else '削除'}: {_texts(found)}",
                    None if added else _texts(found), _texts(found) if added else None,
                    rules.for_restriction(parties, subject, (right if added else left).stance, narrowed))]


def _condition_reworded(left: Reading, right: Reading, parties: Parties) -> list[Change]:
    """A condition kept but qualified: 不備がある場合 → 重大な不備がある場合."""
    for old, new in reworded(left.conditions, right.conditions):
        stricter = _restricting([new]) - _restricting([old])
        if stricter:
            # 故意又は重大な過失 → 故意又は過失: the same condition, another fault standard.
            favoured = rules.for_restriction(parties, _subject(left, right), right.stance, _sign(stricter))
            return [_change(ChangeKind.CONDITION, Direction.CHANGED, f"条件の変更: {old.text} → {new.text}",
                            old.text, new.text, favoured)]
        item, grows = _one_item(normalize_key(old.text), normalize_key(new.text))
        if item is not None and old.sense == new.sense and not FIGURE.search(item):
            # 通常の損耗を除き → 通常の損耗及び経年変化を除き: an exception that covers more makes
            # the sentence apply less; a trigger or a limit that covers more, apply more.
            narrowed = grows if old.sense == "except" else not grows
            return [_change(ChangeKind.CONDITION, Direction.CHANGED, f"条件の変更: {old.text} → {new.text}",
                            old.text, new.text,
                            rules.for_restriction(parties, _subject(left, right), right.stance, narrowed))]
        before, after = Counter(_scope_keys(old.text)), Counter(_scope_keys(new.text))
        if before == after:
            continue
        added = [(key, sense) for key, sense in (after - before)]
        removed = [(key, sense) for key, sense in (before - after)]
        narrowed = sum(s == "narrow" for _, s in added) + sum(s == "wide" for _, s in removed) \
            - sum(s == "wide" for _, s in added) - sum(s == "narrow" for _, s in removed)
        # A narrower trigger applies in fewer cases: the sentence applies less.
        return [_change(ChangeKind.CONDITION, Direction.CHANGED, f"条件の変更: {old.text} → {new.text}",
                        old.text, new.text,
                        rules.for_restriction(parties, _subject(left, right), right.stance, _sign(narrowed)))]
    return []


def _scope_keys(text: str) -> list[tuple[str, str]]:
    return [(phrase.key, phrase.sense) for phrase in scopes(text, ())]


def _restricting(found: Sequence[Phrase]) -> int:
    """How much the phrases restrict where a sentence applies: a limit or an exception counts
    one, a fault standard one (過失, 責めに帰すべき事由) or two (故意, 重大な過失)."""
    score = 0
    for phrase in found:
        score += phrase.sense in ("limit", "except")
        score += _fault_level(phrase.text)
    return score


def _fault_level(text: str) -> int:
    """2 for gross fault only (故意又は重大な過失, 故意), 1 for any fault (過失, 帰責事由), else 0."""
    if GROSS_FAULT.search(text) or ("故意" in text and "過失" not in text):
        return 2
    return 1 if FAULT.search(text) else 0


def _sign(value: int) -> bool | None:
    return True if value > 0 else False if value < 0 else None


def scope(left: Reading, right: Reading, parties: Parties) -> list[Change]:
    added, removed = _added_removed(left.scopes, right.scopes)
    if not added and not removed:
        return []
    if Counter(p.sense for p in added) == Counter(p.sense for p in removed):
        return []   # one word for another of the same sense: 一切の → いかなる, 直接の → 現実に
    narrower = sum(p.sense == "narrow" for p in added) + sum(p.sense == "wide" for p in removed)
    wider = sum(p.sense == "wide" for p in added) + sum(p.sense == "narrow" for p in removed)
    narrowed = True if narrower and not wider else False if wider and not narrower else None
    what = "限定" if narrowed else "拡大" if narrowed is False else "変更"
    detail = " / ".join(filter(None, (f"追加「{_texts(added)}」" if added else "",
                                      f"削除「{_texts(removed)}」" if removed else "")))
    return [_change(ChangeKind.SCOPE, Direction.CHANGED, f"範囲の{what}: {detail}",
                    _texts(removed) or None, _texts(added) or None,
                    rules.for_restriction(parties, _subject(left, right), right.stance, narrowed))]


#: Words that join the items of a list: 代替品の納入又は代金の減額, 改変、複製若しくは再販売.
CONNECTOR = re.compile(r"^(?:又は|若しくは|もしくは|または|及び|および|並びに|ならびに|、|・|，|,)"
                       r"|(?:又は|若しくは|もしくは|または|及び|および|並びに|ならびに|、|・|，|,)$")
#: The longest list item read as one: longer, the edit is a rewording, not an item.
MAX_ITEM_CHARS = 40


def enumeration(left: Reading, right: Reading, parties: Parties) -> list[Change]:
    """An item taken from or added to a list, the rest of the sentence the same.

    買主は、代替品の納入又は代金の減額を請求することができる → 代替品の納入を請求することができる
    narrows a right; 改変、複製又は再販売してはならない → 改変又は再販売してはならない narrows a
    duty. Only where the item is all that changed: no figure, no party, nothing inside a condition
    (the condition's own change says it), and no other kind found the change first.
    """
    one, two = left.sentence.key, right.sentence.key
    item, added = _one_item(one, two)
    if item is None or FIGURE.search(item) or parties.groups(item):
        return []
    conditions = [normalize_key(p.text) for p in (*left.conditions, *right.conditions)]
    if any(item in text for text in conditions):
        return []
    shown = CONNECTOR.sub("", item)
    narrowed = not added
    summary = f"範囲の{'限定' if narrowed else '拡大'}: {'削除' if narrowed else '追加'}「{shown}」"
    return [_change(ChangeKind.SCOPE, Direction.CHANGED, summary, None if added else shown,
                    shown if added else None, _list_favours(right, _subject(left, right), parties, narrowed))]


def _list_favours(reading: Reading, subject: Group | None, parties: Parties, narrowed: bool) -> str | None:
    """Whom a list made shorter (``narrowed``) or longer favours, by the sentence that holds it."""
    if reading.force.modality != Modality.PROHIBITION and NEGATED_END.search(reading.sentence.key):
        # A list of what the subject does not do or warrant (…を保証するものではない): one
        # more item is one more thing it is free of.
        return rules.for_burden(parties, subject, heavier=narrowed)
    return rules.for_restriction(parties, subject, reading.stance, narrowed)


#: The sentence a list of 号 hangs from: 次の各号のいずれかに該当するときは, 次に掲げる行為.
LIST_LEAD = re.compile(r"(?:次|以下|下記)の[^。、]{0,8}?(?:各号|行為|事項|事由|いずれか|場合|情報|とおり)"
                       r"|次に掲げる|下記の各号")


def is_item(text: str) -> bool:
    """The sentence opens with a 号's label, as the structure reads them: (1), （一）, ①, 一　."""
    return ITEM_LABEL.match(text) is not None


def leads_list(text: str) -> bool:
    return LIST_LEAD.search(text) is not None


def _item_change(item: Reading, lead: Reading, parties: Parties, added: bool) -> Change | None:
    """A 号 added to or taken from the list its clause's lead sentence introduces."""
    text = item.sentence.text
    label = ITEM_LABEL.match(text)
    shown = _short(text[label.end() if label else 0:].strip("、．. 　"))
    if not shown:
        return None      # a label alone on its line: the item is the next line's
    narrowed = not added
    summary = f"範囲の{'限定' if narrowed else '拡大'}: 号の{'追加' if added else '削除'}「{shown}」"
    return _change(ChangeKind.SCOPE, Direction.CHANGED, summary, None if added else shown,
                   shown if added else None, _list_favours(lead, lead.subject, parties, narrowed))


#: A sentence that ends denying: 保証するものではない, 責任を負いません, 負わない.
NEGATED_END = re.compile(r"(?:ない|ません|ず)(?:ものとする|ものとします)?。?$")


FIGURE = re.compile(r"[0-9]")   # a figure of the normalised key: a value change, not an item


def _one_item(one: str, two: str) -> tuple[str | None, bool]:
    """The list item ``two`` lacks (False) or adds (True) to ``one``, when that is the only edit."""
    shorter, longer, added = (one, two, True) if len(one) < len(two) else (two, one, False)
    prefix = len(os.path.commonprefix([shorter, longer]))
    suffix = len(os.path.commonprefix([shorter[prefix:][::-1], longer[prefix:][::-1]]))
    if prefix + suffix != len(shorter):
        return None, added
    item = longer[prefix:len(longer) - suffix]
    if not 2 <= len(item) <= MAX_ITEM_CHARS or "。" in item:
        return None, added
    # The edit may sit on either side of its connector: 、B of A、B又はC, or B又は of B又はC.
    for shift in range(0, 3):
        for candidate in (longer[prefix - shift:len(longer) - suffix - shift] if shift <= prefix else "",
                          longer[prefix + shift:len(longer) - suffix + shift] if shift <= suffix else ""):
            if candidate and CONNECTOR.search(candidate) and len(CONNECTOR.sub("", candidate)) >= 2:
                return candidate, added
    return None, added


DETECTORS: tuple[Detector, ...] = (modality, negation, party, consent, condition, scope)


def added_or_removed(reading: Reading, main: Reading | None, parties: Parties, *,
                     added: bool) -> list[Change]:
    """What a whole sentence added or removed means: a ただし書, or a consent it requires.

    ``main`` is the sentence a proviso qualifies, the one before it, or for a 号 the sentence
    that introduces its list.
    """
    text = reading.sentence.text
    changes = []
    if text.lstrip().startswith(PROVISO):
        favoured = _proviso_favours(reading, main, parties, added)
        changes.append(_change(ChangeKind.PROVISO, Direction.ADDED if added else Direction.REMOVED,
                               f"ただし書の{'追加' if added else '削除'}: {_short(text)}",
                               None if added else "ただし書", "ただし書" if added else None, favoured))
    elif main is not None and is_item(text) and leads_list(main.sentence.text) \
            and (item := _item_change(reading, main, parties, added)) is not None:
        changes.append(item)
    if reading.consents:
        found = list(reading.consents)
        changes.append(_consent_change(found, Direction.ADDED if added else Direction.REMOVED,
                                       _consent_favours(parties, reading.subject, found, added)))
    excerpt = {"revised_excerpt" if added else "original_excerpt": reading.sentence.excerpt()}
    return [replace(change, **excerpt) for change in changes]


def _proviso_favours(proviso: Reading, main: Reading | None, parties: Parties, added: bool) -> str | None:
    """Whom a ただし書 favours, by what it does to the sentence before it.

    …この限りでない carves an exception out of it: that lightens its duty or takes from its
    right. …すれば足りる relaxes what it asks of its subject. Any other proviso is a rule of its
    own: a right it gives favours its holder, a duty it sets favours the other party.
    """
    text = proviso.sentence.text
    if any(word in text for word in EXCEPTIONS):
        if main is None:
            return None
        return rules.for_restriction(parties, main.subject, main.stance, narrowed=added)
    if any(word in text for word in RELAXATIONS):
        subject = proviso.subject or (main.subject if main else None)
        return rules.for_burden(parties, subject, heavier=not added)
    heavier = proviso.stance == rules.Stance.DUTY
    return rules.for_burden(parties, proviso.subject, heavier if added else not heavier)


def _added_removed(before: Sequence[_Keyed], after: Sequence[_Keyed]) -> tuple[list[_Keyed], list[_Keyed]]:
    """What ``after`` holds more of than ``before``, and less, compared by key as multisets."""
    old, new = Counter(item.key for item in before), Counter(item.key for item in after)
    return ([item for item in after if (new - old)[item.key] > 0],
            [item for item in before if (old - new)[item.key] > 0])


def _consent_change(found: Sequence[Consent], direction: Direction, favoured: str | None) -> Change:
    required = direction == Direction.ADDED
    text = found[0].text
    summary = f"{CONSENT_NAMES[found[0].kind]}が{'必要になった' if required else '不要になった'}: {text}"
    return _change(ChangeKind.CONSENT, direction, summary, None if required else text,
                   text if required else None, favoured)


def _consent_favours(parties: Parties, subject: Group | None, found: Sequence[Consent],
                     required: bool) -> str | None:
    """A consent required of X favours the one who gives it; no longer required, X."""
    giver = next((c.giver for c in found if c.giver), None)
    actor = subject.single if subject else None
    if required:
        return giver if giver in parties.names and giver != actor else parties.other(actor)
    return actor if actor in parties.names else parties.other(giver)


def _same_consent_rule(left: Reading, right: Reading) -> bool:
    """承諾なく…してはならない and 承諾を得て…することができる: one rule written two ways."""
    pair = {left.force.modality, right.force.modality}
    return pair == {Modality.PROHIBITION, Modality.PERMISSION} and bool(left.consents) and \
        Counter(c.key for c in left.consents) == Counter(c.key for c in right.consents)


def _subject(left: Reading, right: Reading) -> Group | None:
    """The party the sentence speaks of, on the revised side where it names one."""
    return right.subject or left.subject


def _party_change(role: str, before: Group | None, after: Group | None, favoured: str | None) -> Change:
    old, new = before.text if before else None, after.text if after else None
    summary = f"{role}の変更: {old or '（定めなし）'} → {new or '（定めなし）'}"
    return _change(ChangeKind.PARTY, Direction.CHANGED, summary, old, new, favoured)


def _members(group: Group | None) -> frozenset[str]:
    return group.members if group else frozenset()


def _change(kind: ChangeKind, direction: Direction, summary: str, before: str | None, after: str | None,
            favoured: str | None) -> Change:
    return Change(kind=kind, category="other", original=None, revised=None, direction=direction,
                  summary=summary, before=before, after=after, favours=favoured)


def _located(change: Change, left: Reading, right: Reading) -> Change:
    return replace(change, original_excerpt=left.sentence.excerpt(), revised_excerpt=right.sentence.excerpt())


def _texts(phrases: Sequence[Phrase]) -> str:
    return "、".join(dict.fromkeys(p.text for p in phrases))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

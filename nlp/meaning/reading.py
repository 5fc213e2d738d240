"""What one sentence says, as the meaning layer compares it: force, roles and qualifiers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .favours import Stance
from .markers import FAULT, Consent, Phrase, conditions, consents, scopes
from .modality import Force, Modality, read_force
from .parties import Group, Parties
from .roles import Roles, opening_topic, read_roles
from .sentences import Sentence

__all__ = ["RIGHT_PREDICATES", "Reading", "read_sentences"]

# Predicates of a liability, a warranty or a payment owed: negated, they are an exemption, a
# benefit to X (責任を負わない, 保証しない, 返金しません, 返還しない).
LIABILITY = frozenset({"負う", "保証", "賠償", "補償", "担保", "責任", "返金", "返還", "払戻", "払い戻す",
                       "補填", "支払う"})
EXEMPTIONS = ("免責", "免れる", "免除", "この限りでない", "この限りではない")
# A liability denied anywhere in the sentence (…責任を負わないものとし、…): an exemption.
NO_LIABILITY = re.compile(r"責任(?:は|を)?(?:一切)?負わ(?:ない|ず)|責任を負いません"
                          r"|賠償(?:責任)?を負わ|免責|免れ")
# Predicates of what X does for itself: a sentence about them, whatever its force, gives X a
# right (当社は、…の目的に限り利用するものとします limits a right of 当社's).
RIGHT_PREDICATES = frozenset({"請求", "解除", "解約", "受領", "取得", "利用", "使用", "行使"})
# The same, read from the sentence's end where it was not parsed.
RIGHT_ENDING = re.compile(r"(?:請求|解除|解約|受領|取得|利用|使用|行使)"
                          r"(?:する|します|するものとする|するものとします)。?$")
# A cap or a limit on what X owes is X's protection: 乙の損害賠償額は…を上限とする.
LIMITS = ("上限とする", "上限とします", "限度とする", "限度とします", "を超えない", "を超えて")


@dataclass(frozen=True, slots=True)
class Reading:
    sentence: Sentence
    force: Force
    consents: tuple[Consent, ...]
    conditions: tuple[Phrase, ...]
    scopes: tuple[Phrase, ...]
    roles: Roles | None = None     # from the parse, when one was needed
    fault_party: Group | None = None  # 乙 of 乙に故意又は重大な過失がある場合
    topic: Group | None = None        # 乙 of a sentence that opens 乙は、…, read without the parse

    @property
    def subject(self) -> Group | None:
        """The party the sentence speaks of: its subject, bearer or holder, a party in its topic,
        else the party a fault condition names (乙に故意又は重大な過失がある場合を除き、責任を負わない)."""
        roles = self.roles
        if roles is not None:
            for group in (roles.actor, roles.bearer, roles.holder, roles.owner):
                if group is not None:
                    return group
        return self.topic or self.fault_party

    @property
    def stance(self) -> str:
        """Whether the sentence gives its subject a right or an exemption, or asks a duty."""
        if self.force.modality == Modality.PERMISSION:
            return Stance.RIGHT
        text = self.sentence.text
        if any(word in text for word in EXEMPTIONS + LIMITS) or NO_LIABILITY.search(text):
            return Stance.RIGHT
        roles = self.roles
        if roles is not None and roles.negated and roles.predicate in LIABILITY:
            return Stance.RIGHT
        if roles is not None and roles.holder is not None:
            return Stance.RIGHT
        if self.force.modality != Modality.PROHIBITION and (
                (roles is not None and not roles.negated and roles.predicate in RIGHT_PREDICATES)
                or (roles is None and RIGHT_ENDING.search(text))):
            return Stance.RIGHT
        return Stance.DUTY

    @property
    def negated(self) -> bool:
        return bool(self.roles and self.roles.negated)


def read_sentences(found: Sequence[Sentence], parties: Parties, engine: Any, *,
                   parse: Sequence[bool]) -> list[Reading]:
    """Readings of ``found``; those marked in ``parse`` get roles from one batched parse."""
    texts = [sentence.text for sentence, wanted in zip(found, parse, strict=True) if wanted]
    roles = iter(read_roles(texts, parties, engine)) if texts else iter(())
    readings = []
    for sentence, wanted in zip(found, parse, strict=True):
        text = sentence.text
        found_conditions = tuple(conditions(text, parties))
        force = read_force(text)
        prohibits = force.modality == Modality.PROHIBITION
        readings.append(Reading(
            sentence, force, tuple(consents(text, parties, prohibits=prohibits)), found_conditions,
            tuple(scopes(text, found_conditions)), next(roles) if wanted else None,
            _fault_party(found_conditions, parties), opening_topic(text, parties)))
    return readings


def _fault_party(found: Sequence[Phrase], parties: Parties) -> Group | None:
    for phrase in found:
        if phrase.sense == "fault" or FAULT.search(phrase.text):
            groups = parties.groups(phrase.text)
            if groups:
                return groups[0]
    return None

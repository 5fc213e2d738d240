"""The force of a sentence (義務, 努力義務, 権利, 禁止, 確認的規定), read from its closing words.

Japanese puts the modality at the end of the sentence, so the last clause decides.
するものとする is the drafting habit of a plain statement as often as of a duty: it reads as
an obligation, but a change between it and a plain statement (解決する ↔ 解決するものとする)
or a stronger duty (行うものとする ↔ 行わなければならない) is style, not a change of force.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Force", "Modality", "MODALITY_NAMES", "burden", "read_force", "same_force"]


class Modality(StrEnum):
    OBLIGATION = "obligation"      # しなければならない, するものとする, 義務を負う
    PROHIBITION = "prohibition"    # してはならない, することができない
    EFFORT = "effort"              # 努める, 努めるものとする
    PERMISSION = "permission"      # することができる
    STATEMENT = "statement"        # a plain statement: 行う, 帰属する


MODALITY_NAMES = {Modality.OBLIGATION: "義務", Modality.PROHIBITION: "禁止", Modality.EFFORT: "努力義務",
                  Modality.PERMISSION: "権利・任意", Modality.STATEMENT: "確認的規定"}

# Checked in order on the end of the sentence: the first that matches decides, so that
# できるものとする is a permission and not the obligation its ものとする would make it.
PATTERNS: tuple[tuple[Modality, re.Pattern[str]], ...] = (
    (Modality.EFFORT, re.compile(r"努め|努力する|努力します")),
    (Modality.PROHIBITION, re.compile(r"て?は(?:なら|いけ)(?:ない|ず|ません)|ことはでき(?:ない|ず|ません)"
                                      r"|することができ(?:ない|ず|ません)|禁止する|禁止します|禁じる"
                                      r"|てはなりません|できない。?$|できません。?$")),
    (Modality.PERMISSION, re.compile(r"ことができる|ことができます|できるものとする|できるものとします"
                                     r"|できる。?$|できます。?$")),
    (Modality.OBLIGATION, re.compile(r"なければならない|なければならず|なければなりません"
                                     r"|義務を負う|義務を負い|必要がある|必要があります|を要する"
                                     r"|ものとする|ものとします")),
)
# The obligation a drafter writes out of habit: alone among the obligation markers.
SOFT_OBLIGATION = re.compile(r"ものとする|ものとします")
HARD_OBLIGATION = re.compile(r"なければならな|なければなりません|義務を負|必要があ|を要する")
# How much a sentence asks of the party it speaks of: more is a heavier burden. A
# prohibition binds as a duty does.
BURDEN = {Modality.PERMISSION: 0, Modality.EFFORT: 1, Modality.STATEMENT: 2,
          Modality.OBLIGATION: 3, Modality.PROHIBITION: 3}


@dataclass(frozen=True, slots=True)
class Force:
    modality: Modality
    soft: bool = False         # an obligation written only as するものとする


def read_force(sentence: str) -> Force:
    """The force of a sentence, read from its last clause."""
    tail = re.split(r"[、,]", sentence.rstrip("。 "))[-1] if sentence else ""
    for kind, pattern in PATTERNS:
        if pattern.search(tail):
            soft = kind == Modality.OBLIGATION and bool(SOFT_OBLIGATION.search(tail)) \
                and not HARD_OBLIGATION.search(tail)
            return Force(kind, soft)
    return Force(Modality.STATEMENT)


def same_force(a: Force, b: Force) -> bool:
    """Whether two sentences bind alike: するものとする is the same as a statement or a duty."""
    if a.modality == b.modality:
        return True
    plain = {Modality.STATEMENT, Modality.OBLIGATION}
    return (a.soft or b.soft) and {a.modality, b.modality} <= plain


def burden(force: Force) -> int:
    return BURDEN[force.modality]

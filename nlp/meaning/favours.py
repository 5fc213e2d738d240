"""Which party a change favours: explicit rules over the roles of the sentence it is in.

It is a reading of the text, not legal advice, and it says ``None`` whenever the rules cannot
tell: a clause binding both parties alike (甲及び乙は…), a sentence naming no party, a contract
with more than two parties. The rules, for the party ``X`` a sentence speaks of and the other
party ``Y``:

- a duty of X weakened (義務 → 努力義務, 禁止 → 権利, a condition or a limit added to it, a
  ただし書 carving an exception out of it) favours X; strengthened, it favours Y;
- a right or an exemption of X (することができる, 責任を負わない) widened favours X; narrowed
  (a condition, an exception or a proviso added to it) favours Y;
- a duty moved from X to Y, or a cost or a risk moved from X to Y, favours X; a right or a
  result moved to Y favours Y; a consent of Y required of X favours Y;
- values: a higher cap on X's liability, a longer notice X must give or a longer period in
  which X's right waits, a higher fee or penalty X pays favour Y; a longer time X has to pay
  favours X; a longer confidentiality period favours the discloser; a court moved to a party's
  seat favours that party; an advance notice asked of X where there was none favours Y;
- other periods, by how they are written: a longer advance notice (30日前までに) X must give
  favours Y; a longer deadline (30日以内に, 3か月経過後に) by which X must act favours X; a
  longer span (5年間) of X's duty favours Y, of X's right favours X.
"""

from __future__ import annotations

import re

from .parties import Group, Parties

__all__ = ["VALUE_RULES", "Period", "Stance", "duty_moved", "for_burden", "for_court", "for_period",
           "for_restriction", "for_value", "period_kind", "right_moved"]


class Stance:
    DUTY = "duty"              # the sentence asks something of X
    RIGHT = "right"            # it gives X a right, a result or an exemption


def for_burden(parties: Parties, subject: Group | None, heavier: bool | None) -> str | None:
    """X's burden grew (favours Y) or shrank (favours X); None when unknown."""
    party = subject.single if subject else None
    if party is None or heavier is None:
        return None
    return parties.other(party) if heavier else _known(parties, party)


def for_restriction(parties: Parties, subject: Group | None, stance: str,
                    narrowed: bool | None) -> str | None:
    """The sentence applies in fewer cases (narrowed) or more (widened).

    Narrowing a duty lightens it; narrowing a right or an exemption takes from it.
    """
    if narrowed is None:
        return None
    heavier = (not narrowed) if stance == Stance.DUTY else narrowed
    return for_burden(parties, subject, heavier)


def duty_moved(parties: Parties, before: Group | None, after: Group | None) -> str | None:
    """A duty, cost or risk borne by ``before`` now borne by ``after``: the freed party gains."""
    old, new = _members(before), _members(after)
    freed, bound = old - new, new - old
    if len(freed) == 1:
        return _known(parties, next(iter(freed)))
    if not freed and len(bound) == 1:
        return parties.other(next(iter(bound)))
    return None


def right_moved(parties: Parties, before: Group | None, after: Group | None) -> str | None:
    """A right or a result held by ``before`` now held by ``after``: the new holder gains.

    The mirror of a duty moved: a right gained weighs like a duty shed.
    """
    return duty_moved(parties, after, before)


# For a value, whether more of it weighs on the party the sentence speaks of.
VALUE_RULES = {
    "liability_cap": True, "termination_notice": True, "renewal_notice": True, "notice_period": True,
    "spec_change_notice": True, "cure_period": True, "fee": True, "penalty": True,
    "late_interest": True, "service_hours": True, "confidentiality_period": True,
    "payment_due": False,
}


#: Notices given in advance: one added asks something of the party that must give it.
ADVANCE_NOTICES = frozenset({"termination_notice", "renewal_notice", "notice_period", "spec_change_notice"})


def for_value(parties: Parties, subject: Group | None, category: str, direction: str) -> str | None:
    """The party a changed value favours, by its category; None for categories no rule covers.

    A cap on X's liability added protects X; removed, it exposes X.
    """
    rule = VALUE_RULES.get(category)
    if rule is None:
        return None
    if direction in ("added", "removed"):
        if category == "liability_cap":
            return for_burden(parties, subject, heavier=direction == "removed")
        if category in ADVANCE_NOTICES:  # 解除を希望する日の30日前までに (新設): a notice now asked of X
            return for_burden(parties, subject, heavier=direction == "added")
        return None
    if direction not in ("increase", "decrease"):
        return None
    increased = direction == "increase"
    return for_burden(parties, subject, increased if rule else not increased)


class Period:
    """How a period in a sentence weighs on the party the sentence speaks of."""

    ADVANCE = "advance"        # 30日前までに通知する: more of it asks more of that party
    DEADLINE = "deadline"      # 30日以内に報告する, 3か月経過後に停止する: more of it is more time for it
    SPAN = "span"              # 5年間保存する / 5年間使用できる: a duty's span weighs, a right's serves


# What follows a period and says what it is: 前まで, 以内, 以降, が経過した時, 経過後.
_ADVANCE_AFTER = re.compile(r"[ \u3000]*前")
_DEADLINE_AFTER = re.compile(r"[ \u3000]*(?:以内|以降|以後|内に|までに|まで|が経過|を経過|経過)")


def period_kind(written: str, after: str) -> str:
    """The kind of a period from how it is written (3週間以内) and the words after it."""
    if written.endswith(("前", "前まで", "前までに", "前に")) or _ADVANCE_AFTER.match(after):
        return Period.ADVANCE
    if "以内" in written or written.endswith(("まで", "までに")) or _DEADLINE_AFTER.match(after):
        return Period.DEADLINE
    return Period.SPAN


def for_period(parties: Parties, subject: Group | None, kind: str, stance: str, direction: str) -> str | None:
    """A period of a sentence about X made longer or shorter, by what the period is to X.

    A longer advance notice asks more of X; a longer deadline gives X more time; a longer span
    weighs on X when the sentence asks something of X and serves X when it gives X a right.
    """
    if direction not in ("increase", "decrease"):
        return None
    longer = direction == "increase"
    if kind == Period.ADVANCE:
        heavier = longer
    elif kind == Period.DEADLINE:
        heavier = not longer
    else:
        heavier = longer if stance == Stance.DUTY else not longer
    return for_burden(parties, subject, heavier)


def for_court(parties: Parties, before: str | None, after: str | None) -> str | None:
    """A dispute moved to the court of a party's seat (乙の本店所在地を管轄する…) favours that party."""
    def seat(text: str | None) -> str | None:
        groups = parties.groups(text) if text else []
        return groups[0].single if groups else None

    old, new = seat(before), seat(after)
    if new is not None and new != old:
        return _known(parties, new)
    if old is not None and new is None and after:
        return parties.other(old)
    return None


def _members(group: Group | None) -> frozenset[str]:
    return group.members if group else frozenset()


def _known(parties: Parties, name: str) -> str | None:
    return name if name in parties.names else None

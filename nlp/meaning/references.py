"""Citations that still name an article by its old number after the articles were renumbered."""

from __future__ import annotations

from collections.abc import Mapping

from ..result import Change, ChangeKind, Direction, Excerpt
from ..text import article_references

__all__ = ["stale_references"]

def stale_references(original: str, revised: str, *, revised_offset: int, renumbered: Mapping[int, int],
                     original_label: str | None = None, revised_label: str | None = None) -> list[Change]:
    """References that still cite an article by its old number.

    ``renumbered`` maps original article numbers to the revised numbers of their
    counterparts. A citation of 第N条 kept as it was, where article N is now 第M条,
    points at the wrong article.
    """
    cited_before = {number for number, _, _ in article_references(original)}
    # What the original's citations become once updated: 第8条及び第9条 → 第9条及び第10条 cites
    # 第9条 rightly, though 第9条 was also an old number.
    updated = {renumbered.get(number, number) for number in cited_before}
    changes = []
    seen = set()
    for number, start, end in article_references(revised):
        now = renumbered.get(number)
        if number not in cited_before or number in updated or now is None or now == number or number in seen:
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



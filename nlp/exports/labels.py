"""Japanese names of the comparison's vocabularies, as a negotiator reads them in every export."""

from __future__ import annotations

from ..result import Change, ChangeKind, Clause, Direction, Status
from ..terms import CATEGORY_LABELS

__all__ = [
    "DIRECTION_LABELS",
    "KIND_LABELS",
    "STATUS_LABELS",
    "change_label",
    "clause_badges",
    "clause_label",
    "vocabulary",
]

STATUS_LABELS: dict[Status, str] = {
    Status.EQUAL: "一致",
    Status.MODIFIED: "変更",
    Status.INSERTED: "新設",
    Status.DELETED: "削除",
}

DIRECTION_LABELS: dict[Direction, str] = {
    Direction.INCREASE: "増加",
    Direction.DECREASE: "減少",
    Direction.CHANGED: "変更",
    Direction.ADDED: "追加",
    Direction.REMOVED: "削除",
}

KIND_LABELS: dict[ChangeKind, str] = {
    ChangeKind.VALUE: "数値・条件",
    ChangeKind.NEGATION: "肯定・否定",
    ChangeKind.MODALITY: "義務の強さ",
    ChangeKind.PARTY: "当事者",
    ChangeKind.PROVISO: "ただし書",
    ChangeKind.CROSS_REFERENCE: "条項の引用",
    ChangeKind.CONSENT: "承諾・同意",
    ChangeKind.CONDITION: "条件",
    ChangeKind.SCOPE: "範囲",
    ChangeKind.DEFINITION: "定義",
}

# Flags of a clause row besides its status, in the order the badges are shown.
FLAG_LABELS = {"moved": "移動", "renumbered": "条番号変更", "formatting_only": "書式のみ"}


def change_label(change: Change) -> str:
    """区分 of a change: the term's category (秘密保持義務の存続期間), or the kind of a qualitative one."""
    if change.kind == ChangeKind.VALUE:
        return CATEGORY_LABELS.get(change.category, change.category)  # type: ignore[call-overload]
    return KIND_LABELS[change.kind]


def clause_label(clause: Clause) -> str:
    """The article as a reader names it: 第9条, or 第6条→第7条 when it was renumbered."""
    left = clause.original.label if clause.original else None
    right = clause.revised.label if clause.revised else None
    if left and right and left != right:
        return f"{left}→{right}"
    return right or left or ""


def clause_badges(clause: Clause) -> list[str]:
    """新設, 削除, 変更, 移動, 条番号変更, 書式のみ: what a row of the comparison is marked with."""
    badges = [] if clause.status == Status.EQUAL else [STATUS_LABELS[clause.status]]
    return badges + [label for flag, label in FLAG_LABELS.items() if getattr(clause, flag)]


def vocabulary() -> dict[str, dict[str, str]]:
    """Every label by the value the JSON answer carries, for the web page."""
    return {
        "status": {str(key): value for key, value in STATUS_LABELS.items()},
        "direction": {str(key): value for key, value in DIRECTION_LABELS.items()},
        "kind": {str(key): value for key, value in KIND_LABELS.items()},
        "category": {str(key): value for key, value in CATEGORY_LABELS.items()},
        "flag": dict(FLAG_LABELS),
    }

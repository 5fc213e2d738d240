"""Japanese names of the comparison's vocabularies, as a negotiator reads them in every export.

The JSON answer carries codes (``modality``, ``obligation``, ``appendix``); everything a person
reads — the page, the exports, the drift report, the command line — names them from the tables
here, so a code never reaches a reader and a name is written once.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..meaning.modality import Modality
from ..result import Change, ChangeKind, Clause, Direction, Part, Status
from ..terms import CATEGORY_LABELS, Category

__all__ = [
    "CATEGORY_LABELS",
    "DIRECTION_LABELS",
    "FLAG_LABELS",
    "KIND_LABELS",
    "MODALITY_LABELS",
    "NEGATION_LABELS",
    "NONE",
    "PART_LABELS",
    "SIDE_LABELS",
    "STATUS_LABELS",
    "SUMMARY_LABELS",
    "before_after",
    "category_label",
    "change_label",
    "change_note",
    "clause_badges",
    "clause_label",
    "favoured",
    "summary_note",
    "vocabulary",
]

#: What a reader sees where a side has nothing: no value before, no party favoured.
NONE = "—"

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
    ChangeKind.VALUE: "条件値",
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

#: The force of a sentence, the ``before``/``after`` of a modality change.
MODALITY_LABELS: dict[Modality, str] = {
    Modality.OBLIGATION: "義務",
    Modality.EFFORT: "努力義務",
    Modality.PERMISSION: "権利・任意",
    Modality.PROHIBITION: "禁止",
    Modality.STATEMENT: "確認的規定",
}

#: The ``before``/``after`` of a negation change.
NEGATION_LABELS: dict[str, str] = {"affirmed": "肯定", "negated": "否定"}

#: The kinds whose ``before``/``after`` are codes, and the table that names them. The other
#: kinds carry words of the contract (甲, 第7条, 甲の事前の書面による承諾を得て) as they are.
SIDE_LABELS: dict[ChangeKind, Mapping[str, str]] = {
    ChangeKind.MODALITY: MODALITY_LABELS,
    ChangeKind.NEGATION: NEGATION_LABELS,
}

PART_LABELS: dict[Part, str] = {
    Part.TITLE: "表題",
    Part.PREAMBLE: "前文",
    Part.ARTICLE: "条項",
    Part.APPENDIX: "別紙・別表",
    Part.SUPPLEMENTARY: "附則",
    Part.SIGNATURE: "署名欄",
}

# Flags of a clause row besides its status, in the order the badges are shown.
FLAG_LABELS = {"moved": "移動", "renumbered": "条番号変更", "formatting_only": "書式のみ"}

#: The counts of ``Summary``, in the order a reader is shown them: what changed first.
SUMMARY_LABELS: tuple[tuple[str, str], ...] = (
    ("modified", STATUS_LABELS[Status.MODIFIED]), ("inserted", STATUS_LABELS[Status.INSERTED]),
    ("deleted", STATUS_LABELS[Status.DELETED]), ("moved", FLAG_LABELS["moved"]),
    ("renumbered", FLAG_LABELS["renumbered"]), ("formatting_only", FLAG_LABELS["formatting_only"]),
    ("equal", STATUS_LABELS[Status.EQUAL]),
)


def category_label(category: str) -> str:
    """秘密保持義務の存続期間 for ``confidentiality_period``; a category not known here, as it is."""
    try:
        return CATEGORY_LABELS[Category(category)]
    except ValueError:
        return category


def change_label(change: Change) -> str:
    """区分 of a change: the term's category (秘密保持義務の存続期間), or the kind of a qualitative one."""
    if change.kind == ChangeKind.VALUE:
        return category_label(change.category)
    return KIND_LABELS[change.kind]


def before_after(change: Change) -> tuple[str, str]:
    """変更前 and 変更後 as a reader reads them: 5年間, 確認的規定, 甲, or — where a side has none."""
    if change.kind == ChangeKind.VALUE:
        return (change.original.text if change.original else NONE,
                change.revised.text if change.revised else NONE)
    names = SIDE_LABELS.get(change.kind, {})
    return _named(change.before, names), _named(change.after, names)


def _named(side: str | None, names: Mapping[str, str]) -> str:
    if side is None:
        return NONE
    return names.get(side, side)


def favoured(change: Change) -> str:
    """有利: the party the change favours as the contract names it (甲, 当社), or —."""
    return change.favours or NONE


def change_note(change: Change) -> str:
    """One line on a change: its summary, its direction and whom it favours, for a comment or a terminal."""
    return summary_note(change.summary, change.direction, change.favours)


def summary_note(summary: str, direction: str, favours: str | None) -> str:
    """``change_note`` from the fields of a change as the JSON answer carries them (a saved report)."""
    facts = [DIRECTION_LABELS[Direction(direction)]]
    if favours:
        facts.append(f"{favours}に有利")
    return f"{summary}（{'・'.join(facts)}）"


def clause_label(clause: Clause) -> str:
    """The article as a reader names it: 第9条, 第6条→第7条 when renumbered, 前文 for a part."""
    left = clause.original.label if clause.original else None
    right = clause.revised.label if clause.revised else None
    if left and right and left != right:
        return f"{left}→{right}"
    ref = clause.revised or clause.original
    return right or left or (PART_LABELS[ref.part] if ref else "")


def clause_badges(clause: Clause) -> list[str]:
    """新設, 削除, 変更, 移動, 条番号変更, 書式のみ: what a row of the comparison is marked with."""
    badges = [] if clause.status == Status.EQUAL else [STATUS_LABELS[clause.status]]
    return badges + [label for flag, label in FLAG_LABELS.items() if getattr(clause, flag)]


def vocabulary() -> dict[str, object]:
    """Every label by the value the JSON answer carries, for the web page."""
    return {
        "status": {str(key): value for key, value in STATUS_LABELS.items()},
        "direction": {str(key): value for key, value in DIRECTION_LABELS.items()},
        "kind": {str(key): value for key, value in KIND_LABELS.items()},
        "category": {str(key): value for key, value in CATEGORY_LABELS.items()},
        "part": {str(key): value for key, value in PART_LABELS.items()},
        "flag": dict(FLAG_LABELS),
        "summary": [list(pair) for pair in SUMMARY_LABELS],
        # kind → the names of its before/after codes
        "sides": {str(kind): dict(names) for kind, names in SIDE_LABELS.items()},
        "none": NONE,
    }

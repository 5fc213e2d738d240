"""What every export is made from besides the comparison: the two texts and their names."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Draft"]


@dataclass(frozen=True, slots=True)
class Draft:
    """One contract of a comparison (原案 or 修正案): its text, and the name it was given."""

    text: str
    name: str | None = None

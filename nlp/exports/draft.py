"""What every export is made from besides the comparison: the two texts and their names."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..documents import View

__all__ = ["Draft"]


@dataclass(frozen=True, slots=True)
class Draft:
    """One contract of a comparison (原案 or 修正案): its text, and the name it was given.

    ``word`` is the .docx the text was read from, in ``view``, when it was one: the Word export
    then marks the changes on that file.
    """

    text: str
    name: str | None = None
    word: bytes | None = field(default=None, repr=False)
    view: View = View.ACCEPTED

"""Results kept by the identity of the objects they were made from.

A contract's article views, a pairing of two documents' views, a document's sorted keys and an
answer written for a comparison are each made from objects the caches before them keep
(parsed contracts by text, texts read by content, comparisons by texts): the same objects come
back, so their identity is the key. Each result is held with its objects, so that their ids name
no other objects while it is kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

__all__ = ["Kept"]

T = TypeVar("T")


class Kept(Generic[T]):
    """The last ``size`` results, by the identity of their sources and, where given, a hashable extra."""

    def __init__(self, size: int) -> None:
        self.size = size
        # (the sources' ids, extra) → (the sources, the result)
        self._entries: OrderedDict[tuple[tuple[int, ...], Hashable],
                                   tuple[tuple[object, ...], T]] = OrderedDict()

    def get(self, sources: Sequence[object], extra: Hashable = None) -> T | None:
        """The result kept for these very objects, or None."""
        key = (tuple(map(id, sources)), extra)
        found = self._entries.get(key)
        if found is None or any(kept is not given for kept, given in zip(found[0], sources, strict=True)):
            return None
        self._entries.move_to_end(key)
        return found[1]

    def put(self, sources: Sequence[object], value: T, extra: Hashable = None) -> T:
        """Keep ``value`` for these objects (the oldest result goes past ``size``); returns it."""
        self._entries[(tuple(map(id, sources)), extra)] = (tuple(sources), value)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

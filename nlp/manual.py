"""Pairs a reader sets by hand: articles forced together or forced to stand alone.

A negotiator who sees the service pair 第9条 with the wrong article says which it goes with
(``Options.pairs``: ``("a9", "a12")``, ids as the answer gives them) or that it has no
counterpart (``Options.unpaired``: ``("original", "a9")``). The articles named are taken out
of the automatic pairing; the others are paired among themselves as usual, and the forced
links join them with ``"manual"`` in ``matched_by``. Moves are read again over all the pairs,
so an article forced onto one far away is reported moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from .align import ArticleView, Link, out_of_order
from .errors import InvalidPairing
from .model import Contract

__all__ = ["MANUAL", "SIDES", "with_manual_pairs"]

MANUAL = "manual"
SIDES = ("original", "revised")


Pairer = Callable[[Sequence[ArticleView], Sequence[ArticleView]], tuple[Link, ...]]


def with_manual_pairs(original: Contract, revised: Contract,
                      views: tuple[Sequence[ArticleView], Sequence[ArticleView]],
                      pairs: Sequence[tuple[str, str]], unpaired: Sequence[tuple[str, str]],
                      pair: Pairer) -> tuple[Link, ...]:
    """The links of the articles, the ones set by hand kept and the rest paired by ``pair``.

    Raises :class:`InvalidPairing` for an id that names no article of its document, or an
    article named twice.
    """
    left_views, right_views = views
    if not pairs and not unpaired:
        return pair(left_views, right_views)
    index_of = ({article.id: index for index, article in enumerate(original.articles)},
                {article.id: index for index, article in enumerate(revised.articles)})
    taken: tuple[set[int], set[int]] = (set(), set())

    def index(side: int, identifier: str) -> int:
        found = index_of[side].get(identifier)
        if found is None:
            known = ", ".join(list(index_of[side])[:8])
            raise InvalidPairing(
                f"The {SIDES[side]} document has no article {identifier!r} to pair by hand; use the ids "
                f"the comparison answers for its articles ({known}…). Title, preamble, appendices and "
                "signature block pair by kind, not by hand.")
        if found in taken[side]:
            raise InvalidPairing(f"Article {identifier!r} of the {SIDES[side]} document is named twice in "
                                 "options.pairs and options.unpaired; name each article once.")
        taken[side].add(found)
        return found

    forced = [(index(0, left), index(1, right)) for left, right in pairs]
    alone = [(SIDES.index(side), index(SIDES.index(side), identifier)) for side, identifier in unpaired]
    free = (
        [i for i in range(len(left_views)) if i not in taken[0]],
        [j for j in range(len(right_views)) if j not in taken[1]],
    )
    automatic = pair([left_views[i] for i in free[0]], [right_views[j] for j in free[1]])
    links = [_mapped(link, free[0], free[1]) for link in automatic]
    links += [Link(o, r, 1.0, (MANUAL,)) for o, r in forced]
    links += [Link(i, None, 1.0, (MANUAL,)) if side == 0 else Link(None, i, 1.0, (MANUAL,))
              for side, i in alone]
    moved = out_of_order([(link.original, link.revised) for link in links
                          if link.original is not None and link.revised is not None])
    return tuple(replace(link, moved=(link.original, link.revised) in moved) for link in links)


def _mapped(link: Link, left: Sequence[int], right: Sequence[int]) -> Link:
    """A link of the articles left to the automatic pairing, in the indexes of the whole documents."""
    best = link.best
    if best is not None:
        candidate = right[best[0]] if link.original is not None else left[best[0]]
        best = (candidate, best[1])
    return replace(link, original=None if link.original is None else left[link.original],
                   revised=None if link.revised is None else right[link.revised], best=best)

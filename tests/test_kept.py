"""Results kept by the identity of their sources: the same objects find them, equal ones do not."""

from __future__ import annotations

from nlp.kept import Kept


def test_the_same_objects_find_their_result_and_equal_ones_do_not():
    kept: Kept[str] = Kept(2)
    views = ["第1条", "第2条"]
    assert kept.put((views,), "pairs") == "pairs"
    assert kept.get((views,)) == "pairs"
    assert kept.get((list(views),)) is None
    assert kept.get((views,), extra=True) is None


def test_past_its_size_the_oldest_result_goes():
    kept: Kept[int] = Kept(2)
    first, second, third = object(), object(), object()
    kept.put((first,), 1)
    kept.put((second,), 2)
    kept.get((first,))  # used again: now the newest
    kept.put((third,), 3)
    assert (kept.get((first,)), kept.get((second,)), kept.get((third,)), len(kept)) == (1, None, 3, 2)
    kept.clear()
    assert len(kept) == 0

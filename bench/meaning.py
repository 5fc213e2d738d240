"""The meaning layer's share of a comparison's time, in process, each run a draft seen for the first time.

Before every run each cache of the library is emptied and the original compared with itself, so
the original is known as a template would be and the draft is new: its articles are read, its
changed sentences parsed. Each pair is measured so, then again with the meaning layer left out
(``clause_meaning``, ``prefetch`` and ``with_favours``); the difference is the layer's cost.
"""

from __future__ import annotations

import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from nlp import align
from nlp.engine import Engine, load_engine
from nlp.meaning import roles

from .cases import person_draft, seed

# The module, not the function nlp re-exports under the same name.
pipeline = importlib.import_module("nlp.compare")
DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev"
MEANING_STEPS = ("clause_meaning", "prefetch", "with_favours")


def pairs() -> dict[str, tuple[str, str]]:
    return {
        "003 vs a person's counter-draft": (seed("003"), person_draft()),
        "001 vs its meaning counter-draft": ((DEV / "001_original.txt").read_text(),
                                             (DEV / "001_counter_meaning.txt").read_text()),
    }


def forget(engine: Engine, original: str) -> None:
    """Empty every cache of the library, then read ``original`` again by comparing it with itself."""
    roles.clear_cache()
    pipeline.forget_comparisons()
    for cache in (align._VIEWS, align._PAIRINGS, align._FACTORIZED, align._TEXTS):
        cache.clear()
    for name, module in list(sys.modules.items()):
        if name == "nlp" or name.startswith("nlp."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
    engine.analyze.cache_clear()
    pipeline.compare(original, original, engine=engine)


def first_sight(engine: Engine, original: str, revised: str, repeat: int) -> float:
    """Median seconds of comparing ``revised``, never seen, with ``original``, seen before."""
    times = []
    for _ in range(repeat):
        forget(engine, original)
        started = time.perf_counter()
        pipeline.compare(original, revised, engine=engine)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def without_meaning(run: Callable[[], float]) -> float:
    saved = {name: getattr(pipeline, name) for name in MEANING_STEPS}
    pipeline.clause_meaning = lambda *args, **kwargs: []  # type: ignore[assignment]
    pipeline.prefetch = lambda *args, **kwargs: None  # type: ignore[assignment]
    pipeline.with_favours = lambda changes, *args, **kwargs: list(changes)  # type: ignore[assignment]
    try:
        return run()
    finally:
        for name, value in saved.items():
            setattr(pipeline, name, value)


def rows(repeat: int = 5) -> list[tuple[str, float, float]]:
    """(pair, seconds, seconds without the meaning layer) for each pair."""
    engine = load_engine()
    found = []
    for name, (original, revised) in pairs().items():
        whole = first_sight(engine, original, revised, repeat)
        bare = without_meaning(lambda o=original, r=revised: first_sight(engine, o, r, repeat))
        found.append((name, whole, bare))
    return found


def table(found: list[tuple[str, float, float]]) -> str:
    lines = ["| pair (in process, the draft never seen) | median ms | without the meaning layer ms "
             "| meaning layer share |", "| --- | ---: | ---: | ---: |"]
    for name, whole, bare in found:
        lines.append(f"| {name} | {whole * 1000:,.0f} | {bare * 1000:,.0f} | {(whole - bare) / whole:.0%} |")
    return "\n".join(lines)


def main(repeat: int = 5) -> list[tuple[str, float, float]]:
    found = rows(repeat)
    print(table(found))
    return found

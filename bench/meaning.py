"""The meaning layer's share of a comparison's time, in process, measured in one run.

Each pair is compared with the parse cache emptied before every run (a draft never seen), and
again with the meaning layer left out; the difference is the layer's cost.
"""

from __future__ import annotations

import importlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from nlp.engine import load_engine
from nlp.meaning import roles

from .cases import seed

# The module, not the function nlp re-exports under the same name.
pipeline = importlib.import_module("nlp.compare")
DATA = Path(__file__).resolve().parent / "data"
DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev"


def pairs() -> dict[str, tuple[str, str]]:
    return {
        "003 vs a counter-draft written by a person": (seed("003"),
                                                       (DATA / "003_counter_person.txt").read_text()),
        "001 vs its meaning counter-draft": ((DEV / "001_original.txt").read_text(),
                                             (DEV / "001_counter_meaning.txt").read_text()),
    }


def timed(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        roles.clear_cache()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(repeat: int = 5) -> None:
    engine = load_engine()
    print("| pair (in process, parse cache emptied each run) | median ms | without the meaning layer ms "
          "| meaning layer share |")
    print("| --- | ---: | ---: | ---: |")
    for name, (original, revised) in pairs().items():
        whole = timed(lambda o=original, r=revised: pipeline.compare(o, r, engine=engine), repeat)
        saved = {attribute: getattr(pipeline, attribute) for attribute in ("clause_meaning", "prefetch")
                 if hasattr(pipeline, attribute)}
        pipeline.clause_meaning = lambda *args, **kwargs: []  # type: ignore[assignment]
        if "prefetch" in saved:
            pipeline.prefetch = lambda *args, **kwargs: None  # type: ignore[assignment]
        try:
            bare = timed(lambda o=original, r=revised: pipeline.compare(o, r, engine=engine), repeat)
        finally:
            for attribute, value in saved.items():
                setattr(pipeline, attribute, value)
        print(f"| {name} | {whole * 1000:,.0f} | {bare * 1000:,.0f} | {(whole - bare) / whole:.0%} |")

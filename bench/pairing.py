"""The cost of the meaning signal in pairing the articles of two templates, in process.

    python -m bench.pairing [--repeat 5]

Seed 003 (the terms of service) is compared with seed 001 (a maintenance contract): few of their
articles share words, so what pairs them is the meaning signal of ``nlp.align``: the legal topics
each body speaks of (``nlp.topics``: read once per article, scored for every pair, and the check
of a heading against its body) and the IDF-weighted static vectors (the mean vector of every
article, their cosine). Each run is a first sight of 001: every cache of the library emptied, then
003 compared with itself, as ``bench.meaning`` does. The pairing (reading 001's articles, then
``pair_articles`` against 003's) is measured so four times as often as the whole comparison, with
every signal, without the topics, without the static vectors and without either, the variants in
turn within each repeat so that a machine busy for a while slows them alike. The difference
between the pairing with every signal and the pairing without either is the meaning signal's cost.

A signal left out changes the pairs, and so what the rest of the comparison reads: the
comparison's times are shown beside the pairing's, not subtracted. Looking up each word's vector
row stays inside Sudachi's pass (``Engine.analyze``) in every variant.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable, Iterator

import numpy as np

from nlp import align
from nlp.budget import Budget
from nlp.engine import Engine, load_engine

from .cases import seed
from .meaning import forget, pipeline

PAIR = "003 vs 001 (two templates)"


def _no_topics() -> dict[tuple[object, str], object]:
    """Replacements that leave the legal topics out: none read, none scored, every heading trusted."""
    width = len(align.article_topics(""))
    nothing = np.zeros(width, dtype=np.float32)
    nothing.setflags(write=False)

    def no_matrix(left, right):
        shape = (len(left), len(right))
        return np.zeros(shape, dtype=np.float32), np.zeros(shape, dtype=bool)

    def no_units(features):
        return (np.zeros((len(features.left), width), np.float32),
                np.zeros((len(features.right), width), np.float32))

    return {(align, "article_topics"): lambda body: nothing,
            (align, "heading_agrees"): lambda heading, body: True,
            (align, "topic_matrix"): no_matrix,
            (align._Features, "_topics_units"): no_units}


def _no_vectors() -> dict[tuple[object, str], object]:
    """A replacement that leaves the static vectors out: every article's mean vector is zero."""
    return {(align, "_mean_vectors"): lambda texts, words, table: np.zeros((len(texts), 1), np.float32)}


#: What each variant leaves out.
VARIANTS: dict[str, Callable[[], dict[tuple[object, str], object]]] = {
    "every signal": dict,
    "without the topics": _no_topics,
    "without the static vectors": _no_vectors,
    "without either": lambda: {**_no_topics(), **_no_vectors()},
}


@contextlib.contextmanager
def replaced(replacements: dict[tuple[object, str], object]) -> Iterator[None]:
    saved = {(owner, name): getattr(owner, name) for owner, name in replacements}
    for (owner, name), value in replacements.items():
        setattr(owner, name, value)
    try:
        yield
    finally:
        for (owner, name), value in saved.items():
            setattr(owner, name, value)


def pairing(engine: Engine, original: str, revised: str) -> float:
    """Seconds of pairing the articles of ``revised``, never seen, with those of ``original``, seen before."""
    forget(engine, original)
    template, contract = pipeline.parsed(original), pipeline.parsed(revised)
    started = time.perf_counter()
    views = pipeline.article_views(template, engine), pipeline.article_views(contract, engine)
    pipeline.pair_articles(*views, Budget())
    return time.perf_counter() - started


def comparison(engine: Engine, original: str, revised: str) -> float:
    """Seconds of comparing ``revised``, never seen, with ``original``, seen before."""
    forget(engine, original)
    started = time.perf_counter()
    pipeline.compare(original, revised, engine=engine)
    return time.perf_counter() - started


#: Pairings measured for each comparison: the pairing is short, and the machine's noise is not.
PAIRINGS_PER_COMPARISON = 4


def rows(repeat: int = 5) -> list[tuple[str, float, float]]:
    """(variant, median seconds of the comparison, median seconds of the pairing) for 003 vs 001."""
    engine = load_engine()
    original, revised = seed("003"), seed("001")
    whole: dict[str, list[float]] = {name: [] for name in VARIANTS}
    paired: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(repeat):
        for name, replacements in VARIANTS.items():
            with replaced(replacements()):
                whole[name].append(comparison(engine, original, revised))
                paired[name].extend(pairing(engine, original, revised)
                                    for _ in range(PAIRINGS_PER_COMPARISON))
    return [(name, statistics.median(whole[name]), statistics.median(paired[name])) for name in VARIANTS]


def table(found: list[tuple[str, float, float]]) -> str:
    lines = [f"| {PAIR}, in process, 001 never seen | comparison median ms "
             "| pairing the articles median ms |", "| --- | ---: | ---: |"]
    for name, whole, paired in found:
        lines.append(f"| {name} | {whole * 1000:,.0f} | {paired * 1000:,.1f} |")
    return "\n".join(lines)


def cost(found: list[tuple[str, float, float]]) -> str:
    """One line: what the meaning signal costs the pairing, and each of its two parts."""
    by_name = {name: (whole, paired) for name, whole, paired in found}
    whole, paired = by_name["every signal"]
    signal = paired - by_name["without either"][1]
    topics = paired - by_name["without the topics"][1]
    vectors = paired - by_name["without the static vectors"][1]
    return (f"The meaning signal's cost in pairing {PAIR}, 001 seen for the first time: "
            f"{signal * 1000:,.1f} ms of the pairing's {paired * 1000:,.1f} ms "
            f"({signal / whole:.0%} of the comparison's {whole * 1000:,.0f} ms); "
            f"the topics {topics * 1000:,.1f} ms, the static vectors {vectors * 1000:,.1f} ms.")


def main(repeat: int = 5) -> list[tuple[str, float, float]]:
    found = rows(repeat)
    print(table(found))
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5,
                        help="comparisons per variant, and 4 times as many pairings")
    found = main(parser.parse_args().repeat)
    print()
    print(cost(found))
    sys.exit(0)

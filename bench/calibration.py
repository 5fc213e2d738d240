"""How far a pair's ``confidence`` can be trusted: the calibration table over keyed cases.

    python -m bench.calibration [CASES_OR_FOLDERS …] [--misses] [--fit]

Compares every keyed case in process (the cross-template cases ``bench/quality/xt-*.json``
and ``../shared/eval/dev/dev-001-vs-004.json`` by default) and reads each answer against
its key: a pair is right when the key pairs the same two articles, wrong when the key
pairs either article otherwise or leaves it alone; a best rejected candidate of an unpaired
article is right when the key pairs the two. Pairs of articles the key does
not name are not counted. Prints alignment F1 and moved recall per case, then the share
of right answers per confidence bucket, for pairs (``confidence``) and for the best
rejected partner of unpaired articles (``best_candidate.confidence``): both should be
right as often as they say.

``--fit`` fits the constants of ``nlp.align.calibrated`` (a logistic function of a pair's
score and of its lead over the next candidate) on the same answers and prints them.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nlp.align import _margin, article_views, pair_articles, pair_signals
from nlp.compare import compare, parsed
from nlp.engine import load_engine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = (
    *sorted((ROOT / "bench" / "quality").glob("xt-*.json")),
    ROOT.parent / "shared" / "eval" / "dev" / "dev-001-vs-004.json",
)
#: Lower edges of the confidence buckets.
BUCKETS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


@dataclass
class Tally:
    """Right and wrong answers per confidence bucket."""

    right: dict[float, int] = field(default_factory=dict)
    total: dict[float, int] = field(default_factory=dict)

    def add(self, confidence: float, right: bool) -> None:
        edge = max(edge for edge in BUCKETS if confidence >= edge)
        self.total[edge] = self.total.get(edge, 0) + 1
        self.right[edge] = self.right.get(edge, 0) + int(right)

    def rows(self) -> Iterable[tuple[str, int, float]]:
        edges = (*BUCKETS, 1.0000001)
        for low, high in zip(edges, edges[1:], strict=False):
            if self.total.get(low):
                label = f"{low:.2f}–{min(high, 1.0):.2f}"
                yield label, self.total[low], self.right[low] / self.total[low]


def case_files(paths: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return [path for path in found if path.exists()]


def number(ref) -> int | None:
    if ref is None or ref.part != "article" or ref.branch is not None or "条の" in ref.label:
        return None
    return ref.number


def score(path: Path, engine, pairs: Tally, alone: Tally, misses: bool) -> tuple[int, int, int, int, int]:
    key = json.loads(path.read_text(encoding="utf-8"))
    original = (path.parent / key["original"]).read_text(encoding="utf-8")
    revised = (path.parent / key["revised"]).read_text(encoding="utf-8")
    started = time.perf_counter()
    result = compare(original, revised, engine=engine)
    seconds = time.perf_counter() - started
    gold = {tuple(pair) for pair in key["pairs"]}
    alone_o, alone_r = set(key.get("unmatched_original", [])), set(key.get("unmatched_revised", []))
    known_o = {o for o, _ in gold} | alone_o
    known_r = {r for _, r in gold} | alone_r
    gold_links = gold | {(o, None) for o in alone_o} | {(None, r) for r in alone_r}
    found, moved = set(), set()
    for clause in result.clauses:
        o, r = number(clause.original), number(clause.revised)
        if clause.original is not None and clause.revised is not None:
            if o is None or r is None or (o not in known_o and r not in known_r):
                continue
            found.add((o, r))
            if clause.moved:
                moved.add((o, r))
            pairs.add(clause.confidence, (o, r) in gold)
            if misses and (o, r) not in gold:
                print(f"  {path.stem}: wrong pair {o}↔{r} {clause.confidence:.3f} {clause.matched_by}"
                      f" {clause.scores}")
        elif (o if clause.original is not None else r) is not None:
            side = (o, None) if clause.original is not None else (None, r)
            if (side[0] or side[1]) not in (known_o if side[0] else known_r):
                continue
            found.add(side)
            candidate = clause.best_candidate
            if candidate is not None:
                other = parsed(original if side[0] is None else revised).articles
                partner = next(article.number for article in other if article.id == candidate.id)
                pair = (side[0], partner) if side[0] is not None else (partner, side[1])
                alone.add(candidate.confidence, pair in gold)
            if misses and side not in gold_links:
                print(f"  {path.stem}: wrongly alone {side} best {candidate}")
    if misses:
        for link in sorted(gold_links - found, key=str):
            if link[0] is not None and link[1] is not None:
                print(f"  {path.stem}: missed pair {link[0]}↔{link[1]}")
    hit = len(gold_links & found)
    precision = hit / len(found) if found else 1.0
    recall = hit / len(gold_links) if gold_links else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    gold_moved = {tuple(pair) for pair in key.get("moved", [])}
    moved_recall = len(gold_moved & moved) / len(gold_moved) if gold_moved else 1.0
    moved_found = len(gold_moved & moved)
    print(f"{path.stem:32} align F1 {f1:.3f}  moved R {moved_recall:.2f} ({moved_found}/{len(gold_moved)})"
          f"  {seconds * 1000:.0f} ms")
    return hit, len(found), len(gold_links), moved_found, len(gold_moved)


def features(path: Path, engine) -> list[tuple[float, float, bool]]:
    """(score, margin, right) of every pair the aligner made and every best rejected candidate."""
    key = json.loads(path.read_text(encoding="utf-8"))
    original = parsed((path.parent / key["original"]).read_text(encoding="utf-8"))
    revised = parsed((path.parent / key["revised"]).read_text(encoding="utf-8"))
    left, right = article_views(original, engine), article_views(revised, engine)
    scores = pair_signals(left, right).score
    gold = {tuple(pair) for pair in key["pairs"]}
    known_o = {o for o, _ in gold} | set(key.get("unmatched_original", []))
    known_r = {r for _, r in gold} | set(key.get("unmatched_revised", []))
    rows = []
    for link in pair_articles(left, right):
        if link.original is not None and link.revised is not None:
            pair = (link.original, link.revised)
        elif link.best is not None:
            other = link.best[0]
            pair = (link.original, other) if link.original is not None else (other, link.revised)
        else:
            continue
        a, b = original.articles[pair[0]], revised.articles[pair[1]]
        if a.branch is not None or b.branch is not None:
            continue
        if a.number not in known_o and b.number not in known_r:
            continue
        rows.append((float(scores[pair]), _margin(scores, *pair), (a.number, b.number) in gold))
    return rows


def fit(rows: list[tuple[float, float, bool]]) -> tuple[float, float, float]:
    """Logistic regression of right on score and margin (Newton's method, lightly regularised)."""
    x = np.array([[score, margin, 1.0] for score, margin, _ in rows])
    y = np.array([float(right) for *_, right in rows])
    w = np.zeros(3)
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + 0.01 * w
        hessian = (x.T * (p * (1 - p))) @ x + 0.01 * np.eye(3)
        w -= np.linalg.solve(hessian, gradient)
    return float(w[0]), float(w[1]), float(w[2])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help="case files or folders (default: the cross-template cases)")
    parser.add_argument("--misses", action="store_true", help="list the wrong pairs and unpaired articles")
    parser.add_argument("--fit", action="store_true", help="fit the confidence constants and print them")
    args = parser.parse_args(argv)
    engine = load_engine()
    if args.fit:
        rows = [row for path in (case_files(args.cases) if args.cases else DEFAULT_CASES) if path.exists()
                for row in features(path, engine)]
        weight, margin, bias = fit(rows)
        print(f"{len(rows)} answers, {sum(r for *_, r in rows)} right")
        print(f"CONFIDENCE_SCORE, CONFIDENCE_MARGIN, CONFIDENCE_BIAS = {weight:.1f}, {margin:.1f},"
              f" {bias:.1f}")
        return
    pairs, alone = Tally(), Tally()
    files = case_files(args.cases) if args.cases else [path for path in DEFAULT_CASES if path.exists()]
    totals = np.zeros(5, dtype=int)
    for path in files:
        totals += score(path, engine, pairs, alone, args.misses)
    hit, found, gold, moved_hit, moved_gold = (int(value) for value in totals)
    precision, recall = hit / max(found, 1), hit / max(gold, 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    moved = moved_hit / max(moved_gold, 1)
    print(f"{'TOTAL':32} align F1 {f1:.3f}  moved R {moved:.2f} ({moved_hit}/{moved_gold})"
          f"  cases {len(files)}")
    print()
    print("| confidence of a pair | pairs | right |")
    print("| --- | ---: | ---: |")
    for label, total, share in pairs.rows():
        print(f"| {label} | {total} | {share:.2f} |")
    print()
    print("| best rejected candidate of an unpaired article | articles | the right partner |")
    print("| --- | ---: | ---: |")
    for label, total, share in alone.rows():
        print(f"| {label} | {total} | {share:.2f} |")
    both = Tally({edge: pairs.right.get(edge, 0) + alone.right.get(edge, 0) for edge in BUCKETS},
                 {edge: pairs.total.get(edge, 0) + alone.total.get(edge, 0) for edge in BUCKETS})
    print()
    print("| confidence, pairs and rejected candidates together | answers | right |")
    print("| --- | ---: | ---: |")
    for label, total, share in both.rows():
        print(f"| {label} | {total} | {share:.2f} |")


if __name__ == "__main__":
    main()

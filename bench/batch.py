"""Batch drift throughput: documents per second against the number of Dask workers.

    python -m bench.batch [--documents 200] [--workers 0,1,2]

Builds documents from the seeds as a legal team's folder would hold them — mostly contracts
made from the template (seed 001): exact copies, copies retyped in full-width digits, values
renegotiated, an article deleted, one added, full counter-drafts — and one in five made from
another seed. Writes them to a temporary folder and checks them all against seed 001, in
process (workers 0) and on local clusters of 1 and 2 worker processes, through the same
``service.batch.run_batch`` the command line uses. Seconds are wall time from the call to
the last result, starting the cluster and loading the model in each worker included;
``first`` is when the first result arrived.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from service.batch import IN_PROCESS, Source, collect_sources, read_template, run_batch

from .cases import NEGOTIATED, NEW_ARTICLE, SEEDS, articles, counter_draft, renumbered, seed

__all__ = ["Row", "build_documents", "main", "run"]

TEMPLATE = "001"
OTHER_SEEDS = ("000", "002", "003", "004")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True, slots=True)
class Row:
    workers: int
    documents: int
    seconds: float
    first: float            # seconds to the first result
    failed: int

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds


def _copy(text: str, rnd: random.Random) -> str:
    return text


def _formatting(text: str, rnd: random.Random) -> str:
    return text.translate(FULL_WIDTH_DIGITS).replace("か月", "ヶ月")


def _values(text: str, rnd: random.Random) -> str:
    parts = articles(text)
    for index in rnd.sample(range(len(parts)), k=min(3, len(parts))):
        parts[index] = NEGOTIATED.sub(lambda m: f"{int(m['number']) + rnd.choice((1, 2, 5))}{m['unit']}",
                                      parts[index], count=1)
    return renumbered(parts)


def _deleted(text: str, rnd: random.Random) -> str:
    parts = articles(text)
    del parts[rnd.randrange(len(parts))]
    return renumbered(parts)


def _added(text: str, rnd: random.Random) -> str:
    parts = articles(text)
    parts.insert(rnd.randrange(len(parts) + 1), NEW_ARTICLE)
    return renumbered(parts)


def _counter(text: str, rnd: random.Random) -> str:
    return counter_draft(text, rnd.randrange(1_000_000))


#: How a document was made from its seed, in turn.
VARIANTS: dict[str, Callable[[str, random.Random], str]] = {
    "copy": _copy, "formatting": _formatting, "values": _values,
    "deleted": _deleted, "added": _added, "counter": _counter,
}


def build_documents(folder: Path, count: int, *, seed_value: int = 2026) -> list[Path]:
    """``count`` contract files in ``folder``: variants of the template, one in five of another seed."""
    rnd = random.Random(seed_value)
    texts = {name: seed(name) for name in (TEMPLATE, *OTHER_SEEDS)}
    kinds = list(VARIANTS)
    paths = []
    for index in range(count):
        base = OTHER_SEEDS[(index // 5) % len(OTHER_SEEDS)] if index % 5 == 4 else TEMPLATE
        kind = kinds[index % len(kinds)]
        path = folder / f"{index:04d}_{base}_{kind}.txt"
        path.write_text(VARIANTS[kind](texts[base], rnd), encoding="utf-8")
        paths.append(path)
    return paths


def measure(sources: Sequence[Source], workers: int) -> Row:
    template = read_template(SEEDS / f"{TEMPLATE}.txt")
    started = time.perf_counter()
    first: list[float] = []

    def on_result(index: int, result: object) -> None:
        if not first:
            first.append(time.perf_counter() - started)

    batch = run_batch(template, sources, workers=workers, on_result=on_result)
    failed = sum(1 for result in batch.results if result.error)
    return Row(workers, len(sources), time.perf_counter() - started, first[0] if first else 0.0, failed)


def run(documents: int = 200, workers: Sequence[int] = (IN_PROCESS, 1, 2)) -> list[Row]:
    """One row per worker count, over the same ``documents`` files."""
    with tempfile.TemporaryDirectory(prefix="contractdiff-batch-") as folder:
        build_documents(Path(folder), documents)
        sources = collect_sources([folder])
        return [measure(sources, count) for count in workers]


def table(rows: Sequence[Row]) -> str:
    lines = [f"{'workers':>10}  {'documents':>9}  {'seconds':>8}  {'first s':>8}  {'documents/s':>11}"]
    for row in rows:
        workers = "in-process" if row.workers == IN_PROCESS else str(row.workers)
        lines.append(f"{workers:>10}  {row.documents:>9}  {row.seconds:>8.1f}  {row.first:>8.1f}  "
                     f"{row.per_second:>11.2f}" + (f"  ({row.failed} failed)" if row.failed else ""))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.batch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--workers", default="0,1,2", help="worker counts to run, 0 for in-process")
    args = parser.parse_args(argv)
    counts = [int(part) for part in re.split(r"[,\s]+", args.workers.strip()) if part]
    print(f"Batch drift: {args.documents} documents made from the seeds, against seed {TEMPLATE} "
          f"({os.cpu_count()} cores)", flush=True)
    print(table(run(args.documents, counts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

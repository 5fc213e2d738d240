"""``make bench``: the service over HTTP against the baselines, measured in one run.

    python -m bench [--requests 20] [--soak 2000] [--skip-baseline] [--skip-batch]

Prints one table of latencies and ratios, then throughput, growth, cold start, the floor of a
request (health over HTTP, and the client's parse of the largest answer) and memory, the
meaning layer's share (in process, each draft never seen), the cost of the meaning signal in
pairing two templates (bench.pairing: 003 against 001 in process, 001 never seen, with and
without the topics and the static vectors), the targets of issue 15 and of pairing two templates
beside what this run measured, and the batch drift throughput. Each request of a case sends a
draft of its own: a generated counter-draft with a new random seed, a new round of the
counter-draft of 003 a person wrote (the wording edits kept, the three values renegotiated), or,
against 003, a new round of seed 001, a contract of another template (its five periods
renegotiated), so what is measured is a negotiator's case: the original seen before, the draft
new. The small case and 003 against itself send the same texts every time.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from diff_match_patch import diff_match_patch

from . import full_pipeline
from .cases import Case, cases, long_contract, seed

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
#: Times the service is started for the cold start, whose median is reported.
COLD_STARTS = 3
#: The cases of the growth from 1x to 4x text, whose requests are sent in turns.
IN_TURNS = ("003 vs counter-draft", "4x 003 vs counter-draft")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, original: str, revised: str) -> float:
    body = json.dumps({"original": {"text": original}, "revised": {"text": revised}}).encode()
    request = urllib.request.Request(url + "/v1/compare", data=body,
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        json.load(response)
    return time.perf_counter() - started


def floor(url: str, repeat: int = 30) -> float:
    """Median seconds of ``GET /v1/health``: what any request costs over HTTP."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with urllib.request.urlopen(url + "/v1/health", timeout=30) as response:
            response.read()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def largest_answer(url: str, text: str, repeat: int = 20) -> tuple[float, float]:
    """The answer of ``text`` against itself: its size in KB, and the client's median seconds to parse it."""
    body = json.dumps({"original": {"text": text}, "revised": {"text": text}}).encode()
    request = urllib.request.Request(url + "/v1/compare", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        data = response.read()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        json.loads(data)
        times.append(time.perf_counter() - started)
    return len(data) / 1024, statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Server:
    """gunicorn with the repository's config on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The benchmark sends over a thousand requests a minute from one address: no rate limit.
        env = {**os.environ, "OMP_NUM_THREADS": "1", "WEB_CONCURRENCY": str(WORKERS),
               "CONTRACTDIFF_RATE_LIMIT": ""}
        # Workers are not recycled during the run, so memory growth would show.
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                   "--bind", f"127.0.0.1:{self.port}", "--max-requests", "0", "--access-logfile", "/dev/null"]
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def wait_first_answer(self, original: str, revised: str) -> float:
        """Seconds from process start to the first answered comparison."""
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            try:
                post(self.url, original, revised)
                return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the service did not answer within 120 s")

    def first_answer_and_stop(self, case: Case) -> float:
        """:meth:`wait_first_answer` of the case's texts, the server stopped after."""
        try:
            return self.wait_first_answer(case.original, case.revised)
        finally:
            self.stop()

    def worker_memory(self) -> list[tuple[float, float, float]]:
        """(resident MB, peak resident MB, proportional MB) of each worker.

        Resident memory counts the model pages shared with the master in full in every
        worker; the proportional set size splits them between the processes sharing them.
        """
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = _fields(status)
                if fields.get("PPid", "").strip() != str(self.process.pid):
                    continue
                pss = _fields(status.parent / "smaps_rollup").get("Pss", "0 kB")
            except OSError:
                continue
            rss, peak = fields["VmRSS"], fields["VmHWM"]
            found.append(tuple(int(value.split()[0]) / 1024 for value in (rss, peak, pss)))
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _fields(path: Path) -> dict[str, str]:
    return dict(line.split(":", 1) for line in path.read_text().splitlines() if ":" in line)


def memory_line(workers: list[tuple[float, float, float]]) -> str:
    return ", ".join(f"{rss:.0f} MB resident (peak {peak:.0f} MB, proportional {pss:.0f} MB)"
                     for rss, peak, pss in workers)


class Baseline:
    """The full-pipeline baseline, run in a process of its own that holds the ja_ginza pipeline.

    The client that times the service stays a plain HTTP client: with the pipeline and its parses
    in the client's own heap, every collection of the client's garbage walks them, which slowed
    each answer the client parsed. The baseline process only works while no request is in
    flight, since each call waits for its result.
    """

    def __init__(self) -> None:
        self.pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=full_pipeline.load)

    def __call__(self, original: str, revised: str) -> float:
        return self.pool.submit(full_pipeline.seconds, original, revised).result()

    def close(self) -> None:
        self.pool.shutdown()


def whole_text_diff(original: str, revised: str, repeat: int = 20) -> float:
    """Median seconds of diff-match-patch over the whole texts; one run when it reaches its timeout,
    as two different templates do: every run would stop at the same second."""
    differ = diff_match_patch()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        diffs = differ.diff_main(original, revised)
        differ.diff_cleanupSemantic(diffs)
        times.append(time.perf_counter() - started)
        if times[-1] >= differ.Diff_Timeout:
            break
    return statistics.median(times)


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    characters: int
    latencies: list[float]
    baseline: float | None
    whole_text_diff: float

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)


def run_cases(server: Server, named: dict[str, Case], requests: int,
              measure: Baseline | None) -> dict[str, tuple[list[float], float | None]]:
    """Latencies of ``requests`` comparisons over HTTP of each case, each with its own draft, and
    the baseline. The cases of IN_TURNS send their requests in turns, one of each, so that the
    growth from one to the other is measured over the same stretch of the machine's time."""
    found: dict[str, tuple[list[float], float | None]] = {}
    for name in named:
        if name in found:
            continue
        names = IN_TURNS if name in IN_TURNS else (name,)
        together = [named[each] for each in names]
        for case in together:
            post(server.url, case.original, case.revised)  # the original is now known to a worker
        texts = [[case.draft(index) if case.draft else case.revised for index in range(requests)]
                 for case in together]
        latencies: list[list[float]] = [[] for _ in together]
        for index in range(requests):
            for case, sent, times in zip(together, texts, latencies, strict=True):
                times.append(post(server.url, case.original, sent[index]))
        for each, case, times in zip(names, together, latencies, strict=True):
            base = measure(case.original, case.revised) if measure is not None and case.baseline else None
            found[each] = (times, base)
    return found


def table(rows: list[Row]) -> str:
    lines = ["| case | characters | median ms | p95 ms | full-pipeline baseline ms | speed-up | "
             "whole-text diff ms |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        base_text = f"{row.baseline * 1000:,.0f}" if row.baseline is not None else "not run"
        ratio = f"{row.baseline / row.median:,.0f}x" if row.baseline is not None else "-"
        median = f"{row.median * 1000:,.1f}" if row.median < 0.01 else f"{row.median * 1000:,.0f}"
        p95 = f"{row.p95 * 1000:,.1f}" if row.p95 < 0.01 else f"{row.p95 * 1000:,.0f}"
        lines.append(f"| {row.name} | {row.characters:,} | {median} | {p95} | {base_text} | {ratio} | "
                     f"{row.whole_text_diff * 1000:,.1f} |")
    return "\n".join(lines)


def in_process_self(repeat: int = 20) -> float:
    """Median seconds of seed 003 compared with itself in this process, after a first comparison,
    each time afresh: the comparison kept from the run before is forgotten, the text's reading is not."""
    from nlp.compare import compare, forget_comparisons
    from nlp.engine import load_engine

    engine, text = load_engine(), seed("003")
    compare(text, text, engine=engine)
    times = []
    for _ in range(repeat):
        forget_comparisons()
        started = time.perf_counter()
        compare(text, text, engine=engine)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


#: What issue 15, then the issue on pairing two templates by meaning, ask of one run on the
#: 2-core machine.
TARGETS = (
    ("003 vs a person's counter-draft, median over HTTP", "<= 60 ms"),
    ("the same, times faster than the full-pipeline baseline", ">= 300x"),
    ("003 vs itself", "<= 5 ms"),
    ("growth from the 003 pair to the four-times pair", "<= 4.3x"),
    ("cold start", "<= 3 s"),
    ("memory per worker, resident", "<= 500 MB, flat"),
    ("003 vs 001, another template, median over HTTP", "<= 150 ms"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="sequential requests per case")
    parser.add_argument("--concurrent", type=int, default=20, help="requests sent at once")
    parser.add_argument("--soak", type=int, default=2000, help="requests for the memory check (0 to skip)")
    parser.add_argument("--skip-baseline", action="store_true", help="skip the slow full-pipeline baseline")
    parser.add_argument("--skip-batch", action="store_true", help="skip the batch drift throughput")
    args = parser.parse_args()

    named = cases()
    small = named["small: 001 vs 004"]
    server = Server()
    rows: list[Row] = []
    try:
        cold = server.wait_first_answer(small.original, small.revised)
        print(f"# Service: gunicorn, {WORKERS} sync workers, on {os.cpu_count()} cores "
              f"(load average {os.getloadavg()[0]:.1f} at the start); {args.requests} sequential requests "
              "per case, each with a new draft, except the small case, the same draft again and 003 "
              "against itself\n")
        measure = None if args.skip_baseline else Baseline()
        try:
            measured = run_cases(server, named, args.requests, measure)
        finally:
            if measure is not None:
                measure.close()
        for name, case in named.items():
            latencies, base = measured[name]
            rows.append(Row(name, len(case.original), latencies, base,
                            whole_text_diff(case.original, case.revised)))
        print(table(rows))
        by_name = {row.name: row for row in rows}

        original = seed("003")
        # Drafts of the same series as the sequential case, none sent before.
        series = named["003 vs counter-draft"].draft
        assert series is not None
        texts = [series(args.requests + index) for index in range(args.concurrent)]
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrent) as pool:
            latencies = list(pool.map(lambda text: post(server.url, original, text), texts))
        wall = time.perf_counter() - started
        growth = by_name["4x 003 vs counter-draft"].median / by_name["003 vs counter-draft"].median
        print()
        print(f"- {args.concurrent} concurrent requests (003 vs counter-drafts): {wall:.2f} s in all, "
              f"{args.concurrent / wall:.1f} comparisons/s with {WORKERS} workers, "
              f"median {statistics.median(latencies) * 1000:,.0f} ms, "
              f"p95 {percentile(latencies, 0.95) * 1000:,.0f} ms")
        print(f"- growth from the 003 pair to the four-times pair: {growth:.1f}x the time "
              f"for {len(long_contract(4)) / len(original):.1f}x the text (their requests sent in turns)")
        size, parse = largest_answer(server.url, original)
        print(f"- the floor of a request: GET /v1/health {floor(server.url) * 1000:,.1f} ms median "
              f"over HTTP; 003 against itself answers {size:,.0f} KB of JSON, which the client parses "
              f"in {parse * 1000:,.1f} ms")
        before = server.worker_memory()
        print("- memory per worker after the runs above: " + memory_line(before))
        after = None
        if args.soak:
            soak_texts = [series(args.requests + args.concurrent + index) for index in range(50)]
            started = time.perf_counter()
            # In two halves, so that memory is seen levelling off, not only at its end.
            for half in (range(args.soak // 2), range(args.soak // 2, args.soak)):
                with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
                    list(pool.map(lambda i: post(server.url, original,
                                                 soak_texts[i % 50] + f"\n（第{i}版）"), half))
                after = server.worker_memory()
                print(f"- after {half.stop} more requests ({time.perf_counter() - started:.0f} s, workers "
                      "not recycled): " + memory_line(after))
    finally:
        server.stop()
    starts = sorted([cold, *(Server().first_answer_and_stop(small) for _ in range(COLD_STARTS - 1))])
    cold = statistics.median(starts)
    print(f"- cold start, process start to first answer: {cold:.1f} s, the median of {COLD_STARTS} "
          f"starts ({', '.join(f'{start:.1f}' for start in starts)} s)")
    from . import batch, meaning, pairing

    print()
    found = meaning.main()
    print()
    signal = pairing.main()
    person = by_name["003 vs a person's counter-draft"]
    other = by_name["cross-template: 003 vs 001"]
    itself = by_name["003 vs itself"]
    share = next((whole - bare) / whole for name, whole, bare in found if name.startswith("003"))
    last = after or before
    worst = max((rss for rss, _, _ in last), default=float("nan"))
    grew = max((a[0] - b[0] for a, b in zip(after, before, strict=False)), default=0.0) if after else None
    measured = (
        f"{person.median * 1000:,.0f} ms (p95 {person.p95 * 1000:,.0f} ms)",
        f"{person.baseline / person.median:,.0f}x" if person.baseline else "not run",
        f"{itself.median * 1000:,.1f} ms over HTTP (p95 {itself.p95 * 1000:,.1f} ms), "
        f"{in_process_self() * 1000:,.1f} ms in process compared afresh",
        f"{growth:.1f}x",
        f"{cold:.1f} s",
        f"{worst:.0f} MB at most"
        + (f", +{grew:.0f} MB after {args.soak} more requests" if grew is not None else ""),
        f"{other.median * 1000:,.0f} ms (p95 {other.p95 * 1000:,.0f} ms)",
    )
    print()
    print("| target (issue 15; pairing two templates) | asked | measured in this run |")
    print("| --- | --- | --- |")
    for (what, asked), found_value in zip(TARGETS, measured, strict=True):
        print(f"| {what} | {asked} | {found_value} |")
    print(f"\nThe meaning layer's share of the person's draft seen for the first time: {share:.0%}.")
    print(pairing.cost(signal))
    if args.skip_batch:
        return 0
    print()
    return batch.main([]) or 0


if __name__ == "__main__":
    sys.exit(main())

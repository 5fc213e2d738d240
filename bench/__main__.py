"""``make bench``: the service over HTTP against the baselines, measured in one run.

    python -m bench [--requests 20] [--soak 1000] [--skip-baseline]

Prints one table of latencies and ratios, then throughput, memory, growth and cold
start. Every request sends a different counter-draft (a new random seed), so what is
measured is a negotiator's real case: the original seen before, the draft new.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from diff_match_patch import diff_match_patch

from .cases import cases, counter_draft, long_contract, seed

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


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


def baseline(original: str, revised: str, nlp) -> float:
    """What a first version would do: the full GiNZA pipeline over every article of both
    documents, articles paired by mean-vector similarity, then diff-match-patch per pair."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from nlp.structure import parse

    started = time.perf_counter()
    left, right = parse(original), parse(revised)
    docs_left = list(nlp.pipe(a.span.slice(original) for a in left.articles))
    docs_right = list(nlp.pipe(a.span.slice(revised) for a in right.articles))
    similarity = np.array([[a.similarity(b) for b in docs_right] for a in docs_left])
    rows, columns = linear_sum_assignment(similarity, maximize=True)
    differ = diff_match_patch()
    for row, column in zip(rows, columns, strict=True):
        diffs = differ.diff_main(docs_left[row].text, docs_right[column].text)
        differ.diff_cleanupSemantic(diffs)
    return time.perf_counter() - started


def whole_text_diff(original: str, revised: str, repeat: int = 20) -> float:
    differ = diff_match_patch()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        diffs = differ.diff_main(original, revised)
        differ.diff_cleanupSemantic(diffs)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def drafts(original: str, count: int, first_seed: int) -> list[str]:
    return [counter_draft(original, first_seed + index) for index in range(count)]


def measure(send: Callable[[str], float], revised: list[str]) -> list[float]:
    return [send(text) for text in revised]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="sequential requests per case")
    parser.add_argument("--concurrent", type=int, default=20, help="requests sent at once")
    parser.add_argument("--soak", type=int, default=1000, help="requests for the memory check (0 to skip)")
    parser.add_argument("--skip-baseline", action="store_true", help="skip the slow full-pipeline baseline")
    args = parser.parse_args()

    named = cases()
    small_original, small_revised = named["small: 001 vs 004"]
    server = Server()
    rows = []
    try:
        cold = server.wait_first_answer(small_original, small_revised)
        medians: dict[str, float] = {}
        print(f"# Service: gunicorn, {WORKERS} sync workers, on {os.cpu_count()} cores; "
              f"{args.requests} sequential requests per case, each with a new counter-draft\n")
        nlp = None
        if not args.skip_baseline:
            import spacy

            nlp = spacy.load("ja_ginza")
        for name, (original, revised) in named.items():
            vary = not name.startswith("small")
            texts = drafts(original, args.requests, 100) if vary else [revised] * args.requests
            post(server.url, original, texts[0])  # the original is now known to the workers
            latencies = measure(lambda text, o=original: post(server.url, o, text), texts)
            medians[name] = statistics.median(latencies)
            base = baseline(original, revised, nlp) if nlp is not None and not name.startswith("4x") else None
            rows.append((name, len(original), statistics.median(latencies), percentile(latencies, 0.95), base,
                         whole_text_diff(original, revised)))

        print("| case | characters | median ms | p95 ms | full-pipeline baseline ms | speed-up | "
              "whole-text diff ms |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, size, median, p95, base, diff in rows:
            base_text = f"{base * 1000:,.0f}" if base is not None else "not run"
            ratio = f"{base / median:,.0f}x" if base is not None else "-"
            print(f"| {name} | {size:,} | {median * 1000:,.0f} | {p95 * 1000:,.0f} | {base_text} | {ratio} | "
                  f"{diff * 1000:,.1f} |")

        original = seed("003")
        texts = drafts(original, args.concurrent, 500)
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrent) as pool:
            latencies = list(pool.map(lambda text: post(server.url, original, text), texts))
        wall = time.perf_counter() - started
        growth = medians["4x 003 vs counter-draft"] / medians["003 vs counter-draft"]
        print()
        print(f"- {args.concurrent} concurrent requests (003 vs counter-drafts): {wall:.2f} s in all, "
              f"{args.concurrent / wall:.1f} comparisons/s with {WORKERS} workers, "
              f"median {statistics.median(latencies) * 1000:,.0f} ms, "
              f"p95 {percentile(latencies, 0.95) * 1000:,.0f} ms")
        print(f"- growth from the 003 pair to the four-times pair: {growth:.1f}x the time "
              f"for {len(long_contract(4)) / len(original):.1f}x the text")
        print(f"- cold start, process start to first answer: {cold:.1f} s")
        before = server.worker_memory()
        print("- memory per worker after the runs above: " + memory_line(before))
        if args.soak:
            soak_texts = drafts(original, 50, 1000)
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
                list(pool.map(lambda i: post(server.url, original, soak_texts[i % 50] + f"\n（第{i}版）"),
                              range(args.soak)))
            after = server.worker_memory()
            print(f"- after {args.soak} more requests ({time.perf_counter() - started:.0f} s, workers not "
                  "recycled): " + memory_line(after))
    finally:
        server.stop()
    from . import batch, meaning

    print()
    meaning.main()

    print()
    return batch.main([]) or 0


if __name__ == "__main__":
    sys.exit(main())

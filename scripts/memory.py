"""``make memory``: worker memory after 2,000 requests against after 100, with gunicorn's recycling.

    python -m scripts.memory [--requests 2000] [--early 100] [--clients 2] [--max-requests N]

Starts gunicorn with ``gunicorn.conf.py`` (2 sync workers, each recycled after 500 to 550
requests: ``max_requests`` and ``max_requests_jitter``) on a free port of 127.0.0.1 and sends
comparisons of real pairs (the load script's) from ``--clients`` threads. After ``--early``
requests and again at the end it reads every worker's resident (RSS) and proportional (PSS) size
from /proc, and checks that the workers' mean RSS at the end is within 5% of the one after
``--early``. ``--max-requests 0`` turns recycling off, to see what it prevents.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from scripts.load import HOST, ROOT, children, free_port, process_memory, request_bodies, send

# Within this share of the memory after the early requests, the memory at the end holds.
GROWTH_ALLOWED = 0.05


def worker_memory(master: int) -> dict[str, float]:
    sizes = [process_memory(pid) for pid in sorted(children(master))]
    return {"workers": len(sizes), "rss_mb": round(statistics.mean(rss for rss, _ in sizes), 1),
            "pss_mb": round(statistics.mean(pss for _, pss in sizes), 1)}


def run(*, requests: int = 2000, early: int = 100, clients: int = 2, max_requests: int | None = None) -> dict:
    key = secrets.token_urlsafe(24)
    port = free_port()
    bodies = request_bodies()["compare"]
    with tempfile.TemporaryDirectory(prefix="contractdiff-memory-") as folder:
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder, "CONTRACTDIFF_API_KEYS": key,
               "CONTRACTDIFF_RATE_LIMIT": '""', "WEB_CONCURRENCY": "2"}
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}"]
        if max_requests is not None:
            command += ["--max-requests", str(max_requests)]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 180
            while len(children(process.pid)) < 2 or not _answers(port, bodies[0], key):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start")
                time.sleep(0.5)
            counter = itertools.count(1)
            statuses: dict[int, int] = {}
            lock = threading.Lock()
            early_memory: dict[str, float] = {}
            early_reached = threading.Event()

            def client(offset: int) -> None:
                for number in counter:
                    if number > requests:
                        return
                    status = send(port, "/v1/compare", bodies[(number + offset) % len(bodies)], key)
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1
                        if number == early:
                            early_memory.update(worker_memory(process.pid))
                            early_reached.set()

            started = time.monotonic()
            threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            final = worker_memory(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    growth = final["rss_mb"] / early_memory["rss_mb"] - 1
    return {"requests": requests, "early": early, "seconds": round(elapsed, 1), "statuses": statuses,
            "max_requests": "gunicorn.conf.py" if max_requests is None else max_requests,
            "after_early": early_memory, "after_all": final, "rss_growth": round(growth, 4),
            "checks": {"every request answered 200": set(statuses) == {200},
                       f"worker memory after {requests} requests within 5% of after {early}":
                           growth <= GROWTH_ALLOWED}}


def _answers(port: int, body: bytes, key: str) -> bool:
    try:
        return send(port, "/v1/compare", body, key) == 200
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--early", type=int, default=100)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--max-requests", type=int, help="gunicorn's max_requests instead (0: never recycle)")
    args = parser.parse_args(argv)
    report = run(requests=args.requests, early=args.early, clients=args.clients,
                 max_requests=args.max_requests)
    print(json.dumps(report, indent=2))
    return 0 if all(report["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

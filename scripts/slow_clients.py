"""``make slow-clients``: 16 connections that send one byte a second, while others are served.

    python -m scripts.slow_clients [--seconds 20] [--connections 16] [--front nginx|none] [--seeds DIR]

Starts the service as ``make serve`` does (``scripts/serve.py``: nginx in front of 2 gunicorn
sync workers; ``--front none`` for gunicorn alone) on a free port of 127.0.0.1. For ``--seconds``
it holds ``--connections`` slow connections open: half send their headers one byte a second, half
send complete headers announcing a 100,000-byte body and then the body one byte a second. A
connection the server closes (its timeout) is opened again, so that the pressure stays the same.
Meanwhile ``GET /v1/health`` goes out every 0.5 s and must answer within 1 s, and a comparison of
seed 001 with a counter-draft of it (four changes a negotiator would make) goes out every 2 s and
must answer within 5 s. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
HEALTH_EVERY, HEALTH_WITHIN = 0.5, 1.0
COMPARE_EVERY, COMPARE_WITHIN = 2.0, 5.0
# A counter-draft of seed 001: the other side shortens the term and the notice, lifts the cap and
# forbids subcontracting.
COUNTER_EDITS = [
    ("契約締結日から1年間とする", "契約締結日から6か月間とする"),
    ("期間満了日の30日前までに", "期間満了日の60日前までに"),
    ("過去6か月間に", "過去12か月間に"),
    ("第三者へ再委託することができる", "第三者へ再委託してはならない"),
]


def seed_001(seeds: Path) -> str:
    """Seed 001 from a folder of seeds: ``001.txt`` (tests/data/seeds) or ``001_<hash>.txt``."""
    return sorted(seeds.glob("001*.txt"))[0].read_text(encoding="utf-8")


def counter_draft(text: str) -> str:
    for before, after in COUNTER_EDITS:
        if before not in text:
            raise ValueError(f"seed 001 no longer says {before!r}")
        text = text.replace(before, after)
    return text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path


@contextmanager
def serving(*, front: str, workers: int = 2, startup_seconds: float = 240) -> Iterator[Server]:
    """``python -m scripts.serve`` on a free port, its output in a file; stopped (TERM, then KILL)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="contractdiff-slow-") as folder:
        log = Path(folder) / "server.log"
        metrics = Path(folder) / "metrics"
        metrics.mkdir()
        env = {**os.environ, "HOST": HOST, "PORT": str(port), "SERVE_FRONT": front,
               "WEB_CONCURRENCY": str(workers), "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        with log.open("wb") as sink:
            process = subprocess.Popen([sys.executable, "-m", "scripts.serve"], cwd=ROOT, env=env,
                                       stdout=sink, stderr=subprocess.STDOUT)
        server = Server(process, port, log)
        try:
            deadline = time.monotonic() + startup_seconds
            while get(port, "/v1/health", timeout=2)[0] != 200:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the service did not start; its log:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
            yield server
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def get(port: int, path: str, *, timeout: float) -> tuple[int, float]:
    """Status and seconds of one GET (status 0 when it failed or timed out)."""
    return _request(port, "GET", path, None, timeout=timeout)


def post_json(port: int, path: str, body: bytes, *, timeout: float) -> tuple[int, float]:
    """Status and seconds of one JSON POST (status 0 when it failed or timed out)."""
    return _request(port, "POST", path, body, timeout=timeout)


def _request(port: int, method: str, path: str, body: bytes | None, *, timeout: float) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started
    finally:
        connection.close()


@dataclass
class SlowClients:
    """Connections that each send one byte a second until ``until``, reopened when the server closes one."""

    port: int
    until: float
    bytes_sent: int = 0
    opened: int = 0
    closed_by_server: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, index: int) -> None:
        slow_headers = index % 2 == 0
        while time.monotonic() < self.until:
            with self.lock:
                self.opened += 1
            if self.one_connection(slow_headers) and time.monotonic() < self.until:
                with self.lock:
                    self.closed_by_server += 1

    def one_connection(self, slow_headers: bool) -> bool:
        """Send one byte a second until the deadline; True when the server closed the connection first."""
        head = (b"POST /v1/compare HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000\r\n\r\n")
        try:
            with socket.create_connection((HOST, self.port), timeout=5) as connection:
                if not slow_headers:
                    connection.sendall(head)
                    head = b"{" * 100_000
                for byte in head:
                    if time.monotonic() >= self.until:
                        return False
                    connection.sendall(bytes([byte]))
                    with self.lock:
                        self.bytes_sent += 1
                    if server_closed(connection, wait=1.0):
                        return True
        except OSError:
            return True
        return False


def server_closed(connection: socket.socket, *, wait: float) -> bool:
    """Wait ``wait`` seconds; True if the server closed the connection (or answered) meanwhile."""
    connection.settimeout(wait)
    try:
        return connection.recv(4096) is not None  # any answer or b"" (closed) ends this connection
    except TimeoutError:
        return False
    except OSError:
        return True


def probe(port: int, until: float, every: float, send) -> list[tuple[float, int, float]]:
    """(time since start, status, seconds) of one request every ``every`` seconds until ``until``."""
    results = []
    started = time.monotonic()
    while time.monotonic() < until:
        sent = time.monotonic()
        status, seconds = send()
        results.append((round(sent - started, 2), status, round(seconds, 3)))
        time.sleep(max(0.0, every - (time.monotonic() - sent)))
    return results


def run(*, seconds: float = 20, connections: int = 16, front: str = "nginx",
        seeds: Path = ROOT / "tests" / "data" / "seeds") -> dict:
    original = seed_001(seeds)
    body = json.dumps({"original": {"text": original}, "revised": {"text": counter_draft(original)}},
                      ensure_ascii=False).encode()
    with serving(front=front) as server:
        port = server.port
        # A first comparison, so that the ones measured find the model warm, as in production.
        post_json(port, "/v1/compare", body, timeout=60)
        until = time.monotonic() + seconds
        slow = SlowClients(port, until)
        threads = [threading.Thread(target=slow.run, args=(index,), daemon=True)
                   for index in range(connections)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)  # every slow connection open and sending before the first measurement
        health: list = []
        compares: list = []
        probes = [
            threading.Thread(target=lambda: health.extend(probe(
                port, until, HEALTH_EVERY, lambda: get(port, "/v1/health", timeout=5)))),
            threading.Thread(target=lambda: compares.extend(probe(
                port, until, COMPARE_EVERY, lambda: post_json(port, "/v1/compare", body, timeout=30)))),
        ]
        for thread in probes:
            thread.start()
        for thread in probes + threads:
            thread.join(timeout=seconds + 60)
        log = server.log.read_text(encoding="utf-8", errors="replace")
    report = {
        "front": front, "seconds": seconds, "connections": connections,
        "slow": {"opened": slow.opened, "closed_by_server": slow.closed_by_server,
                 "bytes_sent": slow.bytes_sent},
        "health": summary(health), "compare": summary(compares),
        "log_lines": len(log.splitlines()),
    }
    report["checks"] = {
        f"every /v1/health answered 200 within {HEALTH_WITHIN:g} s":
            bool(health) and all(status == 200 and took <= HEALTH_WITHIN for _, status, took in health),
        f"every comparison answered 200 within {COMPARE_WITHIN:g} s":
            bool(compares) and all(status == 200 and took <= COMPARE_WITHIN for _, status, took in compares),
        f"{connections} slow connections were held for the whole run":
            slow.bytes_sent >= connections * (seconds - 3),
    }
    return report


def summary(results: list[tuple[float, int, float]]) -> dict:
    took = sorted(seconds for _, _, seconds in results)
    return {"requests": len(results), "statuses": sorted({status for _, status, _ in results}),
            "max_s": took[-1] if took else None, "median_s": took[len(took) // 2] if took else None,
            "slowest": sorted(results, key=lambda result: -result[2])[:3]}


def print_report(report: dict) -> None:
    slow = report["slow"]
    print(f"Slow clients ({report['front']} in front): {report['connections']} connections at one byte a "
          f"second for {report['seconds']:g} s; {slow['opened']} opened, {slow['closed_by_server']} closed "
          f"by the server, {slow['bytes_sent']} bytes sent")
    for kind in ("health", "compare"):
        figures = report[kind]
        print(f"  {kind:8} {figures['requests']:3} requests, statuses {figures['statuses']}, "
              f"median {figures['median_s']} s, max {figures['max_s']} s")
    for check, passed in report["checks"].items():
        print(f"  [{'ok' if passed else 'FAIL'}] {check}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20,
                        help="how long the slow clients send (default 20)")
    parser.add_argument("--connections", type=int, default=16, help="slow connections (default 16)")
    parser.add_argument("--front", choices=("nginx", "none"), default="nginx",
                        help="nginx in front of gunicorn (default), or gunicorn alone")
    parser.add_argument("--seeds", type=Path, default=ROOT / "tests" / "data" / "seeds",
                        help="the folder holding seed 001 (default tests/data/seeds)")
    parser.add_argument("--json", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    report = run(seconds=args.seconds, connections=args.connections, front=args.front, seeds=args.seeds)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if all(report["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

"""``make load``: gunicorn under load on 127.0.0.1, then with one worker killed mid-run.

    python -m scripts.load [--seconds 120] [--fault-seconds 30] [--clients 8] [--workers 2] [--json FILE]

Starts gunicorn (``gunicorn.conf.py``, 2 workers) on a free port of 127.0.0.1 as production runs
it: API keys on (one per client) and the default rate limit. Then:

1. **Load**: ``--clients`` threads send mixed requests for ``--seconds`` (3 comparisons of real
   contract pairs for 1 drift check of 4 documents), each waiting for its answer before the next.
   Reported: requests, errors, latency p50/p99 per kind, throughput, each worker's memory (RSS,
   and PSS, which shares the model's pages out among the processes that map them), and whether
   GET /metrics, added up over the workers, counted every request.
2. **Fault**: the same load for ``--fault-seconds``; a third of the way in, one worker gets
   SIGKILL. Reported: the requests that failed (a sync worker holds one request at a time, so at
   most one), how they failed, when the master had a new worker, and whether every request sent
   after the kill succeeded.

Every text carries a marker string; at the end the server's whole log (stderr) is searched for it.
Each loop is bounded in time and in count (``--max-requests``) and stops by itself; the server is
stopped however the run ends. Exit status 1 when a check fails. Nothing is sent anywhere but the
server this script started on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
HOST = "127.0.0.1"
MARKER = "秘密マーカーLOADXYZZY"
# What a client waits for one answer: gunicorn's own timeout.
REQUEST_TIMEOUT = 60
# A comparison for each of these pairs, and a drift check of seed 000 against the four documents.
PAIRS = [("seeds/000", "dev/000_counter_otsu"), ("dev/002_original", "dev/002_counter_otsu"),
         ("dev/004_original", "dev/004_counter_ko"), ("dev/001_original", "dev/004_original"),
         ("seeds/000", "dev/000_formatting"), ("seeds/003", "seeds/003")]
DRIFT = ("seeds/000", ["dev/000_counter_otsu", "dev/000_formatting", "dev/000_original", "seeds/001"])
DRIFT_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Outcome:
    """One request as the client saw it; times in seconds from the start of its phase."""

    kind: str           # compare | drift
    started: float
    finished: float
    status: int | None  # None: no answer (the connection closed or failed)
    error: str | None   # the exception's type when there was no answer

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Memory:
    """Largest resident (RSS) and proportional (PSS) memory seen per process, in MB."""

    rss: dict[int, float] = field(default_factory=dict)
    pss: dict[int, float] = field(default_factory=dict)

    def sample(self, pid: int) -> None:
        rss, pss = process_memory(pid)
        self.rss[pid] = max(self.rss.get(pid, 0), rss)
        self.pss[pid] = max(self.pss.get(pid, 0), pss)


# Requests -----------------------------------------------------------------------------------


def text(name: str) -> str:
    return (DATA / f"{name}.txt").read_text(encoding="utf-8")


def marked(body: str) -> str:
    """The text with the marker in its first sentence, where a leak would carry it."""
    return body.replace("本契約", f"本契約（{MARKER}）", 1)


def request_bodies() -> dict[str, list[bytes]]:
    """The JSON bodies of each kind, encoded once."""
    compares = [{"original": {"text": marked(text(a)), "name": f"{MARKER}-{a}"},
                 "revised": {"text": marked(text(b)), "name": f"{MARKER}-{b}"}} for a, b in PAIRS]
    template, documents = DRIFT
    drift = {"template": {"text": marked(text(template)), "name": MARKER},
             "documents": [{"text": marked(text(name)), "name": f"{MARKER}-{name}"} for name in documents]}
    encode = lambda body: json.dumps(body, ensure_ascii=False).encode()  # noqa: E731
    return {"compare": [encode(body) for body in compares], "drift": [encode(drift)]}


def send(port: int, path: str, body: bytes, key: str) -> int:
    """POST ``body`` and read the whole answer; its status."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json", "X-API-Key": key})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def client_loop(port: int, key: str, bodies: dict[str, list[bytes]], started: float, deadline: float,
                budget: list[int], budget_lock: threading.Lock, outcomes: list[Outcome], seed: int) -> None:
    """Send requests one after the other until the deadline or until the shared budget is spent."""
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        with budget_lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        kind = "drift" if rng.random() < DRIFT_SHARE else "compare"
        body = rng.choice(bodies[kind])
        begun = time.monotonic()
        status, error = None, None
        try:
            status = send(port, f"/v1/{kind}", body, key)
        except (OSError, http.client.HTTPException) as failure:
            error = type(failure).__name__
        outcomes.append(Outcome(kind, begun - started, time.monotonic() - started, status, error))


def run_clients(port: int, keys: list[str], seconds: float, max_requests: int,
                during: Callable[[float], None] | None = None) -> list[Outcome]:
    """``len(keys)`` clients for ``seconds``; ``during(started)`` runs alongside (the fault)."""
    bodies = request_bodies()
    outcomes: list[Outcome] = []
    started = time.monotonic()
    deadline = started + seconds
    budget, lock = [max_requests], threading.Lock()
    threads = [threading.Thread(target=client_loop, daemon=True,
                                args=(port, key, bodies, started, deadline, budget, lock, outcomes, index))
               for index, key in enumerate(keys)]
    for thread in threads:
        thread.start()
    if during is not None:
        during(started)
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 5)
    return sorted(outcomes, key=lambda outcome: outcome.started)


# The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def children(pid: int) -> set[int]:
    """The processes ``pid`` started (gunicorn's workers), from /proc."""
    try:
        return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def process_memory(pid: int) -> tuple[float, float]:
    """RSS and PSS of ``pid`` in MB, from /proc (0 when it is gone)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0.0, 0.0
    values = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in rollup[1:] if line.split()[1:]}
    return values.get("Rss", 0.0), values.get("Pss", 0.0)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def workers(self) -> set[int]:
        return children(self.process.pid)

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


@contextmanager
def gunicorn(*, workers: int, keys: list[str], startup_seconds: float = 180) -> Iterator[Server]:
    """gunicorn on a free port of 127.0.0.1, its output in a file; stopped (TERM, then KILL) at the end."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="contractdiff-load-") as folder:
        log = Path(folder) / "server.log"
        metrics = Path(folder) / "metrics"
        metrics.mkdir()
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics),
               "CONTRACTDIFF_API_KEYS": ",".join(keys), "WEB_CONCURRENCY": str(workers)}
        env.pop("CONTRACTDIFF_RATE_LIMIT", None)  # the default, as production runs
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}"]
        with log.open("wb") as sink:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
        server = Server(process, port, log)
        try:
            deadline = time.monotonic() + startup_seconds
            while True:
                try:
                    if server.get("/v1/health")[0] == 200 and len(server.workers) == workers:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; its log:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
            yield server
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def counted_requests(server: Server) -> float:
    """Requests to /v1/compare and /v1/drift that GET /metrics counts, over every worker."""
    from prometheus_client.parser import text_string_to_metric_families

    status, body = server.get("/metrics")
    assert status == 200
    return sum(sample.value for family in text_string_to_metric_families(body.decode())
               for sample in family.samples
               if sample.name == "contractdiff_requests_total"
               and sample.labels["route"] in ("/v1/compare", "/v1/drift"))


# Phases -------------------------------------------------------------------------------------


def latency(outcomes: list[Outcome]) -> dict[str, float]:
    times = [outcome.finished - outcome.started for outcome in outcomes if outcome.ok]
    if len(times) < 2:
        return {"p50_ms": float("nan"), "p99_ms": float("nan")}
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000), "p99_ms": round(cuts[98] * 1000)}


def load_phase(server: Server, keys: list[str], seconds: float, max_requests: int) -> dict:
    memory = Memory()
    stop = threading.Event()

    def sample_memory() -> None:
        while not stop.wait(1):
            for pid in {server.process.pid, *server.workers}:
                memory.sample(pid)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    before = counted_requests(server)
    outcomes = run_clients(server.port, keys, seconds, max_requests)
    stop.set()
    sampler.join()
    answered = [outcome for outcome in outcomes if outcome.status is not None]
    master = server.process.pid
    elapsed = max((outcome.finished for outcome in outcomes), default=seconds)
    return {
        "seconds": round(elapsed, 1),
        "clients": len(keys),
        "requests": len(outcomes),
        "errors": sum(not outcome.ok for outcome in outcomes),
        "statuses": _count(str(outcome.status or outcome.error) for outcome in outcomes),
        "per_second": round(len(outcomes) / elapsed, 2),
        "latency": {kind: {"requests": sum(o.kind == kind for o in outcomes),
                           **latency([o for o in outcomes if o.kind == kind])}
                    for kind in ("compare", "drift")},
        "memory_mb": {
            "master": {"rss": round(memory.rss.get(master, 0)), "pss": round(memory.pss.get(master, 0))},
            "workers": [{"rss": round(memory.rss[pid]), "pss": round(memory.pss[pid])}
                        for pid in sorted(memory.rss) if pid != master],
        },
        "metrics_counted_every_request": counted_requests(server) - before == len(answered),
    }


def fault_phase(server: Server, keys: list[str], seconds: float, max_requests: int) -> dict:
    event: dict = {}

    def kill_one_worker(started: float) -> None:
        time.sleep(seconds / 3)
        before = server.workers
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        event.update(killed_pid=victim, killed_at=time.monotonic() - started)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            new = server.workers - before
            if new:
                replaced_after = time.monotonic() - started - event["killed_at"]
                event.update(new_pid=min(new), replaced_after_s=round(replaced_after, 2))
                return
            time.sleep(0.05)

    outcomes = run_clients(server.port, keys, seconds, max_requests, during=kill_one_worker)
    killed_at = event.get("killed_at", float("inf"))
    failed = [outcome for outcome in outcomes if not outcome.ok]
    after = [outcome for outcome in outcomes if outcome.started > killed_at]
    return {
        "seconds": seconds,
        "requests": len(outcomes),
        "killed_pid": event.get("killed_pid"),
        "replaced_by_pid": event.get("new_pid"),
        "replaced_after_s": event.get("replaced_after_s"),
        "failed": len(failed),
        "failures": [{"error": outcome.error, "status": outcome.status,
                      "sent_before_kill_s": round(killed_at - outcome.started, 2),
                      "failed_after_kill_s": round(outcome.finished - killed_at, 2)} for outcome in failed],
        "requests_after_kill": len(after),
        "all_after_kill_succeeded": all(outcome.ok for outcome in after),
        "workers": len(server.workers),
    }


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


# Checks and report --------------------------------------------------------------------------


def checks(report: dict) -> dict[str, bool]:
    load, fault = report["load"], report["fault"]
    return {
        "no errors under load": load["errors"] == 0,
        "/metrics added up every worker's requests": load["metrics_counted_every_request"],
        # A sync worker holds one request at a time: that one is lost, nothing else.
        "the kill lost at most the one request the worker held": fault["failed"] <= 1,
        "the lost request failed at once, without an answer": all(
            f["status"] is None and f["failed_after_kill_s"] < 5 for f in fault["failures"]),
        "the master replaced the worker": fault["replaced_by_pid"] is not None
                                          and fault["workers"] == report["workers"],
        "every request sent after the kill succeeded": fault["all_after_kill_succeeded"],
        "the marker never reached the server's log": not report["marker_in_log"],
    }


def run(*, seconds: float, fault_seconds: float, clients: int, workers: int, max_requests: int) -> dict:
    keys = [secrets.token_urlsafe(24) for _ in range(clients)]
    with gunicorn(workers=workers, keys=keys) as server:
        report = {"workers": workers, "load": load_phase(server, keys, seconds, max_requests),
                  "fault": fault_phase(server, keys, fault_seconds, max_requests)}
        log = server.log.read_text(encoding="utf-8", errors="replace")
    report["marker_in_log"] = MARKER in log
    report["log_lines"] = len(log.splitlines())
    report["checks"] = checks(report)
    return report


def print_report(report: dict) -> None:
    load, fault = report["load"], report["fault"]
    print(f"Load: {load['clients']} clients for {load['seconds']} s, {load['requests']} requests "
          f"({load['per_second']}/s), {load['errors']} errors; statuses {load['statuses']}")
    for kind, figures in load["latency"].items():
        print(f"  {kind:8} {figures['requests']:6} requests  "
              f"p50 {figures['p50_ms']} ms  p99 {figures['p99_ms']} ms")
    memory = load["memory_mb"]
    print(f"  memory (max, MB): master RSS {memory['master']['rss']} PSS {memory['master']['pss']}; workers "
          + ", ".join(f"RSS {w['rss']} PSS {w['pss']}" for w in memory["workers"]))
    print(f"Fault: SIGKILL to worker {fault['killed_pid']} during {fault['seconds']} s of load, "
          f"{fault['requests']} requests: {fault['failed']} failed {fault['failures']}; "
          f"replaced by {fault['replaced_by_pid']} after {fault['replaced_after_s']} s; "
          f"{fault['requests_after_kill']} sent after the kill, "
          f"all succeeded: {fault['all_after_kill_succeeded']}")
    print(f"Server log: {report['log_lines']} lines, marker found: {report['marker_in_log']}")
    for name, passed in report["checks"].items():
        print(f"  [{'ok' if passed else 'FAILED'}] {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120, help="length of the load phase (default 120)")
    parser.add_argument("--fault-seconds", type=float, default=30,
                        help="length of the fault phase (default 30)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="most requests per phase")
    parser.add_argument("--json", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    report = run(seconds=args.seconds, fault_seconds=args.fault_seconds, clients=args.clients,
                 workers=args.workers, max_requests=args.max_requests)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if all(report["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

"""The front's two waits on others: a client that does not read its answer, a worker slow to give one.

SEND_TIMEOUT_SECONDS (2 s here): a client asks for a comparison whose answer is about 5 MB of JSON
(make hostile's 3,600 articles flipped), far more than the socket buffers hold, then reads nothing.
nginx has the whole answer from the worker, which is free again (there is one here, and /v1/health
answers all along), and closes the connection about 2 s after its last write, the answer unfinished.
ANSWER_TIMEOUT_SECONDS (2 s here): a comparison that takes longer gets nginx's own 504, a
problem+json, in about 2 s, and nginx's log says the worker timed out.
Needs Debian's nginx (`make test-deps` installs it); without it the tests skip, except under CI.
"""

from __future__ import annotations

import json
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from test_edge_front import exchange, slow_request

from scripts.serve import find_nginx
from scripts.slow_clients import HOST, Server, get, probe, serving
from service.errors import edge_problem

if find_nginx() is None:
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is missing: make test-deps installs it", pytrace=False)
    pytest.skip("nginx is missing (apt-get install nginx-light, or make test-deps as root)", allow_module_level=True)

# The two settings under test, short enough to be waited for and far from their defaults (30 s, and
# REQUEST_DEADLINE_SECONDS + 10 s) and from nginx's own (60 s), so that a setting not passed on fails.
SEND_TIMEOUT = 2
ANSWER_TIMEOUT = 2
# What a loaded 2-core machine may add to a timeout of nginx's before the client sees it.
MARGIN = 5
CLOSED = select.POLLRDHUP | select.POLLHUP | select.POLLERR


@contextmanager
def front_with(*, workers: int = 2, **settings: object) -> Iterator[Server]:
    """`make serve` (scripts/serve.py) on a free port with these settings, as CONTRACTDIFF_* JSON values."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setenv(f"CONTRACTDIFF_{name}", json.dumps(value))
        with serving(front="nginx", workers=workers) as server:
            yield server


@pytest.fixture(scope="module")
def unread_front():
    """One worker, so that /v1/health answering while an answer waits shows it holds no worker; no
    deadline, so that the 5 MB comparison answers 200 however loaded the machine."""
    with front_with(workers=1, SEND_TIMEOUT_SECONDS=SEND_TIMEOUT, REQUEST_DEADLINE_SECONDS=0) as server:
        yield server


@pytest.fixture(scope="module")
def impatient_front():
    """The comparison's own deadline (5 s) comes after the front's wait, and frees the worker soon after."""
    with front_with(ANSWER_TIMEOUT_SECONDS=ANSWER_TIMEOUT, REQUEST_DEADLINE_SECONDS=5) as server:
        yield server


def wait_for(connection: socket.socket, events: int, seconds: float) -> int:
    """The first of ``events`` on the connection within ``seconds`` (0 if none), without reading it."""
    poller = select.poll()
    poller.register(connection, events)
    found = poller.poll(seconds * 1000)
    return found[0][1] if found else 0


def test_a_client_that_never_reads_its_answer_is_cut_off_after_send_timeout(unread_front):
    port = unread_front.port
    with socket.socket() as connection:
        # A small receive window, set before connecting: the kernel takes a few KB of the answer for us.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.settimeout(10)
        connection.connect((HOST, port))
        connection.sendall(slow_request("flipped, 3,600 articles"))
        assert wait_for(connection, select.POLLIN, 120), "no answer began within 120 s"
        answering = time.monotonic()
        head = connection.recv(4096, socket.MSG_PEEK)  # left unread: the client still reads nothing
        health: list = []
        until = answering + SEND_TIMEOUT + 2  # past the close
        prober = threading.Thread(target=lambda: health.extend(
            probe(port, until, 0.5, lambda: get(port, "/v1/health", timeout=MARGIN))))
        prober.start()
        closed = wait_for(connection, CLOSED, SEND_TIMEOUT + 60)
        seconds = time.monotonic() - answering
        prober.join(timeout=60)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in
                                                        head.partition(b"\r\n\r\n")[0].decode().split("\r\n")[1:])}
    assert head.startswith(b"HTTP/1.1 200 ") and int(headers["content-length"]) > 4_000_000, head[:300]
    assert closed and SEND_TIMEOUT - 1 <= seconds <= SEND_TIMEOUT + MARGIN, (closed, seconds)
    # Cut off: nginx was still waiting to write when it closed, the answer far from whole.
    assert len(received.partition(b"\r\n\r\n")[2]) < int(headers["content-length"]) // 10, len(received)
    assert len(health) >= 4 and all(status == 200 and took <= 2 for _, status, took in health), health
    assert get(port, "/v1/health", timeout=MARGIN)[0] == 200


def test_a_worker_slower_than_answer_timeout_gets_the_fronts_504_problem(impatient_front):
    started = time.monotonic()
    status, content_type, problem = exchange(impatient_front.port, slow_request(), wait=60)
    seconds = time.monotonic() - started
    assert (status, content_type) == (504, "application/problem+json"), (status, problem)
    assert problem == edge_problem(504) and problem["type"].endswith("/gateway-timeout")
    assert len(problem["detail"]) > 40
    assert ANSWER_TIMEOUT - 0.5 <= seconds <= ANSWER_TIMEOUT + MARGIN, seconds
    time.sleep(0.5)
    log = [json.loads(line) for line in impatient_front.log.read_text(encoding="utf-8").splitlines()
           if line.startswith("{")]
    assert any(entry.get("logger") == "nginx" and "upstream timed out" in entry["message"] for entry in log)
    assert get(impatient_front.port, "/v1/health", timeout=MARGIN)[0] == 200

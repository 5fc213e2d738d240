"""The front `make serve` starts (nginx before gunicorn) answers every error of its own as a problem.

Python's urllib reads the 413 of a 5 MB JSON body (the app's, naming MAX_CONTENT_LENGTH) and of a
20 MB one (nginx's, naming the largest body of any route); a header too large, a request line
that is not HTTP, a URL too long, a transfer coding nginx does not read, a path of nginx's own and
one connection more than MAX_CONNECTIONS_PER_CLIENT are problems too (with Japanese details when
the client's first language is Japanese), and so are the 500 of a
worker killed on its timeout (5 s here) and the 502 of workers killed while they hold a request
(replaced by gunicorn); headers or a body sent too slowly are cut off without an answer; no query
string reaches the log.
Needs Debian's nginx (`make test-deps` installs it); without it the tests skip, except under CI.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from scripts.serve import find_nginx
from scripts.slow_clients import HOST, serving

SECRET = "SECRETQUERY77"

if find_nginx() is None:
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is missing: make test-deps installs it", pytrace=False)
    pytest.skip("nginx is missing (apt-get install nginx-light, or make test-deps as root)", allow_module_level=True)


# gunicorn's worker timeout for this module (60 s in gunicorn.conf.py), short enough to be waited for.
WORKER_TIMEOUT = 5


@pytest.fixture(scope="module")
def front():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GUNICORN_CMD_ARGS", f"--timeout {WORKER_TIMEOUT}")
        with serving(front="nginx") as server:
            yield server


def refusal(port: int, size: int, **headers: str) -> tuple[int, dict, dict]:
    """POST ``size`` bytes of JSON with urllib; the refusal's status, headers and problem."""
    request = urllib.request.Request(f"http://{HOST}:{port}/v1/compare?author={SECRET}", data=b"{" * size,
                                     headers={"Content-Type": "application/json", **headers})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    with refused.value as answer:
        return answer.code, dict(answer.headers), json.loads(answer.read())


def post(port: int, size: int) -> tuple[int, str, dict]:
    """The refusal of ``size`` bytes of JSON: its status, content type and problem."""
    status, headers, problem = refusal(port, size)
    return status, headers["Content-Type"], problem


def exchange(port: int, data: bytes, *, wait: float = 10) -> tuple[int, str, dict]:
    with socket.create_connection((HOST, port), timeout=wait) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers["content-type"], json.loads(body)


def test_a_5_mb_json_body_gets_a_readable_413_naming_max_content_length(front):
    status, content_type, problem = post(front.port, 5_000_000)
    assert (status, content_type) == (413, "application/problem+json")
    assert "2,097,152 bytes" in problem["detail"] and "CONTRACTDIFF_MAX_CONTENT_LENGTH" in problem["detail"]


def test_a_20_mb_body_gets_the_fronts_413_naming_the_largest_body(front):
    status, content_type, problem = post(front.port, 20_000_000)
    assert (status, content_type) == (413, "application/problem+json")
    assert "10,485,760 bytes" in problem["detail"] and "CONTRACTDIFF_MAX_UPLOAD_BYTES" in problem["detail"]


def test_the_fronts_own_answers_come_in_japanese_when_asked(front):
    _, headers, english = refusal(front.port, 20_000_000)
    assert headers["Content-Language"] == "en"
    status, headers, problem = refusal(front.port, 20_000_000, **{"Accept-Language": "ja,en;q=0.8"})
    assert (status, headers["Content-Type"], headers["Content-Language"]) == (413, "application/problem+json", "ja")
    assert "10,485,760 バイト" in problem["detail"]
    assert {key: value for key, value in problem.items() if key != "detail"} == \
        {key: value for key, value in english.items() if key != "detail"}
    # nginx's own 404, the same way.
    answered, _, problem = exchange(front.port, b"GET /_problems/502 HTTP/1.1\r\nHost: x\r\n"
                                                b"Accept-Language: ja-JP\r\nConnection: close\r\n\r\n")
    assert answered == 404 and problem["type"].endswith("/not-found")
    assert any("\u3040" <= character <= "\u30ff" for character in problem["detail"])


@pytest.mark.parametrize("data, status, slug", [
    (b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n", 431, "headers-too-large"),
    (f"GARBAGE {SECRET}\r\n\r\n".encode(), 400, "bad-request"),
    (b"GET /_problems/502 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404, "not-found"),
    (b"GET /v1/health?" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 414,
     "uri-too-long"),
    (b"POST /v1/compare HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n", 501,
     "not-implemented"),
])
def test_the_fronts_own_answers_are_problems(front, data, status, slug):
    answered, content_type, problem = exchange(front.port, data)
    assert (answered, content_type, problem["status"]) == (status, "application/problem+json", status)
    assert problem["type"].endswith("/" + slug)


def test_past_max_connections_per_client_the_front_answers_429_too_many_connections(front):
    """64 connections (the default) whose bodies have not arrived yet; the 65th request is refused."""
    held = []
    try:
        for _ in range(64):
            connection = socket.create_connection((HOST, front.port), timeout=10)
            connection.sendall(b"POST /v1/compare HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               b"Content-Length: 100\r\n\r\n{")
            held.append(connection)
        time.sleep(0.5)
        answered, content_type, problem = exchange(
            front.port, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    finally:
        for connection in held:
            connection.close()
    assert (answered, content_type) == (429, "application/problem+json")
    assert problem["type"].endswith("/too-many-connections") and "MAX_CONNECTIONS_PER_CLIENT" in problem["detail"]
    time.sleep(0.5)
    assert exchange(front.port, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[0] == 200


def test_the_app_answers_through_the_front_with_its_own_problems(front):
    answered, content_type, problem = exchange(front.port, b"GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert (answered, content_type) == (404, "application/problem+json") and "instance" in problem


def gunicorn_workers(server) -> set[int]:
    """The workers of the gunicorn that ``make serve`` started (the child of serve.py that is not nginx)."""
    from scripts.load import children

    for pid in children(server.process.pid):
        if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return children(pid)
    return set()


def test_a_worker_killed_while_it_holds_a_request_is_a_502_problem_and_is_replaced(front):
    deadline = time.monotonic() + 60
    while len(workers := gunicorn_workers(front)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)  # a worker an earlier test had killed is being replaced
    assert len(workers) == 2
    with socket.create_connection((HOST, front.port), timeout=30) as connection:
        connection.sendall(slow_request())
        time.sleep(1.0)
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, problem = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 502") and b"application/problem+json" in head
    assert json.loads(problem)["type"].endswith("/bad-gateway")
    deadline = time.monotonic() + 60
    while len(gunicorn_workers(front) - workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert exchange(front.port, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[0] == 200


def slow_request(case_name: str = "consent dropped, 3,600 articles") -> bytes:
    """A comparison that keeps a worker busy for seconds: make hostile's heaviest case (3,600 articles
    whose consent was dropped: its pairing and its 400 parsed sentences take well past WORKER_TIMEOUT),
    or another of its cases by name."""
    from scripts.hostile import CASES, SEEDS, body, pair

    data = body(*pair(next(case for case in CASES if case.name == case_name), SEEDS))
    return (f"POST /v1/compare HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode() + data


def test_a_worker_killed_on_its_timeout_answers_500_through_the_front(front):
    """gunicorn answers for the worker it kills (tests/test_edge_gunicorn.py); nginx passes that on."""
    started = time.monotonic()
    answered, content_type, problem = exchange(front.port, slow_request(), wait=WORKER_TIMEOUT + 20)
    assert (answered, content_type) == (500, "application/problem+json")
    assert problem["type"].endswith("/internal-error") and time.monotonic() - started < WORKER_TIMEOUT + 10


def cut_off_after(port: int, data: bytes, results: dict, name: str) -> None:
    """Send ``data``, then nothing; how many seconds until the front closed, and what it sent back."""
    with socket.create_connection((HOST, port), timeout=60) as connection:
        connection.sendall(data)
        started, answer = time.monotonic(), b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
        results[name] = (time.monotonic() - started, answer)


def test_headers_and_bodies_sent_too_slowly_are_cut_off_without_an_answer(front):
    """HEADER_TIMEOUT_SECONDS for the whole headers, BODY_TIMEOUT_SECONDS between two reads of a body (10 s)."""
    import threading

    from scripts.serve import settings

    config = settings()
    results: dict = {}
    sends = {"headers": b"GET /v1/health HTTP/1.1\r\nHost: x\r\n",
             "body": b"POST /v1/compare HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{"}
    threads = [threading.Thread(target=cut_off_after, args=(front.port, data, results, name))
               for name, data in sends.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for name, timeout in (("headers", config["HEADER_TIMEOUT_SECONDS"]), ("body", config["BODY_TIMEOUT_SECONDS"])):
        seconds, answer = results[name]
        assert timeout - 1 <= seconds <= timeout + 5 and answer == b"", (name, seconds, answer[:200])


def test_no_query_string_reaches_the_log(front):
    post(front.port, 20_000_000)
    time.sleep(0.5)
    text = front.log.read_text(encoding="utf-8")
    assert "too large body" in text  # nginx's line about the refusal is there, without its request
    assert SECRET not in text and "?author" not in text

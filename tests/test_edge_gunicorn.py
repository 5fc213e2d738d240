"""gunicorn's own answers are problems, and its log never holds a request line, a query or a message.

gunicorn runs with the service's gunicorn.conf.py on a free port of 127.0.0.1, serving a small WSGI
app that fails the way a worker can: an error while the answer is written, and a request that
outlives the worker timeout (the worker is killed). The service's own app is not needed for that.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRET = "SECRETQUERY42"
FAULTY_APP = '''
import time


def app(environ, start_response):
    if environ["PATH_INFO"] == "/v1/health":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]
    if environ["PATH_INFO"] == "/slow":
        time.sleep(30)

    def answer():
        raise RuntimeError("a message quoting the contract: 秘密保持 SECRETTEXT42")
        yield b""

    start_response("200 OK", [("Content-Type", "text/plain")])
    return answer()
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def exchange(port: int, data: bytes, *, wait: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def problem(answer: bytes) -> tuple[int, str, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers["Content-Type"], json.loads(body)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    (folder / "faulty.py").write_text(FAULTY_APP)
    port = free_port()
    log = folder / "server.log"
    env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}", "WEB_CONCURRENCY": "1",
           "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
               "--timeout", "2", "faulty:app"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                exchange(port, b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", wait=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.2)
        yield port, log
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_an_error_while_answering_is_a_500_problem(server):
    port, _ = server
    answer = exchange(port, f"POST /v1/redline?format=docx&author={SECRET} HTTP/1.1\r\nHost: x\r\n"
                            "Content-Length: 0\r\n\r\n".encode())
    status, content_type, body = problem(answer)
    assert (status, content_type) == (500, "application/problem+json")
    assert body["type"].endswith("/internal-error") and SECRET not in answer.decode("latin-1")


def test_a_worker_killed_on_its_timeout_answers_a_500_problem(server):
    port, _ = server
    status, content_type, body = problem(exchange(port, f"GET /slow?author={SECRET} HTTP/1.1\r\nHost: x\r\n\r\n"
                                                        .encode(), wait=20))
    assert (status, content_type, body["status"]) == (500, "application/problem+json", 500)


def test_a_header_too_large_is_a_431_problem(server):
    port, _ = server
    status, content_type, body = problem(exchange(port, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: "
                                                        + b"a" * 9000 + b"\r\n\r\n"))
    assert (status, content_type) == (431, "application/problem+json")
    assert body["type"].endswith("/headers-too-large")


def test_a_request_line_that_is_not_http_is_a_400_problem(server):
    port, _ = server
    status, content_type, body = problem(exchange(port, f"GARBAGE {SECRET}\r\n\r\n".encode()))
    assert (status, content_type) == (400, "application/problem+json")
    assert SECRET not in json.dumps(body)


def test_a_request_line_too_long_is_a_414_problem(server):
    port, _ = server
    status, content_type, body = problem(exchange(port, f"GET /v1/health?author={SECRET}&x={'a' * 5000} HTTP/1.1"
                                                        "\r\nHost: x\r\n\r\n".encode()))
    assert (status, content_type) == (414, "application/problem+json")
    assert body["type"].endswith("/uri-too-long") and SECRET not in json.dumps(body)


def test_a_transfer_coding_gunicorn_does_not_read_is_a_400_problem(server):
    """nginx answers the same request 501 (tests/test_edge_front.py); gunicorn takes the header as invalid."""
    port, _ = server
    status, content_type, body = problem(exchange(port, b"POST /v1/compare HTTP/1.1\r\nHost: x\r\n"
                                                        b"Transfer-Encoding: gzip\r\n\r\n"))
    assert (status, content_type) == (400, "application/problem+json")
    assert body["type"].endswith("/bad-request")


def test_gunicorn_logs_no_request_line_no_query_and_no_message(server):
    port, log = server
    for data in (f"POST /v1/redline?format=docx&author={SECRET} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                 f"GARBAGE {SECRET}\r\n\r\n", f"GET /v1/{SECRET} HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * 9000}\r\n\r\n"):
        exchange(port, data.encode())
    time.sleep(0.5)
    text = log.read_text(encoding="utf-8")
    assert "Error handling request" in text and "Invalid request" in text
    assert SECRET not in text and "SECRETTEXT42" not in text and "?format" not in text
    for line in text.splitlines():
        json.loads(line)  # every line JSON

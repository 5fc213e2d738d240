"""``make serve``: nginx in front of gunicorn, so that a slow or careless client never holds a worker.

    python -m scripts.serve            # HOST (default 127.0.0.1), PORT (default 8000)
    SERVE_FRONT=none python -m scripts.serve    # gunicorn alone, as before

Why a buffering front: gunicorn's sync workers hold one connection each from its first byte to
its last. Two clients that send a header or a body one byte a second hold two workers for as long
as they like, and every other request waits (issue 13). nginx reads every request whole, headers
within HEADER_TIMEOUT_SECONDS and the body with at most BODY_TIMEOUT_SECONDS between two reads,
in memory, on one event loop where a slow connection costs a few kilobytes; only then does it hand
the request to a worker over a Unix socket, in milliseconds, and it takes the answer as fast as
the worker writes it. The workers stay sync, one per core, which suits CPU-bound comparisons.

Everything nginx answers itself (400, 408, 413, 414, 431, 429 for too many connections, 501 for a
transfer coding it does not read, 502 for a worker killed, 503, 504) is a problem+json from
:data:`service.errors.EDGE_PROBLEMS`; nginx keeps no access log (the app writes one line per
request) and its error lines are rewritten as JSON without the request line, the host or the
referrer, so no query string reaches the log. Bodies
stay in memory up to the largest the service reads, answers up to 16 MB: a contract never touches
the disk.

Without nginx (``SERVE_FRONT=none``, or no ``nginx`` found: ``apt-get install nginx-light``),
gunicorn serves HOST:PORT alone and the script says, in its first line, that slow clients can
then hold workers. ``make serve`` installs nginx first when it is missing and it runs as root.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
# Where Debian puts nginx; not on a non-root user's PATH.
NGINX_PLACES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
# Answers held in memory per request before nginx reads the worker no faster than the client reads.
ANSWER_BUFFERS = "256 64k"
# Seconds nginx waits for an answer beyond the deadline of the comparison itself, unless
# ANSWER_TIMEOUT_SECONDS sets the wait.
ANSWER_MARGIN_SECONDS = 10
# Seconds to wait for gunicorn to load the model and bind its socket.
STARTUP_SECONDS = 300
# nginx's statuses and the problem each is answered with; 494 is nginx's own code for a request
# whose headers are too large, which it would otherwise answer as a 400. Its 404 is only ever for
# the internal locations of these problems; the app's own errors pass through untouched.
FRONT_STATUSES = {400: 400, 404: 404, 408: 408, 413: 413, 414: 414, 429: 429, 494: 431, 500: 500, 501: 501,
                  502: 502, 503: 503, 504: 504}
# An nginx error line: "2026/01/02 10:00:00 [error] 12#12: *5 message, client: 1.2.3.4, server: …"
NGINX_LINE = re.compile(r"^\S+ \S+ \[(?P<level>\w+)\] (?P<pid>\d+)#\d+: (?:\*\d+ )?(?P<message>.*)$")
# What nginx appends to a message about a request: the client, then the request line, the
# upstream URL and the host, which carry the query string. Everything from here on is dropped.
REQUEST_CONTEXT = re.compile(r", (?:client|server|request|upstream|host|referrer): .*$")


def settings() -> dict[str, Any]:
    """The service's settings as the app will see them: defaults, then CONTRACTDIFF_* (JSON values)."""
    from flask import Config

    from service.config import Defaults

    config = Config(str(ROOT))
    config.from_object(Defaults)
    config.from_prefixed_env("CONTRACTDIFF")
    return dict(config)


def find_nginx() -> str | None:
    found = shutil.which("nginx")
    return found or next((place for place in NGINX_PLACES if os.access(place, os.X_OK)), None)


def nginx_config(*, host: str, port: int, socket_path: Path, folder: Path, config: Mapping[str, Any]) -> str:
    """nginx's whole configuration: one server on host:port buffering everything for the Unix socket."""
    from service.errors import edge_problem

    max_body = max(config["MAX_CONTENT_LENGTH"], config["MAX_UPLOAD_BYTES"])
    deadline = config["REQUEST_DEADLINE_SECONDS"]
    answer_timeout = config["ANSWER_TIMEOUT_SECONDS"] or (
        math.ceil(deadline) + ANSWER_MARGIN_SECONDS if deadline else 65)
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    problems = []
    for status, answer in FRONT_STATUSES.items():
        english, japanese = (_nginx_string(edge_problem(answer, max_body=max_body, language=language))
                             for language in ("en", "ja"))
        problems.append(f"""
        error_page {status} ={answer} /_problems/{status};
        location = /_problems/{status} {{
            internal;
            default_type application/problem+json;
            add_header X-Content-Type-Options nosniff always;
            add_header Cache-Control no-store always;
            add_header Content-Language $problem_language always;
            add_header Vary Accept-Language always;
            if ($problem_language = ja) {{ return {answer} '{japanese}'; }}
            return {answer} '{english}';
        }}""")
    user = "user www-data www-data;" if os.geteuid() == 0 else ""
    return f"""# Written by scripts/serve.py for this run; see its docstring for why each value.
{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    server_tokens off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;

    # Slow clients: the headers whole within this, the body with at most this between two reads,
    # the answer with at most this between two writes; a timed-out connection is reset and freed.
    client_header_timeout {config["HEADER_TIMEOUT_SECONDS"]}s;
    client_body_timeout {config["BODY_TIMEOUT_SECONDS"]}s;
    send_timeout {config["SEND_TIMEOUT_SECONDS"]}s;
    keepalive_timeout 15s;
    reset_timedout_connection on;
    limit_conn_zone $binary_remote_addr zone=per_client:1m;
    limit_conn per_client {config["MAX_CONNECTIONS_PER_CLIENT"]};
    limit_conn_status 429;
    limit_conn_log_level warn;

    # The largest body any route takes; in memory, never in a temporary file.
    client_max_body_size {max_body};
    client_body_buffer_size {max_body};
    client_header_buffer_size 4k;
    large_client_header_buffers 4 8k;

    # Answers in memory too; past the buffers nginx passes them on as the client reads.
    proxy_buffering on;
    proxy_buffer_size 64k;
    proxy_buffers {ANSWER_BUFFERS};
    proxy_busy_buffers_size 128k;
    proxy_max_temp_file_size 0;
    proxy_request_buffering on;
    proxy_connect_timeout 5s;
    proxy_send_timeout 30s;
    proxy_read_timeout {answer_timeout}s;

    # The language of the problems above: Japanese when the first language the client lists is
    # (ja, ja-JP), as the page sends it; nginx reads no quality values.
    map $http_accept_language $problem_language {{
        default en;
        "~*^\\s*ja(-[a-z0-9]+)?\\s*([,;]|$)" ja;
    }}

    upstream gunicorn {{ server unix:{socket_path}; }}

    server {{
        listen {listen};
        location / {{
            proxy_pass http://gunicorn;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
{"".join(problems)}
    }}
}}
"""


def _nginx_string(problem: Mapping[str, Any]) -> str:
    """A problem as JSON fit for a single-quoted nginx string: no quote or $ reaches it unescaped."""
    body = json.dumps(problem, ensure_ascii=False)
    return body.replace("\\", "\\\\").replace("'", "\\u0027").replace("$", "\\u0024")


def log(level: str, message: str, **fields: Any) -> None:
    """One JSON line on stderr, as the service writes its own."""
    entry = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), "level": level,
             "logger": "serve", "pid": os.getpid(), "message": message, **fields}
    print(json.dumps(entry, ensure_ascii=False), file=sys.stderr, flush=True)


def nginx_entry(line: str) -> dict[str, Any]:
    """An nginx error line as a JSON log entry, without the request it was about."""
    found = NGINX_LINE.match(line)
    if found is None:
        return {"level": "info", "logger": "nginx", "message": REQUEST_CONTEXT.sub("", line)}
    client = re.search(r", client: ([^,]+)", found["message"])
    entry = {"level": {"warn": "warning", "emerg": "critical", "alert": "critical", "crit": "critical"}
             .get(found["level"], found["level"]), "logger": "nginx", "pid": int(found["pid"]),
             "message": REQUEST_CONTEXT.sub("", found["message"])}
    if client:
        entry["client"] = client[1]
    return entry


def relay_nginx_log(stream: IO[bytes]) -> None:
    for raw in stream:
        entry = nginx_entry(raw.decode("utf-8", "replace").rstrip("\n"))
        entry = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), **entry}
        print(json.dumps(entry, ensure_ascii=False), file=sys.stderr, flush=True)


def gunicorn_command(bind: str) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--bind", bind]


def serve_alone(host: str, port: int, reason: str) -> int:
    log("warning", f"Serving with gunicorn alone on {host}:{port}: {reason}. Without the buffering front, "
                   "a client that sends slowly holds a worker until gunicorn's timeout; install nginx "
                   "(apt-get install nginx-light) for production.")
    os.execv(sys.executable, gunicorn_command(f"{host}:{port}"))
    return 1  # not reached


def serve_with_front(nginx: str, host: str, port: int) -> int:
    """gunicorn on a Unix socket, nginx on host:port; both stopped when either exits or on a signal."""
    config = settings()
    folder = Path(tempfile.mkdtemp(prefix="contractdiff-front-"))
    folder.chmod(0o755)  # nginx's workers (www-data under root) reach the socket through it
    socket_path = folder / "gunicorn.sock"
    (folder / "nginx.conf").write_text(nginx_config(host=host, port=port, socket_path=socket_path,
                                                    folder=folder, config=config))
    # The front sets X-Forwarded-For: one more proxy for the app to trust, so that the rate limit,
    # the failed-key throttle and the access log see the client.
    env = {**os.environ, "CONTRACTDIFF_TRUSTED_PROXIES": str(int(config["TRUSTED_PROXIES"]) + 1)}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        processes["gunicorn"] = subprocess.Popen(gunicorn_command(f"unix:{socket_path}"), cwd=ROOT, env=env)
        started = time.monotonic()
        while not socket_path.exists():
            if stopping.is_set() or processes["gunicorn"].poll() is not None:
                return processes["gunicorn"].wait()
            if time.monotonic() - started > STARTUP_SECONDS:
                log("error", f"gunicorn did not open its socket within {STARTUP_SECONDS} s")
                return 1
            time.sleep(0.1)
        processes["nginx"] = subprocess.Popen(
            [nginx, "-e", "stderr", "-p", str(folder), "-c", str(folder / "nginx.conf")],
            cwd=folder, stderr=subprocess.PIPE)
        threading.Thread(target=relay_nginx_log, args=(processes["nginx"].stderr,), daemon=True).start()
        log("info", f"Serving on http://{host}:{port}: nginx in front of gunicorn", front="nginx",
            timeouts={name: config[name] for name in ("HEADER_TIMEOUT_SECONDS", "BODY_TIMEOUT_SECONDS",
                                                      "SEND_TIMEOUT_SECONDS", "ANSWER_TIMEOUT_SECONDS",
                                                      "REQUEST_DEADLINE_SECONDS")})
        while not stopping.is_set():
            exited = [name for name, process in processes.items() if process.poll() is not None]
            if exited:
                log("error", f"{exited[0]} exited with status {processes[exited[0]].returncode}; stopping")
                return processes[exited[0]].returncode or 1
            stopping.wait(0.5)
        return 0
    finally:
        stop_all(processes)
        shutil.rmtree(folder, ignore_errors=True)


def stop_all(processes: Mapping[str, subprocess.Popen[bytes]]) -> None:
    """nginx stops at once (SIGTERM); gunicorn finishes the requests it holds (SIGTERM is graceful)."""
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    front = os.environ.get("SERVE_FRONT", "auto")
    if front == "none":
        return serve_alone(host, port, "SERVE_FRONT=none")
    nginx = find_nginx()
    if nginx is None:
        if front == "nginx":
            log("error", "SERVE_FRONT=nginx but no nginx was found (apt-get install nginx-light)")
            return 1
        return serve_alone(host, port, "nginx was not found")
    return serve_with_front(nginx, host, port)


if __name__ == "__main__":
    sys.exit(main())

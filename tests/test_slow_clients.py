"""Slow clients never hold a worker: `make serve`'s front (nginx before gunicorn) under 16 of them.

The script `scripts/slow_clients.py` (`make slow-clients`) as a test, for its full 20 s: 16
connections send one byte a second, half of them their headers, half a body, while /v1/health
answers within 1 s every 0.5 s and a comparison of seed 001 with a counter-draft within 5 s.
Needs Debian's nginx (`make test-deps` installs it); without it the test skips, except under CI.
"""

from __future__ import annotations

import os

import pytest

from scripts.serve import find_nginx
from scripts.slow_clients import run

CHECKS = [
    "every /v1/health answered 200 within 1 s",
    "every comparison answered 200 within 5 s",
    "16 slow connections were held for the whole run",
]

if find_nginx() is None:
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is missing: make test-deps installs it", pytrace=False)
    pytest.skip("nginx is missing (apt-get install nginx-light, or make test-deps as root)", allow_module_level=True)


@pytest.fixture(scope="module")
def report():
    return run(seconds=20, connections=16, front="nginx")


@pytest.mark.parametrize("check", CHECKS)
def test_the_service_answers_while_16_clients_send_one_byte_a_second(report, check):
    assert report["checks"][check], report


def test_every_check_of_the_script_is_a_test_here(report):
    assert list(report["checks"]) == CHECKS


def test_the_probes_were_real(report):
    assert report["health"]["requests"] >= 30 and report["compare"]["requests"] >= 8

"""A short `make load` as a test: gunicorn on 127.0.0.1 under 8 clients, then one worker killed mid-run.

The full run (two minutes, whose figures the README gives) is `make load`; this one takes about
25 seconds and checks the same things: no error under load, /metrics adding up the workers, the
kill costing only the request the worker held, the worker replaced, everything after it answered,
and the marker in every text absent from the server's whole log.
"""

from __future__ import annotations

import pytest

from scripts.load import run

CHECKS = [
    "no errors under load",
    "/metrics added up every worker's requests",
    "the kill lost at most the one request the worker held",
    "the lost request failed at once, without an answer",
    "the master replaced the worker",
    "every request sent after the kill succeeded",
    "the marker never reached the server's log",
]


@pytest.fixture(scope="module")
def report():
    return run(seconds=8, fault_seconds=10, clients=8, workers=2, max_requests=2_000)


@pytest.mark.parametrize("check", CHECKS)
def test_the_service_holds_under_load_and_a_killed_worker(report, check):
    assert report["checks"][check], report


def test_every_check_of_the_script_is_a_test_here(report):
    assert list(report["checks"]) == CHECKS


def test_the_load_was_real(report):
    assert report["load"]["requests"] >= 50 and report["fault"]["requests_after_kill"] >= 20

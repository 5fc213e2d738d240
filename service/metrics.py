"""Prometheus metrics at ``GET /metrics``: requests, latency and in-flight requests by route, documents.

Labels are route templates (``/v1/compare``), methods and statuses, never a path as sent, a name
or a text. Under gunicorn every worker writes its counts to ``PROMETHEUS_MULTIPROC_DIR`` (which
``gunicorn.conf.py`` creates when it is not set) and a scrape adds them up; without that variable
the app answers from its own registry (one process: tests, ``flask run``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from .logs import request_method

__all__ = ["MULTIPROCESS_DIR", "Metrics", "count_documents", "metrics_api", "register_metrics"]

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# From a health check (milliseconds) to a batch of fifty contracts (tens of seconds).
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# The label of a request that matched no route (404, 405): its path could be anything.
UNMATCHED = "unmatched"

metrics_api = Blueprint("metrics", __name__)


@dataclass(frozen=True, slots=True)
class Metrics:
    """The app's metrics, in a registry of their own so that two apps in one process do not clash."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    in_flight: Gauge
    documents: Counter

    @classmethod
    def create(cls) -> Metrics:
        registry = CollectorRegistry(auto_describe=True)
        return cls(
            registry=registry,
            requests=Counter("contractdiff_requests", "Requests answered", ["route", "method", "status"],
                             registry=registry),
            latency=Histogram("contractdiff_request_duration_seconds", "Time to answer a request",
                              ["route"], buckets=LATENCY_BUCKETS, registry=registry),
            # livesum: the sum over the workers alive, so a killed worker's requests do not stay counted.
            in_flight=Gauge("contractdiff_requests_in_flight", "Requests being answered", ["route"],
                            multiprocess_mode="livesum", registry=registry),
            documents=Counter("contractdiff_documents_compared", "Documents compared (two per comparison, "
                              "the documents of a drift check)", ["route"], registry=registry),
        )


def register_metrics(app: Flask) -> None:
    app.extensions["metrics"] = Metrics.create()
    app.before_request(_start)
    app.after_request(_count)
    app.teardown_request(_finish)
    app.register_blueprint(metrics_api)


@metrics_api.get("/metrics")
def metrics() -> ResponseReturnValue:
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = current_app.extensions["metrics"].registry
    return current_app.response_class(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def count_documents(count: int) -> None:
    """Add ``count`` documents compared by the current request."""
    current_app.extensions["metrics"].documents.labels(route()).inc(count)


def route() -> str:
    return request.url_rule.rule if request.url_rule else UNMATCHED


def _start() -> None:
    g.metrics_started = time.perf_counter()
    current_app.extensions["metrics"].in_flight.labels(route()).inc()


def _count(response: Response) -> Response:
    metrics: Metrics = current_app.extensions["metrics"]
    metrics.requests.labels(route(), request_method(), str(response.status_code)).inc()
    metrics.latency.labels(route()).observe(time.perf_counter() - g.metrics_started)
    return response


def _finish(error: BaseException | None) -> None:
    if "metrics_started" in g:
        current_app.extensions["metrics"].in_flight.labels(route()).dec()

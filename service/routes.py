"""The blueprint ``api``, mounted at ``/v1``: parse with a schema, call the library, dump with a schema."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app
from flask.typing import ResponseReturnValue

from nlp.budget import Budget
from nlp.compare import compare
from nlp.engine import Engine
from nlp.kept import Kept
from nlp.result import Comparison

from .body import check_has_text, check_text_limit
from .dump import dumper
from .errors import ModelNotLoaded
from .metrics import count_documents
from .ratelimit import count_work
from .schemas import CompareInput, CompareRequest, CompareResponse, HealthResponse, MetaSchema
from .uploads import COMPARE_OPTIONS, read_data

__all__ = ["OPENAPI_PATH", "api", "compare_request", "current_engine", "request_budget"]

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "api_spec" / "openapi.yaml"

api = Blueprint("api", __name__)


@api.post("/compare")
def compare_route() -> ResponseReturnValue:
    _, comparison = compare_request()
    return answer(comparison)


#: The answers written last, by their clauses: a comparison answered again from the library's
#: comparisons kept shares their tuple, so only its meta is dumped and written anew.
ANSWERS_KEPT = 8
_ANSWERS: Kept[bytes] = Kept(ANSWERS_KEPT)


def answer(comparison: Comparison) -> Response:
    """``CompareResponse`` as JSON: written whole, or its meta alone after the rest written before.

    The meta comes last in the schema, so the answer is the rest's JSON, its closing brace
    replaced by a comma, then the meta's ``"meta": {...}}``.
    """
    # Kept by the clauses' tuple; () is one tuple for every answer without clauses, so those are not.
    head = _ANSWERS.get((comparison.clauses,)) if comparison.clauses else None
    if head is not None:
        meta = dumper(MetaSchema)(comparison.meta)
    else:
        body = dumper(CompareResponse)(comparison)
        meta = body.pop("meta")
        head = _json(body).rstrip().removesuffix(b"}") + b","
        if comparison.clauses:
            _ANSWERS.put((comparison.clauses,), head)
    tail = _json({"meta": meta}).lstrip().removeprefix(b"{")
    return current_app.response_class(head + tail, mimetype=current_app.json.mimetype)


def _json(value: dict[str, Any]) -> bytes:
    """``value`` as the app's JSON provider writes an answer (compact, Japanese as it is)."""
    return current_app.json.response(value).get_data()


def compare_request(schema: type[CompareRequest] = CompareRequest,
                    json_fields: Collection[str] = ()) -> tuple[CompareInput, Comparison]:
    """The compare request (JSON, or uploaded files) loaded and checked, and the comparison it asks for.

    ``schema`` reads the body (a request with more fields than the comparison's); a form carries
    ``json_fields`` as JSON text.
    """
    config = current_app.config
    budget = request_budget()
    data = read_data(max_depth=config["MAX_JSON_DEPTH"], max_upload_bytes=config["MAX_UPLOAD_BYTES"],
                     documents=("original", "revised"), options=COMPARE_OPTIONS, json_fields=json_fields)
    request_data = schema().load(data)
    check_text_limit(request_data, limit=config["MAX_TEXT_CHARS"])
    check_has_text("The original text", request_data.original.text)
    check_has_text("The revised text", request_data.revised.text)
    engine = current_engine()
    count_documents(2)
    # Charged to the caller's rate limit once answered: the characters, and the sentences the
    # comparison parses (read from the budget then, so a comparison stopped at its deadline pays too).
    count_work(characters=len(request_data.original.text) + len(request_data.revised.text), budget=budget)
    # The one place a request's budget meets the comparison: the comparison loop's
    # ``budget.check()`` stops a long comparison with DeadlineExceeded (a 503 problem).
    budget.check("reading the request")
    with engine.memory_zone():
        comparison = compare(
            request_data.original.text, request_data.revised.text, engine=engine,
            options=request_data.options, budget=budget,
        )
    return request_data, replace(comparison, meta=response_meta(comparison.meta, engine, request_data))


def request_budget() -> Budget:
    """The budget of this request's comparison: REQUEST_DEADLINE_SECONDS from now, reading included."""
    return Budget.within(current_app.config["REQUEST_DEADLINE_SECONDS"])


@api.get("/health")
def health() -> ResponseReturnValue:
    engine = current_engine()
    return HealthResponse().dump(
        {"status": "ok", "model": engine.name, "model_version": engine.version, "model_loaded": True}
    )


@api.get("/openapi.yaml")
def openapi() -> ResponseReturnValue:
    return current_app.response_class(OPENAPI_PATH.read_bytes(), mimetype="application/yaml")


def current_engine() -> Engine:
    """The engine the app was created with (``app.extensions["engine"]``)."""
    engine = current_app.extensions.get("engine")
    if engine is None:
        raise ModelNotLoaded(
            "This instance was started without a model (CONTRACTDIFF_LOAD_MODEL_AT_START is false)."
        )
    return engine


def response_meta(
    library_meta: dict[str, object], engine: Engine, request_data: CompareInput
) -> dict[str, Any]:
    """The library's meta (elapsed_ms), the model that answered and the names the request gave."""
    names = {
        f"{side}_name": document.name
        for side, document in (("original", request_data.original), ("revised", request_data.revised))
        if document.name is not None
    }
    return {**library_meta, "model": engine.name, "model_version": engine.version, **names}

"""A deadline per request: a comparison that runs out of time stops with a 503 problem and Retry-After."""

from __future__ import annotations

import pytest

from nlp.budget import MAX_ASSIGNMENT_CELLS, MAX_SENTENCES_PARSED, Budget
from nlp.errors import ContractDiffError, DeadlineExceeded
from service import create_app
from tests.conftest import dev_text, seed_text


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_check_passes_before_the_deadline_and_raises_after_it():
    clock = Clock()
    budget = Budget.within(20, clock=clock)
    clock.now += 19.9
    budget.check()
    clock.now += 0.1
    with pytest.raises(DeadlineExceeded, match="while pairing articles"):
        budget.check("pairing articles")


def test_deadline_exceeded_is_an_error_of_the_library():
    assert issubclass(DeadlineExceeded, ContractDiffError)


def test_the_library_exports_the_budget_and_its_error():
    import nlp

    assert nlp.Budget is Budget and nlp.DeadlineExceeded is DeadlineExceeded
    assert {"Budget", "DeadlineExceeded", "DocumentLimitExceeded"} <= set(nlp.__all__)


def test_a_budget_without_seconds_never_runs_out():
    budget = Budget.within(None)
    budget.check()
    assert budget.remaining() == float("inf") and Budget.within(0).deadline is None


def test_remaining_counts_down_in_monotonic_time():
    clock = Clock()
    budget = Budget.within(5, clock=clock)
    clock.now += 2
    assert budget.remaining() == pytest.approx(3)


def test_sentences_are_counted_until_the_limit_and_then_refused():
    budget = Budget(max_sentences=10)
    assert budget.parse_sentences(6) and budget.parse_sentences(4)
    assert not budget.parse_sentences(1)
    assert budget.sentences == 10 and budget.degraded == {"sentences"}


def test_an_assignment_larger_than_the_limit_is_refused_and_remembered():
    budget = Budget(max_assignment_cells=100)
    assert budget.assignment(10, 10)
    assert not budget.assignment(10, 11)
    assert budget.meta() == {"sentences_parsed": 0, "largest_assignment": 110, "degraded": ["assignment"]}


def test_the_default_limits_are_the_documented_ones():
    budget = Budget()
    assert (budget.max_sentences, budget.max_assignment_cells) == (MAX_SENTENCES_PARSED, MAX_ASSIGNMENT_CELLS)
    assert (MAX_SENTENCES_PARSED, MAX_ASSIGNMENT_CELLS) == (400, 1_000_000)


# The service ---------------------------------------------------------------------------------


@pytest.fixture
def deadline_app(engine):
    def make(seconds):
        app = create_app({"TESTING": True, "LOAD_MODEL_AT_START": False, "RATE_LIMIT": "",
                          "REQUEST_DEADLINE_SECONDS": seconds})
        app.extensions["engine"] = engine
        return app
    return make


PAIR = {"original": {"text": seed_text("000")}, "revised": {"text": dev_text("000_counter_otsu")}}


def test_the_default_deadline_is_20_seconds(app):
    assert app.config["REQUEST_DEADLINE_SECONDS"] == 20


def test_a_comparison_past_its_deadline_answers_503_with_retry_after(deadline_app):
    response = deadline_app(1e-9).test_client().post("/v1/compare", json=PAIR)
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "1"
    problem = response.get_json()
    assert problem["type"].endswith("/deadline-exceeded")
    assert "CONTRACTDIFF_REQUEST_DEADLINE_SECONDS" in problem["detail"]


def test_deadline_exceeded_raised_inside_the_comparison_is_the_same_503(deadline_app, monkeypatch):
    """Where the comparison loop will call budget.check(): the error it raises reaches the client so."""
    def runs_out(*args, **kwargs):
        raise DeadlineExceeded("The comparison ran out of time while pairing articles.")

    monkeypatch.setattr("service.routes.compare", runs_out)
    response = deadline_app(20).test_client().post("/v1/compare", json=PAIR)
    assert (response.status_code, response.headers["Retry-After"]) == (503, "20")
    assert response.get_json()["detail"].startswith("The comparison ran out of time while pairing articles.")


def test_a_comparison_within_its_deadline_answers_as_usual(deadline_app):
    assert deadline_app(20).test_client().post("/v1/compare", json=PAIR).status_code == 200


def test_each_request_gets_a_budget_of_its_own(deadline_app):
    with deadline_app(20).test_request_context():
        from service.routes import request_budget

        first, second = request_budget(), request_budget()
    assert first is not second and 19 < first.remaining() <= 20
    assert first.sentences == 0 and first.degraded == set()


def test_the_comparison_loop_stops_at_the_deadline(engine):
    from conftest import dev_text
    from nlp.compare import compare, forget_comparisons

    forget_comparisons()  # compared afresh, not answered from an earlier test's comparison
    ticks = iter(range(1_000))
    # A clock that moves one second a reading: the deadline of 3 s passes inside the comparison.
    budget = Budget.within(3, clock=lambda: float(next(ticks)))
    with pytest.raises(DeadlineExceeded, match="ran out of time while"):
        compare(dev_text("000_original"), dev_text("000_counter_otsu"), engine=engine, budget=budget)


# Drift: one budget for the whole batch of a request.

DRIFT = {"template": {"text": seed_text("000")},
         "documents": [{"text": dev_text("000_counter_otsu"), "name": "a"}, {"text": seed_text("000"), "name": "b"}]}


def test_a_drift_check_past_its_deadline_answers_503_not_an_error_per_document(deadline_app):
    response = deadline_app(1e-9).test_client().post("/v1/drift", json=DRIFT)
    assert (response.status_code, response.mimetype) == (503, "application/problem+json")
    assert response.get_json()["type"].endswith("/deadline-exceeded")


def test_the_documents_of_a_drift_check_share_its_budget(engine):
    from nlp.budget import Budget
    from nlp.drift import drift_each
    from nlp.structure import parse

    budget = Budget()
    documents = [(d["name"], d["text"]) for d in DRIFT["documents"]]
    results = list(drift_each(parse(seed_text("000")), documents, engine=engine, budget=budget))
    assert [r.error for r in results] == [None, None]
    assert budget.largest_assignment >= len(parse(seed_text("000")).articles) ** 2


def test_the_sentences_a_comparison_may_parse_grow_with_the_longer_text():
    from nlp.budget import MAX_SENTENCES_PARSED, MIN_SENTENCES_PARSED, Budget

    short, ten_thousand, long = Budget(), Budget(), Budget()
    short.fit_parsing(2_000)
    ten_thousand.fit_parsing(10_000)
    long.fit_parsing(186_000)
    assert (short.max_sentences, ten_thousand.max_sentences, long.max_sentences) == (
        MIN_SENTENCES_PARSED, 100, MAX_SENTENCES_PARSED)


def test_a_ten_thousand_character_contract_rewritten_throughout_parses_its_share(engine):
    from nlp.compare import compare, forget_comparisons
    from scripts.hostile import CASES, SEEDS, pair

    case = next(case for case in CASES if case.name == "consent dropped, 189 articles")
    original, revised = pair(case, SEEDS)
    forget_comparisons()
    budget = compare(original, revised, engine=engine).meta["budget"]
    assert (budget["sentences_parsed"], budget["degraded"]) == (100, ["sentences"])

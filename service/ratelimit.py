"""Rate limiting with flask-limiter: one budget per caller, charged by what it sends and the work it caused.

A caller is its API key when it sent a valid one, else its address. Each request to a route that
reads contracts costs one unit per :data:`BYTES_PER_UNIT` bytes of body, at least one, charged
before the body is read. Once the request is answered, the work it caused is charged on top
(:func:`charge_work`): the characters compared beyond what the body paid for, one unit per
:data:`CHARS_PER_UNIT` (a drift check compares the template with every document; a .docx
carries more text than its bytes), and the sentences GiNZA parsed, one unit per setting
RATE_LIMIT_SENTENCES_PER_UNIT. So a batch of fifty contracts costs what fifty single comparisons
do, and a comparison that made the parser read hundreds of sentences costs what its time is
worth, not what its ten thousand characters weigh. The open routes cost nothing. Counts live in
memory (per worker process) or in Redis (shared by every worker and instance); if Redis cannot
be reached, each worker falls back to counting in memory and says so in the log.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter
from limits import parse_many

from nlp.budget import Budget

from .auth import OPEN_ENDPOINTS
from .uploads import FORM

__all__ = ["BYTES_PER_UNIT", "CHARS_PER_UNIT", "Work", "caller", "charge_work", "cost", "count_work",
           "register_rate_limit", "work_cost"]

log = logging.getLogger(__name__)

# About 10,000 characters of Japanese in UTF-8 (3 bytes each): a short contract costs 1 unit, a
# long one 2 or 3, and a batch of 50 drift documents around 50.
BYTES_PER_UNIT = 30_000
# The characters a unit of body stands for, which a request that compares more pays for after.
CHARS_PER_UNIT = 10_000


@dataclass(slots=True)
class Work:
    """What a request asked of the library: characters compared, and the budgets of its comparisons."""

    characters: int = 0
    budgets: list[Budget] = field(default_factory=list)

    @property
    def sentences(self) -> int:
        """Sentences parsed so far (a budget counts only those not already parsed in this process)."""
        return sum(budget.sentences for budget in self.budgets)


def register_rate_limit(app: Flask) -> None:
    """Limit the routes that read contracts to the setting RATE_LIMIT per caller; nothing when it is empty."""
    limit = app.config["RATE_LIMIT"]
    if not limit:
        return
    parse_many(limit)  # a typo in the setting fails at start, not at the first request
    limiter = Limiter(
        caller,
        application_limits=[ApplicationLimit(limit_provider=limit, cost=cost, exempt_when=is_open,
                                             error_message=breach_message)],
        storage_uri=app.config["RATE_LIMIT_STORAGE_URI"],
        strategy="moving-window",
        headers_enabled=True,
        in_memory_fallback_enabled=True,
        key_prefix="contractdiff",
    )
    # Registered before the limiter's own hook, so it runs after it: flask-limiter puts Retry-After
    # on every limited answer, which only means something on a refusal.
    app.after_request(_retry_after_only_on_refusal)
    limiter.init_app(app)
    # Registered after the limiter's hook, so it runs before it: the X-RateLimit-Remaining of
    # the answer already counts the work charged after it.
    per_unit = app.config["RATE_LIMIT_SENTENCES_PER_UNIT"]
    if isinstance(per_unit, bool) or not isinstance(per_unit, int) or per_unit < 0:
        raise ValueError(f"RATE_LIMIT_SENTENCES_PER_UNIT must be a whole number, 0 or more, not {per_unit!r}")

    @app.after_request
    def charge(response: Response) -> Response:
        charge_work(limiter)
        return response


def caller() -> str:
    """Whom a request is counted against: its valid API key (by its id), else its address."""
    key = g.get("api_key_id")
    return f"key:{key}" if key else f"address:{request.remote_addr or 'unknown'}"


def cost() -> int:
    """Units a request costs: its body's size, read from Content-Length before the body is read.

    A body sent without a length (chunked) is charged as the largest body the route allows,
    since reading it to learn its size is the work the limit is there to bound.
    """
    length = request.content_length
    if length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        config = current_app.config
        length = config["MAX_UPLOAD_BYTES"] if request.mimetype == FORM else config["MAX_CONTENT_LENGTH"]
    return max(1, math.ceil((length or 0) / BYTES_PER_UNIT))


def count_work(*, characters: int = 0, budget: Budget | None = None) -> Work:
    """Note work a request asks of the library, to be charged once it is answered.

    ``budget`` is read then, not now: the sentences it counts while the comparison runs are charged,
    also when the comparison stops at its deadline.
    """
    work = g.get("work")
    if work is None:
        work = g.work = Work()
    work.characters += characters
    if budget is not None:
        work.budgets.append(budget)
    return work


def work_cost(work: Work, *, paid: int, sentences_per_unit: int) -> int:
    """Units the work costs beyond the ``paid`` units charged for the body before it was read.

    Characters compared cost one unit per :data:`CHARS_PER_UNIT`, of which the body's charge has
    paid ``paid``; sentences parsed cost one unit per ``sentences_per_unit`` begun (0: nothing).
    """
    characters = max(0, math.ceil(work.characters / CHARS_PER_UNIT) - paid)
    sentences = math.ceil(work.sentences / sentences_per_unit) if sentences_per_unit else 0
    return characters + sentences


def charge_work(limiter: Limiter) -> int:
    """Charge the work of the request just answered to its caller's budget; the units charged.

    A charge is capped at what the caller has left in each limit, since a charge that does not fit
    would not be counted at all: the budget is then spent, and the next request is refused.
    """
    work = g.get("work")
    if work is None or is_open():
        return 0
    per_unit = current_app.config["RATE_LIMIT_SENTENCES_PER_UNIT"]
    units = work_cost(work, paid=cost(), sentences_per_unit=per_unit)
    if units <= 0:
        return 0
    charged = 0
    try:
        for limit in limiter.current_limits:
            if limit.breached:
                continue
            _, left = limiter.limiter.get_window_stats(limit.limit, *limit.request_args)
            amount = min(units, left)
            if amount > 0 and limiter.limiter.hit(limit.limit, *limit.request_args, cost=amount):
                charged = max(charged, amount)
    except Exception as error:  # noqa: BLE001 - the answer is made; a storage fault must not replace it
        log.warning("Could not charge the work of a request to the rate limit",
                    extra={"fields": {"error": type(error).__name__}})
    g.work_charged = charged
    return charged


def is_open() -> bool:
    return request.endpoint is None or request.endpoint in OPEN_ENDPOINTS


def _retry_after_only_on_refusal(response: Response) -> Response:
    if response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def breach_message() -> str:
    return (f"This caller has used up its rate limit of {current_app.config['RATE_LIMIT']} "
            f"(one unit per {BYTES_PER_UNIT:,} bytes of body, and for the work done: one per "
            f"{CHARS_PER_UNIT:,} characters compared, one per "
            f"{current_app.config['RATE_LIMIT_SENTENCES_PER_UNIT']} sentences parsed). "
            "Retry after the seconds in Retry-After.")

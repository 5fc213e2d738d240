"""What one comparison may spend: a deadline, and counts of the expensive steps with their limits.

A :class:`Budget` is made by whoever starts the work (the service, per request, from the setting
REQUEST_DEADLINE_SECONDS; a batch run, per document) and passed down. The loops that can run
long call :meth:`Budget.check` between steps, which raises :class:`~nlp.errors.DeadlineExceeded`
once the deadline has passed, so that the work stops cleanly instead of being killed. The two
steps whose cost grows fastest ask before they run: :meth:`Budget.parse_sentences` (GiNZA, some
milliseconds a sentence) and :meth:`Budget.assignment` (an n × m assignment problem, cubic time).
When either says no, the caller takes its cheaper path and the budget remembers it in
:attr:`Budget.degraded`, which the comparison reports in ``meta``.

    budget = Budget.within(20)
    for pair in pairs:
        budget.check()
        if budget.parse_sentences(len(changed)):
            ...  # parse them with GiNZA
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import DeadlineExceeded

__all__ = ["MAX_ASSIGNMENT_CELLS", "MAX_SENTENCES_PARSED", "Budget"]

#: Sentences one comparison may send to GiNZA. At 5 to 25 ms each on one core, 400 sentences is
#: 2 to 10 s: the most a 10,000-character contract whose every sentence changed needs, and about
#: the deadline's share of a contract at the size limit.
MAX_SENTENCES_PARSED = 400

#: Characters of the longer document per sentence it may have parsed, and the fewest it may: a
#: 10,000-character contract parses at most 100 sentences (about a second), so that rewriting every
#: sentence of a short text cannot cost as much as the longest contract does; from 40,000
#: characters on, the limit is MAX_SENTENCES_PARSED.
CHARS_PER_PARSED_SENTENCE = 100
MIN_SENTENCES_PARSED = 100
#: Cells (rows × columns) of the largest assignment problem solved exactly. scipy's solver takes
#: about 0.1 s for 1,000 × 1,000 and grows with the cube; beyond it the aligner pairs greedily.
MAX_ASSIGNMENT_CELLS = 1_000_000


@dataclass(slots=True)
class Budget:
    """A deadline in :func:`time.monotonic` seconds (``None``: none), and what has been spent so far."""

    deadline: float | None = None
    max_sentences: int = MAX_SENTENCES_PARSED
    max_assignment_cells: int = MAX_ASSIGNMENT_CELLS
    clock: Callable[[], float] = time.monotonic
    #: Sentences parsed so far.
    sentences: int = 0
    #: The largest assignment problem asked for so far, in cells.
    largest_assignment: int = 0
    #: The steps that took their cheaper path because a limit was reached ("sentences", "assignment").
    degraded: set[str] = field(default_factory=set)

    @classmethod
    def within(cls, seconds: float | None, *, clock: Callable[[], float] = time.monotonic,
               **limits: int) -> Budget:
        """A budget whose deadline is ``seconds`` from now (``None`` or ``0``: no deadline)."""
        deadline = clock() + seconds if seconds else None
        return cls(deadline=deadline, clock=clock, **limits)

    def remaining(self) -> float:
        """Seconds left before the deadline (``inf`` without one; negative once it has passed)."""
        return math.inf if self.deadline is None else self.deadline - self.clock()

    def check(self, step: str = "comparing") -> None:
        """Raise :class:`DeadlineExceeded` once the deadline has passed; ``step`` says where."""
        if self.deadline is not None and self.clock() >= self.deadline:
            raise DeadlineExceeded(f"The comparison ran out of time while {step}.")

    def fit_parsing(self, characters: int) -> None:
        """Lower the sentences this comparison may parse to what a text of ``characters`` warrants."""
        warranted = max(MIN_SENTENCES_PARSED, -(-characters // CHARS_PER_PARSED_SENTENCE))
        self.max_sentences = min(self.max_sentences, warranted)

    def can_parse(self, count: int) -> bool:
        """Whether ``count`` more sentences fit under the limit; nothing is counted or remembered."""
        return self.sentences + count <= self.max_sentences

    def parse_sentences(self, count: int) -> bool:
        """Count ``count`` sentences to parse; ``False``, counting none, if that would pass the limit."""
        if self.sentences + count > self.max_sentences:
            self.degraded.add("sentences")
            return False
        self.sentences += count
        return True

    def assignment(self, rows: int, columns: int) -> bool:
        """Whether an assignment problem of ``rows`` × ``columns`` may be solved exactly."""
        cells = rows * columns
        self.largest_assignment = max(self.largest_assignment, cells)
        if cells > self.max_assignment_cells:
            self.degraded.add("assignment")
            return False
        return True

    def meta(self) -> dict[str, object]:
        """What was spent, for a comparison's ``meta``: counts, and the limits that were reached."""
        return {"sentences_parsed": self.sentences, "largest_assignment": self.largest_assignment,
                "degraded": sorted(self.degraded)}

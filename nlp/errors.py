"""The small tree of errors the library raises; the service maps each to one HTTP status."""

from __future__ import annotations

__all__ = [
    "ContractDiffError",
    "DeadlineExceeded",
    "DocumentLimitExceeded",
    "EmptyDocument",
    "InputTooLarge",
    "InvalidDecision",
    "InvalidPairing",
    "InvalidText",
    "UnreadableDocument",
]


class ContractDiffError(Exception):
    """Base of every error the library raises."""


class InputTooLarge(ContractDiffError):
    """A text or a document is over a configured limit."""


class InvalidText(ContractDiffError):
    """A text that cannot be read as Unicode text (lone surrogates, for instance)."""


class EmptyDocument(ContractDiffError):
    """A text with nothing to compare in it."""


class UnreadableDocument(ContractDiffError):
    """A file that cannot be read as a contract (corrupt, encrypted, unsupported)."""


class DocumentLimitExceeded(UnreadableDocument):
    """A file over one of the bounds of :class:`~nlp.documents.DocumentLimits` that a deployment may raise.

    ``limit`` names the field (``max_pdf_pages``), so the caller can say which setting raises it.
    """

    def __init__(self, message: str, limit: str = "") -> None:
        super().__init__(message, limit)  # both in args, so the error pickles (batch workers)
        self.limit = limit

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidPairing(ContractDiffError):
    """A pair or an unpaired article set by hand (``Options.pairs``) that the documents do not allow."""


class InvalidDecision(ContractDiffError):
    """A reader's decision for the merged draft naming a row the comparison does not have, or a row twice."""


class DeadlineExceeded(ContractDiffError):
    """The work ran past the deadline of its :class:`~nlp.budget.Budget` and was stopped."""

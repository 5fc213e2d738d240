"""Compare Japanese contracts: structure, alignment, redline and structured differences.

Plain functions and frozen dataclasses, no web framework: call them from a test,
the command line, the HTTP service or a batch worker alike.
"""

from .budget import Budget
from .compare import Options, compare, compare_contracts
from .drift import Aggregate, DocumentDrift, aggregate, drift_one
from .engine import Engine, load_engine
from .errors import (
    ContractDiffError,
    DeadlineExceeded,
    DocumentLimitExceeded,
    EmptyDocument,
    InputTooLarge,
    InvalidText,
    UnreadableDocument,
)
from .model import Article, Contract, Item, Paragraph, Span
from .result import Change, Clause, ClauseRef, Comparison, Direction, Op, Segment, Status, Summary, TermValue
from .structure import parse
from .terms import extract_terms

__all__ = [
    "Aggregate",
    "Article",
    "Budget",
    "Change",
    "Clause",
    "ClauseRef",
    "Comparison",
    "Contract",
    "ContractDiffError",
    "DeadlineExceeded",
    "Direction",
    "DocumentDrift",
    "DocumentLimitExceeded",
    "EmptyDocument",
    "Engine",
    "InputTooLarge",
    "InvalidText",
    "Item",
    "Op",
    "Options",
    "Paragraph",
    "Segment",
    "Span",
    "Status",
    "Summary",
    "TermValue",
    "UnreadableDocument",
    "aggregate",
    "compare",
    "compare_contracts",
    "drift_one",
    "extract_terms",
    "load_engine",
    "parse",
]

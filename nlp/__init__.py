"""Compare Japanese contracts: structure, alignment, redline and structured differences.

Plain functions and frozen dataclasses, no web framework: call them from a test,
the command line, the HTTP service or a batch worker alike.
"""

from .compare import Options, compare, compare_contracts
from .engine import Engine, load_engine
from .errors import ContractDiffError, EmptyDocument, InputTooLarge, InvalidText, UnreadableDocument
from .model import Article, Contract, Item, Paragraph, Span
from .result import Change, Clause, ClauseRef, Comparison, Direction, Op, Segment, Status, Summary, TermValue
from .structure import parse
from .terms import extract_terms

__all__ = [
    "Article",
    "Change",
    "Clause",
    "ClauseRef",
    "Comparison",
    "Contract",
    "ContractDiffError",
    "Direction",
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
    "compare",
    "compare_contracts",
    "extract_terms",
    "load_engine",
    "parse",
]

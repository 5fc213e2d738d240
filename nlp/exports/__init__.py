"""What a negotiator takes away from a comparison: Word tracked changes, a 新旧対照表, a redline
page and a ledger of the changes.

``export(Format.DOCX, comparison, original, revised, author=…)`` returns the file's bytes, its
media type and a file name. Each format is one entry of :data:`EXPORTERS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..result import Comparison
from .decisions import Decision, Decisions, InvalidDecision, Verdict
from .draft import Draft
from .htmlpage import redline_page
from .ledger import ledger_csv, ledger_xlsx
from .shinkyu import shinkyu
from .tracked import tracked_changes

__all__ = ["EXPORTERS", "Decision", "Draft", "Export", "Exporter", "Format", "InvalidDecision", "Verdict",
           "export"]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Characters no file system takes in a name, and the longest stem kept from a document's name.
UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_STEM_CHARS = 60


class Format(StrEnum):
    DOCX = "docx"          # the revised contract with Word tracked changes
    SHINKYU = "shinkyu"    # 新旧対照表 as .docx
    HTML = "html"          # a standalone redline page
    XLSX = "xlsx"          # the changes ledger as a workbook
    CSV = "csv"            # the changes ledger as CSV


Render = Callable[..., bytes]


@dataclass(frozen=True, slots=True)
class Exporter:
    render: Render          # (comparison, original, revised, *, author, date) -> bytes
    media_type: str
    suffix: str             # ends the file name: "_変更履歴.docx"


EXPORTERS: dict[Format, Exporter] = {
    Format.DOCX: Exporter(tracked_changes, DOCX_TYPE, "_変更履歴.docx"),
    Format.SHINKYU: Exporter(shinkyu, DOCX_TYPE, "_新旧対照表.docx"),
    Format.HTML: Exporter(redline_page, "text/html; charset=utf-8", "_比較結果.html"),
    Format.XLSX: Exporter(ledger_xlsx, XLSX_TYPE, "_変更一覧.xlsx"),
    Format.CSV: Exporter(ledger_csv, "text/csv; charset=utf-8", "_変更一覧.csv"),
}


@dataclass(frozen=True, slots=True)
class Export:
    """A file to hand over: its bytes, media type and a name to save it under."""

    content: bytes
    media_type: str
    filename: str


# The merged draft's name ends so: the decisions are in it, it is no plain redline.
MERGED_SUFFIX = "_判断反映.docx"


def export(format: Format, comparison: Comparison, original: Draft, revised: Draft, *,
           author: str, date: datetime | None = None, decisions: Sequence[Decision] = ()) -> Export:
    """The comparison as a file of ``format``, named after the revised document.

    ``decisions`` (Word only) make it the merged draft: see :mod:`.decisions`. Raises
    :class:`InvalidDecision` for a decision naming no row, a row decided twice, or another format.
    """
    exporter = EXPORTERS[Format(format)]
    if not decisions:
        content = exporter.render(comparison, original, revised, author=author, date=date)
        return Export(content, exporter.media_type, file_stem(revised.name) + exporter.suffix)
    if Format(format) != Format.DOCX:
        raise InvalidDecision("Decisions make the merged draft, a Word file: send them with format=docx "
                              f"(this request asked for format={Format(format).value}).")
    content = tracked_changes(comparison, original, revised, author=author, date=date,
                              decisions=Decisions(comparison, decisions))
    return Export(content, exporter.media_type, file_stem(revised.name) + MERGED_SUFFIX)


def file_stem(name: str | None) -> str:
    """A file name's stem from a document's name: 乙修正案.docx → 乙修正案; none → contract."""
    stem = re.sub(r"\.(docx|txt|doc)$", "", name or "", flags=re.IGNORECASE)
    stem = UNSAFE_IN_NAME.sub("_", stem).strip(" ._")[:MAX_STEM_CHARS]
    return stem or "contract"

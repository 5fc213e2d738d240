"""Cells a spreadsheet reads as text, never as a formula (CSV injection), for every CSV we write.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as
a formula (``=HYPERLINK(…)`` leaks data when clicked, ``@SUM(…)`` runs on open), and a tab or
carriage return in front of one of them does not stop them. A leading apostrophe makes the cell
text: the spreadsheet shows the value and hides the apostrophe. Numbers are written as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

__all__ = ["FORMULA_STARTS", "SafeWriter", "safe_cell"]

#: What a spreadsheet reads as the start of a formula (OWASP's list, and a line feed).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> object:
    """``value`` as a cell: a string that could start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """:func:`csv.writer` whose every string cell goes through :func:`safe_cell`."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)

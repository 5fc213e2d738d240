"""The changes as a ledger (変更一覧) for a contract register: .xlsx and CSV, one row per change."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

import xlsxwriter

from ..result import Comparison
from .csvsafe import safe_cell
from .draft import Draft
from .labels import DIRECTION_LABELS, KIND_LABELS, before_after, change_label, favoured
from .wordml import clean

__all__ = ["COLUMNS", "ledger_csv", "ledger_rows", "ledger_xlsx"]

#: The header row, and the width of each column in the spreadsheet (in characters).
COLUMNS = (
    ("No.", 5), ("区分", 22), ("種類", 12), ("原案の条", 10), ("修正案の条", 10),
    ("変更前", 28), ("変更後", 28), ("方向", 8), ("有利", 10), ("概要", 60),
)
SHEET = "変更一覧"


def ledger_rows(comparison: Comparison) -> Iterator[list[str | int]]:
    """One row per change, in the order of COLUMNS."""
    for number, change in enumerate(comparison.changes, 1):
        before, after = before_after(change)
        yield [number, change_label(change), KIND_LABELS[change.kind],
               change.original_clause or "", change.revised_clause or "", clean(before), clean(after),
               DIRECTION_LABELS[change.direction], clean(favoured(change)), clean(change.summary)]


def ledger_xlsx(comparison: Comparison, original: Draft, revised: Draft, *, author: str,
                date: datetime | None = None) -> bytes:
    """The ledger as an Excel workbook: a header row, a filter, and the header frozen."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({
        "title": f"{original.name or '原案'} → {revised.name or '修正案'}：変更一覧",
        "author": clean(author),
        "created": (date or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None),
    })
    sheet = workbook.add_worksheet(SHEET)
    bold = workbook.add_format({"bold": True, "bg_color": "#E8E8E8", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for column, (title, width) in enumerate(COLUMNS):
        sheet.write_string(0, column, title, bold)
        sheet.set_column(column, column, width)
    rows = list(ledger_rows(comparison))
    for row, values in enumerate(rows, 1):
        for column, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(row, column, value, wrap)
            else:
                # write_string, never write(): a text that starts with "=" stays text.
                sheet.write_string(row, column, value, wrap)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
    workbook.close()
    return buffer.getvalue()


def ledger_csv(comparison: Comparison, original: Draft, revised: Draft, *, author: str,
               date: datetime | None = None) -> bytes:
    """The ledger as CSV in UTF-8 with a byte-order mark, which Excel needs to read Japanese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for title, _ in COLUMNS])
    for row in ledger_rows(comparison):
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")

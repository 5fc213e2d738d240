"""A standalone redline page: one HTML file with its style inside, nothing loaded from elsewhere.

Every text of the documents is escaped; the page holds no script.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from html import escape

from ..result import Comparison, Op, Segment
from .draft import Draft
from .labels import (
    DIRECTION_LABELS,
    STATUS_LABELS,
    SUMMARY_LABELS,
    change_label,
    clause_badges,
    clause_label,
    favoured,
)
from .wordml import clean

__all__ = ["redline_page"]

STYLE = """
body { font-family: "Hiragino Mincho ProN", "Yu Mincho", "MS Mincho", "IPAMincho", serif;
       color: #1a1a1a; background: #fff; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.7; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; } h3 { font-size: 1rem; margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #8a8a8a; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
ins { background: #d7f5dd; color: #0b4a1b; text-decoration: underline; }
del { background: #fbdcdc; color: #7a0c0c; text-decoration: line-through; }
.clause { border-top: 1px solid #c4c4c4; padding: .6rem 0; }
.text { white-space: pre-wrap; margin: .3rem 0 0; }
.badge { display: inline-block; font-size: .8rem; border: 1px solid #555; border-radius: .2rem;
         padding: 0 .3rem; margin-left: .4rem; font-family: sans-serif; }
.summary { display: flex; flex-wrap: wrap; gap: .3rem 1.5rem; margin: 0; padding: 0; list-style: none; }
""".strip()

#: The table of changes: what changed, where, in words, which way, and whom it favours.
CHANGE_COLUMNS = ("区分", "条", "内容", "方向", "有利")


def _redline(segments: Iterable[Segment]) -> str:
    tags = {Op.INSERT: "ins", Op.DELETE: "del"}
    out = []
    for segment in segments:
        text = escape(clean(segment.text))
        tag = tags.get(segment.op)
        out.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return "".join(out)


def redline_page(comparison: Comparison, original: Draft, revised: Draft, *, author: str,
                 date: datetime | None = None) -> bytes:
    """The comparison as one HTML page: counts, the table of changes, every article redlined."""
    made = (date or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    left, right = original.name or "原案", revised.name or "修正案"
    summary = comparison.summary
    parts = [
        "<!doctype html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(left)} → {escape(right)}：比較結果</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<header><h1>比較結果：{escape(left)} → {escape(right)}</h1>",
        f"<p>作成：{escape(clean(author))}（{made}）</p>",
        '<ul class="summary">',
        *(f"<li>{label} {getattr(summary, key)}</li>" for key, label in SUMMARY_LABELS),
        "</ul></header>",
        "<main><h2>主な変更</h2>",
    ]
    if comparison.changes:
        head = "".join(f'<th scope="col">{title}</th>' for title in CHANGE_COLUMNS)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
        for change in comparison.changes:
            clause = change.revised_clause or change.original_clause or ""
            cells = (change_label(change), clause, change.summary, DIRECTION_LABELS[change.direction],
                     favoured(change))
            parts.append("<tr>" + "".join(f"<td>{escape(clean(cell))}</td>" for cell in cells) + "</tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<p>主な変更はありません。</p>")
    parts.append("<h2>条文</h2>")
    for index, clause in enumerate(comparison.clauses):
        badges = "".join(f'<span class="badge">{escape(b)}</span>' for b in clause_badges(clause))
        label = escape(clause_label(clause))
        status = STATUS_LABELS[clause.status]
        parts.append(f'<section class="clause" id="clause-{index}" aria-label="{label} {status}">'
                     f'<h3>{label}{badges}</h3><p class="text">{_redline(clause.redline)}</p></section>')
    parts.append("</main></body></html>")
    return "\n".join(parts).encode("utf-8")

"""Markup read as formatting: Markdown and HTML contracts parse like plain text.

A contract kept in Markdown (``## 第1条（目的）``, ``**委託者**``, ``- (1) …``, a YAML
front matter block) or pasted as HTML (``<h2>第1条</h2><p>…</p>``) says the same as
its plain-text or Word counterpart. ``read_layout`` finds the markup with real parsers
(markdown-it-py for Markdown; for HTML ``nlp.markup``, which follows the HTML standard's
tokenizer in one pass and reports where each tag starts) and returns

- ``text``: what the structure parser reads. For Markdown, the raw text with every markup
  character replaced by a blank (or by a line break where a block element ends a line), of
  the same length and offsets. For HTML, the text as a browser lays it out
  (:func:`nlp.markup.render`): whitespace collapsed and blocks on lines of their own, so that
  the tags a word processor leaves inside a word (``第</font>1<font>条``) and the line wraps
  of its source do not split the text; ``starts`` and ``ends`` lead each of its characters
  back to the raw text;
- ``noise``: the spans of the markup in the raw text, which the comparison leaves out like
  page headers.

Offsets in the parsed contract are therefore those of the raw text the caller sent, and a
redline of the raw text without its noise is the text a reader sees. The numbers a browser
draws in front of list items (``<ol><li>``: 1. 2. at the top level, (1) (2) nested; ``・``
for ``<ul>``) are in the text the structure parser reads, which takes them for the 項 and 号
numbers they are; they are not in the raw text, though, so a redline against a draft that
types them shows them as inserted.
"""

from __future__ import annotations

import functools
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .markup import Kind, render, tokens
from .model import Span

__all__ = ["Layout", "TextFormat", "read_layout"]


class TextFormat(StrEnum):
    PLAIN = "plain"
    MARKDOWN = "markdown"
    HTML = "html"


@dataclass(frozen=True, slots=True)
class Layout:
    """A text as the structure parser reads it, and the way back from its offsets to the raw text's.

    Plain text and Markdown keep the raw text's length and offsets, their markup blanked out
    (``starts`` is None). HTML is read as a browser shows it (:func:`nlp.markup.render`): each
    character ``i`` of ``text`` stands for the raw ``[starts[i], ends[i])``.
    """

    text: str                  # what the structure parser reads
    noise: tuple[Span, ...]    # the markup, in raw offsets
    format: TextFormat
    starts: array | None = None
    ends: array | None = None
    raw_length: int = 0

    def raw_span(self, span: Span) -> Span:
        """``span`` of ``text`` as a span of the raw text."""
        if self.starts is None or self.ends is None:
            return span
        length = len(self.text)
        start = self.starts[span.start] if span.start < length else self.raw_length
        end = self.ends[span.end - 1] if span.start < span.end <= length else start
        return Span(start, max(start, end))

    def raw_line_end(self, index: int) -> int:
        """Where, in the raw text, the text of the line before ``text[index]`` ends.

        A body that starts on the line after its heading starts there in the raw text too, so
        that the markup between them (``</h2><ol><li>``) is the body's, not the heading line's.
        """
        if self.starts is None or self.ends is None:
            return index
        before = min(index, len(self.text)) - 1
        while before >= 0 and self.text[before] in "\n\t ":
            before -= 1
        return self.ends[before] if before >= 0 else 0


# Markdown is assumed only on a sign no plain contract shows: an ATX heading, a front matter
# block, a code fence, **bold**, or a table's separator row. A plain contract's 1. and - lines
# read the same either way.
MARKDOWN_SIGNS = re.compile(r"""
      ^[ ]{0,3}\#{1,6}[ \t]+\S                      # ## 第1条（目的）
    | \A---[ \t]*\n                                 # front matter
    | ^[ ]{0,3}(?:```|~~~)                          # code fence
    | \*\*[^*\n]{1,200}\*\*                         # **委託者**
    | ^[ ]{0,3}\|?[ ]{0,3}:?-{3,}:?[ ]{0,3}\|       # |---|---|
""", re.VERBOSE | re.MULTILINE)

# HTML when the text opens with a tag of a document or of a block (perhaps after the comment a
# browser writes in front of a saved page), or carries several block tags.
HTML_START = re.compile(r"""
    \A[\s\ufeff]{0,200} (?:<!--[^<>]{0,300}-->\s{0,20})?
    <(?:!doctype|html|head|body|div|p|h[1-6]|table|section|article)\b
""", re.IGNORECASE | re.VERBOSE)
HTML_BLOCK_TAG = re.compile(r"<(?:p|div|br|h[1-6]|li|tr|td|table)\b[^<>]{0,500}>", re.IGNORECASE)
MIN_HTML_TAGS = 3

# How far into a text the signs are looked for: enough for a title, a preamble and a few articles.
SNIFF_CHARS = 20_000

# Front matter ends within this many lines, or it is not front matter.
MAX_FRONT_MATTER_LINES = 100


@functools.lru_cache(maxsize=8)
def read_layout(text: str) -> Layout:
    """The text with its Markdown or HTML markup blanked out, and where the markup was.

    Kept for the last texts read: a request checks each text has some, then parses it.
    """
    head = text[:SNIFF_CHARS]
    if HTML_START.match(head) or len(HTML_BLOCK_TAG.findall(head, 0, SNIFF_CHARS)) >= MIN_HTML_TAGS:
        page = render(text)
        return Layout(page.text, _merged(page.noise), TextFormat.HTML, page.starts, page.ends, len(text))
    if MARKDOWN_SIGNS.search(head):
        return _masked(text, _markdown_marks(text), TextFormat.MARKDOWN)
    return Layout(text, (), TextFormat.PLAIN)


# A mark: a span of markup and what the structure parser sees in its place (blanks, or a line
# break first where a block element ends a line).


class _Mark(NamedTuple):  # a tuple: a page has tens of thousands of tags
    start: int
    end: int
    first: str = " "           # the character standing in for the first one


# What a mark blanks: every character but a line break.
NOT_LINE_BREAK = re.compile(r"[^\n]")


def _masked(text: str, marks: Iterable[_Mark], format: TextFormat) -> Layout:
    ordered = sorted(marks)
    merged: list[list[int]] = []
    for start, end, _ in ordered:
        start, end = max(0, start), min(len(text), end)
        if end <= start:
            continue
        if merged and merged[-1][1] >= start:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, at = [], 0
    for start, end in merged:
        pieces += [text[at:start], NOT_LINE_BREAK.sub(" ", text[start:end])]
        at = end
    pieces.append(text[at:])
    chars = list("".join(pieces))
    for start, end, first in ordered:
        if first != " " and 0 <= start < min(end, len(text)) and text[start] != "\n":
            chars[start] = first
    return Layout("".join(chars), tuple(Span(start, end) for start, end in merged), format)


def _merged(spans: Iterable[tuple[int, int]]) -> tuple[Span, ...]:
    """The spans in order, those that touch or overlap joined."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and merged[-1][1] >= start:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(Span(start, end) for start, end in merged)


# Markdown


@functools.cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


# A 号 or 項 label that a list marker stands in front of: - (1), * ①, - 一　, - ア．
LABEL_AFTER_MARKER = re.compile(r"[（(][0-9０-９一二三四五六七八九十ア-ン]{1,3}[）)]|[\u2460-\u2473]"
                                r"|[一二三四五六七八九十]{1,3}[ \u3000、]|[ア-ン][ \u3000、．.]"
                                r"|[0-9０-９]{1,3}[.．]")
FENCE = re.compile(r"[ ]{0,3}(?:`{3,}|~{3,})[ \t]*")
TABLE_SEPARATOR = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?[ \t]*")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _front_matter(text: str, starts: list[int]) -> int:
    """How many lines a YAML front matter block at the very start takes (0 when there is none)."""
    if not re.match(r"---[ \t]*(?:\n|$)", text):
        return 0
    for line in range(1, min(len(starts), MAX_FRONT_MATTER_LINES)):
        end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
        if re.fullmatch(r"(?:---|\.\.\.)[ \t]*", text[starts[line]:end]):
            return line + 1
    return 0


def _markdown_marks(text: str) -> list[_Mark]:
    starts = _line_starts(text)
    ends = [start - 1 for start in starts[1:]] + [len(text)]
    front = _front_matter(text, starts)
    marks = [_Mark(0, ends[front - 1])] if front else []
    # Front matter lines are blanked for the parser so that its line numbers stay those of the text.
    source = "\n" * front + text[starts[front]:] if front and front < len(starts) else text
    if front and front >= len(starts):
        return marks
    tokens = _markdown().parse(source)
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        first, last = token.map
        if token.type == "inline":
            marks += _inline_marks(text, starts, ends, token, tokens[index - 1] if index else None)
        elif token.type == "fence":
            marks.append(_Mark(starts[first], ends[first]))
            closing = last - 1
            if closing > first and FENCE.fullmatch(text[starts[closing]:ends[closing]]):
                marks.append(_Mark(starts[closing], ends[closing]))
        elif token.type == "hr":
            marks.append(_Mark(starts[first], ends[first]))
        elif token.type == "heading_open" and token.markup in ("=", "-"):
            marks.append(_Mark(starts[last - 1], ends[last - 1]))  # the setext underline
        elif token.type == "table_open":
            marks += _table_marks(text, starts, ends, first, last)
        elif token.type == "html_block":
            offset = starts[first]
            marks += [_Mark(m.start + offset, m.end + offset, m.first)
                      for m in _html_marks(text[offset:ends[last - 1]])]
    return marks


def _table_marks(text: str, starts: list[int], ends: list[int], first: int, last: int) -> list[_Mark]:
    """The separator row whole, and every cell border ``|`` of the other rows."""
    marks = []
    for line in range(first, min(last, len(starts))):
        start, end = starts[line], ends[line]
        if TABLE_SEPARATOR.fullmatch(text[start:end]):
            marks.append(_Mark(start, end))
            continue
        borders = re.finditer(r"(?<!\\)\|", text[start:end])
        marks += [_Mark(start + m.start(), start + m.end()) for m in borders]
    return marks


def _inline_marks(text: str, starts: list[int], ends: list[int], token: Token,
                  opener: Token | None) -> list[_Mark]:
    """Block prefixes (#, >, list markers) and inline markup (**, `, [](), escapes) of one inline run."""
    assert token.map is not None
    first, last = token.map
    lines = token.content.split("\n")
    positions: list[int] = []      # raw offset of each character of token.content
    marks: list[_Mark] = []
    for number, content_line in enumerate(lines):
        line = first + number
        if line >= len(starts):
            return marks
        raw = text[starts[line]:ends[line]]
        found = raw.find(content_line) if content_line else len(raw.rstrip())
        if found < 0:
            return marks  # the parser rewrote this line (tabs, entities): leave the run as it is
        prefix_end = starts[line] + found
        marks += _prefix_marks(text, starts[line], prefix_end, content_line,
                               opener if number == 0 else None, first_line=number == 0)
        positions.extend(range(prefix_end, prefix_end + len(content_line)))
        if number < len(lines) - 1:
            positions.append(ends[line])
        if number == 0 and opener is not None and opener.type == "heading_open":
            closing = re.search(r"[ \t]+#+[ \t]*$", raw[found:])
            if closing:  # ## 第1条 ##
                marks.append(_Mark(prefix_end + closing.start(), ends[line]))
    marks += _inline_children(token.content, positions, token.children or [])
    return marks


def _prefix_marks(text: str, line_start: int, prefix_end: int, content: str, opener: Token | None, *,
                  first_line: bool) -> list[_Mark]:
    """What stands before an inline run on its line: heading #, blockquote >, list markers."""
    prefix = text[line_start:prefix_end]
    marks = [_Mark(line_start + m.start(), line_start + m.end()) for m in re.finditer(r"#{1,6}|>", prefix)]
    bullet = re.search(r"[-*+](?=[ \t]+$)", prefix) if first_line else None
    if bullet and (bullet.group() != "-" or LABEL_AFTER_MARKER.match(content)):
        # - (1) … reads as the item (1); a plain - bullet stays, since plain text writes it too.
        marks.append(_Mark(line_start + bullet.start(), prefix_end))
    return marks


def _inline_children(content: str, positions: list[int], children: list[Token]) -> list[_Mark]:
    """Marks of emphasis, code, links, images, escapes and inline HTML, found by walking the source."""
    marks: list[_Mark] = []
    at = 0

    def mark(length: int, first: str = " ") -> None:
        nonlocal at
        if length > 0 and at + length <= len(positions):
            marks.append(_Mark(positions[at], positions[at + length - 1] + 1, first))
        at += length

    for child in children:
        kind = child.type
        if kind == "text":
            found = content.find(child.content, at) if child.content else at
            if found < 0:
                return marks
            at = found + len(child.content)
        elif kind in ("softbreak", "hardbreak"):
            if content.startswith("\\", at):
                mark(1)
            newline = content.find("\n", at)
            at = newline + 1 if newline >= 0 else at
        elif kind.endswith(("_open", "_close")) and kind.split("_")[0] in ("strong", "em", "s"):
            if not content.startswith(child.markup, at):
                return marks
            mark(len(child.markup))
        elif kind == "code_inline":
            if not content.startswith(child.markup, at):
                return marks
            mark(len(child.markup))
            found = content.find(child.content, at)
            if found < 0:
                return marks
            mark(found - at)
            at += len(child.content)
            close = content.find(child.markup, at)
            if close < 0:
                return marks
            mark(close - at + len(child.markup))
        elif kind == "link_open":
            mark(1)  # [ or the < of an autolink
        elif kind == "link_close":
            at = _close_link(content, at, mark)
        elif kind == "image":
            mark(2)  # ![
            found = content.find(child.content, at) if child.content else at
            if found < 0:
                return marks
            at = found + len(child.content)
            at = _close_link(content, at, mark)
        elif kind == "html_inline":
            mark(len(child.content))
        elif kind == "text_special":
            if child.info == "escape":
                mark(1)            # the backslash of \*
                at += 1
            elif content.startswith(child.markup, at):
                decoded = child.content[:1] or " "
                mark(len(child.markup), decoded)
    return marks


def _close_link(content: str, at: int, mark) -> int:
    """Mark ``](url "title")``, ``][ref]`` or the ``>`` of an autolink; the position after it."""
    if content.startswith(">", at):
        mark(1)
        return at + 1
    if not content.startswith("]", at):
        return at
    end = at + 1
    if content.startswith("(", end):
        depth = 0
        for index in range(end, len(content)):
            depth += {"(": 1, ")": -1}.get(content[index], 0)
            if depth == 0:
                end = index + 1
                break
    elif content.startswith("[", end):
        close = content.find("]", end)
        end = close + 1 if close >= 0 else end
    mark(end - at)
    return end


# HTML

# Elements whose start or end ends a line of text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
    "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "title", "caption",
})
# Elements whose content is not text of the document.
HIDDEN_TAGS = frozenset({"script", "style", "head", "template", "noscript"})


def _html_marks(text: str) -> list[_Mark]:
    """Tags, comments, declarations, references and hidden content of HTML inside Markdown."""
    marks: list[_Mark] = []
    hidden: list[tuple[str, int]] = []   # open hidden elements and where their content starts
    for token in tokens(text):
        kind, start, end = token.kind, token.start, token.end
        if kind is Kind.START:
            marks.append(_Mark(start, end, "\n" if token.name in BLOCK_TAGS else " "))
            if token.name in HIDDEN_TAGS and not token.self_closing:
                hidden.append((token.name, end))
        elif kind is Kind.END:
            if hidden and hidden[-1][0] == token.name:
                marks.append(_Mark(hidden.pop()[1], start))
            marks.append(_Mark(start, end, "\n" if token.name in BLOCK_TAGS else " "))
        elif kind is Kind.COMMENT:
            marks.append(_Mark(start, end))
        elif kind is Kind.REFERENCE:
            # &amp; keeps its first character in the text, the rest is markup; &nbsp; is a blank whole.
            visible = len(token.value) == 1 and not token.value.isspace()
            marks.append(_Mark(start + 1 if visible else start, end))
    for _, content in hidden:  # an element never closed hides the rest
        marks.append(_Mark(content, len(text)))
    return marks

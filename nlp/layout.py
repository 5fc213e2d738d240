"""Markup read as formatting: Markdown and HTML contracts parse like plain text.

A contract kept in Markdown (``## 第1条（目的）``, ``**委託者**``, ``- (1) …``, a YAML
front matter block) or pasted as HTML (``<h2>第1条</h2><p>…</p>``) says the same as
its plain-text or Word counterpart. ``read_layout`` finds the markup with real parsers
(markdown-it-py for Markdown, the standard library's ``html.parser`` for HTML, which
reports where each tag starts) and returns

- ``text``: the raw text with every markup character replaced by a blank (or by a line
  break where a block element ends a line), so it has the same length and the same
  offsets as the raw text, and the structure parser reads it as plain text;
- ``noise``: the spans of those markup characters, which the comparison leaves out
  like page headers.

Offsets therefore stay those of the raw text the caller sent, and a redline of the raw
text without its noise is the text a reader sees.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .model import Span

__all__ = ["Layout", "TextFormat", "read_layout"]


class TextFormat(StrEnum):
    PLAIN = "plain"
    MARKDOWN = "markdown"
    HTML = "html"


@dataclass(frozen=True, slots=True)
class Layout:
    """A text as the structure parser reads it: markup blanked out, offsets unchanged."""

    text: str                  # same length as the raw text
    noise: tuple[Span, ...]    # the markup characters blanked out
    format: TextFormat


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

# HTML when the text opens with a tag of a document or of a block, or carries several block tags.
HTML_START = re.compile(
    r"\A[\s\ufeff]{0,200}<(?:!doctype|html|head|body|div|p|h[1-6]|table|section|article)\b", re.IGNORECASE)
HTML_BLOCK_TAG = re.compile(r"<(?:p|div|br|h[1-6]|li|tr|td|table)\b[^<>]{0,500}>", re.IGNORECASE)
MIN_HTML_TAGS = 3

# How far into a text the signs are looked for: enough for a title, a preamble and a few articles.
SNIFF_CHARS = 20_000

# Front matter ends within this many lines, or it is not front matter.
MAX_FRONT_MATTER_LINES = 100


def read_layout(text: str) -> Layout:
    """The text with its Markdown or HTML markup blanked out, and where the markup was."""
    head = text[:SNIFF_CHARS]
    if HTML_START.match(head) or len(HTML_BLOCK_TAG.findall(head, 0, SNIFF_CHARS)) >= MIN_HTML_TAGS:
        return _masked(text, _html_marks(text), TextFormat.HTML)
    if MARKDOWN_SIGNS.search(head):
        return _masked(text, _markdown_marks(text), TextFormat.MARKDOWN)
    return Layout(text, (), TextFormat.PLAIN)


# A mark: a span of markup and what the structure parser sees in its place (blanks, or a line
# break first where a block element ends a line).


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    first: str = " "           # the character standing in for the first one


def _masked(text: str, marks: Iterable[_Mark], format: TextFormat) -> Layout:
    chars = list(text)
    spans: list[Span] = []
    for mark in sorted(marks, key=lambda m: m.start):
        start, end = max(0, mark.start), min(len(text), mark.end)
        if end <= start:
            continue
        for index in range(start, end):
            chars[index] = " " if text[index] != "\n" else "\n"
        if mark.first != " " and text[start] != "\n":
            chars[start] = mark.first
        if spans and spans[-1].end >= start:
            spans[-1] = Span(spans[-1].start, max(spans[-1].end, end))
        else:
            spans.append(Span(start, end))
    return Layout("".join(chars), tuple(spans), format)


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


class _HtmlMarks(HTMLParser):
    """Collects the spans of tags, comments, declarations and hidden content, with source offsets."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.starts = _line_starts(text)
        self.marks: list[_Mark] = []
        self.hidden: list[tuple[str, int]] = []   # open hidden elements and where their content starts

    def _at(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def _tag(self, tag: str, length: int) -> None:
        start = self._at()
        self.marks.append(_Mark(start, start + length, "\n" if tag in BLOCK_TAGS else " "))

    def handle_starttag(self, tag: str, attrs) -> None:
        raw = self.get_starttag_text() or ""
        self._tag(tag, len(raw))
        if tag in HIDDEN_TAGS:
            self.hidden.append((tag, self._at() + len(raw)))

    def handle_startendtag(self, tag: str, attrs) -> None:
        self._tag(tag, len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        start = self._at()
        close = self.text.find(">", start)
        end = close + 1 if close >= 0 else len(self.text)
        if self.hidden and self.hidden[-1][0] == tag:
            _, content = self.hidden.pop()
            self.marks.append(_Mark(content, start))
        self.marks.append(_Mark(start, end, "\n" if tag in BLOCK_TAGS else " "))

    def _construct(self, opening: str, closing: str) -> None:
        start = self._at()
        close = self.text.find(closing, start + len(opening))
        self.marks.append(_Mark(start, close + len(closing) if close >= 0 else len(self.text)))

    def handle_comment(self, data: str) -> None:
        self._construct("<!--", "-->")

    def handle_decl(self, decl: str) -> None:
        self._construct("<!", ">")

    def unknown_decl(self, data: str) -> None:
        self._construct("<![", "]>")

    def handle_pi(self, data: str) -> None:
        self._construct("<?", ">")

    def _reference(self, written: str) -> None:
        start = self._at()
        length = len(written) + (1 if self.text.startswith(";", start + len(written)) else 0)
        decoded = html.unescape(self.text[start:start + length])
        # &amp; keeps its first character in the text, the rest is markup; &nbsp; is a blank whole.
        visible = len(decoded) == 1 and not decoded.isspace()
        self.marks.append(_Mark(start + 1 if visible else start, start + length))

    def handle_entityref(self, name: str) -> None:
        self._reference("&" + name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#" + name)


def _html_marks(text: str) -> list[_Mark]:
    parser = _HtmlMarks(text)
    parser.feed(text)
    parser.close()
    for _, content in parser.hidden:  # an element never closed hides the rest
        parser.marks.append(_Mark(content, len(text)))
    return parser.marks

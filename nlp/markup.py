"""HTML read in one pass: tags, comments, character references and text, with their offsets.

The standard library's ``html.parser`` goes back over the rest of the text at every ``<`` it
cannot close (``<a<a<a…`` of 200,000 characters takes half a minute) and raises on some
declarations (``<![<![``). A pasted page or an uploaded one must be read in time linear in its
length, whatever it holds, so ``tokens`` follows the rules of the HTML standard's tokenizer
that decide where markup ends, and nothing else:

- a tag runs from ``<`` and a letter to the first ``>`` outside a quoted attribute value; an
  end tag the same from ``</``;
- a comment runs to ``-->``; ``<!…>`` (a doctype, a CDATA section) and ``<?…>`` to ``>``;
- a construct that the end of the text cuts off runs to the end of the text;
- the content of ``script``, ``style``, ``textarea``, ``title`` and the like is text up to
  its own end tag;
- ``&amp;``, ``&#12300;``, ``&nbsp;`` are references; an ``&`` that names nothing is text;
- any other ``<`` is text.

Every search starts where the last one ended, so each character is looked at a bounded number
of times. The tree (which element is open) is left to the callers, who need only a little of it.
"""

from __future__ import annotations

import html
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from html.entities import html5
from typing import NamedTuple

__all__ = ["TYPED_LABEL", "Kind", "ListMarkers", "Rendering", "Token", "attributes", "render", "tokens",
           "visible_text"]


class Kind(Enum):
    START = "start"            # <p>, <br/>, <ol start="2">
    END = "end"                # </p>
    COMMENT = "comment"        # <!-- … -->, <!DOCTYPE html>, <?xml …?>, </>, a stray </3
    REFERENCE = "reference"    # &amp; &#12300; &nbsp;
    TEXT = "text"              # everything else


class Token(NamedTuple):  # a tuple: a page has tens of thousands of them
    kind: Kind
    start: int
    end: int
    name: str = ""             # the tag's name in lower case
    self_closing: bool = False # <br/>
    value: str = ""            # what a reference stands for


# Elements whose content is text up to their own end tag (the standard's RAWTEXT and RCDATA).
RAW_TEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"})
_RAW_END = {name: re.compile(rf"</{name}[\t\n\f\r />]", re.IGNORECASE) for name in RAW_TEXT}

_NEXT = re.compile(r"[<&]")
# The constructs that start at a <, each complete: a tag runs to the first > outside a quoted
# attribute value (a quote counts only after =), a comment to -->, <!…> and <?…> to >. Every
# repetition is possessive, so a failed match costs at most one pass over what it looked at.
_CONSTRUCT = re.compile(r"""
    <(?P<start>[A-Za-z][^\t\n\f\r />]*+)
        (?:[^>"'=]++ | =[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+')?+ | ["'])*+ >
  | </(?P<end>[A-Za-z][^\t\n\f\r />]*+)
        (?:[^>"'=]++ | =[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+')?+ | ["'])*+ >
  | <!--(?:-?>|(?:[^-]++|-(?!-!?>))*+--!?>)
  | <[!?][^>]*+>
  | </[^>]*+>
""", re.VERBOSE)
_TAG_NAME = re.compile(r"[A-Za-z][^\t\n\f\r />]*+")
# A reference as the standard reads one in text; a name is looked up in the entity table.
_REFERENCE = re.compile(r"&(?:\#[0-9]{1,10};?|\#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{0,31};?)")
# Names the standard decodes without their semicolon (&amp &nbsp &copy).
_LEGACY = frozenset(name for name in html5 if not name.endswith(";"))
_LEGACY_CHARS = max(map(len, _LEGACY))


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` in order; together they cover it, without overlapping."""
    length = len(text)
    at = text_start = 0       # where to look next; where the pending run of text began
    while at < length:
        found = _NEXT.search(text, at)
        if found is None:
            break
        position = found.start()
        token = _reference(text, position) if text[position] == "&" else _construct(text, position)
        if token is None:  # an & that names nothing, a < that opens nothing: text
            at = position + 1
            continue
        if position > text_start:
            yield Token(Kind.TEXT, text_start, position)
        yield token
        at = text_start = token.end
        if token.kind is Kind.START and token.name in RAW_TEXT and not token.self_closing:
            close = _RAW_END[token.name].search(text, at)
            at = close.start() if close else length
    if length > text_start:
        yield Token(Kind.TEXT, text_start, length)


def _construct(text: str, at: int) -> Token | None:
    """The tag, comment or declaration that starts at the ``<`` at ``at``; None for a bare ``<``."""
    match = _CONSTRUCT.match(text, at)
    if match is None:
        # A construct the end of the text cuts off runs to the end, as the standard reads it.
        if name := _TAG_NAME.match(text, at + 1):
            return Token(Kind.START, at, len(text), name.group().lower())
        if text.startswith("/", at + 1) and (name := _TAG_NAME.match(text, at + 2)):
            return Token(Kind.END, at, len(text), name.group().lower())
        if text[at + 1:at + 2] in ("!", "?", "/"):
            return Token(Kind.COMMENT, at, len(text))
        return None
    if match["start"] is not None:
        end = match.end()
        return Token(Kind.START, at, end, match["start"].lower(), text[end - 2] == "/")
    if match["end"] is not None:
        return Token(Kind.END, at, match.end(), match["end"].lower())
    return Token(Kind.COMMENT, at, match.end())


def _reference(text: str, at: int) -> Token | None:
    """The reference that starts at the ``&`` at ``at``; None when it names nothing (AT&T, &foo;)."""
    match = _REFERENCE.match(text, at)
    if match is None:
        return None
    raw = match.group()
    if raw[1] == "#":
        return Token(Kind.REFERENCE, at, match.end(), value=html.unescape(raw))
    name = raw[1:]
    if name.endswith(";") and name in html5:
        return Token(Kind.REFERENCE, at, match.end(), value=html5[name])
    legacy = next((name[:size] for size in range(min(len(name), _LEGACY_CHARS), 1, -1)
                   if name[:size] in _LEGACY), None)
    if legacy is None:
        return None
    return Token(Kind.REFERENCE, at, at + 1 + len(legacy), value=html5[legacy])


_ATTRIBUTE = re.compile(r"""
    ([^\t\n\f\r />"'=][^\t\n\f\r />=]*)                              # name
    (?: [\t\n\f\r ]*=[\t\n\f\r ]* ("[^"]*"|'[^']*'|[^\t\n\f\r >]+) )?      # = value
""", re.VERBOSE)


def attributes(text: str, token: Token) -> dict[str, str]:
    """The attributes of a start tag, names in lower case, values with references decoded."""
    inner = text[token.start + 1 + len(token.name):token.end].rstrip(">").rstrip("/")
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(inner):
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found.setdefault(match.group(1).lower(), html.unescape(value))
    return found


# Lists: the markers a browser draws in front of their items.

#: A label a page types itself at the start of a list item (its list then draws no marker):
#: 1. （1） ① 一␣ ア． ・, or an article's heading line 第1条（目的）.
TYPED_LABEL = re.compile(r"""
      [0-9０-９]{1,3}[.．、)）\s\u3000]
    | [（(][0-9０-９一二三四五六七八九十ア-ン]{1,3}[）)]
    | [\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]
    | [一二三四五六七八九十]{1,3}[\ \u3000、]
    | [ア-ン][\ \u3000、．.]
    | [・･•◦▪■□●○◆◇※]
    | 第[0-9０-９一二三四五六七八九十百]{1,4}[条章節](?:の[0-9０-９一二三四五六七八九十]{1,3})?
      (?:[（(][^（）()\n]{1,40}[）)])? (?:\s|$)          # 第1条（目的）, not 第24条（提供の廃止）第1項の…
""", re.VERBOSE)

#: Lists nested deeper than this are not followed: their items take the markers of the deepest one
#: followed (no page nests them so; the memory spent stays bounded).
MAX_LIST_DEPTH = 64
_DECIMAL = re.compile(r"list-style(?:-type)?\s*:\s*decimal\b")
_NO_MARKER = re.compile(r"list-style(?:-type)?\s*:\s*none\b")


class ListMarkers:
    """Follows the open ``<ol>`` and ``<ul>`` of a page and names the marker of each ``<li>``.

    An ordered list numbers its items from its ``start`` (a ``value`` resets the count, a
    ``reversed`` list counts down): ``1.`` at the top level, where a contract's 項 stand, and
    ``(1)`` in a list nested in another, as a contract writes its 号. An unordered list draws
    ``・``. Lists numbered in letters or Roman numerals, or whose inline style hides the
    markers, draw nothing a contract would type.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.open: list[list[int]] = []   # per open list: [next number, step]
        self.kinds: list[str] = []        # per open list: "ol", "ul", or "none" (draws nothing)
        self.deeper = 0                   # lists opened beyond MAX_LIST_DEPTH, not followed

    def feed(self, token: Token) -> str | None:
        """The marker of the item ``token`` opens, if it is an ``<li>``; lists are followed."""
        if token.name in ("ol", "ul"):
            if token.kind is Kind.START and not token.self_closing:
                if len(self.open) >= MAX_LIST_DEPTH:
                    self.deeper += 1
                else:
                    self._open(token)
            elif token.kind is Kind.END:
                if self.deeper:
                    self.deeper -= 1
                elif self.open:
                    self.open.pop()
                    self.kinds.pop()
            return None
        if token.kind is not Kind.START or token.name != "li" or not self.open:
            return None
        kind, counter = self.kinds[-1], self.open[-1]
        if kind == "ul":
            return "・"
        if kind != "ol":
            return None
        bare = token.end - token.start == len(token.name) + 2      # <li>
        value = "" if bare else attributes(self.text, token).get("value", "").strip()
        if value.isdigit():
            counter[0] = int(value)
        number = counter[0]
        counter[0] += counter[1]
        return f"{number}." if len(self.open) == 1 else f"({number})"

    def _open(self, token: Token) -> None:
        found = attributes(self.text, token)
        style = found.get("style", "")
        kind = token.name
        if _NO_MARKER.search(style) or kind == "ol" and (
                found.get("type", "1") != "1" or "list-style" in style and not _DECIMAL.search(style)):
            kind = "none"
        start = found.get("start", "").strip()
        down = "reversed" in found and start.isdigit()
        self.open.append([int(start) if start.isdigit() else 1, -1 if down else 1])
        self.kinds.append(kind)


# The text a browser shows

# Elements whose start and end break the line (text in table cells is joined by tabs instead).
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "legend", "li", "listing", "main", "menu", "nav", "ol", "p",
    "plaintext", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "xmp",
})
# Elements whose content a browser does not show as the page's text.
_HIDDEN = frozenset({"head", "script", "style", "template", "noscript", "title", "iframe", "object",
                     "noembed", "noframes", "select", "datalist", "svg", "math", "canvas", "audio",
                     "video", "map"})
# Elements that keep their line breaks and blanks.
_PREFORMATTED = frozenset({"pre", "listing", "plaintext", "textarea", "xmp"})
# Elements without content: a start tag that no end tag follows.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr", "keygen", "frame"})
#: Hidden elements nested deeper than this count as one (no page nests them so; memory stays bounded).
MAX_DEPTH = 256
#: The reading calls its ``check`` after this many tokens.
CHECK_EVERY = 20_000

# A run of whitespace, which a browser shows as one blank, or a run of anything else.
_RUNS = re.compile(r"[ \t\n\r\f]+|[^ \t\n\r\f]+")


@dataclass(frozen=True, slots=True)
class Rendering:
    """The text a browser shows of a page, and where each of its characters comes from."""

    text: str
    starts: array      # for each character of ``text``: where what it stands for starts in the page
    ends: array        # … and where it ends (a tag's whole span for a line break or a list marker)
    noise: tuple[tuple[int, int], ...]  # the page's markup: tags, comments, references, hidden content


def render(page: str, check: Callable[[], None] | None = None) -> Rendering:
    """The text of a page as a browser lays it out, one line per block, for reading as a contract.

    Blocks (``<p>``, ``<h2>``, ``<li>``, ``<tr>``, ``<div>``) and ``<br>`` break lines; within a
    block, a run of whitespace is one blank, and none at a line's start or end (``<pre>`` keeps
    them); table cells are joined by tabs; references are decoded (``&nbsp;`` stays a no-break
    space); what a browser does not show (``<head>``, scripts, styles, comments) is left out. List
    items get the marker the browser draws (:class:`ListMarkers`) unless their text starts with a
    label of its own. ``check`` is called every few thousand tokens: it may raise to stop the
    reading (a deadline).
    """
    flow = _Flow()
    lists = ListMarkers(page)
    noise: list[tuple[int, int]] = []
    hidden: list[str] = []         # the open elements whose content is not shown
    preformatted = 0               # open <pre> and the like
    for count, token in enumerate(tokens(page), start=1):
        if check is not None and count % CHECK_EVERY == 0:
            check()
        kind, name, start, end = token.kind, token.name, token.start, token.end
        if hidden:
            noise.append((start, end))
            if kind is Kind.END and name in hidden:
                while hidden.pop() != name:
                    pass
            elif kind is Kind.START and name == "body" and "head" in hidden:
                hidden.clear()     # <body> ends a <head> left open
            elif kind is Kind.START and name in _HIDDEN and not token.self_closing:
                if len(hidden) < MAX_DEPTH:
                    hidden.append(name)
            continue
        if kind is Kind.TEXT:
            flow.text(page, start, end, keep_blanks=preformatted > 0)
            continue
        if kind is Kind.REFERENCE:
            # The comparison reads the page itself: &amp; keeps its & there, the rest is markup.
            visible = len(token.value) == 1 and not token.value.isspace()
            noise.append((start + 1 if visible else start, end))
            flow.reference(token.value, start, end, keep_blanks=preformatted > 0)
            continue
        noise.append((start, end))
        if kind is Kind.START and name in _HIDDEN:
            if not token.self_closing:
                hidden.append(name)
        elif kind is Kind.START:
            marker = lists.feed(token)
            if name == "br":
                flow.line_break(start, end)
            elif name in ("td", "th"):
                flow.cell(start, end)
            elif name in _BLOCKS:
                flow.block(row=name == "tr")
            if marker is not None:
                flow.item(marker, start, end)
            if name in _PREFORMATTED and not token.self_closing:
                preformatted += 1
        elif kind is Kind.END:
            lists.feed(token)
            if name in ("li", "ol", "ul"):
                flow.end_item()
            if name == "br":       # </br> reads as <br>
                flow.line_break(start, end)
            elif name in _BLOCKS:
                flow.block()
            if name in _PREFORMATTED and preformatted:
                preformatted -= 1
    return Rendering("".join(flow.out), flow.starts, flow.ends, tuple(noise))


def visible_text(page: str, check: Callable[[], None] | None = None) -> str:
    """The text of :func:`render`, for a page read as a file."""
    return render(page, check).text


class _Flow:
    """The text written so far with its offsets, and where it stands: at a line's start, before a
    line break, a blank or a list marker."""

    __slots__ = ("out", "starts", "ends", "at_line_start", "pending_break", "pending_blank", "cells",
                 "marker")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.starts = array("l")
        self.ends = array("l")
        self.at_line_start = True   # at the start of a line or of a table cell
        self.pending_break = False  # a block ended or began: the next text starts a line
        self.pending_blank: tuple[int, int] | None = None  # whitespace seen, shown if text follows
        self.cells = 0              # cells begun in the current table row
        self.marker: tuple[str, int, int] | None = None    # the marker of the item begun, and its tag

    def _put(self, written: str, start: int, end: int) -> None:
        """Write characters that all stand for the page's ``[start, end)``."""
        self.out.append(written)
        self.starts.extend([start] * len(written))
        self.ends.extend([end] * len(written))

    def _before_text(self, at: int) -> None:
        if self.pending_break and not self.at_line_start:
            self._put("\n", at, at)
            self.at_line_start = True
        self.pending_break = False
        if self.pending_blank is not None and not self.at_line_start:
            self._put(" ", *self.pending_blank)
        self.pending_blank = None
        if self.marker is not None:
            marker, start, end = self.marker
            self.marker = None
            self._put(marker + " ", start, end)
            self.at_line_start = False

    def text(self, page: str, start: int, end: int, *, keep_blanks: bool) -> None:
        if keep_blanks:
            self._before_text(start)
            self.out.append(page[start:end])
            self.starts.extend(range(start, end))
            self.ends.extend(range(start + 1, end + 1))
            self.at_line_start = page[end - 1] == "\n"
            return
        for run in _RUNS.finditer(page, start, end):
            if page[run.start()] in " \t\n\r\f":
                if not self.at_line_start or self.marker is not None:
                    self.pending_blank = (run.start(), run.end())
                continue
            if self.marker is not None and TYPED_LABEL.match(page, run.start(), min(end, run.start() + 80)):
                self.marker = None  # the item types its own label
            self._before_text(run.start())
            self.out.append(run.group())
            self.starts.extend(range(run.start(), run.end()))
            self.ends.extend(range(run.start() + 1, run.end() + 1))
            self.at_line_start = False

    def reference(self, value: str, start: int, end: int, *, keep_blanks: bool) -> None:
        if not keep_blanks and value.isspace() and value != "\u00a0":
            if not self.at_line_start:
                self.pending_blank = (start, end)
            return
        if self.marker is not None and TYPED_LABEL.match(value):
            self.marker = None
        self._before_text(start)
        self._put(value, start, end)
        self.at_line_start = value.endswith("\n")

    def item(self, marker: str, start: int, end: int) -> None:
        self.end_item()  # an item whose first content is a list: its marker stands alone
        self.marker = (marker, start, end)

    def end_item(self) -> None:
        """An item ends before any text: the browser shows its marker alone on its line."""
        if self.marker is not None:
            marker, start, end = self.marker
            self.marker = None
            self._before_text(start)
            self._put(marker, start, end)
            self.at_line_start = False
            self.pending_break = True

    def block(self, *, row: bool = False) -> None:
        self.pending_break = True
        self.pending_blank = None
        if row:
            self.cells = 0

    def line_break(self, start: int, end: int) -> None:
        self.pending_blank = None
        self.pending_break = False
        self._put("\n", start, end)
        self.at_line_start = True

    def cell(self, start: int, end: int) -> None:
        self.pending_blank = None
        if self.cells:
            self._put("\t", start, end)
            self.at_line_start = True
            self.pending_break = False
        self.cells += 1

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
from collections.abc import Iterator
from enum import Enum
from html.entities import html5
from typing import NamedTuple

__all__ = ["TYPED_LABEL", "Kind", "ListMarkers", "Token", "attributes", "tokens"]


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


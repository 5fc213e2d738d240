"""Web pages uploaded as files: an .html or .htm, read as the text a browser shows of it.

A page is told by its name (``.html``, ``.htm``, ``.xhtml``), by the type its upload declares
(``text/html``, ``application/xhtml+xml``) or by how it opens (a doctype, ``<html>``, ``<head>``,
``<body>``, or the ``saved from url`` comment a browser writes in front of a saved page). A file
that has such a name but no markup at all is plain text and is left to the caller.

The bytes are decoded with, in order: a byte-order mark; the charset the upload declares; UTF-8,
when they are valid UTF-8 (Shift_JIS and EUC-JP text almost never is); the charset the page
declares in a ``<meta>`` of its first 1,024 bytes, where browsers look for it; then Shift_JIS
(CP932) and EUC-JP, as for a text file.

The text is :func:`nlp.markup.visible_text`: one line per block, table cells joined by tabs,
the numbers a browser draws for list items written out, nothing of the head, scripts or styles.
Reading is linear in the size of the file, and ``check`` is called as it goes, so a request's
deadline stops a page built to be slow.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from .errors import DocumentLimitExceeded, UnreadableDocument
from .markup import CHECK_EVERY, visible_text
from .pdf import MAGIC_WINDOW, PDF_MAGIC

__all__ = ["decoded_by_bom", "is_html", "read_html"]

#: Tags, references and runs of text a page may hold. LibreOffice's HTML of a contract of 68,000
#: characters (seed 003 four times over) holds 14,313; a page of megabytes of tags is refused once
#: it has read this many, in seconds (tests/test_uploads.py).
MAX_TOKENS = 400_000
HTML_NAMES = (".html", ".htm", ".xhtml", ".shtml")
# The openings of the files read as documents of their own: a .docx (a zip), an OLE file (.doc).
NOT_PAGES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# How a page opens, after a byte-order mark, blanks, an XML declaration and comments.
HTML_OPENING = re.compile(rb"""
    \A (?:\xef\xbb\xbf)? \s*+
    (?:<\?xml[^>]{0,200}>\s*+)?
    (?:<!--(?:(?!-->)[\s\S]){0,500}-->\s*+){0,3}
    <(?:!doctype[ \t\r\n]+html|html|head|body)\b
""", re.IGNORECASE | re.VERBOSE)
# Markup anywhere in a text: a tag, an end tag or a comment.
ANY_MARKUP = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|!--)")
# Where a browser looks for the page's own charset: <meta charset="…"> or http-equiv's content.
PRESCAN_BYTES = 1024
META_CHARSET = re.compile(rb"""<meta\b[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""",
                          re.IGNORECASE)
TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE)
# Labels browsers read as another encoding than Python's codec of the same name: Shift_JIS is
# Windows' CP932 on the web, and a page cannot declare itself UTF-16 in ASCII-compatible bytes.
ENCODING_ALIASES = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "csshiftjis": "cp932", "windows-31j": "cp932", "ms932": "cp932", "x-euc-jp": "euc_jp",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
}
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
FALLBACK_ENCODINGS = ("cp932", "euc_jp")


def is_html(data: bytes, *, name: str, media_type: str | None = None) -> bool:
    """Whether the file is a web page: by its name, the type its upload declares, or how it opens.

    An empty file, a .docx, a Word 97–2003 .doc or a PDF is never one, whatever it is called.
    """
    if not data or data.startswith(NOT_PAGES) or PDF_MAGIC in data[:MAGIC_WINDOW]:
        return False
    declared = (media_type or "").split(";", 1)[0].strip().lower()
    if name.lower().endswith(HTML_NAMES) or declared in HTML_TYPES:
        return True
    head = data[:PRESCAN_BYTES * 2]
    for bom, encoding in BOMS[1:]:
        if head.startswith(bom):  # UTF-16: look at its characters, re-encoded as bytes
            head = head.decode(encoding, errors="replace").encode("utf-8", errors="replace")
    return bool(HTML_OPENING.match(head))


def read_html(data: bytes, *, name: str, media_type: str | None = None,
              check: Callable[[], None] | None = None, max_tokens: int = MAX_TOKENS) -> str:
    """The text a browser shows of the page; the decoded bytes as they are when they hold no markup.

    A page of more than ``max_tokens`` tags, references and runs of text between them is refused
    (:class:`~nlp.errors.DocumentLimitExceeded`, ``max_html_tokens``) once it has read that many.
    """
    text = _decode(data, name=name, media_type=media_type)
    if not ANY_MARKUP.search(text):
        return text
    read = 0

    def checked() -> None:
        nonlocal read
        read += CHECK_EVERY
        if read > max_tokens:
            raise DocumentLimitExceeded(f"{name}: holds more than {max_tokens:,} tags and runs of text, far "
                                        "more than a contract's page; it is refused.", "max_html_tokens")
        if check is not None:
            check()

    return visible_text(text, checked)


def decoded_by_bom(data: bytes, *, name: str) -> str | None:
    """The text of bytes that open with a UTF-8 or UTF-16 byte-order mark; None without one."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise UnreadableDocument(f"{name}: starts with a {encoding} byte-order mark but is not "
                                         f"{encoding} text ({error.reason} at byte {error.start}).") from None
    return None


def _decode(data: bytes, *, name: str, media_type: str | None) -> str:
    if (text := decoded_by_bom(data, name=name)) is not None:
        return text
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(f"{name}: looks like a binary file, not a web page. "
                                 "Upload the page as saved by the browser (.html), a .docx, a .pdf or text.")
    declared = TYPE_CHARSET.search(media_type or "")
    meta = META_CHARSET.search(data[:PRESCAN_BYTES])
    candidates = [
        *([_codec(declared.group(1))] if declared else []),
        "utf-8",
        *([_codec(meta.group(1).decode("ascii"))] if meta else []),
        *FALLBACK_ENCODINGS,
    ]
    for encoding in dict.fromkeys(candidate for candidate in candidates if candidate):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(f"{name}: is a web page in neither UTF-8, its declared charset, Shift_JIS nor "
                             "EUC-JP. Save it as UTF-8 and upload it again.")


def _codec(label: str) -> str | None:
    """Python's codec for a charset label as a page or an upload writes it; None for an unknown one."""
    label = label.strip().lower()
    label = ENCODING_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None

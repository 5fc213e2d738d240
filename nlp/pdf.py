"""Reading a PDF's text layer into the lines of a contract (PDF → テキスト).

Why PDFium (pypdfium2) rather than pdfminer.six: on the PDFs LibreOffice printed from the seed
contracts (from text, and from Word with running headers, page numbers and justified lines),
both give back every seed's text exactly once the lines are rejoined the same way, 第N条 lines
and full-width characters included. PDFium is the faster: 20–35 times for the text alone (seed
003 as 23 pages: 22 ms against 757 ms), 4–5 times with the characters' boxes that rejoining
needs (123 ms against 646 ms). It also says which spaces it made up and which glyphs it could
not map to a character, and ships as one wheel that holds PDFium, no system library.

Being C, PDFium reads each file in a child process of its own (about 80 ms to start), with a
memory limit and a deadline, so a hostile file costs neither the worker nor its time: a
crash, a decompression bomb or a file built to be slow ends the child, and the caller gets an
:class:`~nlp.errors.UnreadableDocument`.

A PDF gives visual lines, not paragraphs. :func:`layout_text` drops what repeats at the top
or bottom of the pages (page numbers such as ``- 3 -`` or ``3 / 10``, running headers), joins
each line that runs to the right margin with the next one (a wrap of the page width, not the
author's line break) and keeps a blank line where the page leaves a paragraph's gap.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import DocumentLimitExceeded, UnreadableDocument

__all__ = ["PDF_MAGIC", "Line", "Page", "layout_text", "read_pdf"]

PDF_MAGIC = b"%PDF-"
# Readers accept the header within the first kilobyte and the end-of-file marker within the last
# (some generators and mail gateways add a few bytes around them). A file without the marker at
# its end was cut off: PDFium might still read its first pages, and the comparison would miss the rest.
MAGIC_WINDOW = 1024
END_MARKER = b"%%EOF"

# The child imports this module without the rest of the package: the package's __init__ loads
# spaCy (almost a second), while this module needs only nlp.errors. An empty package object
# with the right __path__ lets the relative import below resolve to the same files.
CHILD_PROGRAM = (
    "import sys, types; package = types.ModuleType('nlp'); package.__path__ = [sys.argv[1]]; "
    "sys.modules['nlp'] = package; from nlp.pdf import serve_child; serve_child()"
)
PACKAGE_DIR = str(Path(__file__).resolve().parent)

# 禁則: what may not end a line (opening brackets) and what may not start one (closing brackets,
# punctuation, small kana, the long-vowel mark), so a line break never falls next to them.
NO_LINE_END = frozenset("「『（(［[【〔〈《｛{“‘")
NO_LINE_START = frozenset("」』）)］]】〕〉》｝}”’、。，．,.・：:；;！!？?ー―-‐"
                          "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻")
# East Asian widths (UAX #11) of Japanese and of Latin text; "A" (ambiguous: ● ○ ※) is neither.
FULL_WIDTH = frozenset({"W", "F"})
HALF_WIDTH = frozenset({"Na", "H", "N"})
# Two of PDFium's lines whose baselines differ by less than this share of the font size are one line.
BASELINE_SHARE = 0.4
# A line is a wrap when the first word of the next line would not have fitted in the room left
# at its end, give or take this share of the font size. On the seed contracts every wrap leaves
# less room than the next word by 0.06 characters or more, and every line the author ended leaves
# more room than the next word needs by 5 characters or more.
WRAP_FIT = 0.25
# Punctuation that may hang past the right margin (ぶら下げ), so it does not show where the margin is.
HANGING = frozenset("、。，．,.」）")
# A line starting like a 項, a 号 or a bullet (2. / （3） / ③ / ・ / -) starts its own paragraph even
# below a full line: joined, its label would read as text. Digits right after the dot are a number
# (1.5倍), not a label.
LINE_LABEL = re.compile(r"""
    [ \t\u3000]{0,4}
    (?: [・･·•‧\-–]
      | [0-9０-９]{1,3} [.．、)）] (?![0-9０-９])
      | [（(] [0-9０-９]{1,2} [）)]
      | [\u2460-\u2473] )
""", re.VERBOSE)
# A gap between two lines this many times the page's usual line pitch or more is a paragraph's gap.
PARAGRAPH_GAP = 1.6
# Lines looked at for running headers and footers, at the top and at the bottom of each page.
EDGE_LINES = 3
# A line repeated at the same edge of at least this share of the pages (and of two pages) is a
# running header or footer; page numbers differ only in their digits, so digits are masked.
MIN_EDGE_SHARE = 0.5
# A page number alone: 3, - 3 -, — 3 —, 3 / 10, 3/10, Page 3, p. 3, 3ページ, 3頁.
PAGE_NUMBER = re.compile(r"""
      [-－—–―ー]? \s{0,3} [0-9０-９]{1,4} \s{0,3} [-－—–―ー]?
    | [0-9０-９]{1,4} \s{0,3} [/／] \s{0,3} [0-9０-９]{1,4}
    | (?:page|p\.?) \s{0,3} [0-9０-９]{1,4}
    | [0-9０-９]{1,4} \s{0,3} (?:ページ|頁)
""", re.VERBOSE | re.IGNORECASE)
DIGITS = re.compile(r"[0-9０-９]+")
BLANKS = re.compile(r"[\s\u3000]+")
# A text layer where this share of the characters maps to nothing (a font without a ToUnicode map:
# PDFium's map errors, U+FFFD, private-use or control characters) reads as garbage, not as text.
MAX_UNMAPPED_SHARE = 0.05
UNMAPPED = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0b-\x1f]")


@dataclass(frozen=True, slots=True)
class Line:
    """A visual line of a page, as PDFium reads it, with its box in points (origin bottom left)."""

    text: str
    left: float
    right: float
    bottom: float
    top: float
    size: float          # the font size of its last character, in points
    first: float = 0.0   # the width of its first word, which a line break cannot split


@dataclass(frozen=True, slots=True)
class Page:
    """A page's lines in reading order; ``images``: it holds a picture (a scan, when it has no text)."""

    lines: tuple[Line, ...]
    images: bool = False
    unmapped: int = 0    # characters PDFium could not map to Unicode


class _Char(NamedTuple):  # a tuple: made for every character of every page, many times cheaper
    """A character as PDFium reads it: its code (UTF-16, or a code point), its loose box and font size."""

    code: int
    generated: bool   # a space or line break PDFium made up from the layout
    left: float
    right: float
    bottom: float
    top: float
    size: float


def read_pdf(data: bytes, *, name: str, max_pages: int, seconds: float, memory_bytes: int) -> str:
    """The text of a PDF's text layer, paragraphs rejoined, page numbers and running headers left out."""
    if END_MARKER not in data[-MAGIC_WINDOW:]:
        raise UnreadableDocument(
            f"{name}: is a truncated PDF (it does not end with %%EOF): the upload or the download before it "
            "was cut off. Upload the whole file.")
    pages = extract_pages(data, name=name, max_pages=max_pages, seconds=seconds, memory_bytes=memory_bytes)
    if not pages:
        raise UnreadableDocument(f"{name}: is a PDF without pages.")
    check_text_layer(pages, name=name)
    return layout_text(pages)


# The child process


def extract_pages(data: bytes, *, name: str, max_pages: int, seconds: float, memory_bytes: int) -> list[Page]:
    """The pages of a PDF read by PDFium in a child process that may take ``seconds`` and ``memory_bytes``."""
    limits = json.dumps({"max_pages": max_pages, "memory_bytes": memory_bytes})
    try:
        # -I: the child reads no PYTHON* variable and no user site; it gets the same interpreter.
        done = subprocess.run([sys.executable, "-I", "-c", CHILD_PROGRAM, PACKAGE_DIR, limits],
                              input=data, capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        raise DocumentLimitExceeded(
            f"{name}: could not be read within {seconds:g} s, far longer than a contract takes; the PDF is "
            "damaged or built to be slow. Export it again from the program that made it.",
            limit="pdf_seconds") from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if done.returncode != 0 or not isinstance(answer, dict):
        raise UnreadableDocument(
            f"{name}: could not be read: the PDF reader stopped on it (it needs more than "
            f"{memory_bytes // 2**20:,} MB or the file is damaged). Export it again from the program "
            "that made it.")
    return _answer_pages(answer, name=name, max_pages=max_pages)


def _answer_pages(answer: dict, *, name: str, max_pages: int) -> list[Page]:
    """The child's answer as pages, or the error it reports."""
    refused = answer.get("refused")
    if refused == "password":
        raise UnreadableDocument(
            f"{name}: is a password-protected PDF. Open it with its password, save or print it as a PDF "
            "without one, and upload that.")
    if refused == "pages":
        raise DocumentLimitExceeded(
            f"{name}: has {answer['pages']:,} pages; the limit is {max_pages:,}. Upload the contract "
            "without its annexes, or in parts.", limit="max_pdf_pages")
    if refused:
        raise UnreadableDocument(
            f"{name}: is a damaged or truncated PDF ({answer.get('reason', refused)}). Export it again "
            "from the program that made it, or upload the .docx.")
    return [Page(tuple(Line(*line) for line in page["lines"]), page["images"], page["unmapped"])
            for page in answer["pages"]]


def serve_child() -> None:
    """The child's side: the PDF on stdin, its pages (or why not) as JSON on stdout."""
    limits = json.loads(sys.argv[2])
    _limit_memory(limits["memory_bytes"])
    answer = _read_with_pdfium(sys.stdin.buffer.read(), max_pages=limits["max_pages"])
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8"))


def _limit_memory(memory_bytes: int) -> None:
    """Cap the child's address space, so that a decompression bomb ends the child, not the machine."""
    try:
        import resource
    except ImportError:  # not POSIX: the deadline still holds
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _read_with_pdfium(data: bytes, *, max_pages: int) -> dict:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            return {"refused": "password"}
        return {"refused": "damaged", "reason": _pdfium_reason(error)}
    try:
        if len(document) > max_pages:
            return {"refused": "pages", "pages": len(document)}
        return {"pages": [_page_answer(document[index], pdfium_c) for index in range(len(document))]}
    except pdfium.PdfiumError as error:
        return {"refused": "damaged", "reason": _pdfium_reason(error)}
    finally:
        document.close()


def _pdfium_reason(error: Exception) -> str:
    """PDFium's reason, without the wrapper's wording: "Data format error"."""
    found = re.search(r"\(PDFium: ([^)]{1,80})\)", str(error))
    return found.group(1) if found else "PDFium could not load it"


def _page_answer(page, pdfium_c) -> dict:
    textpage = page.get_textpage()
    try:
        lines, unmapped = _page_lines(textpage, pdfium_c)
    finally:
        textpage.close()
    images = any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4))
    page.close()
    return {"lines": lines, "images": images, "unmapped": unmapped}


def _page_lines(textpage, pdfium_c) -> tuple[list[list], int]:
    """A page's lines, top to bottom, as ``[text, left, right, bottom, top, size, first]``.

    Also the number of characters PDFium could not map to Unicode.
    """
    runs: list[list[_Char]] = [[]]
    unmapped = 0
    # The raw calls on the raw handle: through the wrapper, its per-call checks cost more than
    # PDFium's own work on a page of Japanese.
    handle, box = textpage.raw, pdfium_c.FS_RECTF()
    unicode, made_up, map_error = (pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_IsGenerated,
                                   pdfium_c.FPDFText_HasUnicodeMapError)
    loose_box, font_size = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontSize
    for index in range(pdfium_c.FPDFText_CountChars(handle)):
        code = unicode(handle, index)
        if code > 0x10FFFF:  # no character: a font's map can say anything
            code = 0xFFFD
        if code in (0x0A, 0x0D):  # PDFium's end of a line
            if runs[-1]:
                runs.append([])
            continue
        unmapped += map_error(handle, index) == 1
        if not loose_box(handle, index, box):
            continue
        runs[-1].append(_Char(code, bool(made_up(handle, index)), box.left, box.right, box.bottom, box.top,
                              font_size(handle, index)))
    lines = []
    for chars in _merge_runs(run for run in runs if any(_inked(char) for char in run)):
        inked = [char for char in chars if _inked(char)]
        lines.append([_line_text(chars), min(char.left for char in inked), max(char.right for char in inked),
                      min(char.bottom for char in inked), max(char.top for char in inked), inked[-1].size,
                      _first_word(inked)])
    return lines, unmapped


def _first_word(inked: Sequence[_Char]) -> float:
    """The width of what a line break could not have split from the line's start, in points.

    A Latin word or number whole; else one character with the brackets before it and the
    punctuation after it that may not end or start a line (禁則: 「発 / グ」 / 止）。).
    """
    codes = [chr(char.code) for char in inked]
    end = 0
    while end < len(codes) and codes[end] in NO_LINE_END:
        end += 1
    if end < len(codes) and _narrow(codes[end]):
        while end < len(codes) and _narrow(codes[end]) and codes[end] not in NO_LINE_START:
            end += 1
    else:
        end += 1
    while end < len(codes) and codes[end] in NO_LINE_START:
        end += 1
    last = min(end, len(inked)) - 1
    return inked[last].right - inked[0].left


def _inked(char: _Char) -> bool:
    """A character that is drawn: not a space PDFium made up, not a blank."""
    return not char.generated and char.code not in (0x20, 0x3000, 0x09)


def _merge_runs(runs: Iterator[list[_Char]]) -> list[list[_Char]]:
    """PDFium's lines put together where they share a baseline, top to bottom, each left to right.

    PDFium keeps the order of the page's drawing operations. A writer that draws the characters of
    a fallback font after the rest of the line (LibreOffice: the ●● of 金●●円) leaves them at the
    wrong place, or on a line of their own; ordered by position they read as printed.
    """
    lines: list[tuple[float, float, list[_Char]]] = []  # baseline, font size, characters
    for run in runs:
        inked = [char for char in run if _inked(char)]
        baseline = statistics.median(char.bottom for char in inked)
        size = max(char.size for char in inked) or 1.0
        same = next((line for line in lines
                     if abs(line[0] - baseline) <= BASELINE_SHARE * max(size, line[1])), None)
        if same:
            same[2].extend(run)
        else:
            lines.append((baseline, size, list(run)))
    lines.sort(key=lambda line: -line[0])
    return [_left_to_right(chars) for _, _, chars in lines]


def _left_to_right(chars: list[_Char]) -> list[_Char]:
    """Characters by their left edge; a space PDFium made up stays after the character before it.

    PDFium makes up a space where the drawing leaves a gap. Where characters drawn later fill the
    gap (the ●● of ●●株式会社), the space stood for nothing and is left out.
    """
    keyed, last = [], float("-inf")
    for index, char in enumerate(chars):
        last = char.left if _inked(char) else max(last, char.left)
        keyed.append((last, index, char))
    keyed.sort(key=lambda item: item[0])
    ordered, previous = [], None
    for _, index, char in keyed:
        if char.generated and previous is not None and previous != index - 1:
            continue
        ordered.append(char)
        previous = index
    return ordered


def _line_text(chars: Sequence[_Char]) -> str:
    """A line's text: the spaces PDFium made up kept only between words, surrogate pairs joined.

    LibreOffice and Word set a little space between Japanese and Latin characters (第 1 条) and
    PDFium reads that gap as a space. A gap between two Latin words, or between two Japanese
    ones (第1節 総則), is a real one.
    """
    kept = []
    for index, (code, generated, *_) in enumerate(chars):
        if generated and code == 0x20 and _script_boundary(chars, index):
            continue
        if code == 0x02:  # PDFium's mark of a hyphen that ends a line
            continue
        kept.append(code)
    return _decode(kept)


def _script_boundary(chars: Sequence[_Char], index: int) -> bool:
    """The space at ``index`` does not stand between two Latin or two Japanese characters.

    Between Japanese and Latin (第 1 条) it is the writer's spacing of the scripts; next to a
    symbol of either width (●● of a placeholder, drawn in a fallback font) a gap of the font's.
    """
    if index == 0 or index + 1 == len(chars):
        return True
    before, after = chr(chars[index - 1].code), chr(chars[index + 1].code)
    if before.isspace() or after.isspace():
        return True
    widths = {unicodedata.east_asian_width(before), unicodedata.east_asian_width(after)}
    return not (widths <= FULL_WIDTH or widths <= HALF_WIDTH)


def _decode(codes: Sequence[int]) -> str:
    """Characters from PDFium's codes: a pair of UTF-16 halves (𠮷) joined, a lone half as U+FFFD.

    A lone surrogate would break the tokenizer downstream.
    """
    out, index = [], 0
    while index < len(codes):
        code = codes[index]
        following = codes[index + 1] if index + 1 < len(codes) else 0
        if 0xD800 <= code < 0xDC00 and 0xDC00 <= following < 0xE000:
            out.append(chr(0x10000 + ((code - 0xD800) << 10) + (following - 0xDC00)))
            index += 2
            continue
        out.append("\ufffd" if 0xD800 <= code < 0xE000 else chr(code))
        index += 1
    return "".join(out)


def _narrow(char: str) -> bool:
    """A half-width character (Latin, digits), as against a full-width one (Japanese) or a symbol."""
    return unicodedata.east_asian_width(char) in HALF_WIDTH


# Layout, on plain data


def check_text_layer(pages: Sequence[Page], *, name: str) -> None:
    """Refuse a PDF without text, with scanned pages, or whose characters map to nothing.

    A scanned page among typed ones is refused too: its text would be missing from the comparison,
    which would then report a clause on it as deleted, or a change on it as none.
    """
    texts = [BLANKS.sub("", "".join(line.text for line in page.lines)) for page in pages]
    if not any(texts):
        raise UnreadableDocument(_no_text(name, pages))
    scanned = [number for number, (page, text) in enumerate(zip(pages, texts, strict=True), 1)
               if page.images and not text]
    if scanned:
        listed = ", ".join(map(str, scanned[:10])) + (" …" if len(scanned) > 10 else "")
        one = len(scanned) == 1
        raise UnreadableDocument(
            f"{name}: page{'' if one else 's'} {listed} {'is a picture' if one else 'are pictures'} without "
            f"a text layer (scanned), so {'its' if one else 'their'} text would be missing from the "
            "comparison. Run the PDF through OCR (text recognition) first, or upload the .docx or the text.")
    characters = sum(len(text) for text in texts)
    unmapped = sum(page.unmapped for page in pages) + sum(len(UNMAPPED.findall(text)) for text in texts)
    if unmapped > MAX_UNMAPPED_SHARE * characters:
        raise UnreadableDocument(
            f"{name}: its text layer does not say which characters its glyphs are ({unmapped:,} of "
            f"{characters:,} unmapped: fonts without a ToUnicode map), so its text cannot be read. Export "
            "it again with the fonts embedded, run it through OCR, or upload the .docx or the text.")


def _no_text(name: str, pages: Sequence[Page]) -> str:
    """Why a PDF without a character of text cannot be compared, and what to do."""
    one = len(pages) == 1
    count = f"{len(pages):,} page{'' if one else 's'}"
    if any(page.images for page in pages):
        return (f"{name}: has no text layer: its {count} {'is a picture' if one else 'are pictures'}, as a "
                "scan is. It needs OCR first: run it through text recognition (OCR) and upload the result, "
                "or upload the .docx or the text.")
    return (f"{name}: has no text on its {count}: they are blank, or their text is drawn as outlines. "
            "Upload the .docx or the text, or a PDF exported with its text.")


def layout_text(pages: Sequence[Page]) -> str:
    """The pages' text: running headers and page numbers left out, wrapped lines joined."""
    body = drop_page_furniture(pages)
    return "\n".join(_paragraph_lines(body))


def drop_page_furniture(pages: Sequence[Page]) -> list[list[Line]]:
    """Each page's lines without its page number and the running headers and footers it repeats.

    A running header or footer stands at the same height on every page and differs from page to
    page at most in its digits (- 3 -, 3 / 10); a line of the body that happens to repeat (日付：
    in both signature blocks) stands elsewhere on the other page.
    """
    top = Counter(key for page in pages for key in {_edge_key(line) for line in page.lines[:EDGE_LINES]})
    bottom = Counter(key for page in pages for key in {_edge_key(line) for line in page.lines[-EDGE_LINES:]})
    needed = max(2, math.ceil(MIN_EDGE_SHARE * len(pages)))
    kept = []
    for page in pages:
        lines = list(page.lines)
        for _ in range(EDGE_LINES):
            if lines and (top[_edge_key(lines[0])] >= needed or _page_number(lines[0])):
                lines.pop(0)
        for _ in range(EDGE_LINES):
            if lines and (bottom[_edge_key(lines[-1])] >= needed or _page_number(lines[-1])):
                lines.pop()
        kept.append(lines)
    return kept


def _edge_key(line: Line) -> tuple[str, int]:
    """What a running header or footer keeps from page to page: its text but the digits, its height."""
    return DIGITS.sub("#", BLANKS.sub("", line.text)), round(line.bottom)


def _page_number(line: Line) -> bool:
    return bool(PAGE_NUMBER.fullmatch(line.text.strip()))


def _paragraph_lines(pages: Sequence[Sequence[Line]]) -> Iterator[str]:
    """The lines as the author broke them: a wrapped line joined with the next, a gap as a blank line.

    A paragraph may go on over a page break; the gap is measured on one page only.
    """
    margin = _right_margin([line for page in pages for line in page])
    pitches = [_line_pitch(page) for page in pages]
    lines = [(number, line) for number, page in enumerate(pages) for line in page]
    current = ""
    for index, (number, line) in enumerate(lines):
        current = _join(current, line.text) if current else line.text
        if index + 1 == len(lines):
            break
        following_page, following = lines[index + 1]
        gap = following_page == number and line.bottom - following.bottom >= PARAGRAPH_GAP * pitches[number]
        if not gap and _wraps(line, following, margin):
            continue
        yield current
        current = ""
        if gap:
            yield ""
    if current:
        yield current


def _right_margin(lines: Sequence[Line]) -> float:
    """Where the lines of the text end at the right, punctuation hanging past it left aside."""
    ends = [line.right for line in lines if line.text.rstrip()[-1:] not in HANGING]
    return max(ends or [line.right for line in lines] or [0.0])


def _wraps(line: Line, following: Line, margin: float) -> bool:
    """The page's width broke the line: the next line's first word would not have fitted at its end.

    A line that ends a sentence (。) keeps its break even so: it may as well end its paragraph,
    and a break after a sentence reads the same downstream either way. A next line that starts
    with a label (2. / （3） / ・) starts its own paragraph.
    """
    text = line.text.rstrip()
    if not text or text.endswith("。") or LINE_LABEL.match(following.text):
        return False
    return margin - line.right < following.first + WRAP_FIT * line.size


def _join(left: str, right: str) -> str:
    """Two pieces of a wrapped line: Japanese joins directly, two Latin words keep a space."""
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return left + " " + right
    return left + right


def _line_pitch(page: Sequence[Line]) -> float:
    """The usual distance from one baseline to the next on the page (a line's height without any)."""
    steps = [above.bottom - below.bottom for above, below in zip(page, page[1:], strict=False)
             if above.bottom > below.bottom]
    if steps:
        return statistics.median(steps)
    return max((line.top - line.bottom for line in page), default=12.0) * 1.2

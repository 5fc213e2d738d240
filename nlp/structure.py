"""The structure of a contract text: title, preamble, 章/節, 条 → 項 → 号, 別紙, 附則, signature block.

``parse`` reads the text line by line. Every line is matched against a few
anchored regular expressions whose repetitions are bounded or a single character
class, so nothing backtracks and the work is linear in the length of the text
whatever it contains (one long line, thousands of ①, only digits). Page headers
repeated in the middle of the text are found first and then skipped like blank
lines, so a clause that runs across a page break keeps its text whole.

Paragraph and item texts are their lines joined with ``\\n``, without their own
label, indentation or page headers, so each line of a text is found verbatim in its span.

The parts outside the articles become units of the same shape as an article
(``Contract.parts``): the title, the preamble, then after the last article the
signature block, each 別紙/別表 and each 附則, in the order they stand. A 目次 at the
head of the text (e-Gov statutes and long terms of service open with one) lists
第N条 and 第N章 lines that are not articles; it is read as noise.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import NamedTuple

from .layout import Layout, read_layout
from .model import Appendix, Article, Contract, Division, DivisionKind, Item, Paragraph, Part, Span
from .text import BOOKMARK, parse_number

__all__ = ["parse"]

# What indents or trails a line without being text: full-width space, NBSP and Unicode's other
# spaces (en, em, thin), BOM, NUL, zero-width space and direction marks are left behind by Word,
# PDF and HTML exports.
BLANKS = (" \t\r\f\v\x00\u3000\u00a0\ufeff\u200b\u200e\u200f"
          "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
          "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# A run of BLANKS: one character class under one quantifier cannot backtrack.
LEADING_BLANKS = re.compile(f"[{BLANKS}]*")

# A line with something other than blanks in it; a blank line fails at its first character.
TEXT_LINE = re.compile(f"^(?P<indent>[{BLANKS}]*)(?P<text>[^{BLANKS}\n][^\n]*)", re.MULTILINE)

# Headings are short labels (目的, 秘密保持); a longer text after 第N条 is the body.
MAX_HEADING_CHARS = 30

# A title is one short line (特定契約・接続契約モデル契約書); a longer one is a sentence.
MAX_TITLE_CHARS = 60

# Page headers are short "KEY：VALUE" lines; longer lines are clauses and are not checked.
MAX_HEADER_CHARS = 100

# A page header is a KEY：VALUE line printed on every page, so it occurs at least twice.
MIN_HEADER_REPEATS = 2

# Numbers of articles and divisions as written: 12, １２, 十二, 百二十.
NUMERAL = r"[0-9０-９〇一二三四五六七八九十百千]{1,8}"

# Katakana item labels in アイウエオ order: ア → 1, イ → 2 …
KATAKANA_ORDER = ("アイウエオカキクケコサシスセソタチツテトナニヌネノ"
                  "ハヒフヘホマミムメモヤユヨラリルレロワヲン")

ARTICLE_LABEL = re.compile(rf"""
    第(?P<number>{NUMERAL})条
    (?:の(?P<branch>[0-9０-９一二三四五六七八九十]{{1,4}}))?    # 第3条の2
""", re.VERBOSE)

DIVISION_LABEL = re.compile(rf"""
    第(?P<number>{NUMERAL})(?P<kind>[章節])                      # 第1章, 第2節
""", re.VERBOSE)

# （目的） after 第1条, alone on the line above it, or after 第1節.
PAREN_HEADING = re.compile(r"""
    [（(【〔［] (?P<heading>[^（）()【】〔〕［］]{1,40}) [）)】〕］]
""", re.VERBOSE)

# 第七条から第十条まで　削除 / 第六条及び第七条　削除: articles repealed together, one line for
# all of them; read as one article numbered by the first, whose text is 削除.
DELETED_RANGE = re.compile(rf"""
    (?:から|及び) 第{NUMERAL}条 (?:の[0-9０-９一二三四五六七八九十]{{1,4}})? (?:まで)?
    [{BLANKS}]{{1,4}} (?P<deleted>削除)
""", re.VERBOSE)

# What follows 第29条（料金等） when it is cited, not headed: a particle or punctuation.
REFERENCE_TAIL = re.compile(r"に|の|を|が|は|で|と|も|及び|並びに|又は|若しくは|から|まで|より|等|、|。|，|,")

# A parenthesised number or kana alone on a line is an item label, never a heading.
ITEM_ONLY = re.compile(rf"[0-9０-９一二三四五六七八九十{KATAKANA_ORDER}]{{1,3}}")

SUPPLEMENTARY_LINE = re.compile(r"""
    (?P<label>[附付][ \u3000]{0,3}則)                            # 附則, 付則, 附　則
    (?:[ \u3000]{0,3}[（(](?P<heading>[^（）()]{1,40})[）)])?    # （2018年8月1日作定）
    (?:[ \u3000]{0,3}抄)?                                        # e-Gov: 附　則　（…）　抄
""", re.VERBOSE)

# 別紙1, 別紙１, 別表第一, 別紙A, 【別紙2】, （別表）: the label of an appendix heading line.
APPENDIX_LABEL = re.compile(r"""
    (?P<open>[【〔［（(<＜])?
    (?P<kind>別紙|別表|別添|別記|付録|附録)
    [ \u3000]{0,2}
    (?P<number>第?[0-9０-９一二三四五六七八九十]{1,4}|[\u2460-\u2473]|[A-ZＡ-Ｚ](?![A-Za-zＡ-Ｚａ-ｚ]))?
    (?:号(?:様式)?)?                                             # 別紙第1号様式
    (?(open)[】〕］）)>＞])
""", re.VERBOSE)

# What may follow an appendix label on its heading line: nothing, or a title after a blank or
# a colon, or a note in brackets (別表第一（第三条関係））; never a particle (別紙のとおり).
APPENDIX_TITLE = re.compile(r"""
    [ \u3000]{0,3}
    (?: [：:][ \u3000]{0,3} (?P<colon>[^。\n]{1,40})
      | [（(] (?P<note>[^（）()\n]{1,40}) [）)]
      | (?<=[ \u3000】〕］）)>＞]) (?P<title>[^。、\n]{1,40}) )?
""", re.VERBOSE)

# 目次 (table of contents) alone on its line, perhaps in brackets.
CONTENTS_HEADING = re.compile(r"""
    [【〔［（(<＜]? [ \u3000]{0,2} (?:目[ \u3000]{0,3}次|もくじ) [ \u3000]{0,2} [】〕］）)>＞]?
""", re.VERBOSE)

# A line of a 目次 is a short label (第1章　総則（第1条―第3条）), never a sentence.
MAX_CONTENTS_LINE_CHARS = 80

# 以上 alone on its line closes the articles; a signature block follows it.
CLOSING_LINE = re.compile(r"以[ \u3000]{0,2}上")

# The sentence that opens a signature block; alone, it is trusted even after the appendices,
# where a form's 住所：＿＿ lines are not the contract's signature block.
SIGNATURE_OPENING = re.compile(r"""
    (?:本契約|本覚書|本合意書|本同意書|本書|上記|以上) [^。\n]{0,60} 証(?:として|する|し)
""", re.VERBOSE)

# A line that ends a sentence: 。 or ． perhaps inside closing brackets (…とする。」).
SENTENCE_END = re.compile(r"[。．][」』）)］】〕]{0,3}$")

# What a preamble says: it names the parties (以下「甲」という) or that they agree as follows.
PREAMBLE_SENTENCE = re.compile(r"""
    以下[「『][^」』\n]{1,20}[」』]という
  | (?:次|以下|下記)の(?:とおり|通り)[^。\n]{0,30}(?:合意|締結|確認|約定|契約)
""", re.VERBOSE)

# The names of the parts that are not written with a label of their own.
PART_LABELS = {Part.TITLE: "表題", Part.PREAMBLE: "前文", Part.SIGNATURE: "署名欄"}

# The blank that may separate a 項 number or 号 label from its text: a space, a tab, the ideographic
# space, or one of Unicode's other spaces (the no-break space of Word and of HTML's &nbsp;, a PDF's
# en, em and thin spaces).
LABEL_GAP = "[ \t\u3000\u00a0\u2000-\u200a\u202f\u205f]"

PARAGRAPH_LABEL = re.compile(rf"""
    (?P<number>[0-9]{{1,3}}|[０-９]{{1,3}})
    (?: (?P<mark>[.．、])(?![0-9０-９])                          # 1.  1．  1、 (not 1.5)
      | (?={LABEL_GAP}) )                                        # １␣ ２␣
""", re.VERBOSE)

ITEM_LABEL = re.compile(rf"""
    # （1） (1) （一） （ア）
      [（(] (?P<paren>[0-9０-９]{{1,3}} | [一二三四五六七八九十]{{1,3}} | [{KATAKANA_ORDER}]) [）)]
    | (?P<kanji>[一二三四五六七八九十]{{1,3}}) (?={LABEL_GAP}|、)     # 一␣ 二、
    | (?P<circled>[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf])        # ① … ㊿
    | (?P<kana>[{KATAKANA_ORDER}]) (?={LABEL_GAP}|[、．.])          # ア␣ イ、
    | (?P<bullet>[・･·•‧] | [-－–](?={LABEL_GAP}))                  # ・ · -
""", re.VERBOSE)

# A line with only a number: an empty paragraph (３) or a page number, cut off the end of an article.
BARE_NUMBER = re.compile(r"[0-9０-９]{1,3}")

# What separates an item label from its text: 一、 ア． then blanks.
LABEL_SEPARATOR = re.compile(f"[、．.]?[{BLANKS}]*")

# A page header: 文書番号：IS6-035-00-S, 機密分類：公開.
HEADER_LINE = re.compile(r"""
    [^\s：:]{1,12} [：:] [ \u3000]{0,4} \S .{0,80}
""", re.VERBOSE)

# Values that are only blanks to fill in (住所：＿＿＿) belong to a form, not to a page header.
PLACEHOLDER = re.compile(r"[＿_●○・\-－ \u3000]{0,100}")

# A digit, kanji numeral or blank to fill in, in a date: 2024, ●●, ○, ＿＿.
_DATE_DIGIT = "[0-9０-９●○〇＿_元一二三四五六七八九十]"

SIGNATURE_LINE = re.compile(rf"""
    # 本契約締結の証として / 本契約の成立を証するため
      (?:本契約|本覚書|本合意書|本同意書|本書|上記|以上) [^。\n]{{0,60}} 証(?:として|する|し)
    # ●●年●●月●●日 / 令和○年○月○日 / ____年__月__日, alone on the line
    | (?:令和|平成|昭和|西暦)? [ \u3000]{{0,2}} {_DATE_DIGIT}{{0,6}} [ \u3000]{{0,2}} 年
      [ \u3000]{{0,2}} {_DATE_DIGIT}{{0,4}} [ \u3000]{{0,2}} 月
      [ \u3000]{{0,2}} {_DATE_DIGIT}{{0,4}} [ \u3000]{{0,2}} 日 $
    | 契約締結日
    # 甲：●●株式会社 / 甲（事業者） / 甲 / 甲　株式会社Ａ
    | [甲乙丙丁] (?: [ \u3000]{{0,2}}[：:] | [（(][^（）()\n]{{1,20}}[）)][ \u3000]{{0,2}}(?:[：:]|$) | $
                 | [ \u3000]{{1,3}} [^ \u3000。、\n] [^。、\n]{{0,80}} $)
    # 当社： / 委託者：
    | (?:当社|委託者|受託者|売主|買主|貸主|借主|発注者|受注者) [ \u3000]{{0,2}} [：:]
    # 住所： / 代表者名： / 署名又は押印：
    | (?:住所|所在地|代表者|代表取締役|会社名|商号|氏名|名称|署名|記名押印|日付) [^：:\s]{{0,10}} [：:]
    # 住所　東京都… / 代表取締役　山田太郎 (a blank instead of the colon)
    | (?:住所|所在地|代表取締役|代表者) [ \u3000]{{1,3}} [^ \u3000。、\n] [^。、\n]{{0,80}} $
    # … 山田太郎　印 / ㊞
    | [^。、\n]{{1,80}} (?:[ \u3000][（(]?印[）)]?|㊞) $
    # 氏名又は会社名：＿＿＿ / a line of ＿＿＿＿
    | [^。、\n]{{1,20}} [：:] [ \u3000]{{0,2}} [＿_]{{2}}
    | [＿_ \u3000]{{2,200}} $
""", re.VERBOSE)


class _Kind(Enum):
    PARAGRAPH = "paragraph"    # 1. １␣ 2．
    ITEM = "item"              # （1） 一 ① ア
    BULLET = "bullet"          # ・ · -


class _Line(NamedTuple):  # a tuple, not a frozen dataclass: built once per line, many times cheaper
    """A line with text: the span of its text, without indentation, bookmark residue and trailing blanks."""

    start: int
    end: int
    indent: int                # blank characters before the text
    content: str               # text[start:end]
    line_start: int            # the start of the whole line
    line_end: int              # after its line break, if any


@dataclass(frozen=True, slots=True)
class _ArticleLabel:
    """第N条 at the start of a line, and what follows it on that line."""

    number: int | None
    branch: int | None
    label: str
    heading: str | None
    body_offset: int | None    # where text after the label begins on the same line (第一条　本法は…)
    words_offset: int | None = None  # unbracketed words read as the heading (第2条　定義): body if
                                     # a （見出し） stands on the line above


@dataclass(frozen=True, slots=True)
class _Mark:
    """A 項 number, 号 label or bullet at the start of a line."""

    kind: _Kind
    label: str
    number: int | None
    text: str                  # the rest of the line


@dataclass(frozen=True, slots=True)
class _Outline:
    """Where the parts are, as indexes into the text lines (blank lines and page headers left out)."""

    starts: list[int]                          # first line of each article (heading above or label)
    labels: list[int]                          # label line of each article
    found: dict[int, _ArticleLabel]
    headings_above: dict[int, str]             # label line → heading on the line above
    divisions: dict[int, Division]
    back: dict[int, Part]                      # heading line of each 別紙/別表 and 附則 → its part
    signature: int | None
    contents: range                            # the lines of a 目次; empty without one

    @property
    def appendix(self) -> int | None:
        """The first 附則 heading line."""
        return min((index for index, part in self.back.items() if part is Part.SUPPLEMENTARY), default=None)

    @property
    def back_starts(self) -> list[int]:
        """Where each part after the articles begins (別紙, 附則, the signature block), in order."""
        return sorted({*self.back, *([self.signature] if self.signature is not None else [])})


def parse(text: str) -> Contract:
    """Read the structure of a contract text; never raises on any string.

    Markdown and HTML markup is read as formatting (``nlp.layout``): the lines are those of the
    text as ``read_layout`` gives it, the spans are mapped back to the raw text, and the markup
    joins the noise.
    """
    layout = read_layout(text)
    source = layout.text
    text_lines = _lines(source)
    headers = _page_header_flags(text_lines)
    lines = [line for line, header in zip(text_lines, headers, strict=True) if not header]
    outline = _outline(lines)
    first = min([*outline.starts, *outline.divisions, len(lines)])
    title = _title(lines[0]) if first > 0 and 0 not in outline.contents else None
    preamble = [line for index, line in enumerate(lines[:first]) if index not in outline.contents
                and not (title and index == 0)]
    contract = Contract(
        text=text,
        title=title,
        preamble=_span(preamble),
        divisions=tuple(outline.divisions[index] for index in sorted(outline.divisions)),
        articles=_articles(lines, outline),
        appendix=_appendix(lines, outline),
        signature=_signature(lines, outline),
        noise=(*_noise_spans(source, text_lines, headers), *_contents_span(source, lines, outline.contents)),
        parts=_parts(lines, outline, lines[0] if title else None, preamble),
    )
    if layout.starts is not None:
        contract = _in_raw_offsets(contract, layout)
    noise = sorted((*contract.noise, *layout.noise), key=lambda span: span.start)
    return replace(contract, noise=tuple(noise))


def _in_raw_offsets(contract: Contract, layout: Layout) -> Contract:
    """The contract with every span of the text the parser read turned into a span of the raw text."""
    raw = layout.raw_span

    def paragraph(found: Paragraph) -> Paragraph:
        items = tuple(replace(item, span=raw(item.span)) for item in found.items)
        return replace(found, span=raw(found.span), items=items)

    def unit(article: Article) -> Article:
        paragraphs = tuple(paragraph(found) for found in article.paragraphs)
        span, body = raw(article.span), raw(article.body)
        if article.body.start > article.span.start:  # the body begins where its heading line ends
            body = Span(max(span.start, min(body.start, layout.raw_line_end(article.body.start))), body.end)
        return replace(article, span=span, body=body, paragraphs=paragraphs)

    return replace(
        contract,
        preamble=raw(contract.preamble) if contract.preamble else None,
        divisions=tuple(replace(division, span=raw(division.span)) for division in contract.divisions),
        articles=tuple(unit(article) for article in contract.articles),
        appendix=replace(contract.appendix, span=raw(contract.appendix.span)) if contract.appendix else None,
        signature=raw(contract.signature) if contract.signature else None,
        noise=tuple(raw(span) for span in contract.noise),
        parts=tuple(unit(part) for part in contract.parts),
    )


# Lines


def _lines(text: str) -> list[_Line]:
    """Every line with text in it, split at ``\\n`` only, so offsets stay those of the raw text.

    Blank lines are never built: a regular expression steps over them in C, which
    keeps a text of a million line breaks as fast as a short one.
    """
    lines = []
    for match in TEXT_LINE.finditer(text):
        start, end = match.start("text"), match.end()
        if text.startswith("[bookmark:", start):
            start = _text_start(text, start, end)
        content = text[start:end].rstrip(BLANKS)
        if content:
            line_end = end + 1 if end < len(text) else end
            indent = len(match["indent"])
            lines.append(_Line(start, start + len(content), indent, content, match.start(), line_end))
    return lines


def _text_start(text: str, start: int, end: int) -> int:
    """Where the text of a line begins, after indentation and ``[bookmark: _x]`` residue."""
    position = _skip_blanks(text, start, end)
    while bookmark := BOOKMARK.match(text, position, end):
        position = _skip_blanks(text, bookmark.end(), end)
    return position


def _skip_blanks(text: str, position: int, end: int | None = None) -> int:
    """The first position at or after ``position`` that is not a blank."""
    match = LEADING_BLANKS.match(text, position, len(text) if end is None else end)
    return match.end() if match else position


def _span(lines: Sequence[_Line]) -> Span | None:
    """From the text of the first line to the end of the last; None for no lines."""
    return Span(lines[0].start, lines[-1].end) if lines else None


def _as_int(written: str | None) -> int | None:
    value = parse_number(written) if written else None
    return value if isinstance(value, int) else None


# Page headers


def _page_header_flags(lines: Sequence[_Line]) -> list[bool]:
    """For each line, whether it is a KEY：VALUE page header that repeats in the document."""
    candidates = [_header_candidate(line.content) for line in lines]
    counts = Counter(candidate for candidate in candidates if candidate)
    return [bool(candidate) and counts[candidate] >= MIN_HEADER_REPEATS for candidate in candidates]


def _header_candidate(content: str) -> str | None:
    if len(content) > MAX_HEADER_CHARS or not HEADER_LINE.fullmatch(content):
        return None
    value = re.split("[：:]", content, maxsplit=1)[1]
    if PLACEHOLDER.fullmatch(value) or SIGNATURE_LINE.match(content):
        return None
    return content


def _noise_spans(text: str, lines: Sequence[_Line], headers: Sequence[bool]) -> tuple[Span, ...]:
    """Each run of page header lines, whole lines, with the blank lines around it."""
    spans: list[Span] = []
    start: int | None = None
    for index, (line, header) in enumerate(zip(lines, headers, strict=True)):
        if header and start is None:
            start = lines[index - 1].line_end if index else 0
        elif not header and start is not None:
            spans.append(Span(start, line.line_start))
            start = None
    if start is not None:
        spans.append(Span(start, len(text)))
    return tuple(spans)


# Outline


def _outline(lines: Sequence[_Line]) -> _Outline:
    contents = _contents(lines)
    found = {index: label for index, line in enumerate(lines)
             if index not in contents and (label := _article_label(line.content))}
    if not found:  # a 覚書 or memo without 第N条: its top-level 1. 2. 3. sections stand for articles
        found = {index: label for index, label in _sections(lines).items() if index not in contents}
    if not found:  # nor numbered sections: each paragraph after the preamble stands for one
        found = _unnumbered(lines, contents)
    back = _back_headings(lines, after=min(found, default=len(lines)))
    if back:  # 第N条 inside 附則 or 別紙 belong to that part, not to the contract
        found = {index: label for index, label in found.items() if index < min(back)}
    labels = sorted(found)
    signature = _signature_index(lines, labels[-1], back) if labels else None
    body_end = min(index for index in (*back, signature, len(lines)) if index is not None)
    divisions = {index: division for index in range(body_end)
                 if index not in contents and (division := _division(lines[index]))}
    headings_above = _headings_above(lines, found, divisions)
    starts = [index - 1 if index in headings_above else index for index in labels]
    return _Outline(starts, labels, found, headings_above, divisions, back, signature, contents)


#: A document needs at least this many top-level numbered sections (1. and 2.) to be read by them.
MIN_SECTIONS = 2


def _sections(lines: Sequence[_Line]) -> dict[int, _ArticleLabel]:
    """Top-level ``1.`` ``２．`` sections numbered 1, 2, 3 … in order, for a text without 第N条."""
    marks = {index: mark for index, line in enumerate(lines)
             if (mark := _mark(line)) is not None and mark.kind is _Kind.PARAGRAPH
             and mark.number is not None}
    if not marks:
        return {}
    top = min(lines[index].indent for index in marks)
    found: dict[int, _ArticleLabel] = {}
    expected = 1
    for index, mark in sorted(marks.items()):
        if lines[index].indent != top or mark.number != expected:
            continue
        content = lines[index].content
        body = len(content) - len(mark.text) if mark.text else None
        found[index] = _ArticleLabel(number=mark.number, branch=None, label=mark.label.strip(),
                                     heading=None, body_offset=body)
        expected += 1
    return found if len(found) >= MIN_SECTIONS else {}


def _unnumbered(lines: Sequence[_Line], contents: range) -> dict[int, _ArticleLabel]:
    """The paragraphs of a text without any numbering, each as an article ``第N段落``.

    A paragraph ends with a line that ends a sentence (。, perhaps inside closing brackets),
    so blank lines, hard line wraps and a heading line above a paragraph (which joins it)
    read the same whether the text was typed, pasted from HTML or taken from Word or PDF.
    The title line, the preamble (a first paragraph that names the parties or says they
    agree) and the signature block after the last paragraph stay parts of their own.
    """
    body = [index for index in range(len(lines)) if index not in contents]
    if not body:
        return {}
    start = body[0] + (1 if _title(lines[body[0]]) is not None else 0)
    groups = _sentence_groups(lines, start, len(lines))
    if groups and PREAMBLE_SENTENCE.search("".join(lines[index].content for index in groups[0])):
        start = groups[0][-1] + 1
    back = _back_headings(lines, after=start - 1)
    signature = _signature_index(lines, start - 1, back)
    end = min(index for index in (*back, signature, len(lines)) if index is not None)
    groups = [group for group in _sentence_groups(lines, start, end)
              if _paragraphs([lines[index] for index in group if not _is_bare_number(lines[index])])]
    return {group[0]: _ArticleLabel(number=None, branch=None, label=f"第{position}段落",
                                    heading=None, body_offset=0)
            for position, group in enumerate(groups, start=1)}


def _sentence_groups(lines: Sequence[_Line], start: int, end: int) -> list[list[int]]:
    """Runs of line indexes in ``start:end``, each ending at a line that ends a sentence.

    A 第N章 or 第N節 heading line belongs to no run: it ends the one before it.
    """
    groups: list[list[int]] = []
    current: list[int] = []
    for index in range(start, end):
        division = _division(lines[index]) is not None
        if not division:
            current.append(index)
        if current and (division or SENTENCE_END.search(lines[index].content)):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _article_label(content: str) -> _ArticleLabel | None:
    """第N条 starting a line and followed by a heading, the end of the line or a blank; None otherwise."""
    match = ARTICLE_LABEL.match(content)
    if not match:
        return None
    if deleted := DELETED_RANGE.fullmatch(content, match.end()):
        return _ArticleLabel(number=_as_int(match["number"]), branch=_as_int(match["branch"]),
                             label=content[:deleted.start("deleted")].rstrip(BLANKS), heading=None,
                             body_offset=deleted.start("deleted"))
    rest = content[match.end():]
    heading, body = _heading_and_body(rest)
    if heading is None and body is None and rest:
        return None  # 第7条、第9条は… / 第29条（料金等）に定める… / 第3条5項: a cross-reference
    start = _skip_blanks(rest, 0)
    unbracketed = heading is not None and not PAREN_HEADING.match(rest[start:])
    return _ArticleLabel(
        number=_as_int(match["number"]),
        branch=_as_int(match["branch"]),
        label=match.group(0),
        heading=heading,
        body_offset=None if body is None else match.end() + body,
        words_offset=match.end() + start if unbracketed else None,
    )


def _heading_and_body(rest: str) -> tuple[str | None, int | None]:
    """After 第N条: the heading, and where body text starts on the same line (both None: no label)."""
    start = _skip_blanks(rest, 0)
    words = rest[start:]
    if paren := PAREN_HEADING.match(words):
        after = _skip_blanks(words, paren.end())
        if after == paren.end() < len(words) and REFERENCE_TAIL.match(words, after):
            return None, None  # 第29条（料金等）に定める
        return paren["heading"].strip(), start + after if after < len(words) else None
    if start == 0:
        return None, None  # 第7条、第9条 / 第3条5項
    if _is_heading(words):
        return words, None
    return None, start


def _is_heading(words: str) -> bool:
    return 0 < len(words) <= MAX_HEADING_CHARS and "。" not in words and "、" not in words


def _is_division_title(words: str) -> bool:
    """A 章 or 節 title may list topics with 、; it is never a sentence."""
    return 0 < len(words) <= MAX_HEADING_CHARS and "。" not in words


def _division(line: _Line) -> Division | None:
    """第N章 / 第N節 with an optional title; None for any other line."""
    match = DIVISION_LABEL.match(line.content)
    if not match:
        return None
    rest = line.content[match.end():]
    heading, body = _heading_and_body(rest)
    words = rest[_skip_blanks(rest, 0):]
    if heading is None and body is not None and _is_division_title(words):
        heading, body = words, None  # 第四章　労働時間、休憩、休日及び年次有給休暇
    if rest and (heading is None or body is not None):
        return None  # 第2章の規定により…
    kind = DivisionKind.CHAPTER if match["kind"] == "章" else DivisionKind.SECTION
    return Division(kind, _as_int(match["number"]), match.group(0), heading, Span(line.start, line.end))


def _headings_above(lines: Sequence[_Line], found: dict[int, _ArticleLabel],
                    divisions: dict[int, Division]) -> dict[int, str]:
    """Label lines without a heading whose line above is only （見出し）."""
    headings: dict[int, str] = {}
    for index, label in list(found.items()):
        above = index - 1
        has_own = label.heading is not None and label.words_offset is None
        if has_own or above < 0 or above in found or above in divisions:
            continue
        if heading := _heading_line(lines[above].content):
            headings[index] = heading
            if label.words_offset is not None:  # （定義）above 第二条　この契約において…: that is body
                found[index] = replace(label, heading=None, body_offset=label.words_offset)
    return headings


def _heading_line(content: str) -> str | None:
    match = PAREN_HEADING.fullmatch(content)
    if not match or ITEM_ONLY.fullmatch(match["heading"].strip()):
        return None
    return match["heading"].strip()


# 目次


def _contents(lines: Sequence[_Line]) -> range:
    """The lines of a 目次: its heading and the entries under it, up to the text they list.

    The entries are short lines. The text begins at the first 第N条 or 第N章 written a
    second time (the body's own 第1章), or at the first sentence, with the （見出し）, 第N条
    and 章/節 lines above it that the 目次 did not list. A 目次 whose first entry is not a
    第N条, 第N章 or 附則 is not one.
    """
    heading = next((index for index, line in enumerate(lines) if CONTENTS_HEADING.fullmatch(line.content)
                    and index + 1 < len(lines) and _contents_key(lines[index + 1].content)), None)
    if heading is None:
        return range(0)
    seen: set[tuple[str, int | None, int | None]] = set()
    first_of_kind: dict[str, int] = {}
    for index in range(heading + 1, len(lines)):
        content = lines[index].content
        key = _contents_key(content)
        sentence = len(content) > MAX_CONTENTS_LINE_CHARS or "。" in content
        # 節 numbers start again in each 章, so only a second 第N条 or 第N章 ends the 目次.
        if sentence or (key is not None and key in seen and key[0] != "節"):
            return range(heading, _body_start(lines, heading, index, first_of_kind))
        if key is not None:
            seen.add(key)
            first_of_kind.setdefault(key[0], index)
    return range(heading, len(lines))


def _contents_key(content: str) -> tuple[str, int | None, int | None] | None:
    """What a 目次 entry lists: ("条", 3, 2) for 第3条の2, ("章", 1, None), ("附則", None, None)."""
    if article := ARTICLE_LABEL.match(content):
        return ("条", _as_int(article["number"]), _as_int(article["branch"]))
    if division := DIVISION_LABEL.match(content):
        return (division["kind"], _as_int(division["number"]), None)
    if SUPPLEMENTARY_LINE.match(content):
        return ("附則", None, None)
    return None


def _body_start(lines: Sequence[_Line], heading: int, start: int, first_of_kind: dict[str, int]) -> int:
    """Back from where the body showed itself over the lines above that head it.

    A （見出し） line heads it; so does a 第N条 or 章/節 line of a kind the 目次 had not
    listed before that line (a 目次 of 章 only, then 第1条 and its text).
    """
    while start - 1 > heading:
        above = lines[start - 1].content
        key = _contents_key(above)
        first = key is not None and key[0] != "附則" and first_of_kind.get(key[0], -1) >= start - 1
        if _heading_line(above) is None and not first:
            break
        start -= 1
    return start


def _contents_span(text: str, lines: Sequence[_Line], contents: range) -> tuple[Span, ...]:
    """The 目次 as noise: whole lines, from its heading to its last entry."""
    if not contents:
        return ()
    return (Span(lines[contents.start].line_start, lines[contents.stop - 1].line_end),)


# The parts after the articles


def _back_headings(lines: Sequence[_Line], after: int) -> dict[int, Part]:
    """Each 附則 and 別紙/別表 heading line after the first article, by line index."""
    back: dict[int, Part] = {}
    for index in range(after + 1, len(lines)):
        content = lines[index].content
        if SUPPLEMENTARY_LINE.fullmatch(content):
            back[index] = Part.SUPPLEMENTARY
        elif _appendix_heading(content) is not None:
            back[index] = Part.APPENDIX
    return back


def _appendix_heading(content: str) -> tuple[str, str | None] | None:
    """別紙1　業務仕様書 → ("別紙1", "業務仕様書"); None for any other line."""
    label = APPENDIX_LABEL.match(content)
    if not label:
        return None
    title = APPENDIX_TITLE.fullmatch(content, label.end())
    if not title:
        return None
    written = label.group(0).strip("【〔［（(<＜】〕］）)>＞")
    return written, (title["colon"] or title["note"] or title["title"] or "").strip(BLANKS) or None


def _signature_index(lines: Sequence[_Line], last_label: int, back: dict[int, Part]) -> int | None:
    """Where the signature block begins: 以上, 本契約締結の証として, 甲：, ●●年●●月●●日.

    It is looked for between the last article and the first 別紙 or 附則; past them only its
    opening sentence is trusted, since a 別紙 may be a form with 住所：＿＿ lines of its own.
    """
    first_back = min(back, default=len(lines))
    gap = range(last_label + 1, first_back)
    found = next((index for index in gap if SIGNATURE_LINE.match(lines[index].content)), None)
    closing = next((index for index in gap if CLOSING_LINE.fullmatch(lines[index].content)), None)
    if closing is not None and any(SIGNATURE_LINE.match(lines[index].content)
                                   for index in range(closing + 1, first_back)):
        found = closing if found is None else min(found, closing)
    if found is not None:
        return found
    return next((index for index in range(first_back, len(lines))
                 if index not in back and SIGNATURE_OPENING.match(lines[index].content)), None)


def _part_end(start: int, starts: Sequence[int], length: int) -> int:
    """A part after the articles ends where the next one begins (a 別紙, a 附則, the signature block)."""
    after = bisect_right(starts, start)
    return starts[after] if after < len(starts) else length


def _title(line: _Line) -> str | None:
    title = BOOKMARK.sub("", line.content).strip(BLANKS)
    if not title or len(title) > MAX_TITLE_CHARS or title.endswith("。"):
        return None
    return title


def _appendix(lines: Sequence[_Line], outline: _Outline) -> Appendix | None:
    """The first 附則, as the field ``Contract.appendix`` has it."""
    if outline.appendix is None:
        return None
    end = _part_end(outline.appendix, outline.back_starts, len(lines))
    return Appendix(lines[outline.appendix].content, Span(lines[outline.appendix].start, lines[end - 1].end))


def _signature(lines: Sequence[_Line], outline: _Outline) -> Span | None:
    if outline.signature is None:
        return None
    return _span(lines[outline.signature:_part_end(outline.signature, outline.back_starts, len(lines))])


# Parts as units


def _parts(lines: Sequence[_Line], outline: _Outline, title: _Line | None,
           preamble: Sequence[_Line]) -> tuple[Article, ...]:
    """The parts outside the articles as article-shaped units, in the order they stand."""
    parts = []
    if title is not None:
        parts.append(_unit(Part.TITLE, "title", PART_LABELS[Part.TITLE], None, None, [title]))
    if preamble:
        parts.append(_unit(Part.PREAMBLE, "preamble", PART_LABELS[Part.PREAMBLE], None, None, preamble))
    starts = outline.back_starts
    counts: Counter[Part] = Counter()
    for start in starts:
        end = _part_end(start, starts, len(lines))
        part = outline.back.get(start, Part.SIGNATURE)
        counts[part] += 1
        if part is Part.SIGNATURE:
            parts.append(_unit(part, "signature", PART_LABELS[part], None, None, lines[start:end]))
            continue
        head = lines[start]
        if part is Part.SUPPLEMENTARY:
            match = SUPPLEMENTARY_LINE.match(head.content)
            assert match is not None
            label = re.sub(f"[{BLANKS}]", "", match["label"])
            heading = match["heading"].strip(BLANKS) if match["heading"] else None
            identifier = "supplementary" if counts[part] == 1 else f"supplementary-{counts[part]}"
        else:
            label, heading = _appendix_heading(head.content) or (head.content, None)
            identifier = f"appendix-{counts[part]}"
        parts.append(_unit(part, identifier, label, heading, head, lines[start + 1:end]))
    return tuple(parts)


def _unit(part: Part, identifier: str, label: str, heading: str | None, head: _Line | None,
          body: Sequence[_Line]) -> Article:
    """A part as an article: its heading line (別紙1, 附則) if it has one, and its body's paragraphs."""
    first = head if head is not None else body[0]
    end = body[-1].end if body else first.end
    return Article(
        id=identifier, number=None, branch=None, label=label, heading=heading,
        span=Span(first.start, end),
        body=Span(body[0].start, end) if body else Span(end, end),
        paragraphs=_paragraphs(body), part=part,
    )


# Articles


def _articles(lines: Sequence[_Line], outline: _Outline) -> tuple[Article, ...]:
    stops = sorted({*outline.starts, *outline.divisions, len(lines), *outline.back,
                    *(index for index in (outline.signature,) if index is not None)})
    enclosing = _enclosing_divisions(outline)
    ids: Counter[str] = Counter()
    articles = []
    for start, label in zip(outline.starts, outline.labels, strict=True):
        stop = stops[bisect_right(stops, label)]
        found = outline.found[label]
        chapter, section = enclosing[label]
        body = _body_lines(lines, label, stop, found)
        end = body[-1].end if body else lines[label].end
        articles.append(Article(
            id=_unique_id(found, len(articles) + 1, ids),
            number=found.number,
            branch=found.branch,
            label=found.label,
            heading=outline.headings_above.get(label, found.heading),
            span=Span(lines[start].start, end),
            body=Span(body[0].start, end) if body else Span(end, end),
            paragraphs=_paragraphs(body),
            chapter=chapter,
            section=section,
        ))
    return tuple(articles)


def _enclosing_divisions(outline: _Outline) -> dict[int, tuple[str | None, str | None]]:
    """For each article label line, the labels of the 章 and 節 it is in."""
    chapter: str | None = None
    section: str | None = None
    enclosing: dict[int, tuple[str | None, str | None]] = {}
    events = sorted([*outline.divisions, *outline.labels])
    for index in events:
        division = outline.divisions.get(index)
        if division is None:
            enclosing[index] = (chapter, section)
        elif division.kind is DivisionKind.CHAPTER:
            chapter, section = division.label, None
        else:
            section = division.label
    return enclosing


def _unique_id(found: _ArticleLabel, position: int, seen: Counter[str]) -> str:
    """a12, a3-2; a second 第12条 becomes a12_2; an unreadable number falls back to its position."""
    base = f"a{found.number}" if found.number is not None else f"p{position}"
    if found.branch is not None:
        base += f"-{found.branch}"
    seen[base] += 1
    return base if seen[base] == 1 else f"{base}_{seen[base]}"


def _body_lines(lines: Sequence[_Line], label: int, stop: int, found: _ArticleLabel) -> list[_Line]:
    """The lines after the label line (text on the label line first), empty ``3.`` lines cut off the end."""
    body = list(lines[label + 1:stop])
    if found.body_offset is not None:
        line = lines[label]
        body.insert(0, _Line(line.start + found.body_offset, line.end, 0,
                             line.content[found.body_offset:], line.line_start, line.line_end))
    while body and _is_bare_number(body[-1]):
        body.pop()
    return body


def _is_bare_number(line: _Line) -> bool:
    """``3.`` or ``３`` with nothing after it: a paragraph left empty in the template (seed 001)."""
    if BARE_NUMBER.fullmatch(line.content):
        return True
    mark = _mark(line)
    return mark is not None and mark.kind is _Kind.PARAGRAPH and not mark.text


# Paragraphs and items


def _mark(line: _Line) -> _Mark | None:
    """The 項 number, 号 label or bullet that starts a line, if any."""
    content = line.content
    if paragraph := PARAGRAPH_LABEL.match(content):
        return _Mark(_Kind.PARAGRAPH, paragraph.group(0), _as_int(paragraph["number"]),
                     content[_skip_blanks(content, paragraph.end()):])
    item = ITEM_LABEL.match(content)
    if not item:
        return None
    separator = LABEL_SEPARATOR.match(content, item.end())
    text = content[separator.end() if separator else item.end():]
    if item["bullet"]:
        return _Mark(_Kind.BULLET, item["bullet"], None, text)
    written = item["paren"] or item["kanji"] or item["circled"] or item["kana"]
    return _Mark(_Kind.ITEM, item.group(0), _item_number(written), text)


def _item_number(written: str) -> int | None:
    """（1）→ 1, 一 → 1, ① → 1 (NFKC), ア → 1, イ → 2."""
    if written in KATAKANA_ORDER:
        return KATAKANA_ORDER.index(written) + 1
    return _as_int(written)


def _paragraphs(body: Sequence[_Line]) -> tuple[Paragraph, ...]:
    marks = [_mark(line) for line in body]
    starts = _paragraph_starts(body, marks)
    ends = [start for start, _ in starts[1:]] + [len(body)] if starts else []
    paragraphs = (_paragraph(body[start:end], marks[start:end], labelled)
                  for (start, labelled), end in zip(starts, ends, strict=True))
    return tuple(paragraph for paragraph in paragraphs if paragraph.text or paragraph.items)


def _paragraph_starts(body: Sequence[_Line], marks: Sequence[_Mark | None]) -> list[tuple[int, bool]]:
    """Where each 項 starts, and whether its first line carries its label.

    Numbered paragraphs start at 1. / １␣ lines, with the text before the first one as an
    unnumbered paragraph. A body of bullets only (seed 003) makes each top-level bullet a
    paragraph. Anything else is one unnumbered paragraph.
    """
    if not body:
        return []
    numbered = [index for index, mark in enumerate(marks) if mark and mark.kind is _Kind.PARAGRAPH]
    if numbered:
        return ([(0, False)] if numbered[0] else []) + [(index, True) for index in numbered]
    first = marks[0]
    if first and first.kind is _Kind.BULLET:
        top = body[0].indent
        return [(index, True) for index, mark in enumerate(marks)
                if mark and mark.kind is _Kind.BULLET and body[index].indent <= top]
    return [(0, False)]


def _paragraph(lines: Sequence[_Line], marks: Sequence[_Mark | None], labelled: bool) -> Paragraph:
    """One 項 and its items; a line without a label continues the item or paragraph before it."""
    head = marks[0] if labelled else None
    following = 1 if head is not None else 0
    groups: list[tuple[_Mark, list[_Line]]] = []
    for line, mark in zip(lines[following:], marks[following:], strict=True):
        if mark is not None and mark.kind is not _Kind.PARAGRAPH:
            groups.append((mark, [line]))
        elif groups:
            groups[-1][1].append(line)
    texts = [head.text] if head is not None else []
    texts.extend(line.content for line in lines[following:])
    return Paragraph(
        number=head.number if head is not None else None,
        label=head.label if head is not None else None,
        text="\n".join(text for text in texts if text),
        span=Span(lines[0].start, lines[-1].end),
        items=tuple(_item(mark, item_lines) for mark, item_lines in groups),
    )


def _item(mark: _Mark, lines: Sequence[_Line]) -> Item:
    text = "\n".join(text for text in [mark.text, *(line.content for line in lines[1:])] if text)
    return Item(label=mark.label, number=mark.number, text=text, span=Span(lines[0].start, lines[-1].end))

"""An e-Gov statute (HTML page, law XML, or the JSON of e-Gov 法令API v2) as plain text.

    python bench/quality/egov.py law.html|law.xml|law.json [--captions-above] > law.txt

Reads the three forms the cases come from: the old 法令データ提供システム page (blocks of
class item / number / paraN), the page of today's 法令検索 (blocks of class
_div_ArticleTitle, _div_ParagraphSentence …) and the standard law XML tree (Law > LawBody >
MainProvision > Article …), as XML or as the API's JSON. All become the same text: the title
and its 法令番号, the 目次, the 章 and 節 headings, each 条 with its 見出し on the article's
line (第一条（目的）) and its first 項 on the next, 項 numbered ２ ３ … (② ③ for a law whose
項 were not numbered when enacted), 号 一 二 三 and イ ロ ハ, and the 附則 of the law and of
each amending law. With --captions-above the 見出し stands alone on the line above the
article, as on the e-Gov page: （目的） then 第一条　…

The page's own additions (最終改正, the amendments not yet in force, links, buttons) are
left out. A 項 number the old page writes as ○２ is written ② as the new page and the XML
show it. Standard library only.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

ASCII_BLANKS = re.compile(r"[ \t\r\n]+")
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
IDEOGRAPHIC_SPACE = "\u3000"

# The old page's date of promulgation inside the 法令番号: （平成五年十一月十二日法律第八十八号）.
PROMULGATION_DATE = re.compile(r"^（(?P<era>[^年）]{1,8}年)[^年）]{1,8}月[^年）]{1,8}日(?P<number>[^）]+)）$")

# The old page's stand-in for a circled 項 number of an old-style law: ○２ for ②.
OLD_CIRCLED = re.compile(r"^○(?P<number>[０-９]{1,2})$")


def circled(number: int) -> str:
    """② for 2: the 項 number e-Gov prints for a law whose 項 were not numbered when enacted."""
    if 1 <= number <= 20:
        return chr(0x2460 + number - 1)
    if 21 <= number <= 35:
        return chr(0x3251 + number - 21)
    return chr(0x32B1 + number - 36) if 36 <= number <= 50 else str(number)


@dataclass
class Block:
    """One line of the law: what it is (article, item, chapter …), its label and its text."""

    kind: str
    label: str = ""
    text: str = ""
    depth: int = 0


def _squash(text: str) -> str:
    return ASCII_BLANKS.sub("", text)


class _OldPage(HTMLParser):
    """法令データ提供システム: <div class="item"><b>第一条</b>…, <div class="number"><b>一</b>…"""

    KINDS = {"item": "item", "number": "item-number"} | {f"para{n}": "subitem" for n in range(1, 11)}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.raw: list[list[str]] = [["text", "", ""]]
        self.skip = 0  # inside <head>, or the right-aligned 最終改正 block
        self.divs: list[str] = []
        self.label_open = False  # inside the <b> that opens a block: its label

    def _new(self, kind: str) -> None:
        self.raw.append([kind, "", ""])

    def _resume(self) -> None:
        self._new(f"{self.divs[-1]}+" if self.divs else "text")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.skip:
            self.skip += tag in ("div", "head")
        elif tag == "head" or (tag == "div" and attributes.get("align") == "right"):
            self.skip = 1
        elif tag == "div":
            css = attributes.get("class") or ""
            kind = "caption" if css == "arttitle" else self.KINDS.get(css, "text")
            self.divs.append(kind)
            self._new(kind)
        elif tag == "b":
            current = self.raw[-1]
            if self.divs and self.divs[-1] != "caption" and not current[1] and not current[2].strip():
                self.label_open = True
            else:
                self._new("bold")
        elif tag in ("br", "p") and not self.divs:
            self._new("bold" if self.raw[-1][0] == "bold" else "text")

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= tag in ("div", "head")
        elif tag == "div" and self.divs:
            self.divs.pop()
            self._resume()
        elif tag == "b":
            if self.label_open:
                self.label_open = False
            else:
                self._resume()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.raw[-1][1 if self.label_open else 2] += data

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        bold_runs = 0
        for kind, raw_label, raw_text in self.raw:
            label = _squash(raw_label).strip(IDEOGRAPHIC_SPACE)
            if match := OLD_CIRCLED.match(label):
                label = circled(int(match["number"].translate(FULLWIDTH_DIGITS)))
            text = _squash(raw_text)
            body = text.strip(IDEOGRAPHIC_SPACE)
            continued = kind.endswith("+")
            kind = kind.rstrip("+")
            if not body and not label:
                continue
            if continued and kind != "text" and out:
                out[-1].text += body  # text after a nested block is still this block's
            elif kind == "bold":
                bold_runs += 1
                if bold_runs == 1:
                    out.append(Block("title", text=body))
                elif bold_runs == 2 and body.startswith("（"):
                    match = PROMULGATION_DATE.match(body)
                    out.append(Block("lawnum", text=f"{match['era']}{match['number']}" if match else body))
                else:
                    out.append(Block("suppl" if body.startswith("附") else "division", text=body))
            elif kind == "caption":
                out.append(Block("caption", text=body))
            elif kind == "item":
                out.append(Block("article" if label.startswith("第") else "paragraph", label, body))
            elif kind in ("item-number", "subitem"):
                out.append(Block("item" if kind == "item-number" else "subitem", label, body))
            elif not any(b.kind in ("article", "division", "suppl") for b in out):
                depth = len(text) - len(text.lstrip(IDEOGRAPHIC_SPACE))
                out.append(Block("toc", text=body, depth=max(depth, 1)))
            else:
                out.append(Block("text", text=body))
        if any(b.kind == "toc" for b in out):
            first = next(i for i, b in enumerate(out) if b.kind == "toc")
            out.insert(first, Block("toc-label", text="目次"))
        return out


class _NewPage(HTMLParser):
    """法令検索: <div class="_div_ArticleTitle"><span style="font-weight: bold;">第一条</span>…"""

    KINDS = {
        "TOCLabel": "toc-label",
        "TOCChapter": "toc",
        "TOCSection": "toc",
        "TOCSubsection": "toc",
        "TOCDivision": "toc",
        "TOCSupplProvision": "toc",
        "TOCAppdxTableLabel": "toc",
        "ChapterTitle": "division",
        "SectionTitle": "division",
        "SubsectionTitle": "division",
        "DivisionTitle": "division",
        "PartTitle": "division",
        "ArticleCaption": "caption",
        "ParagraphCaption": "caption",
        "ArticleTitle": "article",
        "ParagraphSentence": "paragraph",
        "ItemSentence": "item",
        "SupplProvisionLabel": "suppl",
    }
    TOC_DEPTH = {"TOCChapter": 1, "TOCSection": 2, "TOCSubsection": 3, "TOCDivision": 4}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[Block] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, opens a block or is skipped)
        self.skip = 0
        self.bold = 0
        self.current: Block | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        attributes = dict(attrs)
        css = (attributes.get("class") or "").split()
        if (
            self.skip
            or tag in ("head", "script", "style", "button")
            or "_shokanBox" in css
            or "_inyoBox" in css
        ):
            self.skip += 1
            self.stack.append((tag, True))
            return
        kind = None
        if attributes.get("id") == "lawTitleNo":
            kind = "lawnum"
        elif attributes.get("id") == "lawTitle":
            kind = "title"
        else:
            for name in css:
                if name.startswith("_div_"):
                    base = name.removeprefix("_div_")
                    kind = self.KINDS.get(base, "subitem" if base.startswith("Subitem") else "text")
                    depth = self.TOC_DEPTH.get(base, 1)
        if kind:
            self.current = Block(kind, depth=depth if kind == "toc" else 0)
            self.out.append(self.current)
        if tag == "span" and "font-weight: bold" in (attributes.get("style") or ""):
            self.bold += 1
            self.stack.append((tag, False))
            return
        self.stack.append((tag, False))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            opened, skipped = self.stack.pop()
            if skipped:
                self.skip -= 1
            elif opened == "span" and self.bold:
                self.bold -= 1
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip or self.current is None:
            return
        labelled = self.current.kind in ("article", "paragraph", "item", "subitem")
        if self.bold and labelled and not self.current.text.strip():
            self.current.label += data
        else:
            self.current.text += data

    def blocks(self) -> list[Block]:
        out = []
        for block in self.out:
            block.label = _squash(block.label).strip(IDEOGRAPHIC_SPACE)
            block.text = _squash(block.text).strip(IDEOGRAPHIC_SPACE)
            if block.kind == "lawnum":
                block.text = block.text.removeprefix("（").removesuffix("）")
            if block.text or block.label:
                out.append(block)
        return out


Node = dict[str, Any]  # {"tag": …, "attr": {…}, "children": [str | Node, …]}: the API's JSON form

DIVISIONS = ("Part", "Chapter", "Section", "Subsection", "Division")
SUBITEMS = tuple(f"Subitem{n}" for n in range(1, 11))


def _element_node(element: ElementTree.Element) -> Node:
    """An XML element in the API's JSON form, so that one reader serves both."""
    children: list[str | Node] = [element.text] if element.text else []
    for child in element:
        children.append(_element_node(child))
        if child.tail:
            children.append(child.tail)
    return {"tag": element.tag, "attr": dict(element.attrib), "children": children}


def _text(node: str | Node) -> str:
    """The text a reader sees: a ruby's reading (Rt) is left out, columns are set apart by 　."""
    if isinstance(node, str):
        return node
    if node["tag"] == "Rt":
        return ""
    parts = [_text(child) for child in node["children"]]
    if node["tag"] in ("ItemSentence", "ParagraphSentence") or node["tag"].endswith("Sentence"):
        columns = [
            child for child in node["children"] if isinstance(child, dict) and child["tag"] == "Column"
        ]
        if columns:
            return IDEOGRAPHIC_SPACE.join(_text(column) for column in columns)
    if node["tag"] == "TableRow":
        return IDEOGRAPHIC_SPACE.join(part for part in parts if part)
    return "".join(parts)


def _children(node: Node, *tags: str) -> list[Node]:
    return [child for child in node["children"] if isinstance(child, dict) and child["tag"] in tags]


def _first_text(node: Node, tag: str) -> str:
    found = _children(node, tag)
    return _squash(_text(found[0])) if found else ""


class _LawTree:
    """The standard law XML (Law > LawBody > MainProvision …), as XML or as the API's JSON."""

    def __init__(self, law: Node) -> None:
        self.law = law
        self.out: list[Block] = []

    def blocks(self) -> list[Block]:
        body = _children(self.law, "LawBody")[0]
        self.out.append(Block("title", text=_first_text(body, "LawTitle")))
        self.out.append(Block("lawnum", text=_first_text(self.law, "LawNum")))
        for part in _children(
            body,
            "TOC",
            "Preamble",
            "MainProvision",
            "SupplProvision",
            "AppdxTable",
            "AppdxNote",
            "Appdx",
            "AppdxStyle",
            "AppdxFormat",
        ):
            self._part(part)
        return [block for block in self.out if block.text or block.label]

    def _part(self, node: Node) -> None:
        tag = node["tag"]
        if tag == "TOC":
            self._toc(node)
        elif tag == "SupplProvision":
            label = _first_text(node, "SupplProvisionLabel")
            if node["attr"].get("AmendLawNum"):
                label += f"{IDEOGRAPHIC_SPACE}（{node['attr']['AmendLawNum']}）"
            if node["attr"].get("Extract") == "true":
                label += f"{IDEOGRAPHIC_SPACE}抄"
            self.out.append(Block("suppl", text=label))
            self._provisions(node)
        elif tag.startswith("Appdx"):
            for child in node["children"]:
                if isinstance(child, dict) and child["tag"].endswith("Title"):
                    self.out.append(Block("division", text=_squash(_text(child))))
                elif isinstance(child, dict):
                    self._table_or_text(child)
        else:
            self._provisions(node)

    def _toc(self, node: Node, depth: int = 1) -> None:
        for child in _children(
            node,
            "TOCLabel",
            "TOCPreambleLabel",
            "TOCSupplProvision",
            "TOCAppdxTableLabel",
            *(f"TOC{d}" for d in DIVISIONS),
            "TOCArticle",
        ):
            if child["tag"] == "TOCLabel":
                self.out.append(Block("toc-label", text=_squash(_text(child))))
            elif child["tag"] in ("TOCSupplProvision", "TOCPreambleLabel", "TOCAppdxTableLabel"):
                self.out.append(Block("toc", text=_squash(_text(child)), depth=1))
            else:
                title = "".join(
                    _squash(_text(grand))
                    for grand in child["children"]
                    if isinstance(grand, dict) and not grand["tag"].startswith("TOC")
                )
                self.out.append(Block("toc", text=title, depth=depth))
                self._toc(child, depth + 1)

    def _provisions(self, node: Node) -> None:
        for child in node["children"]:
            if not isinstance(child, dict):
                continue
            tag = child["tag"]
            if tag in DIVISIONS:
                self.out.append(Block("division", text=_first_text(child, f"{tag}Title")))
                self._provisions(child)
            elif tag == "Article":
                self._article(child)
            elif tag == "Paragraph":
                self._paragraph(child, first=False)
            elif tag not in ("SupplProvisionLabel",) and not tag.endswith("Title"):
                self._table_or_text(child)

    def _article(self, node: Node) -> None:
        caption = _first_text(node, "ArticleCaption")
        if caption:
            self.out.append(Block("caption", text=caption))
        paragraphs = _children(node, "Paragraph")
        first = paragraphs[0] if paragraphs else None
        body = _squash(_text(_children(first, "ParagraphSentence")[0])) if first else ""
        self.out.append(Block("article", _first_text(node, "ArticleTitle"), body))
        if first:
            self._paragraph_rest(first)
        for paragraph in paragraphs[1:]:
            self._paragraph(paragraph, first=False)

    def _paragraph(self, node: Node, first: bool) -> None:
        caption = _first_text(node, "ParagraphCaption")
        if caption:
            self.out.append(Block("caption", text=caption))
        label = _first_text(node, "ParagraphNum")
        if not label and node["attr"].get("OldNum") == "true" and int(node["attr"].get("Num", "1")) > 1:
            label = circled(int(node["attr"]["Num"]))
        sentence = _children(node, "ParagraphSentence")
        self.out.append(Block("paragraph", label, _squash(_text(sentence[0])) if sentence else ""))
        self._paragraph_rest(node)

    def _paragraph_rest(self, node: Node) -> None:
        for child in node["children"]:
            if isinstance(child, dict) and child["tag"] in ("Item", *SUBITEMS):
                self._item(child)
            elif isinstance(child, dict) and child["tag"] in ("TableStruct", "List", "Class"):
                self._table_or_text(child)

    def _item(self, node: Node) -> None:
        tag = node["tag"]
        title = _first_text(node, f"{tag}Title")
        sentence = _children(node, f"{tag}Sentence")
        self.out.append(
            Block(
                "item" if tag == "Item" else "subitem", title, _squash(_text(sentence[0])) if sentence else ""
            )
        )
        for child in node["children"]:
            if isinstance(child, dict) and child["tag"] in SUBITEMS:
                self._item(child)
            elif isinstance(child, dict) and child["tag"] in ("TableStruct", "List"):
                self._table_or_text(child)

    def _table_or_text(self, node: Node) -> None:
        rows = []

        def collect(n: Node) -> None:
            for child in n["children"]:
                if isinstance(child, dict) and child["tag"] == "TableRow":
                    rows.append(_squash(_text(child)))
                elif isinstance(child, dict):
                    collect(child)

        collect(node)
        for row in rows or [_squash(_text(node))]:
            self.out.append(Block("text", text=row))


def render(blocks: list[Block], captions_above: bool = False) -> str:
    """The blocks as text, a blank line before each article and heading: 第一条（目的） and the
    first 項 on the next line, or with captions_above as the e-Gov page has it, （目的） alone on
    the line above 第一条　…"""
    # The old page puts the 法令番号 under the title, the new one above it: always under.
    blocks = sorted(blocks, key=lambda block: {"title": 0, "lawnum": 1}.get(block.kind, 2))
    out: list[str] = []
    caption: str | None = None
    for block in blocks:
        if block.kind == "title":
            out.append(block.text)
        elif block.kind == "lawnum":
            out.append(f"（{block.text}）")
        elif block.kind == "toc-label":
            out.extend(["", block.text])
        elif block.kind == "toc":
            out.append(IDEOGRAPHIC_SPACE * (block.depth - 1) + block.text)
        elif block.kind in ("division", "suppl"):
            out.extend(["", block.text])
        elif block.kind == "caption":
            caption = block.text
        elif block.kind == "article":
            out.append("")
            if caption and captions_above:
                out.append(caption)
                caption = None
            if caption:
                out.extend(
                    [f"{block.label}{caption}", block.text] if block.text else [f"{block.label}{caption}"]
                )
            else:
                out.append(f"{block.label}{IDEOGRAPHIC_SPACE}{block.text}")
            caption = None
        else:
            if caption:
                out.append(caption)
                caption = None
            out.append(f"{block.label}{IDEOGRAPHIC_SPACE}{block.text}" if block.label else block.text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def convert(source: str, captions_above: bool = False) -> str:
    """The law in an e-Gov page (old or new), law XML or API JSON, as plain text."""
    start = source.lstrip()[:1]
    if start == "{":
        data = json.loads(source)
        return render(_LawTree(data.get("law_full_text", data)).blocks(), captions_above)
    if start == "<" and "<Law " in source[:2000] or source.lstrip().startswith("<?xml"):
        return render(
            _LawTree(_element_node(ElementTree.fromstring(source.encode()))).blocks(), captions_above
        )
    reader: _OldPage | _NewPage = _NewPage() if "_div_ArticleTitle" in source else _OldPage()
    reader.feed(re.sub(r"</?a\b[^>]*>", "", source))
    return render(reader.blocks(), captions_above)


if __name__ == "__main__":
    paths = [arg for arg in sys.argv[1:] if arg != "--captions-above"]
    with open(paths[0], encoding="utf-8") as law:
        sys.stdout.write(convert(law.read(), captions_above="--captions-above" in sys.argv))

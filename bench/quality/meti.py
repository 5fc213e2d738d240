"""The contract text of a METI/JPO model contract, from its commented Markdown.

    git show <commit>:<path>.md > model.md
    python bench/quality/meti.py model.md > contract.txt

The Markdown (「モデル契約書ver1.0 …_逐条解説あり.md」) interleaves the contract with its
commentary: each article's text is a fenced block under the article's heading, followed by
option blocks (【変更オプション…】, 【追加オプション…】) and notes. The text kept: the title,
the 前文 (its block, or the paragraph under ``## 前文``), each article's first block (オプション1
where the article opens with options) with the blocks of its later 項 (``第1条2項…``), each
written as ``第N条（見出し）`` and its text, and the 締結の証 line. Standard library only.
"""

from __future__ import annotations

import re
import sys

ARTICLE_HEADING = re.compile(r"^#+ 第?(\d+)条（(.+?)）", re.MULTILINE)
BLOCK = re.compile(r"```[a-z]*\n(.*?)```", re.DOTALL)
HEADING = re.compile(r"^#+ (.*)$", re.MULTILINE)
ARTICLE_START = re.compile(r"第(\d+)条[\s　]*")
LATER_PARAGRAPH = re.compile(r"第?(\d+)条\d+項")


def extract(markdown: str) -> str:
    title = re.findall(r"([^\s　]*契約書)", HEADING.search(markdown).group(1))[-1]
    headings: dict[int, str] = {}
    for match in ARTICLE_HEADING.finditer(markdown):
        headings.setdefault(int(match.group(1)), match.group(2))
    articles: dict[int, list[str]] = {}
    preamble = signature = None
    for match in BLOCK.finditer(markdown):
        heading = HEADING.findall(markdown[:match.start()])[-1]
        text = match.group(1).strip()
        if heading.startswith("前文") and preamble is None:
            preamble = text
            continue
        if text.startswith("本契約締結の証"):
            signature = signature or text
            continue
        start = ARTICLE_START.match(text)
        option = "変更オプション" in heading or "追加オプション" in heading
        if start:
            number = int(start.group(1))
            if number not in articles and (not option or number in headings):
                articles[number] = [text[start.end():]]
            continue
        later = LATER_PARAGRAPH.match(heading)
        if later and "変更オプション" not in heading and int(later.group(1)) in articles:
            articles[int(later.group(1))].append(text)
    if preamble is None:
        preamble = re.search(r"^## 前文\n+(.+?)\n", markdown, re.MULTILINE).group(1).strip()
    lines = [title, "", preamble, ""]
    for number in sorted(articles):
        body = re.sub(r"\n{2,}", "\n", "\n".join(articles[number]))
        lines += [f"第{number}条（{headings.get(number, '')}）", body, ""]
    if signature:
        lines += [re.sub(r"\n{2,}", "\n", signature), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as source:
        sys.stdout.write(extract(source.read()))

"""Markdown and HTML markup is formatting: such a contract compares with its plain text as equal."""

from __future__ import annotations

import html

import pytest

from conftest import dev_text, seed_text
from nlp.compare import compare
from nlp.layout import TextFormat, read_layout
from nlp.model import Span
from nlp.structure import parse


def as_html(text: str) -> str:
    """A plain contract as a web page would hold it: a title, one <p> a line, entities escaped."""
    lines = [line for line in text.splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    return f"<!DOCTYPE html>\n<html><head><title>x</title><style>p {{margin: 0}}</style></head>" \
           f"<body><h1>{html.escape(lines[0])}</h1>\n{body}\n</body></html>"


def test_markdown_is_recognised_and_keeps_the_raw_offsets():
    text = dev_text("004_original.md")
    layout = read_layout(text)
    assert layout.format is TextFormat.MARKDOWN
    assert len(layout.text) == len(text)
    assert "**" not in layout.text and "## 第1条" not in layout.text


def test_plain_contract_is_left_as_it_is():
    text = seed_text("001")
    layout = read_layout(text)
    assert (layout.format, layout.text, layout.noise) == (TextFormat.PLAIN, text, ())


def test_markdown_contract_has_the_articles_of_its_plain_text():
    markdown, plain = parse(dev_text("004_original.md")), parse(dev_text("004_original"))
    assert [(a.number, a.heading) for a in markdown.articles] == [(a.number, a.heading) for a in plain.articles]
    assert [len(a.paragraphs) for a in markdown.articles] == [len(a.paragraphs) for a in plain.articles]


def test_markdown_contract_compares_equal_with_its_plain_text(engine):
    result = compare(dev_text("004_original.md"), dev_text("004_original"), engine=engine)
    assert result.summary.modified == result.summary.inserted == result.summary.deleted == 0
    assert result.changes == ()


def test_front_matter_emphasis_and_code_fences_are_noise():
    text = "---\ntitle: 秘密保持契約書\nversion: 2\n---\n# 秘密保持契約書\n\n## 第1条（目的）\n" \
           "本契約は、**秘密情報**の取扱いを定める。\n\n```\n第2条（期間）\n```\n"
    contract = parse(text)
    noise = "".join(span.slice(text) for span in contract.noise)
    assert "title: 秘密保持契約書" in noise and "**" in noise and "```" in noise
    assert [a.number for a in contract.articles] == [1, 2]


def test_markdown_table_borders_are_noise():
    text = "# 料金表\n\n## 第1条（料金）\n\n| 項目 | 金額 |\n| --- | ---: |\n| 月額 | 50万円 |\n"
    contract = parse(text)
    body = contract.articles[0].body.slice(text)
    kept = "".join(ch for index, ch in enumerate(body, start=contract.articles[0].body.start)
                   if not any(span.start <= index < span.end for span in contract.noise))
    assert "|" not in kept and "---" not in kept and "50万円" in kept


@pytest.mark.parametrize("seed", ["000", "001", "004"])
def test_html_page_compares_equal_with_its_plain_text(seed, engine):
    page, plain = as_html(seed_text(seed)), seed_text(seed)
    assert read_layout(page).format is TextFormat.HTML
    assert len(parse(page).articles) == len(parse(plain).articles)
    result = compare(page, plain, engine=engine)
    assert (result.summary.modified, result.summary.inserted, result.summary.deleted) == (0, 0, 0)
    assert result.changes == ()


def test_html_script_and_style_content_is_noise():
    text = "<html><head><style>p{color:red}</style></head><body><script>var x = '第9条';</script>" \
           "<h2>第1条（目的）</h2><p>本契約は目的を定める。</p></body></html>"
    contract = parse(text)
    assert [a.number for a in contract.articles] == [1]
    assert any(span.slice(text).find("第9条") >= 0 for span in contract.noise)
    assert isinstance(contract.noise[0], Span)

"""Markdown and HTML markup is formatting: such a contract compares with its plain text as equal."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

import pytest

from conftest import dev_text, seed_text, web_page
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


def numbered_tree(contract):
    return [(a.number, a.heading, [(p.number, [i.number for i in p.items]) for p in a.paragraphs])
            for a in contract.articles]


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
def test_the_numbers_a_browser_draws_for_ol_items_are_read_as_the_paragraph_and_item_numbers(seed):
    page, plain = web_page(seed_text(seed)), seed_text(seed)
    assert not re.search(r"\n2[.．]", page) and "<ol>" in page
    assert numbered_tree(parse(page)) == numbered_tree(parse(plain))


def test_a_list_item_with_a_label_of_its_own_gets_no_number_from_the_list():
    text = ("<html><body><h2>第3条（秘密保持）</h2><ol>\n<li>乙は、次の情報を秘密として保持する。<ol>\n"
            "<li>①&nbsp;技術情報</li>\n<li>②&nbsp;営業情報</li></ol></li>\n"
            "<li>第24条（提供の廃止）第1項の規定により終了した場合も、前項の義務は存続する。</li>\n"
            "<li value=\"5\">本条の義務は、本契約終了後3年間存続する。</li></ol></body></html>")
    contract = parse(text)
    assert [a.number for a in contract.articles] == [3]
    [article] = contract.articles
    assert [(p.number, [i.label for i in p.items]) for p in article.paragraphs] == [
        (1, ["①", "②"]), (2, []), (5, [])]
    assert article.paragraphs[1].text.startswith("第24条（提供の廃止）第1項の規定により")


def test_an_unordered_list_draws_bullets_and_a_list_without_markers_draws_none():
    text = ("<html><body><h2>第8条（補修）</h2><ul>\n<li>サーバの仮想イメージの変更</li>\n<li>その他の補修</li></ul>"
            "<h2>第9条（料金）</h2><ol style=\"list-style: none\">\n<li>初期費用</li>\n<li>月間費用</li></ol>"
            "</body></html>")
    bullets, plain = parse(text).articles
    assert [p.label for p in bullets.paragraphs] == ["・", "・"]
    assert [(p.label, p.text) for p in plain.paragraphs] == [(None, "初期費用\n月間費用")]


@pytest.mark.parametrize("name, hostile", [
    ("start tags never closed", "<a" * 100_000),
    ("end tags never closed", "</" * 100_000),
    ("comments never closed", "<!--a" * 40_000),
    ("declarations", "<![" * 66_000),
    ("processing instructions", "<?" * 100_000),
    ("nested blocks", "<div>" * 40_000 + "第1条（目的）" + "</div>" * 40_000),
    ("list items", "<ol>" + "<li>" * 50_000),
    ("quoted attributes never closed", "<p title='" * 20_000),
    ("references", "&amp" * 50_000),
])
def test_hostile_html_is_read_in_linear_time_and_never_raises(name, hostile):
    text = "<html><body><p>第1条（目的）</p>" + hostile
    started = time.perf_counter()
    layout = read_layout(text)
    contract = parse(text)
    assert time.perf_counter() - started < 10, name  # html.parser took 36 s on <a<a<a…
    assert layout.format is TextFormat.HTML and layout.raw_length == len(text)
    assert contract.articles


def test_an_ampersand_that_names_nothing_is_text_and_body_ends_an_open_head():
    text = "<html><head><title>AT&T 契約書</title><body><h2>第1条（目的）</h2><p>AT&T &amp; 甲は、…</p></body></html>"
    contract = parse(text)
    body = contract.articles[0].body
    kept = "".join(ch for index, ch in enumerate(body.slice(text), start=body.start)
                   if not any(span.start <= index < span.end for span in contract.noise))
    assert [a.number for a in contract.articles] == [1]
    assert kept.replace(" ", "") == "AT&T&甲は、…"


def saved_page(name: str) -> str:
    """A seed as LibreOffice saves its Word document as HTML (tests/data/html/make.py)."""
    return (Path(__file__).parent / "data" / "html" / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", ["000", "001"])
def test_a_word_processors_html_pasted_compares_equal_with_its_plain_text(seed, engine):
    # <font> tags inside words (第</font>1<font face="ＭＳ 明朝">条) and source lines wrapped
    # inside a paragraph: read as the browser lays them out, they split nothing.
    page, plain = saved_page(seed), seed_text(seed)
    assert "第</font>1<font" in page
    assert numbered_tree(parse(page)) == numbered_tree(parse(plain))
    result = compare(page, plain, engine=engine)
    assert (result.summary.modified, result.summary.inserted, result.summary.deleted) == (0, 0, 0)
    assert result.changes == ()


def test_the_spans_of_a_page_are_offsets_of_the_raw_page():
    text = ('<p style="x">[bookmark: _a]<font face="ＭＳ 明朝">第</font>1<font face="ＭＳ 明朝">条（目的）'
            '</font></p>\n<p>1.\n<font>本契約は、甲が乙に&nbsp;業務を\n委託する条件を定める。</font></p>')
    contract = parse(text)
    [article] = contract.articles
    assert (article.label, article.heading) == ("第1条", "目的")
    assert article.span.slice(text).startswith("第</font>1<font")
    [paragraph] = article.paragraphs
    assert (paragraph.number, paragraph.text) == (1, "本契約は、甲が乙に\u00a0業務を 委託する条件を定める。")
    assert paragraph.span.slice(text).startswith("1.\n<font>本契約は") and paragraph.span.slice(text).endswith("定める。")
    kept = "".join(ch for index, ch in enumerate(text) if not any(s.start <= index < s.end for s in contract.noise))
    assert "<" not in kept and "第1条（目的）" in kept


def test_the_markup_between_a_heading_and_its_body_is_the_bodys():
    text = "<h2>第3条（本検証）</h2>\n<ol class=\"kou\">\n<li>乙は、本検証を依頼する。</li></ol>"
    [article] = parse(text).articles
    assert text[article.span.start:article.body.start] == "第3条（本検証）"
    assert article.body.slice(text).startswith("</h2>") and article.paragraphs[0].label == "1."

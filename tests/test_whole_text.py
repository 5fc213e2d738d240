"""Every character of both documents is accounted for, whatever the layout and the edits.

Documents are made from the seed contracts: any run of their articles, laid out as plain text,
Markdown or HTML, with a title, a preamble, a signature block or none, and edited as a
counterparty would (a value changed, a sentence added, an article dropped). Whatever comes
out, every character outside the declared noise (markup, page headers) stands inside a clause
of the answer, every change points inside its clause, and an answer never says "no change"
when the texts differ beyond formatting.
"""

from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import seed_text
from nlp.compare import compare, parsed
from nlp.result import Status
from nlp.structure import parse
from nlp.text import BOOKMARK, normalize

# A negotiated number: a period, an amount, a rate (not a 項 label).
VALUE = re.compile(r"([0-9]+)(日|年|か月|ヶ月|営業日|時間|円|万円|%)")


def seed_articles(seed: str) -> list[str]:
    text = seed_text(seed)
    return [BOOKMARK.sub("", article.span.slice(text)).strip() for article in parse(text).articles]


ARTICLES = {seed: seed_articles(seed) for seed in ("000", "001", "002", "004")}
TITLES = ("", "業務委託契約書\n\n", "# 秘密保持契約書\n\n")
PREAMBLES = ("", "株式会社Ａ（以下「甲」という。）と株式会社Ｂ（以下「乙」という。）は、次のとおり契約を締結する。\n\n")
SIGNATURES = ("", "\n\n以上\n\n2026年4月1日\n甲　東京都千代田区　株式会社Ａ　代表取締役　●●\n乙　大阪市北区　株式会社Ｂ\n")


def layout(articles: list[str], style: str) -> str:
    if style == "markdown":
        return "\n\n".join(re.sub(r"^(第[^\n]+)", r"## \1", article) for article in articles)
    if style == "html":
        return "<html><body>" + "".join(
            f"<p>{html.escape(line)}</p>\n" for article in articles for line in article.splitlines()) + "</body></html>"
    return "\n\n".join(articles)


@st.composite
def documents(draw):
    seed = draw(st.sampled_from(sorted(ARTICLES)))
    pool = ARTICLES[seed]
    start = draw(st.integers(0, len(pool) - 2))
    chosen = pool[start:start + draw(st.integers(2, 6))]
    style = draw(st.sampled_from(["plain", "markdown", "html"]))
    head = draw(st.sampled_from(TITLES)) + draw(st.sampled_from(PREAMBLES))
    tail = draw(st.sampled_from(SIGNATURES))
    edited = list(chosen)
    edit = draw(st.sampled_from(["value", "sentence", "drop", "none"]))
    index = draw(st.integers(0, len(edited) - 1))
    if edit == "value" and VALUE.search(edited[index]):
        edited[index] = VALUE.sub(lambda m: str(int(m.group(1)) + 1) + m.group(2), edited[index], count=1)
    elif edit in ("value", "sentence"):
        edited[index] += "\n乙は、甲の事前の書面による承諾を得て、これを行うことができる。"
    elif edit == "drop" and len(edited) > 2:
        del edited[index]
    if style == "html":
        return layout(chosen, style), layout(edited, style)
    return head + layout(chosen, style) + tail, head + layout(edited, style) + tail


def uncovered(text: str, spans: list[tuple[int, int]], noise: list[tuple[int, int]]) -> str:
    covered = bytearray(len(text))
    for start, end in spans + noise:
        covered[start:end] = b"\x01" * (end - start)
    return "".join(char for char, inside in zip(text, covered, strict=True) if not inside and not char.isspace())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_character_stands_in_a_clause_or_in_the_noise(engine, pair):
    original, revised = pair
    result = compare(original, revised, engine=engine)
    for side, text in (("original", original), ("revised", revised)):
        contract = parsed(text)
        refs = [getattr(clause, side) for clause in result.clauses if getattr(clause, side)]
        spans = [(ref.start, ref.end) for ref in refs]
        noise = [(span.start, span.end) for span in contract.noise]
        left = uncovered(text, spans, noise)
        assert left == "", f"{side}: outside every clause: {left[:80]!r}"
    for clause in result.clauses:
        for change in clause.changes:
            for ref, excerpt in ((clause.original, change.original_excerpt), (clause.revised, change.revised_excerpt)):
                if ref is not None and excerpt is not None:
                    assert ref.start <= excerpt.start <= excerpt.end <= ref.end


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_texts_that_differ_beyond_formatting_never_read_as_unchanged(engine, pair):
    original, revised = pair
    result = compare(original, revised, engine=engine)
    silent = not result.changes and all(clause.status == Status.EQUAL for clause in result.clauses)
    visible = lambda text: normalize(text, drop=[(s.start, s.end) for s in parsed(text).noise]).text  # noqa: E731
    if visible(original) != visible(revised):
        assert not silent

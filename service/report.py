"""A drift report (雛形からの乖離) as a page to look at (HTML) and as a sheet (CSV), from its JSON form.

Both read the report as :class:`service.drift.DriftResponse` dumps it (what ``POST
/v1/drift`` answers and ``python -m service.cli drift --out`` writes), so either can be
rendered again from a saved report. The page is one self-contained file: inline CSS, inline
SVG charts and a few lines of script to sort the table; nothing is fetched when it is viewed.
Both are written in Japanese for the legal team that reads them; the JSON keeps its codes.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from nlp.exports.csvsafe import SafeWriter
from nlp.exports.labels import summary_note

from .messages_ja import document_error

__all__ = ["CSV_COLUMNS", "render_csv", "render_html"]

Report = Mapping[str, Any]

#: One row per document: its name, its drift, counts of articles (条件値の変更: of changed term
#: values), the articles it lacks, adds and modifies by label, and why it could not be read.
CSV_COLUMNS = (
    "文書", "乖離度", "雛形", "雛形の条の保持率", "欠落", "追加", "変更", "書式のみ", "条件値の変更",
    "欠落した条", "追加された条", "変更された条", "エラー",
)

#: How a document stands to the template, as the report labels it.
SAME_TEMPLATE_LABELS = {True: "同じ雛形", False: "別の雛形", None: ""}

# Chart geometry, in SVG user units (pixels at 100 %).
LABEL_WIDTH = 260      # the article or value label left of a bar
LABEL_COLUMNS = 40     # what fits in LABEL_WIDTH at 12px: 20 full-width characters
BAR_WIDTH = 420        # the longest bar
ROW_HEIGHT = 22
NOTE_WIDTH = 250       # the counts right of a bar

# Bar colours: what a document did to an article. Chosen to stay apart for colour-blind readers.
COLOURS = {
    "missing": "#c0392b",
    "term_changed": "#e67e22",
    "modified": "#f1c40f",
    "kept": "#d5dbe0",
    "template": "#2e86c1",
    "value": "#7f8c8d",
}


# CSV ----------------------------------------------------------------------------------------


def render_csv(report: Report) -> str:
    """One row per document in the order given: its drift, counts of articles, and their labels."""
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\r\n")  # a name like =HYPERLINK(…) stays text
    writer.writerow(CSV_COLUMNS)
    for document in report["documents"]:
        writer.writerow([
            document["name"],
            "" if document["drift"] is None else f"{document['drift']:.4f}",
            SAME_TEMPLATE_LABELS[document.get("same_template")],
            "" if document.get("template_share") is None else f"{document['template_share']:.4f}",
            len(document["missing"]),
            len(document["extra"]),
            len(document["modified"]),
            len(document["formatting_only"]),
            _term_changes(document),
            " ".join(ref["label"] for ref in document["missing"]),
            " ".join(entry["document"]["label"] for entry in document["extra"]),
            " ".join(entry["template"]["label"] for entry in document["modified"]),
            _error(document),
        ])
    return out.getvalue()


def _error(document: Mapping[str, Any]) -> str:
    """Why the document could not be compared, in Japanese; empty when it was."""
    return document_error(document["error"]) if document["error"] else ""


def _term_changes(document: Mapping[str, Any]) -> int:
    return sum(1 for entry in document["modified"] for change in entry["changes"]
               if change["kind"] == "value")


# HTML ---------------------------------------------------------------------------------------


def render_html(report: Report, *, title: str = "雛形からの乖離") -> str:
    """The whole page: summary, chart per article, value distributions, documents and their redlines."""
    template = report["template"]
    aggregate = report["aggregate"]
    documents = report["documents"]
    parts = [
        "<!doctype html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}：{escape(template['name'])}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>{_summary(report)}</header>",
        '<nav><a href="#articles">条ごとの乖離</a> · <a href="#terms">条件値</a> · '
        '<a href="#documents">文書</a></nav>',
        '<section id="articles"><h2>雛形の条ごとの乖離</h2>',
        "<p>雛形の各条について、各文書がその条をどう扱ったか。多くの文書が離れた条ほど上に並びます。"
        "右端の数値はその条の平均乖離度です。</p>",
        _legend(),
        _article_chart(aggregate["articles"], aggregate["documents"]),
        "</section>",
        '<section id="terms"><h2>条件値</h2>',
        "<p>各条の条件値と、各文書でのその値。"
        '<span class="swatch template"></span>は雛形の値です。</p>',
        _term_charts(aggregate["articles"]),
        "</section>",
        '<section id="documents"><h2>文書</h2>',
        "<p>列の見出しを押すと並べ替えます。文書名から、その文書の変更箇所へ移動します。</p>",
        _documents_table(documents),
        "</section>",
        '<section id="details"><h2>変更箇所</h2>',
        *(_document_detail(index, document) for index, document in enumerate(documents)),
        "</section>",
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(report: Report) -> str:
    aggregate, meta = report["aggregate"], report["meta"]
    failed = aggregate["failed"]
    facts = [
        f"雛形 <b>{escape(report['template']['name'])}</b>（{report['template']['articles']}条）",
        f"比較した文書 {aggregate['documents']}件",
        f'<span class="failed">読めなかった文書 {failed}件</span>' if failed else "読めなかった文書なし",
        f"平均乖離度 <b>{aggregate['drift']:.3f}</b>",
        *([f'<span class="other">別の雛形で作られたとみられる文書 {len(others)}件</span>']
          if (others := aggregate.get("other_template")) else []),
        f"モデル {escape(str(meta.get('model', '')))} {escape(str(meta.get('model_version', '')))}",
    ]
    return "<p>" + " · ".join(facts) + "</p>"


def _legend() -> str:
    items = [("missing", "欠いている"), ("term_changed", "条件値を変えた"),
             ("modified", "文言を変えた"), ("kept", "そのまま")]
    return '<p class="legend">' + " ".join(
        f'<span class="swatch {key}"></span>{escape(text)}' for key, text in items) + "</p>"


def _article_name(ref: Mapping[str, Any]) -> str:
    return ref["label"] + (f"（{ref['heading']}）" if ref.get("heading") else "")


def _svg(rows: int, body: Iterable[str], *, label: str) -> str:
    height = rows * ROW_HEIGHT + 4
    width = LABEL_WIDTH + BAR_WIDTH + NOTE_WIDTH
    return (f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", css: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}">'
            f"{escape(text)}</text>")


def _bar(x: float, y: float, width: float, colour: str, tip: str) -> str:
    if width <= 0:
        return ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{ROW_HEIGHT - 6}" '
            f'fill="{colour}"><title>{escape(tip)}</title></rect>')


def _article_chart(articles: Sequence[Mapping[str, Any]], compared: int) -> str:
    """One stacked bar per template article: documents lacking it, changing a term, modifying, keeping."""
    if not articles or not compared:
        return "<p>比較できた文書がありません。</p>"
    body = []
    for row, article in enumerate(articles):
        y = row * ROW_HEIGHT + 2
        name = _article_name(article["template"])
        wording = article["modified"] - article["term_changed"]
        kept = compared - article["missing"] - article["modified"]
        body.append(_text(LABEL_WIDTH - 8, y + 13, _shorten(name, LABEL_COLUMNS), anchor="end"))
        x = LABEL_WIDTH
        for key, documents in (("missing", article["missing"]), ("term_changed", article["term_changed"]),
                               ("modified", wording), ("kept", kept)):
            width = BAR_WIDTH * documents / compared
            body.append(_bar(x, y, width, COLOURS[key], f"{name}：{compared}件中{documents}件"))
            x += width
        note = (f"欠落 {article['missing']} · 変更 {article['modified']} · "
                f"乖離度 {article['drift']:.3f}")
        body.append(_text(LABEL_WIDTH + BAR_WIDTH + 8, y + 13, note, css="note"))
    return _svg(len(articles), body, label="雛形の条ごとの文書数")


def _term_charts(articles: Sequence[Mapping[str, Any]]) -> str:
    charts = []
    for article in articles:
        for distribution in article["terms"]:
            if distribution["values"]:
                charts.append(_term_chart(article["template"], distribution))
    return "\n".join(charts) or "<p>雛形の条に条件値は見つかりませんでした。</p>"


def _term_chart(ref: Mapping[str, Any], distribution: Mapping[str, Any]) -> str:
    """One bar per value of a term, the template's value in its own colour, the documents without it last."""
    values = distribution["values"]
    template_keys = {(_key(value["value"]), value["unit"]) for value in distribution["template"]}
    rows = [(value["text"], value["count"], (_key(value["value"]), value["unit"]) in template_keys,
             ", ".join(value["documents"])) for value in values]
    if distribution["absent"]:
        absent_in = ", ".join(distribution["absent_in"])
        rows.append(("（なし）", distribution["absent"], not template_keys, absent_in))
    most = max(count for _, count, _, _ in rows) or 1
    body = []
    for row, (text, count, is_template, holders) in enumerate(rows):
        y = row * ROW_HEIGHT + 2
        shown = _shorten(" ".join(str(text).split()), LABEL_COLUMNS)
        body.append(_text(LABEL_WIDTH - 8, y + 13, shown, anchor="end"))
        colour = COLOURS["template"] if is_template else COLOURS["value"]
        body.append(_bar(LABEL_WIDTH, y, BAR_WIDTH * count / most, colour, f"{text}: {holders}"))
        note = f"{count}件" + (" · 雛形の値" if is_template else "")
        body.append(_text(LABEL_WIDTH + BAR_WIDTH * count / most + 6, y + 13, note, css="note"))
    heading = f"{_article_name(ref)} — {distribution['label']}"
    return (f'<figure class="term"><figcaption>{escape(heading)}</figcaption>'
            + _svg(len(rows), body, label=heading) + "</figure>")


def _key(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` columns, a full-width character taking two, with … where it was cut."""
    columns = 0
    for index, char in enumerate(text):
        columns += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if columns > limit:
            return text[:max(index - 1, 0)] + "…"
    return text


def _documents_table(documents: Sequence[Mapping[str, Any]]) -> str:
    columns = [("文書", "text"), ("乖離度", "number"), ("雛形", "text"), ("欠落", "number"),
               ("追加", "number"),
               ("変更", "number"), ("条件値の変更", "number"), ("書式のみ", "number"),
               ("エラー", "text")]
    head = "".join(
        f'<th data-type="{kind}"' + (' aria-sort="descending"' if index == 1 else "") + f">{name}</th>"
        for index, (name, kind) in enumerate(columns))
    # Most drifted first among those drafted on the template, then those on another template
    # (their drift says little), then the documents that failed.
    order = sorted(range(len(documents)),
                   key=lambda i: (documents[i]["drift"] is None, documents[i].get("same_template") is False,
                                  -(documents[i]["drift"] or 0), i))
    rows = []
    for index in order:
        document = documents[index]
        drift = document["drift"]
        drift_cell = ('<td data-value="-1">—</td>' if drift is None else
                      f'<td data-value="{drift}"><span class="track"><span class="meter" '
                      f'style="width:{drift * 100:.0f}%"></span></span> {drift:.3f}</td>')
        counts = [len(document["missing"]), len(document["extra"]), len(document["modified"]),
                  _term_changes(document), len(document["formatting_only"])]
        same = document.get("same_template")
        share = document.get("template_share")
        css = ' class="other"' if same is False else ""
        template_cell = ('<td data-value="-1"></td>' if share is None else
                         f'<td data-value="{int(same is True)}" title="雛形の条の保持率 {share:.2f}"{css}>'
                         f'{SAME_TEMPLATE_LABELS[same]}</td>')
        rows.append(
            f'<tr><td><a href="#doc-{index}">{escape(document["name"])}</a></td>{drift_cell}{template_cell}'
            + "".join(f'<td data-value="{n}">{n}</td>' for n in counts)
            + f'<td class="error">{escape(_error(document))}</td></tr>')
    return (f'<table class="sortable"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _document_detail(index: int, document: Mapping[str, Any]) -> str:
    name = escape(document["name"])
    if document["error"]:
        return (f'<article id="doc-{index}"><h3>{name}</h3>'
                f'<p class="error">{escape(_error(document))}</p></article>')
    parts = [f'<article id="doc-{index}"><h3>{name} <small>乖離度 {document["drift"]:.3f}</small></h3>']
    if document.get("same_template") is False:
        parts.append(f'<p class="other">雛形の条のうち、半分以上をそのまま残した条は'
                     f'{document["template_share"]:.0%}だけです。別の雛形で作られた契約とみられ、'
                     "乖離度は雛形からの変更を表していません。</p>")
    if document["missing"]:
        parts.append("<p><b>欠落</b> " + "、".join(escape(_article_name(ref)) for ref in document["missing"])
                     + "</p>")
    if document["formatting_only"]:
        parts.append("<p><b>書式のみ</b> " + "、".join(
            escape(entry["document"]["label"]) for entry in document["formatting_only"]) + "</p>")
    if not (document["missing"] or document["extra"] or document["modified"]):
        parts.append("<p>雛形の条と同じです（書式の違いを除く）。</p>")
    for entry in document["modified"]:
        template, label = entry["template"], entry["document"]["label"]
        renumbered = f" → {label}" if label != template["label"] else ""
        parts.append(_clause(entry, _article_name(template) + renumbered))
    for entry in document["extra"]:
        parts.append(_clause(entry, f"{_article_name(entry['document'])}（雛形にない条）"))
    parts.append('<p class="top"><a href="#documents">↑ 文書の一覧へ</a></p></article>')
    return "\n".join(parts)


def _clause(entry: Mapping[str, Any], heading: str) -> str:
    # A report saved before changes carried favours reads without it.
    notes = (summary_note(change["summary"], change["direction"], change.get("favours"))
             for change in entry["changes"])
    changes = "".join(f"<li>{escape(note)}</li>" for note in notes)
    redline = "".join(_segment(segment) for segment in entry["redline"])
    return (f'<details open><summary>{escape(heading)} <small>乖離度 {entry["drift"]:.3f}</small></summary>'
            + (f'<ul class="changes">{changes}</ul>' if changes else "")
            + f'<div class="redline">{redline}</div></details>')


def _segment(segment: Mapping[str, str]) -> str:
    text = escape(segment["text"])
    if segment["op"] == "insert":
        return f"<ins>{text}</ins>"
    if segment["op"] == "delete":
        return f"<del>{text}</del>"
    return text


STYLE = """
body { font-family: system-ui, "Hiragino Sans", "Noto Sans JP", "Yu Gothic", sans-serif; margin: 0 auto;
       max-width: 1000px; padding: 1rem 1.5rem 4rem; color: #1c2833; line-height: 1.55; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #d5dbe0; }
nav { margin: .5rem 0 1rem; } a { color: #1f618d; }
.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
.chart text { fill: #1c2833; } .chart text.note { fill: #566573; }
.legend { font-size: .9rem; } .swatch { display: inline-block; width: .9em; height: .9em;
          margin: 0 .3em 0 .9em; vertical-align: -0.1em; }
.swatch.missing { background: #c0392b; } .swatch.term_changed { background: #e67e22; }
.swatch.modified { background: #f1c40f; } .swatch.kept { background: #d5dbe0; }
.swatch.template { background: #2e86c1; margin-left: .2em; }
figure.term { margin: 1rem 0; } figcaption { font-weight: 600; font-size: .95rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #e5e8e8; text-align: left; vertical-align: top; }
th { cursor: pointer; user-select: none; background: #f4f6f7; position: sticky; top: 0; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td[data-value] { text-align: right; white-space: nowrap; }
.track { display: inline-block; width: 60px; height: .7em; background: #eef0f1; }
.meter { display: block; height: 100%; background: #c0392b; }
.error, .failed { color: #c0392b; }
.other { color: #7d3c98; }
details { margin: .5rem 0; border-left: 3px solid #d5dbe0; padding-left: .7rem; }
summary { cursor: pointer; font-weight: 600; }
.redline { white-space: pre-wrap; font-size: .92rem; background: #fbfcfc; padding: .4rem; }
ins { background: #d4efdf; color: #145a32; text-decoration: underline; }
del { background: #fadbd8; color: #922b21; text-decoration: line-through; }
.changes { margin: .3rem 0; } small { color: #566573; font-weight: normal; }
.top { font-size: .85rem; }
"""

SCRIPT = """
document.querySelectorAll("table.sortable th").forEach((th, column) => {
  th.addEventListener("click", () => {
    const table = th.closest("table"), numeric = th.dataset.type === "number";
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(other => other.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = row => { const cell = row.cells[column];
      return numeric ? parseFloat(cell.dataset.value) : cell.textContent.trim(); };
    const rows = Array.from(table.tBodies[0].rows).sort((a, b) => {
      const x = key(a), y = key(b);
      const order = numeric ? x - y : x.localeCompare(y, "ja");
      return ascending ? order : -order;
    });
    table.tBodies[0].append(...rows);
  });
});
"""
